/**
 * Checks of a new command that the statechart does not make: the chart's rules are evaluated
 * again when recorded streams replay, so what only new commands may no longer do is refused
 * here. The write path asks with the event's day; the decision register asks with the decision's
 * (an effect is a command written down ahead), so that an effect that could never be carried
 * out is refused where it is written down.
 */
import {
  describeDeadline,
  germanDate,
  resolveDeadline,
  sameDeadline,
  type BodyContext,
  type BodyEventType,
  type CivilDate,
  type Deadline,
  type ReportObligation,
} from '../../machines';
import type { Transaction } from '../database/database';

/** A Frist a command sets for a report: where in its data, and how messages name it. */
export interface FristSet {
  /** The field in the event's data, e.g. `finalReportDue`. */
  field: string;
  due: Deadline;
  /** `Die Frist des Abschlussberichts`. */
  what: string;
}

/** The Frist a report request or a closure sets, or null for any other command. */
export function fristSetBy(type: BodyEventType, data: unknown): FristSet | null {
  const d = data as { due?: Deadline; kind?: string; finalReportDue?: Deadline };
  if (type === 'reportRequested' && d.due) return { field: 'due', due: d.due, what: `Die Frist des ${d.kind ?? 'Bericht'}s` };
  if (type === 'closureInitiated' && d.finalReportDue) return { field: 'finalReportDue', due: d.finalReportDue, what: 'Die Frist des Abschlussberichts' };
  if (type === 'reportRescheduled' && d.due) return { field: 'due', due: d.due, what: 'Die neue Frist' };
  return null;
}

/**
 * Why a Frist lies before the day it is set on (the report would be overdue the moment it is
 * owed), as `reportRescheduled`'s rule says it; null when it does not or has no date yet. `day`
 * is named as `dem Ereignisdatum` or `dem Beschluss`.
 */
export function fristBeforeDay(set: FristSet, day: CivilDate, dayName: 'dem Ereignisdatum' | 'dem Beschluss'): string | null {
  const resolution = resolveDeadline(set.due);
  return !resolution.resolved || resolution.originalDate >= day ? null : `${set.what} (${describeDeadline(set.due)}) liegt vor ${dayName} (${germanDate(day)}).`;
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
