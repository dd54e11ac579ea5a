/**
 * Replay for auditors: takes a body's stored events through the statechart version each was
 * recorded under, says for every step whether the chart allowed it, compares the result with the
 * stored projection, and answers "state as of a business date / as known at a system time".
 * Pure: records and projections come in, verdicts go out.
 */
import type { StateValue } from 'xstate';
import {
  berlinDate,
  eventLabel,
  germanDate,
  germanDateTime,
  isCivilDate,
  statePaths,
  summarizeEvent,
  summarizeFromContextAfter,
  type BodyEvent,
  type BodySnapshot,
  type DecisionFacts,
  type PersistedBody,
  type RegisteredEvent,
} from '../../machines';
import { canonicalJson } from '../json/canonical-json';
import { existingInstant } from '../common/time-input';
import type { Actor, EventRecord } from '../event-log/event-hash';
import { machineVersion, upgrade, type MachineVersion } from './machine-versions';

/** One step of a body's history as an auditor reads it. */
export interface ReplayStep {
  version: number;
  eventId: string;
  type: string;
  label: string;
  actor: Actor;
  decision: DecisionFacts | null;
  occurredAt: string;
  recordedAt: string;
  machine: { id: string; version: number };
  hash: string;
  allowed: boolean;
  /** Why the chart refused the event at this point (German), null when it was allowed. */
  refusal: string | null;
  stateAfter: StateValue;
  stateLabelAfter: string;
  /** What the event changed, in German (machines/summaries.ts). */
  summary: string;
}

export interface ReplayResult {
  steps: ReplayStep[];
  snapshot: BodySnapshot | null;
  machine: MachineVersion | null;
  /** The first step that could not be replayed at all (unknown machine, no `registered` first). */
  failure: { version: number; eventId: string; message: string } | null;
}

/** The statechart's view of a stored event. */
export function toBodyEvent(record: EventRecord): BodyEvent {
  return {
    type: record.type,
    data: record.data,
    occurredAt: record.occurredAt,
    ...(record.decision ? { decision: record.decision } : {}),
  } as BodyEvent;
}

/** Replays a body's records (version order) through the machine version each names. */
export function replayRecords(records: readonly EventRecord[]): ReplayResult {
  const steps: ReplayStep[] = [];
  let snapshot: BodySnapshot | null = null;
  let machine: MachineVersion | null = null;
  const fail = (record: EventRecord, message: string): ReplayResult => ({
    steps,
    snapshot,
    machine,
    failure: { version: record.version, eventId: record.id, message: `Version ${record.version}: ${message}` },
  });

  for (const record of [...records].sort((a, b) => a.version - b.version)) {
    const next = machineVersion(record.machine.id, record.machine.version);
    if (!next) {
      return fail(record, `Die Version ${record.machine.version} des Zustandsautomaten „${record.machine.id}“ ist nicht bekannt; das Ereignis kann nicht nachvollzogen werden.`);
    }
    let allowed = true;
    let refusal: string | null = null;
    const before = snapshot?.context ?? null;
    if (snapshot === null || machine === null) {
      if (record.type !== 'registered') return fail(record, 'Der Strom beginnt nicht mit „Registriert“.');
      snapshot = next.begin({ occurredAt: record.occurredAt, data: record.data } as RegisteredEvent);
    } else {
      if (record.type === 'registered') return fail(record, '„Registriert“ kommt nur als erstes Ereignis vor.');
      snapshot = upgrade(snapshot, machine, next, record.type === 'machineUpgraded' ? record.data : undefined);
      if (record.type === 'machineUpgraded') {
        // The event is the move itself: recorded under the new version, it carries the snapshot over.
        const { fromVersion, toVersion } = record.data as { fromVersion: number; toVersion: number };
        if (fromVersion !== machine.version || toVersion !== next.version || next.version <= machine.version) {
          allowed = false;
          refusal = `Die Umstellung nennt Version ${fromVersion} → ${toVersion}, aufgezeichnet ist ${machine.version} → ${next.version}.`;
        }
      } else {
        const event = toBodyEvent(record);
        const verdict = next.decide(snapshot, event);
        if (verdict.allowed) snapshot = next.evolve(snapshot, event);
        else {
          allowed = false;
          refusal = verdict.reason;
        }
      }
    }
    machine = next;
    const summary = summarizeEvent(record.type, record.data, before, allowed ? snapshot.context : null);
    steps.push(replayStep(record, next, snapshot, refusal, summary));
  }
  return { steps, snapshot, machine, failure: null };
}

