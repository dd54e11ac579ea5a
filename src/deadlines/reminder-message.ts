import type { BodyContext, ReportObligation } from '../../machines/body.context';
import type { Deadline, PlannedReport } from '../../machines/body.events';
import { berlinDate, germanDate, type CivilDate, type Instant } from '../../machines/dates';
import { daysBetween, overdueSince, sameDeadline, weekdayName, type DeadlineResolution } from '../../machines/deadlines';
import { reportName } from '../../machines/labels';
import type { ReminderTimer } from '../../machines/timers';
import { ROLE_LABELS } from '../auth/roles';

export interface ReminderMessage {
  subject: string;
  text: string;
  /**
   * Whether the e-mail goes to the Geschäftsstelle as well as to the body's contact persons: when
   * the policy escalates the reminder, and whenever it tells of an overdue report or an expired
   * term on the day it is written.
   */
  secretariat: boolean;
  /** The JSON document webhooks receive. */
  webhook: Record<string, unknown>;
}

/** What the body's (latest) `closureInitiated` decided for the final report: its Frist. */
export interface ClosureFacts {
  finalReportDue: Deadline;
  /**
   * The number of the decision it cites, null for none (absent: not read). With none, a final
   * report whose Frist it set cites no decision: neither the approval nor any other.
   */
  decision?: string | null;
  /** The day of the event and the role of whoever recorded it (`secretariat`), where known. */
  on?: CivilDate;
  by?: string;
}

/** A decision as a body's event cites it: its number, issuer and own date, and the citing event's type. */
type CitingDecision = { number: string; issuer: string; date: string; event: string };

/** A `reportRequested` event: the report it asked for and the decision it cites (null for none). */
export interface ReportRequest {
  report: Pick<PlannedReport, 'kind' | 'addressee' | 'due' | 'recurrence'>;
  decision: CitingDecision | null;
  /** The day of the event and the role of whoever recorded it (`secretariat`), where known. */
  on?: CivilDate;
  by?: string;
}

/**
 * The body's report requests in the order recorded, and how many reports its registration and
 * approval planned: those are its first obligations (`r1` …), the requested ones come after. A
 * report the facts know as requested never cites the approval, which did not ask for it.
 */
export interface RequestFacts {
  planned: number;
  requests: readonly ReportRequest[];
  /** The Fristen the registration and approval planned (`r1` …), where read: a final report the closure moved no longer has its own. */
  plannedDue?: readonly Deadline[];
  /** Per obligation, the role of whoever recorded its latest `reportRescheduled`, where read. */
  movedBy?: Readonly<Record<string, string>>;
}

export interface ReminderFacts {
  timer: ReminderTimer;
  bodyId: string;
  context: BodyContext;
  /** The watched Frist as the deadlines table holds it. */
  deadline: { label: string; resolution: DeadlineResolution } | null;
  /** The decisions the body's events cite, with their own dates (not the events'), in order. */
  decisions: ReadonlyArray<CitingDecision>;
  /** The body's report requests (null or absent: not read; the reports then count as planned). */
  requests?: RequestFacts | null;
  /** The closure's Frist for the final report, where the body's closure was initiated (else null or absent). */
  closure?: ClosureFacts | null;
  /** When the reminder is written (the sweep's time): "noch 7 Tage" counts from here. */
  now: Instant;
  link: string;
  /** Whether the Geschäftsstelle has an e-mail address (SECRETARIAT_EMAIL): without one no mail says it is informed. */
  secretariatAddress?: boolean;
}

/** "noch 1 Tag", "noch 7 Tage". */
const stillLeft = (n: number) => (n === 1 ? 'noch 1 Tag' : `noch ${n} Tage`);
const longDate = (date: string) => `${weekdayName(date)}, ${germanDate(date)}`;

