/**
 * A body's report obligations are stored one row each beside the projection row (see
 * src/event-log/stored-context.ts), written by difference. What is read back is always the whole
 * context the events give: after a life with 800 obligations, after a refused command that had
 * already fired due timers in a shared commit, on SQLite and PostgreSQL; and a changed
 * obligation row is found by the replay check and the offline verifier.
 */
import { generateKeyPairSync } from 'node:crypto';
import Database from 'better-sqlite3';
import { withQueryRunner } from './support/migrations';
import { replayRecords } from '../src/audit/replay';
import { verifyExport } from '../src/audit/offline-verifier';
import { SECRETARIAT } from '../src/auth/actor';
import { BodiesService } from '../src/bodies/bodies.service';
import { LifecycleRefusal } from '../src/common/errors';
import { Database as AppDatabase } from '../src/database/database';
import { DeadlinesService } from '../src/deadlines/deadlines.service';
import { EventStore } from '../src/event-log/event-store';
import { storedContext } from '../src/event-log/stored-context';
import { LifecycleService } from '../src/lifecycle/lifecycle.service';
import { BodyObligations1766900000000 } from '../src/database/migrations/1766900000000-body-obligations';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { APPROVING_DECISION, deadlineRows, deadlinesEnv, registrationWithReports, startBodies } from './deadlines.support';
import { openTestDatabase, startTestApp, startTestContext, testDatabaseKinds, type TestContext } from './support/test-app';


/** A registration with `n` interim reports, one a month from August 2024 on. */
const withReports = (n: number) => registrationWithReports(n, '2024-08');


describe.each(testDatabaseKinds())('report obligations stored beside the body on %s', (database) => {
  let restoreEnv: () => void;
  let t: TestContext;
  let lifecycle: LifecycleService;
  let db: AppDatabase;

  beforeEach(async () => {
    restoreEnv = deadlinesEnv();
    t = await startTestContext({ database, now: '2025-12-01T09:00:00Z' });
    lifecycle = t.context.get(LifecycleService);
    db = t.context.get(AppDatabase);
  });
  afterEach(async () => {
    await t.close();
    restoreEnv();
  });

  const started = (...inputs: unknown[]) => startBodies(t, ...inputs);

  /** The context a fold of the body's events from scratch gives. */
  const replayed = async (bodyId: string) => {
    const { snapshot, machine } = replayRecords(await t.context.get(EventStore).readStream(bodyId));
    return JSON.parse(JSON.stringify(machine!.persist(snapshot!).context));
  };

  const obligationRows = (bodyId: string) => db.query<{ position: number | string }>('SELECT position FROM body_obligations WHERE body_id = ? ORDER BY position', [bodyId]);

  test('a body with 800 obligations through a life reads back as the fold of its events from scratch, Fristen included', async () => {
    const [bodyId] = await started(withReports(800));
    await lifecycle.execute({ bodyId, type: 'reportSubmitted', data: { obligationId: 'r1' }, occurredAt: '2024-07-10' }, SECRETARIAT);
    await lifecycle.execute({ bodyId, type: 'participantsChanged', data: { participants: ['Hessen'] }, occurredAt: '2024-07-11' }, SECRETARIAT);
    // Fires the due and overdue timers of the reports up to then (r2, r3, …) before the acknowledgement.
    await lifecycle.execute({ bodyId, type: 'reportAcknowledged', data: { obligationId: 'r1' }, occurredAt: '2025-02-03' }, SECRETARIAT);
    await lifecycle.execute({ bodyId, type: 'reportSubmitted', data: { obligationId: 'r400' }, occurredAt: '2025-02-04' }, SECRETARIAT);

    const context = (await storedContext(db, bodyId))!;
    expect(context.obligations).toHaveLength(800);
    expect(context.obligations.slice(0, 4).map((o) => o.state)).toEqual(['acknowledged', 'overdue', 'overdue', 'overdue']);
    expect(context.obligations[399].state).toBe('submitted');
    expect(JSON.parse(JSON.stringify(context))).toEqual(await replayed(bodyId));
    expect((await t.context.get(BodiesService).get(bodyId)).context).toEqual(context);
    expect((await obligationRows(bodyId)).map((r) => Number(r.position))).toEqual(Array.from({ length: 800 }, (_, i) => i));

    const written = await deadlineRows(db, bodyId);
    await db.transaction((tx) => t.context.get(DeadlinesService).rederiveAll(tx));
    expect(await deadlineRows(db, bodyId)).toEqual(written);
  }, 60_000);

  test('the projection row keeps everything but the obligations, which keep their place in the context', async () => {
    const [bodyId] = await started(withReports(3));
    const [row] = await db.query<{ context: string }>('SELECT context FROM bodies WHERE id = ?', [bodyId]);
    expect(JSON.parse(row.context)).toMatchObject({ profile: { title: EXAMPLE_REGISTRATION.title }, obligations: null });
    const context = (await storedContext(db, bodyId))!;
    expect(Object.keys(context)).toEqual(Object.keys(JSON.parse(row.context)));
    expect(context.obligations.map((o) => o.id)).toEqual(['r1', 'r2', 'r3']);
    expect(await storedContext(db, 'no-such-body')).toBeNull();
  });

  test('a command refused after it fired due timers, in a shared commit, leaves the obligations as they were', async () => {
    const [refusedOn, other] = await started(withReports(5), withReports(5));
    const before = await storedContext(db, refusedOn);
    expect(before!.obligations.map((o) => o.state)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);

    // Dated after r1 and r2 fell due: their reportDue/reportOverdue events are appended first, then `approved` is refused (the body is active).
    const results = await Promise.allSettled([
      lifecycle.execute({ bodyId: refusedOn, type: 'approved', data: { approvedUntil: '2031-12-31' }, decision: APPROVING_DECISION.number, occurredAt: '2024-10-15' }, SECRETARIAT),
      lifecycle.execute({ bodyId: other, type: 'participantsChanged', data: { participants: ['Bayern'] }, occurredAt: '2024-10-15' }, SECRETARIAT),
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: expect.any(LifecycleRefusal) });
    expect(results[1]).toMatchObject({ status: 'fulfilled' });

    expect(await storedContext(db, refusedOn)).toEqual(before);
    expect(JSON.parse(JSON.stringify(before))).toEqual(await replayed(refusedOn));
    // The next write starts from the stored rows and fires the same timers for good.
    await lifecycle.execute({ bodyId: refusedOn, type: 'participantsChanged', data: { participants: ['Bayern'] }, occurredAt: '2024-10-15' }, SECRETARIAT);
    const after = (await storedContext(db, refusedOn))!;
    expect(after.obligations.map((o) => o.state)).toEqual(['overdue', 'overdue', 'pending', 'pending', 'pending']);
    expect(JSON.parse(JSON.stringify(after))).toEqual(await replayed(refusedOn));
    expect(JSON.parse(JSON.stringify(await storedContext(db, other)))).toEqual(await replayed(other));
  });
});

