import type { BodyContext, ReportObligation } from '../../machines/body.context';
import type { Deadline, PlannedReport } from '../../machines/body.events';
import { berlinDate, germanDate, type CivilDate, type Instant } from '../../machines/dates';
import { daysBetween, overdueSince, sameDeadline, weekdayName, type DeadlineResolution } from '../../machines/deadlines';
import { reportName } from '../../machines/labels';
import type { ReminderTimer } from '../../machines/timers';
import { ROLE_LABELS } from '../auth/roles';
import { leadsLine } from '../outbox/current-leads';

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
  /**
   * Per report whose Frist was moved (`reportRescheduled`) before the closure: how many moves came
   * before it, and the Frist the last of them gave. Absent: not read, as if none came before it.
   */
  movedBefore?: Readonly<Record<string, { moves: number; due: Deadline }>>;
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
    leadsLine(context.profile.leads),
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

/** A move of a report's Frist as the context keeps it (`reportRescheduled`). */
type FristMove = NonNullable<ReportObligation['rescheduled']>[number];

/**
 * The decision a report's reminder cites, or what set its Frist without one (`without`, the words
 * in „keiner (…)“). The event that set the Frist as it now stands decides (`fristSetter`): a move
 * cites its decision, or says on which day and by whom it was made without one; a closure cites
 * its decision, or says it set the Frist without one. Where no later event set it, a requested
 * report cites the decision its request cites (for a later period of a recurring series: its
 * first period's, whose rule sets every period's Frist), and none for a request without one;
 * else the approval, which planned it.
 */
function reportDecision(
  decisions: ReminderFacts['decisions'],
  context: BodyContext,
  obligation: ReportObligation,
  closure: ClosureFacts | null,
  requests: RequestFacts | null,
): { decision: CitingDecision | undefined; without?: string } {
  const first = obligation.recurrence && obligation.series ? obligation.series : obligation.id;
  const request = requests ? requestOf(first, context.obligations, requests) : undefined;
  const setter = fristSetter(obligation, closure, createdDue(context, obligation, request, requests));
  if (setter?.move) {
    const { move } = setter;
    if (move.decision === null) return { decision: undefined, without: setWithout('Frist', move.on, 'verschoben', requests?.movedBy?.[obligation.id]) };
    return { decision: cited(decisions, context, (d) => d.event === 'reportRescheduled' && d.number === move.decision && d.on === move.on) };
  }
  if (setter?.closure) {
    if (setter.closure.decision === null) {
      const on = setter.closure.on ?? context.closureInitiatedOn ?? undefined;
      return { decision: undefined, without: setWithout('Frist', on, 'mit Einleitung des geordneten Abschlusses festgelegt', setter.closure.by) };
    }
    const decision = cited(decisions, context, (d) => d.event === 'closureInitiated');
    if (decision) return { decision };
  }
  if (!request) return { decision: citedDecision(decisions, 'report') };
  return request.decision ? { decision: request.decision } : { decision: undefined, without: setWithout('Berichtspflicht', request.on, 'festgelegt', request.by) };
}

/**
 * The event that set a report's current Frist, unless the one that created the report did: the
 * latest of its moves (`reportRescheduled`) and, for an Abschlussbericht, the closure that set its
 * Frist (`closureSetAt`), by their order in the log. `created` is the Frist the report was
 * created with, where the facts tell.
 */
function fristSetter(obligation: ReportObligation, closure: ClosureFacts | null, created: Deadline | undefined): { move?: FristMove; closure?: ClosureFacts } | undefined {
  const moves = obligation.rescheduled ?? [];
  if (closure && closureSetAt(obligation, closure, created) === moves.length) return { closure };
  const last = moves[moves.length - 1];
  return last && { move: last };
}

/**
 * After how many of the report's moves the closure set its Frist, or undefined where it set none.
 * A closure sets the final report's Frist it leaves behind: since version 3 of the chart every open
 * final report takes it, before that only one the closure added itself, while one owed already
 * kept its own (so on versions 1 and 2 a final report with a Frist of its own is not the
 * closure's). Recorded without a decision, it must also have changed the Frist: naming the one
 * the report had already, it leaves it resting on the event that set it.
 */
function closureSetAt(obligation: ReportObligation, closure: ClosureFacts, created: Deadline | undefined): number | undefined {
  if (obligation.kind !== 'Abschlussbericht') return undefined;
  const before = closure.movedBefore?.[obligation.id];
  const at = before?.moves ?? 0;
  const after = obligation.rescheduled?.[at]?.from ?? obligation.due;
  if (!sameDeadline(after, closure.finalReportDue)) return undefined;
  const previous = before ? before.due : created;
  const unchanged = previous !== undefined && sameDeadline(previous, closure.finalReportDue);
  return unchanged && closure.decision === null ? undefined : at;
}

/**
 * The Frist a report was created with, where the facts tell: its request's, or the one the
 * registration or approval planned. Undefined for a final report the closure added, and where
 * the facts were not read.
 */
function createdDue(context: BodyContext, obligation: ReportObligation, request: ReportRequest | undefined, requests: RequestFacts | null): Deadline | undefined {
  if (request) return request.report.due;
  const at = context.obligations.findIndex((o) => o.id === obligation.id);
  return requests !== null && at < requests.planned ? requests.plannedDue?.[at] : undefined;
}

/** The decision, as the body's events cite it, of the latest event the context lists as `matching`. */
function cited(decisions: ReminderFacts['decisions'], context: BodyContext, matching: (entry: BodyContext['decisions'][number]) => boolean) {
  const found = context.decisions.filter(matching).at(-1);
  if (!found) return undefined;
  return decisions.filter((d) => d.number === found.number && d.issuer === found.issuer && d.event === found.event).at(-1);
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
