/**
 * What an event changed, in one German line for the Verlauf, `gremienlauf history` and the API:
 * "befristet bis 31.12.2027 → 30.06.2029", "Federführung: + Hessen", "Verlängerung beantragt bis
 * 31.12.2027: Begründung …". Built from the event's data and the body's context before and after
 * it (replay supplies both). Contact persons are counted, never named: names are personal data
 * and stay in the contacts table.
 *
 * Pure: no clock.
 */
import type { BodyContext, ReportObligation } from './body.context';
import { approvedUntilAsWritten } from './body.context';
import type { Deadline, Successor } from './body.events';
import { germanDate, type CivilDate } from './dates';
import { PROFILE_LABELS, reportName } from './labels';
import { describeDeadline, sameDeadline } from './deadlines';
import { describeRecurrence } from './recurrence';
import { openRequests } from './requests';
import { describeTermEnd, describeTermEndWithDay, termEndDate, type TermEnd } from './term-end';
import { addresseeName, EVENT_TYPES, type StoredEventType } from './vocabulary';

type Data = Record<string, unknown>;

/**
 * The event types whose summary reads the body's context *before* the event: an extension names
 * the old term, a lead change lists who came and went, an approval lists the obligations it
 * added. Every other summary is written from the event's data and the context after it alone.
 * Replay knows both contexts; an answer taken from a stored projection knows only the one after
 * the last event, so it can stand in for replay only where that event's type is not listed here.
 * summaries.spec.ts fails when a summary reads the context before without being listed.
 */
export const SUMMARIES_READING_CONTEXT_BEFORE: ReadonlySet<StoredEventType> = new Set<StoredEventType>([
  'approved',
  'extended',
  'madePermanent',
  'extensionRequested',
  'closureInitiated',
  'renamed',
  'leadsChanged',
  'participantsChanged',
  'reclassified',
  'reportRequested',
  'reportSubmitted',
  'reportSeriesEnded',
  'termExpiring',
  'termExpired',
]);

const STORED_EVENT_TYPES: ReadonlySet<string> = new Set<StoredEventType>(['registered', 'machineUpgraded', ...EVENT_TYPES]);

/**
 * True if the summary of an event of this type is written from its data and the context after
 * it alone: a type of the stream that is not listed above (an unknown type is not).
 */
export function summaryStandsOnContextAfter(type: string): boolean {
  return STORED_EVENT_TYPES.has(type) && !SUMMARIES_READING_CONTEXT_BEFORE.has(type as StoredEventType);
}

/**
 * The summary of an allowed event from its data and the context after it alone, for a type that
 * `summaryStandsOnContextAfter`; null for any other type. The context after stands in for the
 * one before, which these summaries never read (and which is there for every event but the
 * first): summaries.spec.ts shows the result is the same as with the real context before.
 */
export function summarizeFromContextAfter(type: string, data: unknown, after: BodyContext): string | null {
  if (!summaryStandsOnContextAfter(type)) return null;
  return summarizeEvent(type, data, type === 'registered' ? null : after, after);
}

/** The summary of one stored event; `before` is null for `registered`, `after` null when replay refused it. */
export function summarizeEvent(type: StoredEventType | string, data: unknown, before: BodyContext | null, after: BodyContext | null): string {
  const d = (data ?? {}) as Data;
  const parts = describe(type, d, before, after ?? before).filter((part) => part !== '');
  if (typeof d.note === 'string' && d.note !== '') parts.push(`Vermerk: ${d.note}`);
  return parts.join('; ');
}

