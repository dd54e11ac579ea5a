import type { EventRow } from '../event-log/event-store';
import { toRecord } from '../event-log/event-store';
import { bodyLine, eventLine, exportLine } from './export-format';
import { tupleOfRow } from './event-tuple';

const row = (overrides: Partial<EventRow> = {}): EventRow => ({
  id: '5b0a6c1e-8d7f-4a51-9a4e-0c6f1b2d3e4f',
  body_id: '0f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910',
  version: 2,
  type: 'approved',
  data: JSON.stringify({ approvedUntil: '2025-03-31', note: 'Zunächst „befristet“ \u2028 bis März' }),
  actor_id: 'geschaeftsstelle',
  actor_role: 'secretariat',
  occurred_at: '2024-06-12T22:00:00.000Z',
  recorded_at: '2024-06-13T08:00:00.000Z',
  machine_id: 'body',
  machine_version: '1',
  decision: JSON.stringify({ number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-13' }),
  prev_hash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
  ...overrides,
});

describe('an event line of the export written from the stored row', () => {
  it.each([
    ['with a decision', row()],
    ['without a decision, as version 1', row({ decision: null, prev_hash: null, version: '1' })],
  ])('is byte for byte the line of the parsed event (%s)', (_, stored) => {
    expect(eventLine(tupleOfRow(stored))).toBe(exportLine({ kind: 'event', event: toRecord(stored) }));
  });

  it('is null when the stored data or decision is no JSON, so the event is exported as unreadable', () => {
    expect(eventLine(tupleOfRow(row({ data: '{"approvedUntil": ' })))).toBeNull();
    expect(eventLine(tupleOfRow(row({ decision: '{' })))).toBeNull();
  });
});

describe('a body line of the export written from the stored projection', () => {
  const state = { active: { reports: 'idle' } };
  const context = { title: 'Zunächst „befristet“ \u2028', reports: [{ id: 'r1', due: '2025-03-31' }], lead: null };

  it('is byte for byte the line of the parsed projection', () => {
    expect(bodyLine(['0f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910', '4', 2, JSON.stringify(state), JSON.stringify(context)])).toBe(
      exportLine({ kind: 'body', id: '0f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910', version: 4, machineVersion: 2, state, context }),
    );
  });

  it('writes stored JSON that does not parse as null', () => {
    expect(JSON.parse(bodyLine(['b', 1, 1, '{"active":', JSON.stringify(context)]))).toEqual({ kind: 'body', id: 'b', version: 1, machineVersion: 1, state: null, context });
  });
});
