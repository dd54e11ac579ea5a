/**
 * What the write path keeps in memory between writes (parsed decisions, derivations) never makes
 * it write something other than the stored state asks for: not after a rolled-back unit of work,
 * not after a change made around it, not beside a second instance.
 */
import { SECRETARIAT } from '../src/auth/actor';
import { LifecycleRefusal } from '../src/common/errors';
import { Database } from '../src/database/database';
import { DeadlinesService } from '../src/deadlines/deadlines.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { DecisionsService } from '../src/decisions/decisions.service';
import { storedContext } from '../src/event-log/stored-context';
import { LifecycleService } from '../src/lifecycle/lifecycle.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { deadlineRows, deadlinesEnv, registrationWithReports } from './deadlines.support';
import { openTestDatabase, startTestContext, testDatabaseKinds, type TestContext } from './support/test-app';

const DECISION = { number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-13', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung' };

const approvedBy = (bodyId: string, approvedUntil: string) => ({ body: bodyId, effect: 'approved', data: { approvedUntil } });
const approve = (bodyId: string, approvedUntil: string) => ({ bodyId, type: 'approved', data: { approvedUntil }, decision: DECISION.number });

/** A registration with `n` interim reports, one a month from January 2030 on. */
const withReports = (n: number) => registrationWithReports(n, '2030-01');


