/**
 * A database an earlier release wrote may hold a monthly report due „im Dezember 9999“: handed
 * in, it opened a period in the month 10000-01, whose timers fall due at `+010000-01-30T23:00Z`,
 * which as text sorts before every instant. The scheduler took them as due and fired one period
 * after the other without end. Now no timer outside the business dates is due: the sweep ends,
 * fires nothing for that body, brings its Fristen in line (they say why they are not watched)
 * and serves the other bodies; the body's record stays as it was and verifies.
 */
import { BODY_MACHINE_VERSION, startOfBerlinDay } from '../machines';
import { machineVersion } from '../src/audit/machine-versions';
import { Database } from '../src/database/database';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import type { EventRecord } from '../src/event-log/event-hash';
import { decisionFacts, lead, recordStream, registration, rehash, type Step } from './audit-builders';
import { storeRecordedStream } from './support/stored-stream';
import { openTestDatabase, startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const NOT_WATCHED = 'liegt nach dem 31.12.2100, dem letzten Tag, den das Register kennt; die Frist wird nicht überwacht';
const monthly = { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2099-12' }, recurrence: { everyMonths: 1 } };

/** The stream recorded with the report due in 2099-12, then changed to 9999-12 (today's input checks refuse that month) and sealed again. */
function recordedBeyond(steps: Step[]): EventRecord[] {
  const machine = machineVersion('body', BODY_MACHINE_VERSION)!;
  const recorded = recordStream(
    [
      { type: 'submitted', occurredAt: '2026-05-10T09:00:00.000Z', actor: lead },
      { type: 'approved', data: { permanent: true, reports: [monthly] }, occurredAt: '2026-06-20T12:00:00.000Z', decision: decisionFacts('2026/12', '2026-06-20') },
      ...steps,
    ],
    { machine, registration: registration({ title: 'Projektgruppe Ewig', expectedEnd: null, start: '2026-07-01' }), registeredAt: '2026-05-02T08:00:00.000Z' },
  );
  (recorded[2].data as { reports: Array<{ due: { month: string } }> }).reports[0].due.month = '9999-12';
  return rehash(recorded);
}

// PostgreSQL never stored a day of the year 10000 (`due_on` is varchar(10)): there the earlier
// release failed the write that would have opened such a period (see the next block).
describe.each(['sqlite' as const])('a period in the month 10000-01 stored by an earlier release (%s)', (kind) => {
  let t: TestApp;
  let cleanup: () => void;
  let stored: string;
  let other: string;
  const version = async (id: string) => (await t.http.get(`/api/bodies/${id}`).expect(200)).body.version as number;
  const pendingTimers = (id: string) =>
    t.app.get(Database).query<{ key: string; due_at: string }>(`SELECT key, due_at FROM timers WHERE body_id = ? AND status = 'pending' AND kind <> 'reminder' ORDER BY key`, [id]);

  beforeAll(async () => {
    const db = await openTestDatabase(kind);
    cleanup = db.cleanup;
    t = await startTestApp({ now: '2026-12-07T09:00:00Z', databaseConfig: db.config });

    // A body nobody writes to, whose start fell due: the sweep starts it.
    other = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2026-11-02' }).expect(201)).body.id as string;
    await t.http.post(`/api/bodies/${other}/events`).send({ type: 'submitted', occurredAt: '2026-11-03' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/69', issuer: 'IT-PLR', date: '2026-11-04', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: other, effect: 'approved', data: { approvedUntil: '2027-12-31' } }] })
      .expect(201);
    await t.http.post(`/api/bodies/${other}/events`).send({ type: 'approved', decision: '2026/69', occurredAt: '2026-11-04', data: { approvedUntil: '2027-12-31' } }).expect(200);

    // The stream as the earlier release recorded it: the report due in December 9999 handed in,
    // which opened its next period in 10000-01.
    const records = recordedBeyond([
      { type: 'started', occurredAt: '2026-07-01T07:00:00.000Z' },
      { type: 'reportSubmitted', data: { obligationId: 'r1' }, occurredAt: '2026-11-20T10:00:00.000Z', actor: lead },
    ]);
    await storeRecordedStream(t, records, machineVersion('body', BODY_MACHINE_VERSION)!);
    stored = records[0].bodyId;
    // Its Frist and timers for the next period, as that release derived them.
    const day = '10000-01-31';
    const [dueAt, overdueAt, reminderAt] = [startOfBerlinDay(day), startOfBerlinDay('10000-02-01'), startOfBerlinDay('10000-01-03')];
    expect(dueAt).toBe('+010000-01-30T23:00:00.000Z');
    const frist = `${stored}/report/r2`;
    await t.app.get(Database).transaction(async (tx) => {
      const timer = (key: string, kind: string, ref: string, series: string | null, dueOn: string, at: string, payload: object) =>
        tx.query(
          `INSERT INTO timers (key, body_id, kind, ref, deadline_key, series, due_on, due_at, payload, derived_version, status, fired_at, last_error)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 5, 'pending', NULL, NULL)`,
          [key, stored, kind, ref, frist, series, dueOn, at, JSON.stringify(payload)],
        );
      await timer(`${stored}/reportDue/r2`, 'reportDue', 'r2', null, day, dueAt, { event: { type: 'reportDue', data: { obligationId: 'r2' } } });
      await timer(`${stored}/reportOverdue/r2`, 'reportOverdue', 'r2', null, '10000-02-01', overdueAt, { event: { type: 'reportOverdue', data: { obligationId: 'r2' } } });
      const reminder = { subject: 'report', phase: 'before', obligationId: 'r2', deadlineOn: day, offsetDays: -28, escalate: false, series: `r2@${day}` };
      await timer(`${stored}/reminder/r2@${day}-28d`, 'reminder', `r2@${day}-28d`, `${stored}/r2@${day}`, '10000-01-03', reminderAt, { reminder });
      const resolution = { resolved: true, source: 'monthEnd', originalDate: day, effectiveDate: day, rule: null, session: null, description: 'im Januar 10000 (Monatsende)' };
      await tx.query(
        `INSERT INTO deadlines (key, body_id, kind, ref, label, deadline, resolution, original_date, effective_date, status, met_on, updated_at)
         VALUES (?, ?, 'report', 'r2', 'Zwischenbericht an IT-Planungsrat', ?, ?, ?, ?, 'open', NULL, '2026-11-20T10:00:00.000Z')`,
        [frist, stored, JSON.stringify({ kind: 'month', month: '10000-01' }), JSON.stringify(resolution), day, day],
      );
    });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  test('the sweep ends, fires nothing for the body beyond 2100 and still serves the others', async () => {
    const before = await version(stored);
    const entries = await t.app.get(SchedulerService).sweep();
    expect(entries.filter((entry) => entry.bodyId === stored)).toEqual([]);
    expect(entries.filter((entry) => entry.bodyId === other).map((entry) => [entry.what, entry.outcome])).toContainEqual(['started', 'appended']);
    expect(await version(stored)).toBe(before);
    // Brought in line: the timers on days of the year 10000 are gone, no reminder went out.
    expect(await pendingTimers(stored)).toEqual([]);
    const reminders = await t.app.get(Database).query(`SELECT dedupe_key FROM outbox WHERE body_id = ?`, [stored]);
    expect(reminders).toEqual([]);
    // A month later nothing of it is due either.
    t.clock.set('2027-01-10T09:00:00Z');
    expect((await t.app.get(SchedulerService).sweep()).filter((entry) => entry.bodyId === stored)).toEqual([]);
    expect(await version(stored)).toBe(before);
  });

  test('its Fristen say that their days lie beyond the register and are not watched, and none counts as overdue', async () => {
    const fristen = (await t.http.get(`/api/deadlines?body=${stored}`).expect(200)).body as Array<{ ref: string; description: string; effectiveDate: string | null; overdue: boolean }>;
    expect(fristen.map(({ ref, description, effectiveDate, overdue }) => ({ ref, description, effectiveDate, overdue }))).toEqual([
      { ref: 'r1', description: `im Dezember 9999: ${NOT_WATCHED}`, effectiveDate: null, overdue: false },
      { ref: 'r2', description: `im Januar 10000: ${NOT_WATCHED}`, effectiveDate: null, overdue: false },
    ]);
  });

  test('a write to the body fires nothing beyond 2100, and its record replays and verifies as stored', async () => {
    const before = await version(stored);
    await t.http.post(`/api/bodies/${stored}/events`).send({ type: 'reportAcknowledged', data: { obligationId: 'r1' } }).expect(200);
    expect(await version(stored)).toBe(before + 1);
    expect((await t.http.get(`/api/bodies/${stored}/replay`).expect(200)).body.verdict).toBe('matches');
    expect((await t.http.get(`/api/audit/verify?body=${stored}`).expect(200)).body.intact).toBe(true);
  });
});

describe.each(testDatabaseKinds())('a body approved with a monthly report due in December 9999 before it started (%s)', (kind) => {
  let t: TestApp;
  let cleanup: () => void;
  let stored: string;

  beforeAll(async () => {
    const db = await openTestDatabase(kind);
    cleanup = db.cleanup;
    t = await startTestApp({ now: '2026-12-07T09:00:00Z', databaseConfig: db.config });
    const records = recordedBeyond([]);
    await storeRecordedStream(t, records, machineVersion('body', BODY_MACHINE_VERSION)!);
    stored = records[0].bodyId;
    // Its start, as that release derived it: due on its planned day.
    await t.app.get(Database).transaction(async (tx) => {
      await tx.query(
        `INSERT INTO timers (key, body_id, kind, ref, deadline_key, series, due_on, due_at, payload, derived_version, status, fired_at, last_error)
         VALUES (?, ?, 'started', 'begin', ?, NULL, '2026-07-01', ?, ?, 3, 'pending', NULL, NULL)`,
        [`${stored}/started/begin`, stored, `${stored}/start/begin`, startOfBerlinDay('2026-07-01'), JSON.stringify({ event: { type: 'started', data: {} } })],
      );
    });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  test('the sweep starts it and fires nothing of its report, whose next periods would lie beyond 2100; the record verifies', async () => {
    // Before, its report's reportOverdue fell on 10000-01-01: on SQLite it fired at once and opened
    // one period after the other; on PostgreSQL the start's write failed, and with it every sweep.
    const entries = await t.app.get(SchedulerService).sweep();
    expect(entries.map((entry) => [entry.bodyId, entry.what, entry.outcome])).toEqual([[stored, 'started', 'appended']]);
    const body = (await t.http.get(`/api/bodies/${stored}`).expect(200)).body as { version: number; context: { obligations: Array<{ id: string; state: string }> } };
    expect([body.version, body.context.obligations.map((o) => [o.id, o.state])]).toEqual([4, [['r1', 'pending']]]);
    const fristen = (await t.http.get(`/api/deadlines?body=${stored}`).expect(200)).body as Array<{ ref: string; description: string; overdue: boolean; next: unknown }>;
    expect(fristen.map(({ ref, description, overdue, next }) => ({ ref, description, overdue, next }))).toEqual([{ ref: 'r1', description: `im Dezember 9999: ${NOT_WATCHED}`, overdue: false, next: null }]);
    t.clock.set('2027-02-01T09:00:00Z');
    expect(await t.app.get(SchedulerService).sweep()).toEqual([]);
    expect((await t.http.get(`/api/audit/verify?body=${stored}`).expect(200)).body.intact).toBe(true);
  });
});
