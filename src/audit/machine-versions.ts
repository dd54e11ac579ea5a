/**
 * Every version of the body statechart that events may have been recorded under (1 to 6, all
 * built by `createBodyMachine(version)`). Replay takes each event through the version it names,
 * so a superseded version stays here as long as any stored event names it.
 *
 * Version 4 adds only optional keys to the context (`seriesEnded` on report obligations), so a
 * body moves from 3 to 4 by `persist`/`restore` alone: what version 4 decides differently (a
 * transfer needs the final report settled, a late extension leaves the term expired, a series
 * can be ended) applies to the events after the move. Version 5 likewise (`submittedTitle`,
 * `requested`): a report handed in under a title of its own before the move kept that title as
 * its `title`, and a report requested before it does not know its request. Version 6 too
 * (`submissionRecordedOn`, an extension request's `recordedOn`): what it records differently (the
 * day a report or a request came in, the day a decision took note of a report) applies to the
 * events after the move.
 *
 * Bumping BODY_MACHINE_VERSION: keep the old chart importable, add an entry below for the new
 * one, and add its persisted-snapshot conversion in `upgrade` if the context shape changed.
 * test/audit-machine-versions.spec.ts replays recorded streams and fails when a chart change
 * alters replay without a new version.
 */
import { createHash } from 'node:crypto';
import type { StateValue } from 'xstate';
import {
  BODY_MACHINE_ID,
  BODY_MACHINE_VERSION,
  BODY_MACHINE_VERSIONS,
  isOpenObligation,
  lifecycleOf,
  sameDeadline,
  stateLabel,
  type BodyEvent,
  type BodySnapshot,
  type Deadline,
  type PersistedBody,
  type RegisteredEvent,
  type ReportObligation,
  type Verdict,
} from '../../machines';
import type { EventRecord } from '../event-log/event-hash';
import { canonicalJson } from '../json/canonical-json';

export interface MachineVersion {
  id: string;
  version: number;
  begin(registered: RegisteredEvent): BodySnapshot;
  decide(snapshot: BodySnapshot, event: BodyEvent): Verdict;
  evolve(snapshot: BodySnapshot, event: BodyEvent): BodySnapshot;
  persist(snapshot: BodySnapshot): PersistedBody;
  restore(persisted: PersistedBody): BodySnapshot;
  stateLabel(snapshot: { value: StateValue }): string;
  /** The chart's structure as plain JSON (states, transitions, guard and action names). */
  definition(): unknown;
}

/** Every version the chart in machines/ builds (see createBodyMachine). */
const registered: MachineVersion[] = BODY_MACHINE_VERSIONS.map((version) => {
  const lifecycle = lifecycleOf(version);
  return {
    id: BODY_MACHINE_ID,
    version,
    begin: lifecycle.begin,
    decide: lifecycle.decide,
    evolve: lifecycle.evolve,
    persist: lifecycle.persist,
    restore: lifecycle.restore,
    stateLabel,
    definition: () => JSON.parse(JSON.stringify(lifecycle.machine.definition)),
  };
});

/** Every known version, oldest first. */
export const MACHINE_VERSIONS: readonly MachineVersion[] = registered;

/**
 * Adds a version of a chart. A release that ships a new chart lists it above; tests add their
 * own to exercise moving bodies between versions.
 */
export function registerMachineVersion(version: MachineVersion): void {
  if (machineVersion(version.id, version.version)) throw new Error(`${version.id}@${version.version} is registered already`);
  registered.push(version);
}

/** The newest version of a chart: new bodies start on it, and bodies are moved to it. */
export function latestMachine(id: string = BODY_MACHINE_ID): MachineVersion {
  return registered.filter((m) => m.id === id).reduce((latest, m) => (m.version > latest.version ? m : latest));
}

export const CURRENT_MACHINE: MachineVersion = MACHINE_VERSIONS.find(
  (m) => m.id === BODY_MACHINE_ID && m.version === BODY_MACHINE_VERSION,
)!;

export function machineVersion(id: string, version: number): MachineVersion | undefined {
  return MACHINE_VERSIONS.find((m) => m.id === id && m.version === version);
}

/**
 * SHA-256 (hex) of the chart's structure in canonical JSON. It changes with states, transitions,
 * guard and action names; a change inside a guard's or action's code does not show here, which is
 * why the recorded-stream replay test guards the version as well.
 */