describe.each(testDatabaseKinds())('the write path’s caches on %s', (database) => {
  let restoreEnv: () => void;
  let t: TestContext;
  let lifecycle: LifecycleService;
  let decisions: DecisionsService;
  let db: Database;

  beforeEach(async () => {
    restoreEnv = deadlinesEnv();
    t = await startTestContext({ database, now: '2024-06-20T09:00:00Z' });
    lifecycle = t.context.get(LifecycleService);
    decisions = t.context.get(DecisionsService);
    db = t.context.get(Database);
  });
  afterEach(async () => {
    await t.close();
    restoreEnv();
  });

  const submitted = async (input: unknown = { ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }) => {
    const { bodyId } = await lifecycle.register(input, SECRETARIAT);
    await lifecycle.execute({ bodyId, type: 'submitted', occurredAt: '2024-06-05' }, SECRETARIAT);
    return bodyId;
  };

  test('a cited decision changed around the register is read anew', async () => {
    const [first, second, third] = [await submitted(), await submitted(), await submitted()];
    await decisions.record({ ...DECISION, effects: [approvedBy(first, '2025-03-31'), approvedBy(second, '2025-03-31')] }, SECRETARIAT);
    await lifecycle.execute(approve(first, '2025-03-31'), SECRETARIAT);
    // As the simulation does in its copy: the effect now names another body, the stream's head stays.
    await db.transaction((tx) => tx.query('UPDATE decisions SET effects = replace(effects, ?, ?)', [second, third]));
    await expect(lifecycle.execute(approve(second, '2025-03-31'), SECRETARIAT)).rejects.toBeInstanceOf(LifecycleRefusal);
    await expect(lifecycle.execute(approve(third, '2025-03-31'), SECRETARIAT)).resolves.toMatchObject({ version: 3 });
  });

  test('a cited decision deleted and written again around the register, with the same stream head, is read anew', async () => {
    const [first, second, third] = [await submitted(), await submitted(), await submitted()];
    await decisions.record({ ...DECISION, effects: [approvedBy(first, '2025-03-31'), approvedBy(second, '2025-03-31')] }, SECRETARIAT);
    await lifecycle.execute(approve(first, '2025-03-31'), SECRETARIAT);
    await db.transaction(async (tx) => {
      const [row] = await tx.query<Record<string, string | number | null>>('SELECT * FROM decisions WHERE number = ?', [DECISION.number]);
      await tx.query('DELETE FROM decisions WHERE number = ?', [DECISION.number]);
      const columns = Object.keys(row).filter((column) => column !== 'revision');
      const values = columns.map((column) => (column === 'effects' ? String(row.effects).replace(second, third) : row[column]));
      await tx.query(`INSERT INTO decisions (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, values);
    });
    await expect(lifecycle.execute(approve(second, '2025-03-31'), SECRETARIAT)).rejects.toBeInstanceOf(LifecycleRefusal);
    await expect(lifecycle.execute(approve(third, '2025-03-31'), SECRETARIAT)).resolves.toMatchObject({ version: 3 });
  });

  test('every change of a decision row gives it a revision no state of a decision row had before', async () => {
    const bodyId = await submitted();
    const revisions = async () =>
      (await db.query<{ number: string; revision: number | string }>('SELECT number, revision FROM decisions ORDER BY number')).map((r) => `${r.number}:${Number(r.revision)}`);
    await decisions.record({ ...DECISION, effects: [approvedBy(bodyId, '2025-03-31')] }, SECRETARIAT);
    await decisions.record({ ...DECISION, number: '2024/10-AL', title: 'Zweiter' }, SECRETARIAT);
    const seen = [...(await revisions())];
    await db.transaction((tx) => tx.query("UPDATE decisions SET title = 'Geändert' WHERE number = ?", [DECISION.number]));
    seen.push(...(await revisions()));
    await db.transaction((tx) => tx.query("UPDATE decisions SET title = 'Geändert' WHERE number = ?", [DECISION.number]));
    seen.push(...(await revisions()));
    const ofFirst = seen.filter((r) => r.startsWith(`${DECISION.number}:`));
    expect(new Set(ofFirst).size).toBe(3);
    expect(new Set(seen.map((r) => r.split(':')[1])).size).toBe(4);
  });

  test('a decision cited in a unit of work that rolled back is not the one cited afterwards', async () => {
    const bodyId = await submitted();
    await expect(
      db.transaction(async () => {
        await decisions.record({ ...DECISION, effects: [approvedBy(bodyId, '2025-03-31')] }, SECRETARIAT);
        await lifecycle.execute(approve(bodyId, '2025-03-31'), SECRETARIAT);
        throw new Error('import aborted');
      }),
    ).rejects.toThrow('import aborted');
    await decisions.record({ ...DECISION, effects: [approvedBy(bodyId, '2025-12-31')] }, SECRETARIAT);
    await expect(lifecycle.execute(approve(bodyId, '2025-03-31'), SECRETARIAT)).rejects.toBeInstanceOf(LifecycleRefusal);
    await expect(lifecycle.execute(approve(bodyId, '2025-12-31'), SECRETARIAT)).resolves.toMatchObject({ version: 3 });
  });

  describe('the sessions calendar a write derives against', () => {
    const requestReport = (bodyId: string, session: number, occurredAt: string) =>
      lifecycle.execute(
        {
          bodyId,
          type: 'reportRequested',
          data: { kind: 'Jahresbericht', addressee: 'IT-Planungsrat', due: { kind: 'session', issuer: 'IT-PLR', session } },
          occurredAt,
        },
        SECRETARIAT,
      );
    const holdSession = (tx: { query: Database['query'] }, number: number, date: string) =>
      tx.query("INSERT INTO sessions (issuer, number, held_on, recorded_at, recorded_by) VALUES ('IT-PLR', ?, ?, '2024-06-20T09:00:00Z', 'test')", [number, date]);
    const reportDate = async (bodyId: string, ref: string) =>
      (await db.query<{ original_date: string | null }>('SELECT original_date FROM deadlines WHERE body_id = ? AND ref = ?', [bodyId, ref]))[0]?.original_date;

    const started = async () => {
      const bodyId = await submitted();
      await decisions.record({ ...DECISION, effects: [approvedBy(bodyId, '2025-03-31')] }, SECRETARIAT);
      await lifecycle.execute(approve(bodyId, '2025-03-31'), SECRETARIAT);
      await lifecycle.execute({ bodyId, type: 'started', occurredAt: '2024-06-17' }, SECRETARIAT);
      return bodyId;
    };

    test('a session entered around the service counts for the next write', async () => {
      const bodyId = await started();
      await db.transaction((tx) => holdSession(tx, 46, '2025-03-20'));
      await requestReport(bodyId, 46, '2024-06-18');
      expect(await reportDate(bodyId, 'r2')).toBe('2025-03-20');
    });

    test('a session entered in a unit of work that rolled back does not count afterwards', async () => {
      const bodyId = await started();
      await expect(
        db.transaction(async (tx) => {
          await holdSession(tx, 46, '2025-03-20');
          await requestReport(bodyId, 46, '2024-06-18');
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await db.transaction((tx) => holdSession(tx, 46, '2025-05-08'));
      await requestReport(bodyId, 46, '2024-06-18');
      expect(await reportDate(bodyId, 'r2')).toBe('2025-05-08');
    });
  });

  test('after a rolled-back write the Fristen and the projection row follow the stored state', async () => {
    const bodyId = await submitted(withReports(30));
    await decisions.record({ ...DECISION, effects: [approvedBy(bodyId, '2025-03-31')] }, SECRETARIAT);
    await lifecycle.execute(approve(bodyId, '2025-03-31'), SECRETARIAT);
    await lifecycle.execute({ bodyId, type: 'started', occurredAt: '2024-06-17' }, SECRETARIAT);
    await expect(
      db.transaction(async () => {
        await lifecycle.execute({ bodyId, type: 'reportSubmitted', data: { obligationId: 'r2' }, occurredAt: '2024-06-18' }, SECRETARIAT);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await lifecycle.execute({ bodyId, type: 'reportSubmitted', data: { obligationId: 'r3' }, occurredAt: '2024-06-18' }, SECRETARIAT);

    const written = await deadlineRows(db, bodyId);
    const states = (await storedContext(db, bodyId))!.obligations.map((o) => `${o.id}:${o.state}`);
    expect(states.slice(0, 3)).toEqual(['r1:pending', 'r2:pending', 'r3:submitted']);
    await db.transaction((tx) => t.context.get(DeadlinesService).rederiveAll(tx));
    expect(await deadlineRows(db, bodyId)).toEqual(written);
  });
});

const onPostgres = testDatabaseKinds().includes('postgres') ? describe : describe.skip;

onPostgres('two instances writing one body on postgres', () => {
  test('a version an instance wrote in a unit of work that rolled back is not the one it decides on, once the other instance wrote that version', async () => {
    const { config } = await openTestDatabase('postgres');
    const a = await startTestContext({ databaseConfig: config, now: '2024-06-20T09:00:00Z' });
    const b = await startTestContext({ databaseConfig: config, now: '2024-06-20T09:00:00Z' });
    try {
      const [lifecycleA, lifecycleB] = [a.context.get(LifecycleService), b.context.get(LifecycleService)];
      const { bodyId } = await lifecycleA.register({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }, SECRETARIAT);
      await lifecycleA.execute({ bodyId, type: 'submitted', occurredAt: '2024-06-05' }, SECRETARIAT);
      // A returns the body for revision (version 3) in a unit of work that rolls back …
      await expect(
        a.context.get(Database).transaction(async () => {
          await lifecycleA.execute({ bodyId, type: 'returnedForRevision', data: { reason: 'Ziele fehlen' }, occurredAt: '2024-06-06' }, SECRETARIAT);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      // … B withdraws it as version 3; to A the body is withdrawn, not in revision.
      await lifecycleB.execute({ bodyId, type: 'withdrawn', data: { reason: 'Zurückgezogen' }, occurredAt: '2024-06-07' }, SECRETARIAT);
      await expect(lifecycleA.execute({ bodyId, type: 'submitted', occurredAt: '2024-06-08' }, SECRETARIAT)).rejects.toBeInstanceOf(LifecycleRefusal);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('each instance’s writes are seen by the other: Fristen, timers and projection follow every write', async () => {
    const restoreEnv = deadlinesEnv();
    const { config } = await openTestDatabase('postgres');
    const a = await startTestContext({ databaseConfig: config, now: '2024-06-20T09:00:00Z' });
    const b = await startTestContext({ databaseConfig: config, now: '2024-06-20T09:00:00Z' });
    try {
      const [lifecycleA, lifecycleB] = [a.context.get(LifecycleService), b.context.get(LifecycleService)];
      const { bodyId } = await lifecycleA.register(withReports(20), SECRETARIAT);
      await lifecycleA.execute({ bodyId, type: 'submitted', occurredAt: '2024-06-05' }, SECRETARIAT);
      await a.context.get(DecisionsService).record({ ...DECISION, effects: [approvedBy(bodyId, '2025-03-31')] }, SECRETARIAT);
      await lifecycleB.execute(approve(bodyId, '2025-03-31'), SECRETARIAT);
      await lifecycleA.execute({ bodyId, type: 'started', occurredAt: '2024-06-17' }, SECRETARIAT);
      await lifecycleB.execute({ bodyId, type: 'reportSubmitted', data: { obligationId: 'r2' }, occurredAt: '2024-06-18' }, SECRETARIAT);
      // A last wrote version 4; B wrote 5 behind its back.
      await lifecycleA.execute({ bodyId, type: 'reportSubmitted', data: { obligationId: 'r3' }, occurredAt: '2024-06-19' }, SECRETARIAT);

      const db = a.context.get(Database);
      const [row] = await db.query<{ version: number | string }>('SELECT version FROM bodies WHERE id = ?', [bodyId]);
      expect(Number(row.version)).toBe(6);
      const states = (await storedContext(db, bodyId))!.obligations.map((o) => o.state);
      expect(states.slice(0, 4)).toEqual(['pending', 'submitted', 'submitted', 'pending']);
      const written = await deadlineRows(db, bodyId);
      await db.transaction((tx) => a.context.get(DeadlinesService).rederiveAll(tx));
      expect(await deadlineRows(db, bodyId)).toEqual(written);
    } finally {
      await a.close();
      await b.close();
      restoreEnv();
    }
  });
});

describe.each(testDatabaseKinds())('a body’s whole life on %s', (database) => {
  test('after every write its Fristen and timers are the rows a derivation from scratch writes', async () => {
    const restoreEnv = deadlinesEnv();
    const { config, cleanup } = await openTestDatabase(database);
    // The writer, and a second instance that derives every Frist from scratch in a unit of work it rolls back.
    const writer = await startTestContext({ databaseConfig: config, now: '2024-06-03T09:00:00Z' });
    const checker = await startTestContext({ databaseConfig: config, now: '2024-06-03T09:00:00Z' });
    try {
      const lifecycle = writer.context.get(LifecycleService);
      const db = writer.context.get(Database);
      const fromScratch = async (bodyId: string): Promise<Awaited<ReturnType<typeof deadlineRows>>> => {
        const rows = { deadlines: [] as Array<Record<string, unknown>>, timers: [] as Array<Record<string, unknown>> };
        const checkerDb = checker.context.get(Database);
        await checkerDb
          .transaction(async (tx) => {
            await checker.context.get(DeadlinesService).rederiveAll(tx);
            Object.assign(rows, await deadlineRows(tx, bodyId));
            throw new Error('only looked');
          })
          .catch(() => undefined);
        return rows;
      };
      const { bodyId } = await lifecycle.register(withReports(24), SECRETARIAT);
      const decided = (number: string, date: string, effect: string, data: unknown) =>
        writer.context.get(DecisionsService).record({ ...DECISION, number, date, effects: [{ body: bodyId, effect, data }] }, SECRETARIAT);
      const life: Array<{ at: string; command: Record<string, unknown>; sweep?: false }> = [
        { at: '2024-06-05T10:00:00Z', command: { type: 'submitted' } },
        { at: '2024-06-14T10:00:00Z', command: { type: 'approved', data: { approvedUntil: '2025-03-31' }, decision: '2024/09-AL' } },
        // `started` falls due on 17.06. and the sweep sends it.
        { at: '2024-06-18T10:00:00Z', command: { type: 'participantsChanged', data: { participants: ['Land Hessen'] } } },
        { at: '2024-08-01T10:00:00Z', command: { type: 'participantsChanged', data: { participants: ['Land Berlin'] } } },
        { at: '2024-09-02T10:00:00Z', command: { type: 'reportRequested', data: { kind: 'Jahresbericht', addressee: 'AL-Runde', due: { kind: 'date', date: '2025-01-31' } } } },
        { at: '2024-11-20T10:00:00Z', command: { type: 'reportSubmitted', data: { obligationId: 'r1' } } },
        { at: '2024-11-28T10:00:00Z', command: { type: 'reportAcknowledged', data: { obligationId: 'r1' } } },
        // No sweep before it: the write itself fires the system events due meanwhile, and each moves the reminders left behind.
        { at: '2025-03-21T10:00:00Z', command: { type: 'extended', data: { approvedUntil: '2025-12-31' }, decision: '2025/03-AL' }, sweep: false },
        { at: '2025-09-01T10:00:00Z', command: { type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2025-11-30' } } } },
      ];
      for (const { at, command, sweep } of life) {
        writer.clock.set(at);
        // The sweep sends the reminders due meanwhile (and fires the system events due).
        if (sweep !== false) await writer.context.get(SchedulerService).sweep();
        if (command.type === 'approved') await decided('2024/09-AL', '2024-06-13', 'approved', { approvedUntil: '2025-03-31' });
        if (command.type === 'extended') await decided('2025/03-AL', '2025-03-20', 'extended', { approvedUntil: '2025-12-31' });
        await lifecycle.execute({ bodyId, ...command } as never, SECRETARIAT);
        expect({ after: command.type, ...(await deadlineRows(db, bodyId)) }).toEqual({ after: command.type, ...(await fromScratch(bodyId)) });
      }
    } finally {
      await writer.close();
      await checker.close();
      cleanup();
      restoreEnv();
    }
  });
});