/** The step of `record`, leaving `snapshot` under `machine`; allowed where there is no refusal. */
function replayStep(record: EventRecord, machine: MachineVersion, snapshot: BodySnapshot, refusal: string | null, summary: string): ReplayStep {
  return {
    version: record.version,
    eventId: record.id,
    type: record.type,
    label: eventLabel(record.type),
    actor: record.actor,
    decision: record.decision,
    occurredAt: record.occurredAt,
    recordedAt: record.recordedAt,
    machine: record.machine,
    hash: record.hash,
    allowed: refusal === null,
    refusal,
    stateAfter: snapshot.value,
    stateLabelAfter: machine.stateLabel(snapshot),
    summary,
  };
}

/** The projection row of a body, as far as replay must reproduce it. */
export interface StoredProjection {
  version: number;
  machineVersion: number;
  state: StateValue;
  context: unknown;
  /** The hash of the event it stands on; where given, "state as of" may be read from it (`stateAt`). */
  lastHash?: string;
}

export interface Divergence {
  version: number;
  eventId: string | null;
  type: string | null;
  label: string | null;
  /** Where the two differ: `event`, `version`, `state` or a context path such as `context.approvedUntil`. */
  path: string;
  /** What replaying the events gives. */
  expected: unknown;
  /** What the server holds (or what happened instead). */
  found: unknown;
  message: string;
}

export type ReplayVerdict =
  | { verdict: 'matches'; events: number; state: StateValue; stateLabel: string; machine: { id: string; version: number } }
  | { verdict: 'diverges'; events: number; divergence: Divergence };

/**
 * Replays the records and compares the outcome with the stored projection: "matches", or the
 * first divergence — a step the chart did not allow at its point, or the first difference
 * between the replayed and the stored version, state and context. `result`: the records'
 * replay where the caller has it already (it shows the steps too), so they are folded once.
 */
export function replayVerdict(
  records: readonly EventRecord[],
  projection: StoredProjection | null,
  result: ReplayResult = replayRecords(records),
): ReplayVerdict {
  const diverges = (divergence: Divergence): ReplayVerdict => ({ verdict: 'diverges', events: records.length, divergence });
  const last = result.steps.at(-1);
  const at = (step: ReplayStep | undefined) => ({
    version: step?.version ?? 0,
    eventId: step?.eventId ?? null,
    type: step?.type ?? null,
    label: step ? step.label : null,
  });

  if (result.failure) {
    const record = records.find((r) => r.id === result.failure!.eventId)!;
    return diverges({
      version: record.version,
      eventId: record.id,
      type: record.type,
      label: eventLabel(record.type),
      path: 'event',
      expected: 'ein nachvollziehbares Ereignis',
      found: record.type,
      message: result.failure.message,
    });
  }
  const refused = result.steps.find((step) => !step.allowed);
  if (refused) {
    return diverges({
      ...at(refused),
      path: 'event',
      expected: `ein im Zustand vor Version ${refused.version} zulässiges Ereignis`,
      found: refused.type,
      message: `Version ${refused.version} („${refused.label}“) war an dieser Stelle nicht zulässig: ${refused.refusal}`,
    });
  }
  if (!result.snapshot || !result.machine || !last) {
    return diverges({ ...at(undefined), path: 'event', expected: 'mindestens „Registriert“', found: null, message: 'Für das Gremium sind keine Ereignisse gespeichert.' });
  }
  if (!projection) {
    return diverges({ ...at(last), path: 'projection', expected: 'ein gespeicherter Stand', found: null, message: 'Zu den Ereignissen gibt es keinen gespeicherten Stand des Gremiums.' });
  }
  if (projection.version !== last.version) {
    return diverges({
      ...at(last),
      path: 'version',
      expected: last.version,
      found: projection.version,
      message:
        projection.version > last.version
          ? `Der gespeicherte Stand beruht auf Version ${projection.version}, das Log endet aber bei Version ${last.version}: Ereignisse fehlen.`
          : `Der gespeicherte Stand beruht auf Version ${projection.version}, das Log reicht bis Version ${last.version}.`,
    });
  }
  const replayed = result.machine.persist(result.snapshot);
  const difference = firstDifference(
    { state: replayed.value, context: replayed.context },
    { state: projection.state, context: projection.context },
  );
  if (difference) {
    return diverges({
      ...at(last),
      ...difference,
      message: `Nach Version ${last.version} weicht der gespeicherte Stand bei „${difference.path}“ von der Wiederholung ab: erwartet ${canonicalJson(difference.expected ?? null)}, gespeichert ${canonicalJson(difference.found ?? null)}.`,
    });
  }
  return {
    verdict: 'matches',
    events: records.length,
    state: replayed.value,
    stateLabel: result.machine.stateLabel(result.snapshot),
    machine: { id: result.machine.id, version: result.machine.version },
  };
}

