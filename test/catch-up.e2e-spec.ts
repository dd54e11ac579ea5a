/**
 * Time is part of the fact: a write to a body first fires the body's system events that fell
 * due before it, each dated at its due instant and in due order, so a user's write right after a
 * restart can neither overtake, misdate nor swallow them.
 */
import { SECRETARIAT } from '../src/auth/actor';
import { Database } from '../src/database/database';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { storedContext } from '../src/event-log/stored-context';
import { LifecycleService } from '../src/lifecycle/lifecycle.service';
import { deadlinesEnv, recordSeedBody, registrationWithReports, startBodies } from './deadlines.support';
import { openTestDatabase, startTestApp, startTestContext, testDatabaseKinds, type TestApp, type TestContext } from './support/test-app';

// Each test starts two app instances one after the other: room for a busy machine (a time limit, not a speed target).
jest.setTimeout(60_000);

const SYSTEM_EVENTS = [
  '2024-06-16T22:00:00.000Z started system:scheduler',
  '2024-12-01T23:00:00.000Z reportDue system:scheduler',
  '2024-12-02T23:00:00.000Z reportOverdue system:scheduler',
  '2024-12-30T23:00:00.000Z termExpiring system:scheduler',
  '2025-03-31T22:00:00.000Z termExpired system:scheduler',
];