/** The German reminder e-mail and the webhook document for a reminder that fell due. */
export function reminderMessage({ timer, bodyId, context, decisions, requests = null, closure = null, deadline, now, link, secretariatAddress = false }: ReminderFacts): ReminderMessage {
  const r = timer.reminder;
  const title = context.profile.title;
  const today = berlinDate(now);
  const left = daysBetween(today, r.deadlineOn);
  // The recipients follow the words, which follow the day the mail is written: the reminder on
  // the day of the Frist, written only after it (after downtime, or for a body entered late),
  // tells of an overdue report, and the Geschäftsstelle hears of that when the lead does.
  const secretariat = r.escalate || left < 0;
  const obligation = r.obligationId ? context.obligations.find((o) => o.id === r.obligationId) : undefined;
  // Named as the Fristen page names it: two Zwischenberichte must be told apart by their titles.
  const what = r.subject === 'report' ? (obligation ? reportName(obligation, context.obligations) : 'Bericht') : 'Laufzeit';
  const { decision, without } =
    r.subject === 'report' && obligation ? reportDecision(decisions, context, obligation, closure, requests) : { decision: citedDecision(decisions, r.subject), without: undefined };
  // The end the reminder watches was set by an extension: „ohne Verlängerung“ would contradict the
  // Beschluss line (and an extension recorded after its new end leaves the term expired at once).
  const extension = r.subject === 'term' && decision?.event === 'extended' && context.approvedUntil === r.deadlineOn ? decision : undefined;

  const subject =
    r.subject === 'report'
      ? left > 0
        ? `Erinnerung: ${what} fällig am ${germanDate(r.deadlineOn)} (${stillLeft(left)}) – ${title}`
        : left === 0
          ? `Heute fällig: ${what} – ${title}`
          : `Überfällig seit ${germanDate(overdueSince(r.deadlineOn))}: ${what} – ${title}`
      : left > 0
        ? `Erinnerung: Laufzeit endet am ${germanDate(r.deadlineOn)} (${stillLeft(left)}) – ${title}`
        : left === 0
          ? `Heute letzter Tag der Laufzeit: ${germanDate(r.deadlineOn)} – ${title}`
          : `Laufzeit ${endedWith(r.deadlineOn)} abgelaufen, Beschluss erforderlich – ${title}`;

  const resolution = deadline?.resolution;
  const moved = resolution?.resolved && resolution.rule ? ` (ursprünglich ${longDate(resolution.originalDate)}; verschoben nach ${resolution.rule.citation})` : '';
  const lines = [
    'Guten Tag,',
    '',
    'dies ist eine automatische Erinnerung aus Gremienlauf.',
    '',
    `Gremium: ${title}${context.profile.shortName ? ` (${context.profile.shortName})` : ''}, ${context.profile.kind} unter ${context.profile.parent}`,
    `Federführung: ${context.profile.leads.join(', ')}`,
    `Frist: ${deadline?.label ?? what}${resolution ? `, ${resolution.description}` : ''}`,
    `${r.subject === 'report' ? 'Fällig am' : 'Befristet bis'}: ${longDate(r.deadlineOn)}${moved}`,
    `Stand: ${state(r.subject, r.deadlineOn, left)}`,
    `Beschluss: ${decision ? `${decision.number} vom ${germanDate(decision.date)} (${decision.issuer})` : without ? `keiner (${without})` : 'keiner erfasst'}`,
    `Link: ${link}`,
    '',
    advice(r.subject, left, secretariat && secretariatAddress, extension && { number: extension.number, until: r.deadlineOn }),
    '',
    'Diese Nachricht wurde automatisch erstellt. Fragen beantwortet die Geschäftsstelle.',
  ];

  return {
    subject,
    text: lines.join('\n'),
    secretariat,
    webhook: {
      type: 'reminder',
      reminderKey: timer.key,
      bodyId,
      bodyTitle: title,
      subject: r.subject,
      phase: r.phase,
      obligationId: r.obligationId,
      deadline: {
        key: timer.deadlineKey,
        label: deadline?.label ?? what,
        originalDate: resolution?.resolved ? resolution.originalDate : r.deadlineOn,
        effectiveDate: r.deadlineOn,
        rule: resolution?.resolved ? resolution.rule : null,
      },
      daysLeft: left,
      escalated: secretariat,
      decision: decision ? { number: decision.number, issuer: decision.issuer, date: decision.date, event: decision.event } : null,
      link,
      dueAt: timer.dueAt,
      writtenAt: now,
    },
  };
}

/**
 * A term ends with its last day, as German administrative usage says: „mit Ablauf des
 * 31.03.2025“. „abgelaufen am 01.04.2025“ would read one day late.
 */