describe.each(testDatabaseKinds())('the migration to obligation rows on %s', (database) => {
  test('moves the obligations out of stored contexts and back', async () => {
    const restoreEnv = deadlinesEnv();
    const { config, cleanup } = await openTestDatabase(database);
    const t = await startTestContext({ databaseConfig: config, now: '2025-12-01T09:00:00Z' });
    let bodyId: string;
    let before: unknown;
    try {
      ({ bodyId } = await t.context.get(LifecycleService).register(withReports(4), SECRETARIAT));
      await t.context.get(LifecycleService).execute({ bodyId, type: 'submitted', occurredAt: '2024-06-05' }, SECRETARIAT);
      before = await storedContext(t.context.get(AppDatabase), bodyId);
    } finally {
      await t.close();
    }
    await withQueryRunner(config, async (q) => {
      const contextOf = async () => JSON.parse(((await q.query('SELECT context FROM bodies')) as Array<{ context: string }>)[0].context);
      const migration = new BodyObligations1766900000000();
      // Back to one context column, as the releases before it stored it …
      await migration.down(q);
      expect(await contextOf()).toEqual(before);
      // … and forward again: what the service reads is the same.
      await migration.up(q);
      expect(await contextOf()).toMatchObject({ obligations: null });
      expect((await q.query('SELECT COUNT(*) AS n FROM body_obligations')) as Array<{ n: number | string }>).toEqual([{ n: database === 'postgres' ? '4' : 4 }]);
    });
    const again = await startTestContext({ databaseConfig: config, now: '2025-12-01T09:00:00Z' });
    try {
      expect(await storedContext(again.context.get(AppDatabase), bodyId)).toEqual(before);
      await again.context.get(LifecycleService).execute({ bodyId, type: 'returnedForRevision', data: { reason: 'Ziele schärfen' }, occurredAt: '2024-06-06' }, SECRETARIAT);
    } finally {
      await again.close();
      cleanup();
      restoreEnv();
    }
  });
});

describe('a changed obligation row', () => {
  test('is named by the replay check and the offline verifier', async () => {
    const restoreEnv = deadlinesEnv();
    const t = await startTestApp({ database: 'sqlite', now: '2024-12-01T09:00:00Z' });
    try {
      const { bodyId } = await t.app.get(LifecycleService).register(withReports(3), SECRETARIAT);
      expect((await t.http.get(`/api/bodies/${bodyId}/replay`).expect(200)).body.verdict).toBe('matches');

      // Changed in the file, behind the service's back.
      const file = (t.config.database as { file: string }).file;
      const raw = new Database(file);
      try {
        const { data } = raw.prepare('SELECT data FROM body_obligations WHERE body_id = ? AND position = 1').get(bodyId) as { data: string };
        raw.prepare('UPDATE body_obligations SET data = ? WHERE body_id = ? AND position = 1').run(data.replace('"state":"pending"', '"state":"acknowledged"'), bodyId);
      } finally {
        raw.close();
      }

      const replay = (await t.http.get(`/api/bodies/${bodyId}/replay`).expect(200)).body;
      expect(replay).toMatchObject({ verdict: 'diverges', divergence: { path: 'context.obligations[1].state', expected: 'pending', found: 'acknowledged' } });
      const text = (await t.http.get('/api/audit/export').buffer(true).parse(collect).expect(200)).body as string;
      const { publicKey } = generateKeyPairSync('ed25519');
      const offline = await verifyExport(text.split('\n'), publicKey);
      expect(offline.ok).toBe(false);
      expect(offline.findings).toContainEqual(expect.objectContaining({ stream: bodyId, message: expect.stringContaining('context.obligations[1].state') }));
    } finally {
      await t.close();
      restoreEnv();
    }
  });
});

const collect = (res: import('supertest').Response, done: (error: Error | null, body: string) => void) => {
  let text = '';
  res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  res.on('end', () => done(null, text));
};