describe.each(testDatabaseKinds())('system events at their own time (%s)', (kind) => {
  let restoreEnv: () => void;
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  const open: TestApp[] = [];
  let id: string;

  /** The seed body approved on 12.06.2024, and then the service was down until `restartAt`. */
  async function downUntil(restartAt: string): Promise<TestApp> {
    const before = await startTestApp({ databaseConfig: db.config });
    id = await recordSeedBody(before);
    await before.close();
    const after = await startTestApp({ databaseConfig: db.config, now: restartAt });
    open.push(after);
    return after;
  }

  async function history(t: TestApp): Promise<string[]> {
    const rows = await t.app
      .get(Database)
      .query<{ type: string; occurred_at: string; actor_id: string }>('SELECT type, occurred_at, actor_id FROM events WHERE body_id = ? ORDER BY version', [id]);
    return rows.map((r) => `${r.occurred_at} ${r.type} ${r.actor_id}`);
  }

  beforeEach(async () => {
    restoreEnv = deadlinesEnv();
    db = await openTestDatabase(kind);
  });

  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
    db.cleanup();
    restoreEnv();
  });

  it('a write right after the restart first records the system events that fell due, each dated at its due instant', async () => {
    // Given the service was down from the approval until 02.04.2025, when nobody has swept yet,
    const t = await downUntil('2025-04-02T07:00:00Z');
    // when the secretariat records a report request right after the start,
    const { body } = await t.http
      .post(`/api/bodies/${id}/events`)
      .send({ type: 'reportRequested', expectedVersion: 3, data: { kind: 'Abschlussbericht', addressee: 'AL-Runde', due: { kind: 'date', date: '2025-06-30' } } })
      .expect(200);

    // then the five system events stand before it, in due order and dated when they fell due,
    expect(await history(t)).toEqual([
      '2024-06-03T09:00:00.000Z registered geschaeftsstelle',
      '2024-06-05T08:00:00.000Z submitted geschaeftsstelle',
      '2024-06-12T10:00:00.000Z approved geschaeftsstelle',
      ...SYSTEM_EVENTS,
      '2025-04-02T07:00:00.000Z reportRequested geschaeftsstelle',
    ]);
    expect(body).toMatchObject({ version: 9, event: { type: 'reportRequested', version: 9 } });
    expect(body.state.paths).toEqual(expect.arrayContaining(['active.term.expired', 'active.reporting.reportOverdue']));
    // and nothing is left for the sweep to append.
    const entries = await t.app.get(SchedulerService).sweep();
    expect(entries.filter((e) => e.kind === 'event')).toEqual([]);
  });

  it('timers an earlier release planned ahead (the weekly reminders of a report not yet overdue) go at the first write after the restart', async () => {
    // Given the body started under the release before, which planned a report's twelve weekly
    // reminders together with the others, long before the report could be overdue,
    const before = await startTestApp({ databaseConfig: db.config });
    id = await recordSeedBody(before);
    before.clock.set('2024-06-17T06:00:00Z');
    await before.app.get(SchedulerService).sweep();
    const database = before.app.get(Database);
    const [onTheDay] = await database.query<Record<string, string | number | null>>('SELECT * FROM timers WHERE key = ?', [`${id}/reminder/r1@2024-12-02+0d`]);
    const weeksLater = (instant: string, weeks: number) => new Date(Date.parse(instant) + weeks * 7 * 86_400_000).toISOString();
    await database.transaction(async (tx) => {
      for (let week = 1; week <= 12; week++) {
        const row = { ...onTheDay, key: `${id}/reminder/r1@2024-12-02+${7 * week}d`, due_on: weeksLater(`${onTheDay.due_on}T12:00:00Z`, week).slice(0, 10), due_at: weeksLater(String(onTheDay.due_at), week) };
        await tx.query(`INSERT INTO timers (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map(() => '?').join(', ')})`, Object.values(row));
      }
    });
    await before.close();
    const weekly = async (t: TestApp) =>
      (await t.app.get(Database).query<{ key: string }>(`SELECT key FROM timers WHERE body_id = ? AND key LIKE '%/reminder/r1@2024-12-02+%' AND key NOT LIKE '%+0d'`, [id])).length;
    // when this release starts and the secretariat writes to the body,
    const after = await startTestApp({ databaseConfig: db.config, now: '2024-09-02T10:00:00Z' });
    open.push(after);
    expect(await weekly(after)).toBe(12);
    await after.http.post(`/api/bodies/${id}/events`).send({ type: 'participantsChanged', data: { participants: ['Land Berlin'] } }).expect(200);
    // then the body's timers are what this release plans: none of the twelve before the report is overdue,
    expect(await weekly(after)).toBe(0);
    // and all twelve once it is.
    after.clock.set('2024-12-03T08:00:00Z');
    expect((await after.app.get(SchedulerService).sweep()).filter((e) => e.kind === 'event').map((e) => e.what)).toEqual(['reportDue', 'reportOverdue']);
    expect(await weekly(after)).toBe(12);
  });

  it('the state as of each date is what it was on that date', async () => {
    const t = await downUntil('2025-04-02T07:00:00Z');
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1' } }).expect(200);

    const asOf = async (date: string) => {
      const { body } = await t.http.get(`/api/bodies/${id}/state?asOf=${date}`).expect(200);
      return { paths: body.statePaths.filter((p: string) => p.includes('.')), report: body.context.obligations[0].state };
    };
    expect(await asOf('2024-06-16')).toEqual({ paths: [], report: 'pending' });
    expect(await asOf('2024-06-17')).toMatchObject({ paths: expect.arrayContaining(['active.term.running', 'active.reporting.upToDate']), report: 'pending' });
    expect(await asOf('2024-12-02')).toMatchObject({ paths: expect.arrayContaining(['active.term.running', 'active.reporting.reportDue']), report: 'due' });
    expect(await asOf('2025-01-01')).toMatchObject({
      paths: expect.arrayContaining(['active.term.expiring', 'active.reporting.reportOverdue']),
      report: 'overdue',
    });
    expect(await asOf('2025-04-01')).toMatchObject({ paths: expect.arrayContaining(['active.term.expired']), report: 'overdue' });
    expect(await asOf('2025-04-02')).toMatchObject({ paths: expect.arrayContaining(['active.term.expired']), report: 'submitted' });
  });

  it('a write dated in the past fires only what fell due before it; the rest follows in due order', async () => {
    const t = await downUntil('2025-04-02T07:00:00Z');
    // The report came in on 20.11.2024 and is recorded late, with its own date:
    await t.http
      .post(`/api/bodies/${id}/events`)
      .send({ type: 'reportSubmitted', occurredAt: '2024-11-20T10:00:00Z', data: { obligationId: 'r1' } })
      .expect(200);
    expect(await history(t)).toEqual([
      '2024-06-03T09:00:00.000Z registered geschaeftsstelle',
      '2024-06-05T08:00:00.000Z submitted geschaeftsstelle',
      '2024-06-12T10:00:00.000Z approved geschaeftsstelle',
      SYSTEM_EVENTS[0],
      '2024-11-20T10:00:00.000Z reportSubmitted geschaeftsstelle',
    ]);
    await t.app.get(SchedulerService).sweep();
    expect((await history(t)).slice(5)).toEqual([SYSTEM_EVENTS[3], SYSTEM_EVENTS[4]]);
  });

  it('a lost race stays a conflict for a caller that names a version other than the stored one', async () => {
    const t = await downUntil('2025-04-02T07:00:00Z');
    const { body } = await t.http
      .post(`/api/bodies/${id}/events`)
      .send({ type: 'reportSubmitted', expectedVersion: 2, data: { obligationId: 'r1' } })
      .expect(409);
    expect(body.message).toBe('Erwartet wurde Version 2, der aktuelle Stand ist Version 3.');
    // Refused: nothing of it is written, the due system events included.
    expect(await history(t)).toHaveLength(3);
  });
});

