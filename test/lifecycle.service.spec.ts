import { SECRETARIAT } from '../src/auth/actor';
import { ConcurrencyConflict, LifecycleRefusal } from '../src/common/errors';
import { Database } from '../src/database/database';
import { DecisionsService } from '../src/decisions/decisions.service';
import { hashEvent } from '../src/event-log/event-hash';
import { EventStore } from '../src/event-log/event-store';
import { canonicalJson } from '../src/json/canonical-json';
import { LifecycleService } from '../src/lifecycle/lifecycle.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { openTestDatabase, startTestContext, testDatabaseKinds, type TestContext } from './support/test-app';

const rename = (bodyId: string, title: string, expectedVersion?: number) => ({
  bodyId,
  type: 'revised',
  data: { title },
  occurredAt: '2024-06-04',
  ...(expectedVersion === undefined ? {} : { expectedVersion }),
});

async function counts(db: Database, bodyId: string) {
  const [events] = await db.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM events WHERE body_id = ?', [bodyId]);
  const [contacts] = await db.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM contacts');
  const [body] = await db.query<{ version: number | string }>('SELECT version FROM bodies WHERE id = ?', [bodyId]);
  return { events: Number(events.n), contacts: Number(contacts.n), version: Number(body.version) };
}

describe.each(testDatabaseKinds())('the write path on %s', (database) => {
  let t: TestContext;
  let lifecycle: LifecycleService;
  let db: Database;
  let bodyId: string;

  beforeEach(async () => {
    t = await startTestContext({ database });
    lifecycle = t.context.get(LifecycleService);
    db = t.context.get(Database);
    bodyId = (await lifecycle.register({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }, SECRETARIAT)).bodyId;
  });
  afterEach(() => t.close());

  test('concurrent commands without expectedVersion all land, each on its own version, none overwritten', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => lifecycle.execute(rename(bodyId, `Titel ${i}`), SECRETARIAT)));
    const landed = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    // SQLite serializes every unit of work; on PostgreSQL a lost race is a conflict, never an overwrite.
    for (const r of lost) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyConflict);
    if (database === 'sqlite') expect(lost).toHaveLength(0);
    const events = await t.context.get(EventStore).readStream(bodyId);
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: landed.length + 1 }, (_, i) => i + 1));
    events.slice(1).forEach((e, i) => expect(e.prevHash).toBe(events[i].hash));
    expect((await counts(db, bodyId)).version).toBe(landed.length + 1);
  });

  test('an undated command is recorded at the body\'s last event when its clock is behind it (another instance wrote it a moment ago)', async () => {
    t.clock.set('2026-11-28T09:00:01Z');
    await lifecycle.execute({ bodyId, type: 'revised', data: { title: 'Titel A' } }, SECRETARIAT);
    t.clock.set('2026-11-28T09:00:00Z');
    const second = await lifecycle.execute({ bodyId, type: 'revised', data: { title: 'Titel B' } }, SECRETARIAT);
    const events = await t.context.get(EventStore).readStream(bodyId);
    expect(second.version).toBe(3);
    expect(events.map((e) => e.occurredAt).slice(1)).toEqual(['2026-11-28T09:00:01.000Z', '2026-11-28T09:00:01.000Z']);
  });

  if (database === 'postgres') {
    test('undated commands sent to two instances at once all land, whichever instance\'s clock is ahead', async () => {
      const other = await startTestContext({ databaseConfig: t.config.database, now: '2026-11-28T09:00:02Z' });
      try {
        const instances = [lifecycle, other.context.get(LifecycleService)];
        const results = await Promise.allSettled(
          Array.from({ length: 30 }, (_, i) => instances[i % 2].execute({ bodyId, type: 'revised', data: { title: `Titel ${i}` } }, SECRETARIAT)),
        );
        const refused = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
        expect(refused).toEqual([]);
        const events = await t.context.get(EventStore).readStream(bodyId);
        expect(events).toHaveLength(31);
        events.slice(2).forEach((e, i) => expect(e.occurredAt >= events[i + 1].occurredAt).toBe(true));
      } finally {
        await other.close();
      }
    });
  }

  test('of concurrent commands expecting the same version exactly one lands; the others get 409 with the current version', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => lifecycle.execute(rename(bodyId, `Titel ${i}`, 1), SECRETARIAT)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      const reason = (r as PromiseRejectedResult).reason as ConcurrencyConflict;
      expect(reason).toBeInstanceOf(ConcurrencyConflict);
      expect(reason.details.currentVersion).toBe(2);
    }
    expect(await counts(db, bodyId)).toMatchObject({ events: 2, version: 2 });
  });

  test('a projector that fails aborts the whole command: no event, no projection change, no contact', async () => {
    const before = await counts(db, bodyId);
    lifecycle.addProjector(async () => {
      throw new Error('outbox unavailable');
    });
    await expect(
      lifecycle.execute({ ...rename(bodyId, 'Neu'), data: { title: 'Neu', contacts: [{ name: 'Erika Muster' }] } }, SECRETARIAT),
    ).rejects.toThrow('outbox unavailable');
    expect(await counts(db, bodyId)).toEqual(before);
    const [row] = await db.query<{ title: string }>('SELECT title FROM bodies WHERE id = ?', [bodyId]);
    expect(row.title).toBe(EXAMPLE_REGISTRATION.title);
  });

  test('a refused command records none of its inline contacts', async () => {
    const before = await counts(db, bodyId);
    await expect(
      lifecycle.execute({ bodyId, type: 'leadsChanged', data: { leads: ['Bayern'], contacts: [{ name: 'Max Muster' }] } }, SECRETARIAT),
    ).rejects.toBeInstanceOf(LifecycleRefusal);
    expect(await counts(db, bodyId)).toEqual(before);
  });

  test('stores data and decision of every event in the canonical form its hash covers, whatever the member order it came in', async () => {
    await lifecycle.execute({ bodyId, type: 'submitted', occurredAt: '2024-06-05' }, SECRETARIAT);
    await t.context.get(DecisionsService).record(
      { number: '2024/08-AL', issuer: 'AL-Runde', date: '2024-06-10', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: bodyId, effect: 'approved', data: { approvedUntil: '2025-03-31' } }] },
      SECRETARIAT,
    );
    await lifecycle.execute({ bodyId, type: 'approved', data: { approvedUntil: '2025-03-31' }, decision: '2024/08-AL' }, SECRETARIAT);
    await lifecycle.execute({ bodyId, type: 'started', occurredAt: '2024-06-17' }, SECRETARIAT);
    // Members in the order a client writes them, not sorted: kind before date.
    await lifecycle.execute({ bodyId, type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2025-01-31' } }, occurredAt: '2024-09-02' }, SECRETARIAT);
    const rows = await db.query<{ type: string; data: string; decision: string | null }>('SELECT type, data, decision FROM events WHERE body_id = ? ORDER BY version', [bodyId]);
    expect(rows.map((r) => r.type)).toEqual(['registered', 'submitted', 'approved', 'started', 'closureInitiated']);
    // The registration's members come in the form's order, which is not the canonical one.
    expect(JSON.stringify(EXAMPLE_REGISTRATION)).not.toBe(canonicalJson(EXAMPLE_REGISTRATION));
    expect(rows[4].data).toBe('{"finalReportDue":{"date":"2025-01-31","kind":"date"}}');
    for (const row of rows) {
      expect(row.data).toBe(canonicalJson(JSON.parse(row.data)));
      if (row.decision !== null) expect(row.decision).toBe(canonicalJson(JSON.parse(row.decision)));
    }
    expect(rows[2].decision).not.toBeNull();
    const events = await t.context.get(EventStore).readStream(bodyId);
    for (const event of events) expect(hashEvent(event)).toBe(event.hash);
  });

  test('after a failed command the next one starts from the stored state, not from a half-applied one', async () => {
    lifecycle.addProjector(async (_tx, { event }) => {
      if (event.type === 'submitted') throw new Error('boom');
    });
    await expect(lifecycle.execute({ bodyId, type: 'submitted', occurredAt: '2024-06-05' }, SECRETARIAT)).rejects.toThrow('boom');
    const result = await lifecycle.execute(rename(bodyId, 'Noch ein Entwurf'), SECRETARIAT);
    expect(result).toMatchObject({ version: 2, state: { value: 'draft' } });
  });
});