const endedWith = (lastDay: string) => `mit Ablauf des ${germanDate(lastDay)}`;

/** Overdue from the day after the due date; a term has expired with its last day. */
function state(subject: 'report' | 'term', deadlineOn: string, left: number): string {
  if (left > 0) return stillLeft(left);
  if (left === 0) return subject === 'report' ? 'heute fällig' : 'endet heute';
  return subject === 'report'
    ? `überfällig seit ${germanDate(overdueSince(deadlineOn))}`
    : `${endedWith(deadlineOn)} abgelaufen`;
}

/** `informed`: the mail goes to the Geschäftsstelle's address as well, so it may say so. */
function advice(subject: 'report' | 'term', left: number, informed: boolean, extension?: { number: string; until: string }): string {
  if (subject === 'report') {
    if (left >= 0) return 'Bitte reichen Sie den Bericht fristgerecht bei der Geschäftsstelle ein.';
    return `Der Bericht liegt noch nicht vor. Bitte reichen Sie ihn umgehend ein${informed ? '; die Geschäftsstelle ist informiert' : ''}.`;
  }
  if (left < 0 && extension) {
    return `Die mit Beschluss ${extension.number} bis ${germanDate(extension.until)} verlängerte Laufzeit ist abgelaufen; ein weiterer Beschluss ist nötig (Verlängerung, Entfristung oder geordneter Abschluss).`;
  }
  return left >= 0
    ? 'Soll das Gremium über dieses Datum hinaus tätig sein, ist rechtzeitig eine Verlängerung oder Entfristung zu beschließen.'
    : 'Die Laufzeit ist abgelaufen, ohne dass eine Verlängerung beschlossen wurde. Bitte führen Sie einen Beschluss herbei (Verlängerung, Entfristung oder geordneter Abschluss).';
}

/**
 * The decision that set a report's current Frist, where the context records it: the latest
 * `reportRescheduled` of that obligation, or for an Abschlussbericht the `closureInitiated` whose
 * Frist it took, whichever came last. Undefined when neither did, or when the Frist was last
 * moved without a decision (then no decision set it).
 *
 * A final report took the closure's Frist when it has that Frist (or had it before a later move):
 * since version 3 of the chart every open final report takes it, before that only one the closure
 * added itself, while one owed already kept its own. So on versions 1 and 2 a final report with
 * a Frist of its own does not cite the closure.
 */
function fristDecision(decisions: ReminderFacts['decisions'], context: BodyContext, obligation: ReportObligation, closure: ClosureFacts | null) {
  const moves = obligation.rescheduled ?? [];
  const closes =
    obligation.kind === 'Abschlussbericht' &&
    closure !== null &&
    (sameDeadline(obligation.due, closure.finalReportDue) || moves.some((m) => sameDeadline(m.from, closure.finalReportDue)));
  if (moves.length === 0 && !closes) return undefined;
  const moved = (number: string, on: string) => moves.some((m) => m.decision === number && m.on === on);
  let setter: BodyContext['decisions'][number] | undefined;
  for (const cited of context.decisions) {
    if ((cited.event === 'closureInitiated' && closes) || (cited.event === 'reportRescheduled' && moved(cited.number, cited.on))) setter = cited;
  }
  const last = moves[moves.length - 1];
  if (last && last.decision === null && (!setter || last.on >= setter.on)) return undefined;
  if (!setter) return undefined;
  const found = setter;
  const matching = decisions.filter((d) => d.number === found.number && d.issuer === found.issuer && d.event === found.event);
  return matching[matching.length - 1];
}

/**
 * The decision a report's reminder cites, or what set its Frist without one (`without`, the words
 * in „keiner (…)“): the decision that set its current Frist (`fristDecision`); else a move
 * without a decision (the latest `reportRescheduled`), or for a final report the closure recorded
 * without one that set its Frist; else for a requested report the decision its request cites
 * while the Frist is still the requested one (for a later period of a recurring series: its first
 * period's, whose rule sets every period's Frist), and none for a request without one; else the
 * approval, which planned it.
 */