describe.each(testDatabaseKinds())('a long catch-up (%s)', (database) => {
  let restoreEnv: () => void;
  let t: TestContext;

  beforeEach(async () => {
    restoreEnv = deadlinesEnv();
    // Nobody swept since the bodies started in June 2024.
    t = await startTestContext({ database, now: '2029-12-01T09:00:00Z' });
  });
  afterEach(async () => {
    await t.close();
    restoreEnv();
  });

  it('fires a backlog of many system events in transactions of its own, so that other writes do not wait for the last of them', async () => {
    // Given a body (4 events so far) whose 60 monthly interim reports (08/2024 – 07/2029) all fell due and overdue meanwhile, and another one,
    const [idle, other] = await startBodies(t, registrationWithReports(60, '2024-08'), registrationWithReports(0, '2024-08'));
    const db = t.context.get(Database);
    const eventsOf = async (bodyId: string) => (await db.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM events WHERE body_id = ?', [bodyId]))[0].n;
    // when the sweep catches the idle body up and a write to the other one arrives meanwhile,
    const sweep = t.context.get(SchedulerService).sweep();
    let idleEventsWhenWritten: number | string | null = null;
    const write = t.context
      .get(LifecycleService)
      .execute({ bodyId: other, type: 'participantsChanged', data: { participants: ['Hessen'] } }, SECRETARIAT)
      .then(async () => (idleEventsWhenWritten = await eventsOf(idle)));
    const entries = await sweep;
    await write;

    // then all 120 system events are recorded, in due order and one after the other,
    const fired = entries.filter((e) => e.kind === 'event');
    expect(fired).toHaveLength(120);
    expect(fired.every((e) => e.outcome === 'appended')).toBe(true);
    expect(fired.map((e) => e.dueAt)).toEqual([...fired.map((e) => e.dueAt)].sort());
    const versions = await db.query<{ version: number | string }>('SELECT version FROM events WHERE body_id = ? ORDER BY version', [idle]);
    expect(versions.map((r) => Number(r.version))).toEqual(Array.from({ length: 4 + 120 }, (_, i) => i + 1));
    const context = (await storedContext(db, idle))!;
    expect(new Set(context.obligations.map((o) => o.state))).toEqual(new Set(['overdue']));
    // On SQLite, with its one writer, the other write was committed with the first chunk, not after the whole backlog
    // (on PostgreSQL writes to other bodies run beside the catch-up anyway),
    if (database === 'sqlite') expect(Number(idleEventsWhenWritten)).toBeLessThan(4 + 120);
    // Each report's latest reminder went out, every one naming its own Frist (the body's facts are read once for all of them),
    const mails = await db.query<{ subject: string }>(`SELECT subject FROM outbox WHERE body_id = ? AND channel = 'email' AND topic = 'reminder'`, [idle]);
    expect(mails).toHaveLength(60);
    expect(new Set(mails.map((m) => m.subject)).size).toBe(60);
    expect(mails.every((m) => /^Überfällig seit \d\d\.\d\d\.20\d\d: Zwischenbericht – /.test(m.subject))).toBe(true);
    // and nothing is left for the next sweep.
    expect((await t.context.get(SchedulerService).sweep()).filter((e) => e.kind === 'event')).toEqual([]);
  }, 60_000);
});