function describe(type: string, d: Data, before: BodyContext | null, after: BodyContext | null): string[] {
  switch (type) {
    case 'registered': {
      const p = after?.profile;
      if (!p) return [];
      const predecessors = (d.predecessors as Successor[] | undefined) ?? [];
      return [
        `${p.kind} unter ${p.parent}`,
        `Federführung: ${p.leads.join(', ')}`,
        `Beginn ${germanDate(p.start)}${p.expectedEnd ? `, voraussichtlich bis ${describeTermEnd(p.expectedEnd)}` : ''}`,
        predecessors.length ? `ersetzt ${predecessors.map((s) => s.name).join(', ')}` : '',
      ];
    }
    case 'revised':
      return [`geändert: ${Object.keys(d).filter((k) => k !== 'note').map((k) => (PROFILE_LABELS as Record<string, string>)[k] ?? k).join(', ')}`];
    case 'machineUpgraded':
      // The chart's versions, told apart from the numbers of the body's events beside them.
      return [`Regeln des Lebenslaufs von Version ${String(d.fromVersion)} auf ${String(d.toVersion)} umgestellt`];
    case 'approved': {
      const term = d.permanent ? 'dauerhaft (bis auf Weiteres)' : `befristet bis ${describeTermEndWithDay(d.approvedUntil as TermEnd)}`;
      return [term, ...added(before, after).map((o) => `Berichtspflicht: ${obligation(o, after?.obligations)}`)];
    }
    case 'extended': {
      // The day of the event is the one the extension cited its decision on (`extended` must cite one); a refused one cited none.
      const cited = after !== before ? after?.decisions.at(-1) : undefined;
      const on: CivilDate | null = cited?.event === 'extended' ? cited.on : null;
      const over = on !== null && termEndDate(d.approvedUntil as TermEnd) < on;
      return [
        `befristet bis ${termOf(before)} → ${describeTermEndWithDay(d.approvedUntil as TermEnd)}`,
        over ? `das neue Ende lag am ${germanDate(on)} schon zurück: die Laufzeit ist abgelaufen und braucht einen weiteren Beschluss` : '',
      ];
    }
    case 'madePermanent':
      return [`befristet bis ${termOf(before)} → dauerhaft (entfristet)`];
    case 'extensionRequested': {
      // Of several unanswered requests only the latest is open: one still open is replaced.
      const replaced = before && openRequests(before).some((r) => r.kind === 'extensionRequest') ? before.extensionRequests?.at(-1) : undefined;
      const replacing = replaced ? `; ersetzt den offenen Antrag bis ${describeTermEndWithDay(replaced.asWritten ?? replaced.approvedUntil)} vom ${germanDate(replaced.on)}` : '';
      return [
        `Verlängerung beantragt bis ${describeTermEndWithDay(d.approvedUntil as TermEnd)} (bisher ${termOf(before)}${replacing}): ${String(d.justification)}`,
        typeof d.receivedOn === 'string' ? `eingegangen am ${germanDate(d.receivedOn)}` : '',
      ];
    }
    case 'renamed':
      return [
        `Titel: ${before?.profile.title ?? '–'} → ${after?.profile.title ?? String(d.title)}`,
        before && after && before.profile.shortName !== after.profile.shortName
          ? `Kurzbezeichnung: ${before.profile.shortName ?? '–'} → ${after.profile.shortName ?? '–'}`
          : '',
      ];
    case 'leadsChanged':
      return [
        listChange('Federführung', before?.profile.leads, after?.profile.leads),
        countChange('Ansprechpersonen', before?.profile.contactIds, after?.profile.contactIds),
      ];
    case 'participantsChanged':
      return [listChange('Mitwirkung', before?.profile.participants, after?.profile.participants)];
    case 'reclassified':
      return [
        before && after && before.profile.kind !== after.profile.kind ? `Art: ${before.profile.kind} → ${after.profile.kind}` : '',
        before && after && before.profile.parent !== after.profile.parent ? `übergeordnet: ${before.profile.parent} → ${after.profile.parent}` : '',
      ];
    case 'reportRequested':
      return added(before, after).map((o) => obligation(o, after?.obligations));
    case 'reportDue': {
      // Since version 3 a recurring report falling due opens its next period (read from the context after: versions 1 and 2 have none yet).
      const o = find(after, d.obligationId);
      const next = o?.recurrence ? after?.obligations.find((x) => x.series === (o.series ?? o.id) && x.period === (o.period ?? 1) + 1) : undefined;
      return [
        o ? named(o, after) : String(d.obligationId),
        next ? `nächster ${next.kind} ${describeDeadline(next.due)}` : '',
      ];
    }
    case 'reportOverdue':
    case 'reportAcknowledged': {
      const o = find(after, d.obligationId);
      return [o ? named(o, after) : String(d.obligationId)];
    }
    case 'reportSubmitted': {
      const o = find(after, d.obligationId);
      const next = added(before, after)[0];
      return [
        o ? named(o, after) : String(d.obligationId),
        typeof d.receivedOn === 'string' ? `eingegangen am ${germanDate(d.receivedOn)}` : '',
        typeof d.documentRef === 'string' ? `Fundstelle ${d.documentRef}` : '',
        next ? `nächster ${next.kind} ${describeDeadline(next.due)}` : '',
      ];
    }
    case 'reportRescheduled': {
      const o = find(after, d.obligationId);
      const from = o?.rescheduled?.at(-1)?.from;
      return [
        o ? `${reportName(o, after?.obligations)} an ${addresseeName(o.addressee)}: Frist ${from ? `${describeDeadline(from)} → ` : ''}${describeDeadline(o.due)}` : String(d.obligationId),
        reason(d),
      ];
    }
    case 'reportWaived': {
      const o = find(after, d.obligationId);
      const next = o?.recurrence ? after?.obligations.find((x) => x.series === (o.series ?? o.id) && x.period === (o.period ?? 1) + 1) : undefined;
      return [
        o ? `${named(o, after)}, entfällt` : String(d.obligationId),
        reason(d),
        next ? `nächster ${next.kind} ${describeDeadline(next.due)}` : '',
      ];
    }
    case 'reportSeriesEnded': {
      // Since version 4: the series' open periods from the day on are dropped; name them, and those still owed.
      const o = find(after, d.obligationId);
      const series = o?.series ?? o?.id;
      const periods = (after?.obligations ?? []).filter((x) => x.recurrence && (x.series ?? x.id) === series);
      const dropped = periods.filter((x) => x.state === 'waived' && find(before, x.id)?.state !== 'waived');
      const owed = periods.filter((x) => x.state === 'pending' || x.state === 'due' || x.state === 'overdue');
      const listed = (list: ReportObligation[]) => `${list.length === 1 ? 'Frist' : 'Fristen'} ${list.map((x) => describeDeadline(x.due)).join(', ')}`;
      return [
        o?.recurrence
          ? `${reportName(o, after?.obligations)} an ${addresseeName(o.addressee)}, ${describeRecurrence(o.recurrence)}: ab ${germanDate(String(d.from))} nicht mehr geschuldet`
          : String(d.obligationId),
        dropped.length ? `entfällt: ${listed(dropped)}` : '',
        owed.length ? `bleibt geschuldet: ${listed(owed)}` : '',
        reason(d),
      ];
    }
    case 'extensionDeclined': {
      const request = after?.extensionRequests?.at(-1);
      return [
        request ? `Verlängerung bis ${describeTermEndWithDay(request.asWritten ?? request.approvedUntil)} (beantragt am ${germanDate(request.on)}) abgelehnt` : '',
        reason(d),
      ];
    }
    case 'closureInitiated': {
      // Version 3 moves an open Abschlussbericht to the closure's Frist: name the one it had.
      const moved = (after?.obligations ?? []).flatMap((o) => {
        const was = o.kind === 'Abschlussbericht' ? find(before, o.id) : undefined;
        return was && !sameDeadline(was.due, o.due) ? [`${reportName(o, after?.obligations)} an ${addresseeName(o.addressee)}: Frist ${describeDeadline(was.due)} → ${describeDeadline(o.due)}`] : [];
      });
      return [...(moved.length ? moved : [`Abschlussbericht ${describeDeadline(d.finalReportDue as Deadline)}`]), reason(d)];
    }
    case 'closed':
      return [d.successor ? `Nachfolge: ${(d.successor as Successor).name}` : `ohne Nachfolgestruktur: ${String(d.noSuccessorReason)}`];
    case 'transferred':
      return [`überführt in ${(d.successor as Successor).name}`];
    case 'started':
      return [after?.startedOn ? `Beginn der Tätigkeit am ${germanDate(after.startedOn)}` : ''];
    case 'termExpiring':
      return [`befristet bis ${termOf(before)}`];
    case 'termExpired':
      return [`befristet bis ${termOf(before)}; die Laufzeit ist abgelaufen und wartet auf einen Beschluss`];
    case 'submitted':
      return [];
    default:
      return [reason(d)];
  }
}