describe('durability on SQLite', () => {
  test('an acknowledged command is on disk when the service starts again', async () => {
    const { config, cleanup } = await openTestDatabase('sqlite');
    const first = await startTestContext({ databaseConfig: config });
    const { bodyId } = await first.context.get(LifecycleService).register({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }, SECRETARIAT);
    await first.context.get(LifecycleService).execute({ bodyId, type: 'submitted', occurredAt: '2024-06-05' }, SECRETARIAT);
    await first.close();

    const second = await startTestContext({ databaseConfig: config });
    const events = await second.context.get(EventStore).readStream(bodyId);
    expect(events.map((e) => e.type)).toEqual(['registered', 'submitted']);
    const next = await second.context.get(LifecycleService).execute({ bodyId, type: 'returnedForRevision', data: { reason: 'Ziele schärfen' }, occurredAt: '2024-06-06' }, SECRETARIAT);
    expect(next.version).toBe(3);
    await second.close();
    cleanup();
  });

  test('the database runs in WAL mode with synchronous=FULL', async () => {
    const t = await startTestContext();
    const db = t.context.get(Database);
    expect(await db.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(await db.query('PRAGMA synchronous')).toEqual([{ synchronous: 2 }]);
    await t.close();
  });
});

const onPostgres = testDatabaseKinds().includes('postgres') ? describe : describe.skip;

onPostgres('two instances on one postgres database', () => {
  test('a lost race between instances is a 409, and the loser then continues from the winner’s state', async () => {
    const { config } = await openTestDatabase('postgres');
    const a = await startTestContext({ databaseConfig: config });
    const b = await startTestContext({ databaseConfig: config });
    const [lifecycleA, lifecycleB] = [a.context.get(LifecycleService), b.context.get(LifecycleService)];
    const { bodyId } = await lifecycleA.register({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }, SECRETARIAT);
    await lifecycleA.execute(rename(bodyId, 'A1'), SECRETARIAT); // A caches version 2
    await lifecycleB.execute(rename(bodyId, 'B1'), SECRETARIAT); // B writes version 3 behind A's back
    const results = await Promise.allSettled([
      lifecycleA.execute(rename(bodyId, 'A2', 3), SECRETARIAT),
      lifecycleB.execute(rename(bodyId, 'B2', 3), SECRETARIAT),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const after = await lifecycleA.execute(rename(bodyId, 'A3'), SECRETARIAT);
    expect(after.version).toBe(5);
    const events = await a.context.get(EventStore).readStream(bodyId);
    expect(events.map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
    await a.close();
    await b.close();
  });
});
