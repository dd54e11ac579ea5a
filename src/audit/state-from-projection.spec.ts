/**
 * "State as of" a time at or after a body's last event is answered from the stored projection
 * where that is sound, else by folding the events: both paths give the same answer.
 */
import { BODY_MACHINE_VERSION } from '../../machines';
import { decisionFacts, lead, recordStream, registration, type Step } from '../../test/audit-builders';
import type { EventRecord } from '../event-log/event-hash';
import { replayRecords, stateAt, type StoredProjection } from './replay';

/** A whole life: every kind of last step, from those summed up from the state after them to those that need the state before. */
const life: Step[] = [
  { type: 'submitted', occurredAt: '2024-06-05T08:00:00.000Z', actor: lead },
  { type: 'approved', data: { approvedUntil: '2025-03-31' }, occurredAt: '2024-06-13T12:00:00.000Z', decision: decisionFacts('2024/09-AL', '2024-06-13', 'AL-Runde') },
  { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
  { type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2024-11-01T00:00:00.000Z' },
  { type: 'reportSubmitted', data: { obligationId: 'r1' }, occurredAt: '2024-11-20T09:00:00.000Z', actor: lead },
  { type: 'reportAcknowledged', data: { obligationId: 'r1' }, occurredAt: '2024-11-28T09:00:00.000Z' },
  { type: 'extended', data: { approvedUntil: '2025-12-31' }, occurredAt: '2025-03-20T12:00:00.000Z', decision: decisionFacts('2025/03-AL', '2025-03-20', 'AL-Runde') },
  { type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2025-11-30' } }, occurredAt: '2025-09-01T08:00:00.000Z' },
  { type: 'transferred', data: { successor: { name: 'Nachfolgestruktur' } }, occurredAt: '2025-10-15T12:00:00.000Z', decision: decisionFacts('2025/20', '2025-10-15') },
];

const records = recordStream(life, {
  registeredAt: '2024-06-03T08:00:00.000Z',
  registration: registration({ reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2024-11' } }] }),
});

/** The projection row the write path keeps after `stream`: what folding it gives, on its last event. */
function projectionAfter(stream: EventRecord[]): StoredProjection {
  const { snapshot, machine } = replayRecords(stream);
  const persisted = machine!.persist(snapshot!);
  const last = stream.at(-1)!;
  return { version: last.version, machineVersion: last.machine.version, lastHash: last.hash, state: persisted.value, context: JSON.parse(JSON.stringify(persisted.context)) };
}

/** The same projection with a title the events never gave: shows whether an answer came from it. */
function marked(projection: StoredProjection): StoredProjection {
  const context = projection.context as { profile: Record<string, unknown> };
  return { ...projection, context: { ...context, profile: { ...context.profile, title: 'aus dem gespeicherten Stand' } } };
}

const LATER = { asOf: '2030-01-01', asKnownAt: '2030-01-01T00:00:00.000Z' };

describe('state as of a time after the last event, from the stored projection', () => {
  it.each(records.map((record, i) => [record.type, i + 1] as const))('after %s (version %i) the answer is the fold’s', (_type, length) => {
    const stream = records.slice(0, length);
    const projection = projectionAfter(stream);
    for (const query of [{}, { asOf: LATER.asOf }, { asKnownAt: LATER.asKnownAt }, LATER]) {
      expect(stateAt(stream, query, projection)).toEqual(stateAt(stream, query));
    }
  });

  it('answers from the projection where the last step is summed up from the state after it', () => {
    for (const type of ['registered', 'submitted', 'started', 'reportDue', 'reportAcknowledged', 'closureInitiated', 'transferred']) {
      const stream = records.slice(0, records.findIndex((r) => r.type === type) + 1);
      expect([type, stateAt(stream, LATER, marked(projectionAfter(stream)))!.context.profile.title]).toEqual([type, 'aus dem gespeicherten Stand']);
    }
  });

  it('folds where the summary of the last step needs the state before it (an extension names the old term)', () => {
    for (const type of ['approved', 'reportSubmitted', 'extended']) {
      const stream = records.slice(0, records.findIndex((r) => r.type === type) + 1);
      const at = stateAt(stream, LATER, marked(projectionAfter(stream)))!;
      expect([type, at.context.profile.title]).toEqual([type, 'Weiterentwicklung der Struktur OZG-föderal']);
    }
    const extended = stateAt(records.slice(0, 8), LATER, projectionAfter(records.slice(0, 8)))!;
    expect(extended.basedOn.summary).toContain('31.03.2025');
  });

  it('folds for a time before the last event, or a projection on another event or machine version', () => {
    const projection = marked(projectionAfter(records));
    const title = (at: ReturnType<typeof stateAt>) => at!.context.profile.title;
    expect(title(stateAt(records, { asOf: '2025-10-14' }, projection))).toBe('Weiterentwicklung der Struktur OZG-föderal');
    expect(title(stateAt(records, { asKnownAt: '2025-10-14T00:00:00.000Z' }, projection))).toBe('Weiterentwicklung der Struktur OZG-föderal');
    expect(title(stateAt(records, LATER, { ...projection, lastHash: records[8].hash }))).toBe('Weiterentwicklung der Struktur OZG-föderal');
    expect(title(stateAt(records, LATER, { ...projection, version: 9 }))).toBe('Weiterentwicklung der Struktur OZG-föderal');
    expect(title(stateAt(records, LATER, { ...projection, machineVersion: BODY_MACHINE_VERSION + 1 }))).toBe('Weiterentwicklung der Struktur OZG-föderal');
    expect(title(stateAt(records, LATER, { ...projection, lastHash: undefined }))).toBe('Weiterentwicklung der Struktur OZG-föderal');
    expect(title(stateAt(records, LATER, projection))).toBe('aus dem gespeicherten Stand');
  });
});