/** The first path (depth first, keys sorted) at which two JSON values differ. */
export function firstDifference(expected: unknown, found: unknown, path = ''): { path: string; expected: unknown; found: unknown } | null {
  const a = normalise(expected);
  const b = normalise(found);
  // A key or list element only one side has: JSON has no form for the missing one to compare.
  if (a === undefined || b === undefined) return a === b ? null : { path: path || '(gesamt)', expected: a, found: b };
  if (canonicalJson(a) === canonicalJson(b)) return null;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
  } else if (isObject(a) && isObject(b) && !Array.isArray(a) && !Array.isArray(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const d = firstDifference(a[key], b[key], path ? `${path}.${key}` : key);
      if (d) return d;
    }
  }
  return { path: path || '(gesamt)', expected: a, found: b };
}

function normalise(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

export interface TimeTravelQuery {
  /** Business time: a civil date (the whole day in Europe/Berlin) or an instant; events with occurredAt up to it. */
  asOf?: string;
  /** System time: an instant (or a civil date, the whole day); events recorded up to it. */
  asKnownAt?: string;
}

export interface StateAt {
  asOf: string | null;
  asKnownAt: string | null;
  state: StateValue;
  stateLabel: string;
  statePaths: string[];
  context: PersistedBody['context'];
  /** The last event the answer stands on. */
  basedOn: ReplayStep;
  /** Events left out because they happened, or were recorded, after the given times. */
  excluded: number;
  /** Events within the times that the chart refused in this selection (e.g. they rest on a left-out event). */
  refused: ReplayStep[];
}

/** Whether "state as of" takes the record in: it happened, and was recorded, by the given times. */
export function withinTimes(record: Pick<EventRecord, 'occurredAt' | 'recordedAt'>, query: TimeTravelQuery): boolean {
  return (query.asOf === undefined || notAfter(record.occurredAt, query.asOf)) && (query.asKnownAt === undefined || notAfter(record.recordedAt, query.asKnownAt));
}

/** True if `time` (an instant) is not after `limit` (a civil date meaning its whole Berlin day, or an instant). */
export function notAfter(time: string, limit: string): boolean {
  return isCivilDate(limit) ? berlinDate(time) <= limit : Date.parse(time) <= Date.parse(limit);
}

/** A limit of "as of" / "as known at": a civil date, or an instant with a zone that exists. */
export function isTimeLimit(value: string): boolean {
  return isCivilDate(value) || existingInstant(value) !== null;
}

/**
 * The body's state as of a business date and/or as known at a system time; null if it was not
 * registered yet. Where the question takes in every event and the body's stored projection is
 * given, the answer is read from that projection where it can be (`stateFromProjection`), else
 * the events up to the times are folded: the same answer either way
 * (state-from-projection.spec.ts, test/audit-state-as-of.e2e-spec.ts).
 */
export function stateAt(records: readonly EventRecord[], query: TimeTravelQuery, projection: StoredProjection | null = null): StateAt | null {
  const included = records.filter((r) => withinTimes(r, query));
  if (!included.some((r) => r.type === 'registered')) return null;
  if (projection && included.length === records.length) {
    const stored = stateFromProjection(records, projection);
    if (stored) return { asOf: query.asOf ?? null, asKnownAt: query.asKnownAt ?? null, ...stored };
  }
  const result = replayRecords(included);
  if (!result.snapshot || !result.machine) return null;
  const { value, context } = result.machine.persist(result.snapshot);
  const applied = result.steps.filter((step) => step.allowed);
  return {
    asOf: query.asOf ?? null,
    asKnownAt: query.asKnownAt ?? null,
    state: value,
    stateLabel: result.machine.stateLabel(result.snapshot),
    statePaths: statePaths(value),
    context,
    basedOn: applied.at(-1)!,
    excluded: records.length - included.length,
    refused: result.steps.filter((step) => !step.allowed),
  };
}

/**
 * The state after all of the records (version order), read from the body's stored projection
 * instead of folding them. The write path keeps that projection as the fold of exactly these
 * events, each allowed under the machine version it names; it stands in for the fold only where
 * nothing could make the fold answer differently:
 * - it stands on the last record (version and hash) under that record's machine version;
 * - the records run from `registered` (only there) through every version without a gap, each
 *   under a known machine version, and every move between versions names the versions it moves
 *   between (replay refuses one that does not, and stops at an unknown version);
 * - the last record's summary is written from the context after it alone
 *   (`summarizeFromContextAfter`, machines/summaries.ts): the context before it only a fold knows.
 * Null otherwise, and for a projection whose state the machine cannot restore. Whether the
 * projection really is that fold, and every event allowed where it stands, only replay can tell:
 * an auditor asks GET /replay (a projection or log changed outside the service shows there and
 * in verify; here it would be taken as stored).
 */
function stateFromProjection(records: readonly EventRecord[], projection: StoredProjection): Omit<StateAt, 'asOf' | 'asKnownAt'> | null {
  if (!projection.lastHash || projection.state === null || projection.context === null || !foldRunsThrough(records)) return null;
  const last = records[records.length - 1];
  if (projection.version !== last.version || projection.lastHash !== last.hash || projection.machineVersion !== last.machine.version) return null;
  const machine = machineVersion(last.machine.id, last.machine.version)!;
  let snapshot: BodySnapshot;
  try {
    snapshot = machine.restore({ value: projection.state, context: projection.context } as PersistedBody);
  } catch {
    return null;
  }
  const summary = summarizeFromContextAfter(last.type, last.data, snapshot.context);
  if (summary === null) return null;
  const { value, context } = machine.persist(snapshot);
  return {
    state: value,
    stateLabel: machine.stateLabel(snapshot),
    statePaths: statePaths(value),
    context,
    basedOn: replayStep(last, machine, snapshot, null, summary),
    excluded: 0,
    refused: [],
  };
}

/**
 * True if a fold of the records would reach their end without a failure or a refused move
 * between machine versions (what the chart itself allows, only the fold can say): version 1..n
 * in order, `registered` first and only there, every machine version known, every
 * `machineUpgraded` naming the version before it and a later one as the one it is recorded under.
 */
function foldRunsThrough(records: readonly EventRecord[]): boolean {
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (record.version !== i + 1 || (record.type === 'registered') !== (i === 0)) return false;
    if (!machineVersion(record.machine.id, record.machine.version)) return false;
    if (record.type === 'machineUpgraded') {
      const { fromVersion, toVersion } = (record.data ?? {}) as { fromVersion?: unknown; toVersion?: unknown };
      const previous = records[i - 1].machine;
      if (fromVersion !== previous.version || toVersion !== record.machine.version || record.machine.version <= previous.version) return false;
    }
  }
  return true;
}

/** `31.03.2025` for a civil date, `04.12.2026, 22:16` (Berlin time) for an instant (for German messages). */
export function describeLimit(limit: string): string {
  return isCivilDate(limit) ? germanDate(limit) : germanDateTime(limit);
}
