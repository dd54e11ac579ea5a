/**
 * Checks of a new command that the statechart does not make: the chart's rules are evaluated
 * again when recorded streams replay, so what only new commands may no longer do is refused
 * here. The write path asks with the event's day; the decision register asks with the decision's
 * (an effect is a command written down ahead), so that an effect that could never be carried
 * out is refused where it is written down.
 */
import {
  closureRefusalOnDueDates,
  describeDeadline,
  germanDate,
  resolveDeadline,
  sameDeadline,
  stateLabel,
  type BodyContext,
  type BodyEventType,
  type CivilDate,
  type Deadline,
  type DueDates,
  type PlannedReport,
  type ReportObligation,
  type Session,
} from '../../machines';
import type { Transaction } from '../database/database';

/** A Frist a command sets for a report: where in its data, and how messages name it. */
export interface FristSet {
  /** The field in the event's data, e.g. `finalReportDue`. */
  field: string;
  due: Deadline;
  /** `Die Frist des Abschlussberichts`. */
  what: string;
  /** To whom the report is owed (an issuer's id or name): whose sessions a month counts. Null when not known. */
  addressee: string | null;
}

/**
 * The Frist a report request, a closure or a reschedule sets, or null for any other command. The
 * body's context names the addressee of a closure's final report (the body's parent) and of a
 * rescheduled report; without it that is not known.
 */
export function fristSetBy(type: BodyEventType, data: unknown, context: Pick<BodyContext, 'profile' | 'obligations'> | null): FristSet | null {
  const d = data as { due?: Deadline; kind?: string; addressee?: string; finalReportDue?: Deadline; obligationId?: string };
  if (type === 'reportRequested' && d.due) return { field: 'due', due: d.due, what: `Die Frist des ${d.kind ?? 'Bericht'}s`, addressee: d.addressee ?? null };
  if (type === 'closureInitiated' && d.finalReportDue) {
    return { field: 'finalReportDue', due: d.finalReportDue, what: 'Die Frist des Abschlussberichts', addressee: context?.profile.parent ?? null };
  }
  if (type === 'reportRescheduled' && d.due) {
    const addressee = context?.obligations.find((o) => o.id === d.obligationId)?.addressee ?? null;
    return { field: 'due', due: d.due, what: 'Die neue Frist', addressee };
  }
  return null;
}

/**
 * Every Frist a command sets for a report: the one `fristSetBy` names, or each report an approval
 * plans (`reports[0].due`), owed to its addressee. An approval's reports become Fristen at once;
 * a registration's are checked against the body's start instead (its draft owes nothing yet), and
 * no other event plans reports.
 */
export function fristenSetBy(type: BodyEventType, data: unknown, context: Pick<BodyContext, 'profile' | 'obligations'> | null): FristSet[] {
  if (type === 'approved') {
    const reports = (data as { reports?: PlannedReport[] }).reports ?? [];
    return reports.map((report, i) => ({ field: `reports[${i}].due`, due: report.due, what: `Die Frist des ${report.kind}s`, addressee: report.addressee }));
  }
  const set = fristSetBy(type, data, context);
  return set ? [set] : [];
}

/** What a Frist is resolved against, as the Fristen are: the sessions calendar and the configured issuers. */
export interface FristCalendar {
  sessions: readonly Session[];
  issuers: ReadonlyArray<{ id: string; name: string }>;
}

/** Whether the Frist's day depends on the sessions calendar (a session, the first of a year, a month's session). */
export function readsCalendar(due: Deadline): boolean {
  return due.kind === 'session' || due.kind === 'firstSession' || due.kind === 'month';
}

/** The issuer whose sessions count for a report addressed to `addressee` (its id or its name), or null. */
export function issuerOfAddressee(issuers: FristCalendar['issuers'], addressee: string): string | null {
  const wanted = addressee.trim().toLowerCase();
  return issuers.find((i) => i.id.toLowerCase() === wanted || i.name.toLowerCase() === wanted)?.id ?? null;
}

/**
 * Why a Frist lies before the day it is set on (the report would be overdue the moment it is
 * owed), as `reportRescheduled`'s rule says it; null when it does not or has no date yet (a
 * session the calendar does not know). Resolved as the Fristen are: a session or the first
 * session of a year by the calendar, a month by the addressee's first session in it. `day` is
 * named as `dem Ereignisdatum` or `dem Beschluss`.
 */
export function fristBeforeDay(set: FristSet, day: CivilDate, dayName: 'dem Ereignisdatum' | 'dem Beschluss', calendar: FristCalendar): string | null {
  const issuer = set.addressee === null ? null : issuerOfAddressee(calendar.issuers, set.addressee);
  const resolution = resolveDeadline(set.due, { sessions: calendar.sessions, issuer });
  if (!resolution.resolved || resolution.originalDate >= day) return null;
  // A session's day is said with it: `zur 50. Sitzung (IT-PLR) am 25.06.2026`.
  const frist = resolution.session ? `, ${resolution.description},` : ` (${describeDeadline(set.due)})`;
  return `${set.what}${frist} liegt vor ${dayName} (${germanDate(day)}).`;
}

/**
 * Whether a closure's Frist applies to a final report: it does unless it names the Frist of a
 * final report the body already has (one handed in keeps its own Frist, and a closure must name
 * that one). With the snapshots before and after, exactly: a final report that is new or whose
 * Frist the closure changed.
 */