function reason(d: Data): string {
  return typeof d.reason === 'string' && d.reason !== '' ? `Begründung: ${d.reason}` : '';
}

function termOf(context: BodyContext | null): string {
  if (!context) return '–';
  if (context.permanent) return 'dauerhaft';
  const term = approvedUntilAsWritten(context);
  return term ? describeTermEndWithDay(term) : '–';
}

function obligation(o: ReportObligation, obligations?: readonly ReportObligation[]): string {
  return `${reportName(o, obligations)} an ${addresseeName(o.addressee)}, Frist ${describeDeadline(o.due)}${o.recurrence ? `, ${describeRecurrence(o.recurrence)}` : ''}`;
}

/**
 * A report as the history names it to people: by its name, addressee and Frist, which tell it
 * apart (the period of a recurring series too); its id (`r1`) is the log's, not theirs.
 */
function named(o: ReportObligation, after: BodyContext | null): string {
  return `${reportName(o, after?.obligations)} an ${addresseeName(o.addressee)}, Frist ${describeDeadline(o.due)}`;
}

function added(before: BodyContext | null, after: BodyContext | null): ReportObligation[] {
  const known = new Set((before?.obligations ?? []).map((o) => o.id));
  return (after?.obligations ?? []).filter((o) => !known.has(o.id));
}

function find(context: BodyContext | null, id: unknown): ReportObligation | undefined {
  return context?.obligations.find((o) => o.id === id);
}

/** `Federführung: + Hessen, − Bremen`. */
function listChange(label: string, before: string[] = [], after: string[] = []): string {
  const plus = after.filter((x) => !before.includes(x)).map((x) => `+ ${x}`);
  const minus = before.filter((x) => !after.includes(x)).map((x) => `− ${x}`);
  return plus.length + minus.length > 0 ? `${label}: ${[...plus, ...minus].join(', ')}` : `${label} unverändert`;
}

/** `Ansprechpersonen: + 1, − 2` (counted: the names are personal data). */
function countChange(label: string, before: string[] = [], after: string[] = []): string {
  const plus = after.filter((x) => !before.includes(x)).length;
  const minus = before.filter((x) => !after.includes(x)).length;
  const parts = [plus ? `+ ${plus}` : '', minus ? `− ${minus}` : ''].filter(Boolean);
  return parts.length ? `${label}: ${parts.join(', ')}` : '';
}
