/**
 * "State as of" a time at or after a body's last event is read from the stored projection where
 * that is sound, else the events are folded: both paths give the same answer, after every kind of
 * step of every recorded stream (each machine version, every event type), across a move between
 * machine versions, and wherever the projection cannot stand in (then it is the fold's answer).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUMMARIES_READING_CONTEXT_BEFORE, type StoredEventType } from '../../machines';
import { decisionFacts, rehash, secretariat } from '../../test/audit-builders';
import { hashEvent, type EventRecord } from '../event-log/event-hash';
import { machineVersion } from './machine-versions';
import { replayRecords, stateAt, type StoredProjection } from './replay';

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures');

/** Every recorded stream of test/fixtures, by file name. */
const streams: Array<[string, EventRecord[]]> = readdirSync(FIXTURES)
  .filter((file) => /^body-v\d+-.*\.json$/.test(file))
  .map((file) => [file, (JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { events: EventRecord[] }).events]);

/** The projection row the write path keeps after `stream`: the fold's persisted state, as stored JSON, on its last event. */
function projectionAfter(stream: readonly EventRecord[]): StoredProjection {
  const { snapshot, machine } = replayRecords(stream);
  const persisted = JSON.parse(JSON.stringify(machine!.persist(snapshot!)));
  const last = stream.at(-1)!;
  return { version: last.version, machineVersion: last.machine.version, lastHash: last.hash, state: persisted.value, context: persisted.context };
}

/** The same projection with a title the events never gave: shows whether an answer came from it. */
function marked(projection: StoredProjection): StoredProjection {
  const context = projection.context as { profile: Record<string, unknown> };
  return { ...projection, context: { ...context, profile: { ...context.profile, title: MARK } } };
}
const MARK = 'aus dem gespeicherten Stand';

/** Records appended to `stream` under `machine`, numbered and chained on. */
function append(stream: readonly EventRecord[], machine: { id: string; version: number }, steps: Array<Pick<EventRecord, 'type' | 'data' | 'occurredAt'> & { decision?: EventRecord['decision'] }>): EventRecord[] {
  const out = [...stream];
  for (const step of steps) {
    const previous = out.at(-1)!;
    const unhashed = {
      id: `00000000-0000-4000-8000-${String(out.length + 1).padStart(12, '0')}`,
      bodyId: previous.bodyId,
      version: previous.version + 1,
      type: step.type,
      data: step.data,
      actor: secretariat,
      occurredAt: step.occurredAt,
      recordedAt: step.occurredAt,
      decision: step.decision ?? null,
      machine,
      prevHash: previous.hash,
    };
    out.push({ ...unhashed, hash: hashEvent(unhashed) });
  }
  return out;
}

const LATER = { asOf: '2030-01-01', asKnownAt: '2030-01-01T00:00:00.000Z' };
const AFTER_ALL = [{}, { asOf: LATER.asOf }, { asKnownAt: LATER.asKnownAt }, LATER];