export function closureSetsFrist(due: Deadline, before: readonly ReportObligation[], after?: readonly ReportObligation[]): boolean {
  if (after === undefined) return !before.some((o) => o.kind === 'Abschlussbericht' && o.state !== 'waived' && sameDeadline(o.due, due));
  return after.some((o) => {
    if (o.kind !== 'Abschlussbericht' || !sameDeadline(o.due, due)) return false;
    const was = before.find((b) => b.id === o.id);
    return was === undefined || !sameDeadline(was.due, due);
  });
}

/** The Frist a reschedule gives, unless the report has it already (the chart refuses that as such). */
export function rescheduleSetsFrist(context: BodyContext | null, data: { obligationId?: string; due: Deadline }): boolean {
  const obligation = context?.obligations.find((o) => o.id === data.obligationId);
  return !obligation || !sameDeadline(obligation.due, data.due);
}

/**
 * A refusal whose reasons name each report's Frist by the day it falls on (`dueDates`, after the
 * calendar rules), where the chart's rule names it as set: a closure or transfer refused for an
 * open final report says `Frist 01.12.2025, verschoben von 30.11.2025`, as the Fristen do, not
 * the Sunday it was set to. Any other refusal is returned as it is (without asking for `dueDates`).
 */
export async function refusalOnDueDates<R extends { reason: string; violations: string[] }>(
  refusal: R,
  type: BodyEventType,
  context: BodyContext,
  version: number,
  dueDates: () => Promise<DueDates>,
): Promise<R> {
  if (type !== 'closed' && type !== 'transferred') return refusal;
  const worded = closureRefusalOnDueDates(type, context, version, await dueDates());
  if (!worded || !refusal.violations.includes(worded.planned)) return refusal;
  const violations = refusal.violations.map((v) => (v === worded.planned ? worded.onDueDates : v));
  return { ...refusal, reason: violations.join(' '), violations };
}

/** The event types whose data may name a successor structure. */
const NAMES_SUCCESSOR: ReadonlySet<string> = new Set(['closed', 'transferred']);

/** Whether the command names its successor by the registered body alone (`successor: {bodyId}`), leaving the name to be taken from it. */
export function successorNameOmitted(type: string, raw: unknown): boolean {
  if (!NAMES_SUCCESSOR.has(type) || typeof raw !== 'object' || raw === null) return false;
  const successor = (raw as { successor?: unknown }).successor;
  if (typeof successor !== 'object' || successor === null) return false;
  const { name, bodyId } = successor as { name?: unknown; bodyId?: unknown };
  return name === undefined && typeof bodyId === 'string';
}

/** The data with the successor's name set. */
export function withSuccessorName<T>(raw: T, name: string): T {
  const data = raw as { successor: object };
  return { ...data, successor: { ...data.successor, name } } as T;
}

/** A registered body as a successor: its title now and the titles it had before, and when its life ended. */
export interface RegisteredSuccessor {
  title: string;
  formerTitles: string[];
  endedOn: CivilDate | null;
}

/** The registered body with this id, as a successor, or null when none is registered. */
export async function registeredSuccessor(tx: Transaction, id: string): Promise<RegisteredSuccessor | null> {
  const [row] = await tx.query<{ title: string; context: string }>('SELECT title, context FROM bodies WHERE id = ?', [id]);
  if (!row) return null;
  const context = JSON.parse(row.context) as Pick<BodyContext, 'endedOn'> & Partial<Pick<BodyContext, 'nameHistory'>>;
  const formerTitles = (context.nameHistory ?? []).map((entry) => entry.title).filter((title) => title !== row.title);
  return { title: row.title, formerTitles, endedOn: context.endedOn };
}

/**
 * Why nothing can pass into the registered successor on `day`: it was dissolved or closed by
 * then. Null while it goes on. `when` names the day as the write path (`Ereignisdatum`) or the
 * register (`Beschluss vom`) knows it.
 */
export function successorEndedBy(successor: RegisteredSuccessor, day: CivilDate, when: 'Ereignisdatum' | 'Beschluss vom'): string | null {
  if (successor.endedOn === null || successor.endedOn > day) return null;
  return `Das Nachfolgegremium „${successor.title}“ ist seit dem ${germanDate(successor.endedOn)} beendet; in eine beendete Struktur geht die Arbeit nicht über (${when} ${germanDate(day)}).`;
}

/**
 * Why no event can be recorded for the body on `day` (the day of a decision ordering one): its
 * life ended by then, as the chart says when it refuses every later event. Null when the body
 * is not registered or lives on that day.
 */
export async function bodyEndedBy(tx: Transaction, id: string, day: CivilDate): Promise<string | null> {
  const [row] = await tx.query<{ title: string; state: string; context: string }>('SELECT title, state, context FROM bodies WHERE id = ?', [id]);
  if (!row) return null;
  const { endedOn } = JSON.parse(row.context) as Pick<BodyContext, 'endedOn'>;
  if (endedOn === null || endedOn > day) return null;
  const state = stateLabel({ value: JSON.parse(row.state) });
  return `Der Lebenslauf des Gremiums „${row.title}“ ist seit dem ${germanDate(endedOn)} beendet (${state}); es sind keine Ereignisse mehr zulässig (Beschluss vom ${germanDate(day)}).`;
}

/**
 * Why the name given for a registered successor contradicts it, or null: it must be the body's
 * title (or one it had before, as a decision may have written it down then).
 */
export function successorNameProblem(name: string, successor: RegisteredSuccessor): string | null {
  const given = name.trim();
  if (given === successor.title || successor.formerTitles.includes(given)) return null;
  return (
    `Der Name „${given}“ passt nicht zum registrierten Nachfolgegremium „${successor.title}“: ` +
    `den Namen weglassen (er wird vom Gremium übernommen) oder „${successor.title}“ angeben.`
  );
}
