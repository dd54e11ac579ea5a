import { recordStream, typicalLifecycle } from '../../test/audit-builders';
import { hashEvent, type EventRecord } from '../event-log/event-hash';
import type { EventRow } from '../event-log/event-store';
import { checkStoredEvents, tamperedVerdict, tamperingWarning } from './stream-integrity';

/** A record as the writer stores it: data and decision as JSON text. */
function rowOf(record: EventRecord): EventRow {
  return {
    id: record.id,
    body_id: record.bodyId,
    version: record.version,
    type: record.type,
    data: JSON.stringify(record.data),
    actor_id: record.actor.id,
    actor_role: record.actor.role,
    occurred_at: record.occurredAt,
    recorded_at: record.recordedAt,
    machine_id: record.machine.id,
    machine_version: record.machine.version,
    decision: record.decision ? JSON.stringify(record.decision) : null,
    prev_hash: record.prevHash,
    hash: record.hash,
  } as EventRow;
}

describe('a body’s stored events checked against their hashes and links', () => {
  const records = recordStream(typicalLifecycle, { bodyId: 'cccccccc-0000-4000-8000-000000000000' });
  const rows = () => records.map(rowOf);
  const kinds = (checked: ReturnType<typeof checkStoredEvents>) => checked.tampered.map((t) => [t.version, t.kind]);

  it('finds nothing in a stream as recorded, and reads every event', () => {
    const checked = checkStoredEvents(rows());
    expect(checked.tampered).toEqual([]);
    expect(checked.events.map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
    expect(tamperingWarning(checked.tampered)).toBeNull();
  });

  it('names an event whose data was changed, and only that one', () => {
    const changed = rows();
    changed[2] = { ...changed[2], data: changed[2].data.replace('2025', '2026') };
    const checked = checkStoredEvents(changed);
    expect(kinds(checked)).toEqual([[3, 'content']]);
    expect(checked.tampered[0]).toMatchObject({ expected: records[2].hash, found: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(checked.tampered[0].message).toMatch(/^Version 3 wurde nach der Aufzeichnung verändert \(Hash stimmt nicht\)/);
  });

  it('names an event whose JSON no longer parses', () => {
    const changed = rows();
    changed[1] = { ...changed[1], data: '{"kaputt' };
    expect(kinds(checkStoredEvents(changed))).toEqual([[2, 'unreadable']]);
  });

  it('names the event after a gap, a version stored twice, and a stream that starts late', () => {
    expect(kinds(checkStoredEvents(rows().filter((r) => r.version !== 3)))).toEqual([[4, 'gap']]);
    const twice = rows();
    twice.splice(3, 0, { ...twice[2], id: 'ffffffff-0000-4000-8000-000000000000' });
    expect(kinds(checkStoredEvents(twice))).toEqual([[3, 'duplicate']]);
    expect(kinds(checkStoredEvents(rows().slice(1)))).toEqual([[2, 'start']]);
  });

  it('names the event after one replaced with a recomputed hash: its link to it breaks', () => {
    const { hash: _, ...original } = records[1];
    const replacement = { ...original, occurredAt: '2024-06-06T00:00:00.000Z' };
    const changed = rows();
    changed[1] = rowOf({ ...replacement, hash: hashEvent(replacement) });
    const checked = checkStoredEvents(changed);
    expect(kinds(checked)).toEqual([[3, 'link']]);
    expect(checked.tampered[0]).toMatchObject({ expected: hashEvent(replacement), found: records[1].hash });
  });

  it('names two events that changed places as swapped, each with the other, and the one after them intact (as verify names the first)', () => {
    // The version column of two neighbours exchanged by SQL, read back in version order.
    const changed = rows();
    const [third, fourth] = [changed[2], changed[3]];
    changed[2] = { ...fourth, version: 3 };
    changed[3] = { ...third, version: 4 };
    const checked = checkStoredEvents(changed);
    expect(kinds(checked)).toEqual([
      [3, 'swapped'],
      [4, 'swapped'],
    ]);
    expect(checked.tampered.map((t) => t.message)).toEqual([
      'Version 3: Die Reihenfolge wurde verändert: das Ereignis hier gehört hinter Version 4 (mit ihr vertauscht).',
      'Version 4: Die Reihenfolge wurde verändert: das Ereignis hier gehört vor Version 3 (mit ihr vertauscht).',
    ]);
  });

  it('gives replay a verdict of its own, naming the first changed event before anything else', () => {
    const changed = rows();
    changed[3] = { ...changed[3], occurred_at: '2024-06-18T00:00:00.000Z' };
    changed[4] = { ...changed[4], data: changed[4].data.replace('2025', '2027') };
    const checked = checkStoredEvents(changed);
    const verdict = tamperedVerdict(5, checked.tampered);
    expect(verdict).toMatchObject({ verdict: 'tampered', events: 5, divergence: { version: 4, path: 'hash', type: records[3].type } });
    expect(verdict.divergence.message).toMatch(/^Version 4 wurde nach der Aufzeichnung verändert \(Hash stimmt nicht\).* Betroffen sind 2 Ereignisse \(Versionen 4, 5\)\./);
    expect(tamperingWarning(checked.tampered)).toMatch(/^Achtung: Version 4 .* Version 5 .* Die Antwort beruht auf diesen Ereignissen/);
  });
});