export function machineFingerprint(machine: MachineVersion): string {
  return createHash('sha256').update(canonicalJson(machine.definition()), 'utf8').digest('hex');
}

/**
 * What a move to a later version carries over besides the snapshot, recorded in the
 * `machineUpgraded` event's data beside `fromVersion` and `toVersion` (absent: nothing).
 *
 * Since version 3 the closure's Frist is the final report's. A body whose closure an earlier
 * version recorded kept the planned Frist of the Abschlussbericht the closure found open, and the
 * closure's Frist applied nowhere. Moved to version 3, those reports (`obligationIds`: the final
 * reports open when the closure was recorded and open still) take the closure's Frist
 * (`finalReportDue`) and are open again, as if version 3 had recorded the closure.
 *
 * Since version 5 a title given on handing a report in is that report's own (`submittedTitle`).
 * An earlier version made it the report's `title`, which for a series' first period renamed the
 * series. Moved to version 5, those reports (`reportTitles`) take back the title they were owed
 * under and keep the given one as `submittedTitle`, as if version 5 had recorded the submission.
 */
export interface CarriedOver {
  finalReportDue?: Deadline;
  obligationIds?: string[];
  reportTitles?: ReportTitleCarried[];
}

/** A report an earlier version renamed on submission: the title it was owed under, and the one it was handed in under. */
export interface ReportTitleCarried {
  obligationId: string;
  title: string | null;
  submittedTitle: string;
}

/**
 * Carries a snapshot from the version an earlier event was recorded under to a later one, with
 * what the `machineUpgraded` event recorded as carried over (`carried`: its data; see
 * `carriedOver`). Without it the snapshot passes as it is, as every move recorded before did.
 */
export function upgrade(snapshot: BodySnapshot, from: MachineVersion, to: MachineVersion, carried?: unknown): BodySnapshot {
  if (from === to) return snapshot;
  let persisted = from.persist(snapshot);
  const { finalReportDue, obligationIds, reportTitles } = (carried ?? {}) as CarriedOver;
  if (finalReportDue && Array.isArray(obligationIds) && obligationIds.length > 0) persisted = withFinalReportDue(persisted, finalReportDue, obligationIds);
  if (Array.isArray(reportTitles) && reportTitles.length > 0) persisted = withReportTitles(persisted, reportTitles);
  return to.restore(persisted);
}

/**
 * What the move of a body from `from` to `to` carries over (see CarriedOver), from its stream
 * (version order) and its snapshot now: the closure's Frist where it crosses into version 3
 * while closing with a final report the closure found open still open under another Frist; the
 * reports' titles where it crosses into version 5 and an earlier one renamed a report handed in.
 */
export function carriedOver(snapshot: BodySnapshot, from: MachineVersion, to: MachineVersion, stream: readonly EventRecord[]): CarriedOver {
  const reportTitles = reportTitlesCarried(from, to, stream);
  return { ...closureFristCarriedOver(snapshot, from, to, stream), ...(reportTitles.length > 0 ? { reportTitles } : {}) };
}

/** True when the move may carry something over (`carriedOver` needs the body's stream then). */
export function carriesOver(snapshot: BodySnapshot, from: MachineVersion, to: MachineVersion): boolean {
  return closureFristCarried(snapshot, from, to) || crossesInto(5, from, to);
}

const crossesInto = (version: number, from: MachineVersion, to: MachineVersion) => from.id === BODY_MACHINE_ID && from.version < version && to.version >= version;

/**
 * The reports that a submission under a title of their own renamed (before version 5): for each,
 * the title it was owed under before its first such submission and the title of its last.
 */
function reportTitlesCarried(from: MachineVersion, to: MachineVersion, stream: readonly EventRecord[]): ReportTitleCarried[] {
  if (!crossesInto(5, from, to)) return [];
  const renamed = new Map<string, ReportTitleCarried>();
  // One fold of the stream, looking at the context before each titled submission.
  contextAfter(stream, (record, before) => {
    const { obligationId, title } = record.data as { obligationId?: unknown; title?: unknown };
    if (record.type !== 'reportSubmitted' || record.machine.version >= 5 || typeof obligationId !== 'string' || typeof title !== 'string') return;
    const earlier = renamed.get(obligationId);
    if (earlier) {
      earlier.submittedTitle = title;
      return;
    }
    const owedUnder = before.obligations.find((o) => o.id === obligationId)?.title ?? null;
    if (owedUnder !== title) renamed.set(obligationId, { obligationId, title: owedUnder, submittedTitle: title });
  });
  return [...renamed.values()];
}

