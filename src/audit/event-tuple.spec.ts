import { hashEvent } from '../event-log/event-hash';
import { toRecord, type EventRow } from '../event-log/event-store';
import { canonicalJson } from '../json/canonical-json';
import { storedHashHolds, tupleOfRow } from './event-tuple';

/** A row as the writer stores it: data and decision written with JSON.stringify (members in insertion order), hash over the canonical form. */
function sealed(data: unknown, decision: unknown = { number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-13' }, overrides: Partial<EventRow> = {}): EventRow {
  const row: EventRow = {
    id: '5b0a6c1e-8d7f-4a51-9a4e-0c6f1b2d3e4f',
    body_id: '0f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2910',
    version: 2,
    type: 'approved',
    data: JSON.stringify(data),
    actor_id: 'geschaeftsstelle',
    actor_role: 'secretariat',
    occurred_at: '2024-06-12T22:00:00.000Z',
    recorded_at: '2024-06-13T08:00:00.000Z',
    machine_id: 'body',
    machine_version: 1,
    decision: decision === null ? null : JSON.stringify(decision),
    prev_hash: 'a'.repeat(64),
    hash: '',
    ...overrides,
  };
  const { hash: _, ...record } = toRecord(row);
  return { ...row, hash: hashEvent(record) };
}

/** What the full path says: the stored content parses and hashes to the stored hash. */
function fullPathHolds(row: EventRow): boolean {
  try {
    const { hash, ...record } = toRecord(row);
    return hashEvent(record) === hash;
  } catch {
    return false;
  }
}

describe('the cheap check of an event tuple’s stored hash', () => {
  const canonicalData = { approvedUntil: '2025-03-31', reports: [] };
  const unsortedData = { title: 'Zunächst „befristet“ \u2028 bis März', kind: 'Projektgruppe', leads: ['Hessen', 'Bund (BMI)'], nested: { z: 1, a: null } };

  it.each([
    ['data stored canonical', sealed(canonicalData)],
    ['data stored with members unsorted', sealed(unsortedData)],
    ['no decision, version 1', sealed(canonicalData, null, { version: 1, prev_hash: null })],
    ['data with a member named decision', sealed({ a: 1, decision: { b: 2 } }, { c: 3, decision: 'x' })],
  ])('holds exactly when the full path holds (%s)', (_, row) => {
    expect(fullPathHolds(row)).toBe(true);
    expect(storedHashHolds(tupleOfRow(row))).toBe(true);
    // Numbers as PostgreSQL may give them (text).
    expect(storedHashHolds(tupleOfRow({ ...row, version: String(row.version), machine_version: String(row.machine_version) }))).toBe(true);
  });

  it('holds for stored JSON that is only written differently (white space), as the full path does', () => {
    const row = sealed(unsortedData);
    const spaced = { ...row, data: JSON.stringify(unsortedData, null, 2) };
    expect(fullPathHolds(spaced)).toBe(true);
    expect(storedHashHolds(tupleOfRow(spaced))).toBe(true);
  });

  it.each([
    ['a field changed', (row: EventRow) => ({ ...row, occurred_at: '2024-06-12T22:00:00.001Z' })],
    ['data changed', (row: EventRow) => ({ ...row, data: row.data.replace('2025-03-31', '2025-03-30') })],
    ['data no JSON', (row: EventRow) => ({ ...row, data: row.data.slice(0, -1) })],
    ['decision no JSON', (row: EventRow) => ({ ...row, decision: '{' })],
    ['decision removed', (row: EventRow) => ({ ...row, decision: null })],
    ['decision emptied', (row: EventRow) => ({ ...row, decision: '' })],
    ['the previous hash changed', (row: EventRow) => ({ ...row, prev_hash: 'c'.repeat(64) })],
    ['the version no number', (row: EventRow) => ({ ...row, version: 'zwei' })],
    ['a column of another type', (row: EventRow) => ({ ...row, actor_id: 42 as unknown as string })],
    // Data that runs on into the decision's place: the same canonical bytes, but no JSON value of its own.
    [
      'data that swallows the decision',
      (row: EventRow) => ({ ...row, data: `${canonicalJson(canonicalData)},"decision":${canonicalJson(JSON.parse(row.decision!))}`, decision: null }),
    ],
  ])('does not hold where the full path does not (%s)', (_, tamper) => {
    const row = tamper(sealed(canonicalData));
    expect(fullPathHolds(row)).toBe(false);
    expect(storedHashHolds(tupleOfRow(row))).toBe(false);
  });
});