function reportDecision(
  decisions: ReminderFacts['decisions'],
  context: BodyContext,
  obligation: ReportObligation,
  closure: ClosureFacts | null,
  requests: RequestFacts | null,
): { decision: CitingDecision | undefined; without?: string } {
  const setter = fristDecision(decisions, context, obligation, closure);
  if (setter) return { decision: setter };
  const moves = obligation.rescheduled ?? [];
  const last = moves[moves.length - 1];
  if (last && last.decision === null) return { decision: undefined, without: setWithout('Frist', last.on, 'verschoben', requests?.movedBy?.[obligation.id]) };
  const first = obligation.recurrence && obligation.series ? obligation.series : obligation.id;
  const request = requests ? requestOf(first, context.obligations, requests) : undefined;
  if (!request && closure && closureSetWithout(context, obligation, closure, requests)) {
    const on = closure.on ?? context.closureInitiatedOn ?? undefined;
    return { decision: undefined, without: setWithout('Frist', on, 'mit Einleitung des geordneten Abschlusses festgelegt', closure.by) };
  }
  if (!request) return { decision: citedDecision(decisions, 'report') };
  if (moves.length > 0) return { decision: undefined };
  return request.decision ? { decision: request.decision } : { decision: undefined, without: setWithout('Berichtspflicht', request.on, 'festgelegt', request.by) };
}

/**
 * Whether a closure recorded without a decision set the final report's current Frist: it added
 * the report, or moved one the registration or approval planned with another Frist (since
 * version 3). One planned with that very Frist keeps citing the approval; unread facts change nothing.
 */
function closureSetWithout(context: BodyContext, obligation: ReportObligation, closure: ClosureFacts, requests: RequestFacts | null): boolean {
  if (closure.decision !== null || !requests || obligation.kind !== 'Abschlussbericht' || !sameDeadline(obligation.due, closure.finalReportDue)) return false;
  const at = context.obligations.findIndex((o) => o.id === obligation.id);
  if (at >= requests.planned) return true;
  const planned = requests.plannedDue?.[at];
  return planned !== undefined && !sameDeadline(planned, obligation.due);
}

/** A Frist set without a decision as a reminder names it: `Frist am 30.10.2025 verschoben von: Geschäftsstelle`. */
function setWithout(what: string, on: CivilDate | undefined, how: string, role: string | undefined): string {
  const by = role ? ((ROLE_LABELS as Record<string, string>)[role] ?? role) : null;
  return `${what}${on ? ` am ${germanDate(on)}` : ''} ${how}${by ? ` von: ${by}` : ''}`;
}

/**
 * The request that created obligation `id`, if one did. Each `reportRequested` appends one
 * obligation to the list, after those the registration and approval planned, so the requests,
 * in order, are found in order among the later obligations: by kind, addressee, first Frist and
 * recurrence (the title may change on submission). A later period of a series and a final report
 * the closure added lie between them; a request whose report the closure gave another Frist is
 * passed over.
 */
function requestOf(id: string, obligations: readonly ReportObligation[], { planned, requests }: RequestFacts): ReportRequest | undefined {
  let from = planned;
  for (const request of requests) {
    const at = obligations.findIndex((o, i) => i >= from && createdBy(o, request.report));
    if (at < 0) continue;
    if (obligations[at].id === id) return request;
    from = at + 1;
  }
  return undefined;
}

/** Whether the obligation is what the request asked for (a series' first period, as first due). */
function createdBy(obligation: ReportObligation, report: ReportRequest['report']): boolean {
  const firstPeriod = !obligation.series || obligation.series === obligation.id;
  return (
    firstPeriod &&
    obligation.kind === report.kind &&
    obligation.addressee === report.addressee &&
    obligation.recurrence?.everyMonths === report.recurrence?.everyMonths &&
    sameDeadline(obligation.rescheduled?.[0]?.from ?? obligation.due, report.due)
  );
}

/** The decision a reminder refers to: the approval, or for the term the latest that set its end. */
function citedDecision(decisions: ReminderFacts['decisions'], subject: 'report' | 'term') {
  const relevant = decisions.filter((d) => (subject === 'term' ? d.event === 'approved' || d.event === 'extended' : d.event === 'approved'));
  return relevant[relevant.length - 1];
}