/** A stream recorded under version 1, moved to version 2, and lived on under it. */
const v1 = streams.find(([file]) => file === 'body-v1-closed-with-reports.json')![1].slice(0, 9);
const moved = append(v1, { id: 'body', version: 2 }, [{ type: 'machineUpgraded', data: { fromVersion: 1, toVersion: 2 }, occurredAt: '2025-03-13T10:00:00.000Z' }]);
const livedOn = append(moved, { id: 'body', version: 2 }, [
  { type: 'reclassified', data: { kind: 'Arbeitsgruppe', parent: 'AL-Runde' }, occurredAt: '2025-04-01T10:00:00.000Z', decision: decisionFacts('2025/05-AL', '2025-04-01', 'AL-Runde') },
  { type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2025-10-31' } }, occurredAt: '2025-06-01T10:00:00.000Z' },
  { type: 'transferred', data: { successor: { name: 'Nachfolgestruktur' } }, occurredAt: '2025-07-01T10:00:00.000Z', decision: decisionFacts('2025/09-AL', '2025-07-01', 'AL-Runde') },
]);

describe('state as of a time after the last event, from the stored projection', () => {
  const prefixes = [...streams, ['v1 → v2', livedOn] as [string, EventRecord[]]].flatMap(([file, events]) =>
    events.map((record, i) => [file, record.version, record.type, events.slice(0, i + 1)] as const),
  );

  it.each(prefixes)('%s after version %i (%s): the same answer as the fold', (_file, _version, _type, stream) => {
    const projection = projectionAfter(stream);
    for (const query of AFTER_ALL) expect(stateAt(stream, query, projection)).toEqual(stateAt(stream, query));
  });

  it('answers from the projection exactly where the last event is summed up from the state after it', () => {
    const answered = new Map<string, boolean>();
    for (const [, , type, stream] of prefixes) {
      const fromProjection = stateAt(stream, LATER, marked(projectionAfter(stream)))!.context.profile.title === MARK;
      answered.set(type, fromProjection);
      expect([type, fromProjection]).toEqual([type, !SUMMARIES_READING_CONTEXT_BEFORE.has(type as StoredEventType)]);
    }
    // Both kinds occur: the comparison above covers both paths.
    expect(new Set(answered.values())).toEqual(new Set([true, false]));
  });

  it('after a move between machine versions, from the projection under the new version', () => {
    for (const stream of [moved, livedOn]) {
      const at = stateAt(stream, LATER, marked(projectionAfter(stream)))!;
      expect([at.context.profile.title, at.basedOn.machine.version, at.basedOn.type]).toEqual([MARK, 2, stream.at(-1)!.type]);
    }
  });

  describe('folds wherever the projection cannot stand in', () => {
    const stream = livedOn;
    const projection = marked(projectionAfter(stream));
    const title = (query: object, records: EventRecord[], p: StoredProjection | null) => stateAt(records, query, p)!.context.profile.title;

    it('a time before the last event, by business date or by system time', () => {
      expect(title({ asOf: '2025-05-31' }, stream, projection)).not.toBe(MARK);
      expect(title({ asKnownAt: '2025-05-31T00:00:00.000Z' }, stream, projection)).not.toBe(MARK);
    });

    it('a projection on another event, version or machine version, or without its hash', () => {
      const variants: StoredProjection[] = [
        { ...projection, lastHash: stream[stream.length - 2].hash },
        { ...projection, version: stream.length - 1 },
        { ...projection, machineVersion: 1 },
        { ...projection, lastHash: undefined },
      ];
      for (const variant of variants) expect(stateAt(stream, LATER, variant)).toEqual(stateAt(stream, LATER));
    });

    it('a projection whose stored JSON did not parse, or whose state the chart cannot restore', () => {
      for (const variant of [{ ...projection, state: null }, { ...projection, context: null }, { ...projection, state: 'keinZustand' }]) {
        expect(stateAt(stream, LATER, variant as StoredProjection)).toEqual(stateAt(stream, LATER));
      }
    });

    it('a log the fold stops in or refuses a move in: a gap, an unknown machine version, a move that names other versions, a second registration', () => {
      const gap = rehash([...stream.slice(0, 3), ...stream.slice(4)]).map((r, i) => (i >= 3 ? { ...r, version: r.version + 1 } : r));
      const unknown = rehash(stream.map((r, i) => (i === 4 ? { ...r, machine: { id: 'body', version: 99 } } : r)));
      const misnamed = rehash(stream.map((r) => (r.type === 'machineUpgraded' ? { ...r, data: { fromVersion: 2, toVersion: 2 } } : r)));
      const backwards = append(moved, { id: 'body', version: 1 }, [{ type: 'machineUpgraded', data: { fromVersion: 2, toVersion: 1 }, occurredAt: '2025-03-14T10:00:00.000Z' }]);
      const registeredAgain = rehash([...stream, { ...stream[0], version: stream.length + 1 }]);
      expect(machineVersion('body', 99)).toBeUndefined();
      for (const records of [gap, unknown, misnamed, backwards, registeredAgain]) {
        const last = records.at(-1)!;
        const onLast = { ...projection, version: last.version, lastHash: last.hash, machineVersion: last.machine.version };
        expect(stateAt(records, LATER, onLast)).toEqual(stateAt(records, LATER));
      }
    });
  });
});
