import type { MachineVersion } from '../../src/audit/machine-versions';
import { Database } from '../../src/database/database';
import type { EventRecord } from '../../src/event-log/event-hash';
import { EventStore } from '../../src/event-log/event-store';
import { projectionOf } from '../../src/lifecycle/lifecycle.service';
import type { TestApp } from './test-app';

/**
 * Stores a stream as the write path of an earlier machine version stored it: each event with the
 * projection that version folds (the way to put a body recorded under version 1 or 2 into a
 * database whose service writes the newest version). The first `storedAlready` records are in
 * the store already (stored by an earlier call): only the rest is appended.
 */
export async function storeRecordedStream(t: TestApp, records: readonly EventRecord[], machine: MachineVersion, storedAlready = 0): Promise<void> {
  const store = t.app.get(EventStore);
  await t.app.get(Database).transaction(async (tx) => {
    let snapshot = machine.begin({ occurredAt: records[0].occurredAt, data: records[0].data as never });
    if (storedAlready === 0) {
      store.insertBody(tx, records[0], projectionOf(snapshot, machine));
      store.append(tx, records[0]);
    }
    records.slice(1).forEach((record, i) => {
      snapshot = machine.evolve(snapshot, { type: record.type, data: record.data, occurredAt: record.occurredAt, ...(record.decision ? { decision: record.decision } : {}) } as never);
      if (i + 1 < storedAlready) return;
      store.append(tx, record);
      store.updateBody(tx, record, projectionOf(snapshot, machine));
    });
  });
}