/** The named reports with the title they were owed under back, the one handed in under as their own. */
function withReportTitles(persisted: PersistedBody, titles: readonly ReportTitleCarried[]): PersistedBody {
  const byId = new Map(titles.map((t) => [t.obligationId, t]));
  const obligations = persisted.context.obligations.map((o) => {
    const carried = byId.get(o.id);
    return carried ? { ...o, title: carried.title, submittedTitle: carried.submittedTitle } : o;
  });
  return { ...persisted, context: { ...persisted.context, obligations } };
}

function closureFristCarriedOver(snapshot: BodySnapshot, from: MachineVersion, to: MachineVersion, stream: readonly EventRecord[]): CarriedOver {
  if (!closureFristCarried(snapshot, from, to)) return {};
  const closure = stream.findLastIndex((record) => record.type === 'closureInitiated');
  if (closure < 0) return {};
  const { finalReportDue } = stream[closure].data as { finalReportDue: Deadline };
  const foundOpen = new Set(contextAfter(stream.slice(0, closure + 1)).obligations.filter(isOpenObligation).map((o) => o.id));
  const obligationIds = snapshot.context.obligations.filter((o) => foundOpen.has(o.id) && movesTo(o, finalReportDue)).map((o) => o.id);
  return obligationIds.length > 0 ? { finalReportDue, obligationIds } : {};
}

/** True when the move may carry a closure's Frist over (`carriedOver` needs the body's stream then). */
export function closureFristCarried(snapshot: BodySnapshot, from: MachineVersion, to: MachineVersion): boolean {
  if (from.id !== BODY_MACHINE_ID || from.version >= 3 || to.version < 3) return false;
  const value = snapshot.value as { active?: { closure?: string } };
  return value.active?.closure === 'closing' && snapshot.context.obligations.some((o) => o.kind === 'Abschlussbericht' && isOpenObligation(o));
}

const movesTo = (obligation: ReportObligation, due: Deadline) =>
  obligation.kind === 'Abschlussbericht' && isOpenObligation(obligation) && !sameDeadline(obligation.due, due);

/**
 * The named final reports with the closure's Frist, open again (version 3's
 * `initiateClosureSettingFinalReportDue`), and the reporting region where the chart's eventless
 * transitions would take it: restoring a snapshot runs none.
 */
function withFinalReportDue(persisted: PersistedBody, due: Deadline, ids: readonly string[]): PersistedBody {
  const obligations = persisted.context.obligations.map((o) =>
    ids.includes(o.id) && movesTo(o, due) ? { ...o, due, state: 'pending' as const, dueOn: null, overdueOn: null } : o,
  );
  const value = persisted.value as { active?: Record<string, string> };
  const reporting = obligations.some((o) => o.state === 'overdue') ? 'reportOverdue' : obligations.some((o) => o.state === 'due') ? 'reportDue' : 'upToDate';
  return {
    value: value.active ? { ...value, active: { ...value.active, reporting } } : persisted.value,
    context: { ...persisted.context, obligations },
  };
}

/**
 * The context after the records (a stream's beginning, version order), each through the version
 * it was recorded under; `before`, where given, is shown each record after the first with the
 * context it meets.
 */
function contextAfter(records: readonly EventRecord[], before?: (record: EventRecord, context: PersistedBody['context']) => void): PersistedBody['context'] {
  const [registered, ...rest] = records;
  let machine = machineVersion(registered.machine.id, registered.machine.version)!;
  let snapshot = machine.begin({ occurredAt: registered.occurredAt, data: registered.data } as RegisteredEvent);
  for (const record of rest) {
    before?.(record, snapshot.context);
    const next = machineVersion(record.machine.id, record.machine.version)!;
    snapshot = upgrade(snapshot, machine, next, record.type === 'machineUpgraded' ? record.data : undefined);
    if (record.type !== 'machineUpgraded') {
      snapshot = next.evolve(snapshot, {
        type: record.type,
        data: record.data,
        occurredAt: record.occurredAt,
        ...(record.decision ? { decision: record.decision } : {}),
      } as BodyEvent);
    }
    machine = next;
  }
  return snapshot.context;
}
