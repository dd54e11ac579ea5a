/**
 * A database an earlier release wrote may hold Fristen beyond 2100 and their timers: a monthly
 * report due „im Dezember 9999“, handed in, opened a period in the month 10000-01, whose timers
 * fall due at `+010000-01-30T23:00Z`, which as text sorts before every instant (the scheduler took
 * them as due and fired one period after the other without end); a report due „im Juni 3000“ has
 * its timers in that year. The service brings such bodies in line when it starts, before its first
 * sweep: their Fristen say why they are not watched, their timers are gone, the log names them
 * once; the sweep then fires nothing for them and serves the other bodies, and their records stay
 * as they were and verify. A Frist on the last day of the business dates keeps its timers on
 * 1 January 2101 (overdue the day after), which fire when that day comes.
 */
import { Logger } from '@nestjs/common';
import type { DatabaseConfig } from '../config/configuration';
import { BODY_MACHINE_VERSION, startOfBerlinDay } from '../machines';
import { machineVersion } from '../src/audit/machine-versions';
import { Database } from '../src/database/database';
import { DeadlinesService } from '../src/deadlines/deadlines.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import type { EventRecord } from '../src/event-log/event-hash';
import { decisionFacts, lead, recordStream, registration, rehash, type Step } from './audit-builders';
import { approvedWorkingGroup } from './support/approved-bodies';
import { storeRecordedStream } from './support/stored-stream';
import { openTestDatabase, startTestApp, testDatabaseKinds, type TestApp, type TestDatabaseKind } from './support/test-app';

const NOT_WATCHED = 'liegt nach dem 31.12.2100, dem letzten Tag, den das Register kennt; die Frist wird nicht überwacht';
const NOT_WATCHED_LOG = 'Fristen nach dem letzten Tag, den das Register kennt, werden nicht überwacht';
const monthly = { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2099-12' }, recurrence: { everyMonths: 1 } };

/** The stream recorded with the report due in 2099-12, then changed to `month` (today's input checks refuse it) and sealed again. */
function recordedBeyond(steps: Step[], month = '9999-12', title = 'Projektgruppe Ewig'): EventRecord[] {
  const machine = machineVersion('body', BODY_MACHINE_VERSION)!;
  const recorded = recordStream(
    [
      { type: 'submitted', occurredAt: '2026-05-10T09:00:00.000Z', actor: lead },
      { type: 'approved', data: { permanent: true, reports: [monthly] }, occurredAt: '2026-06-20T12:00:00.000Z', decision: decisionFacts('2026/12', '2026-06-20') },
      ...steps,
    ],
    { machine, registration: registration({ title, expectedEnd: null, start: '2026-07-01' }), registeredAt: '2026-05-02T08:00:00.000Z' },
  );
  (recorded[2].data as { reports: Array<{ due: { month: string } }> }).reports[0].due.month = month;
  return rehash(recorded);
}

/**
 * Stores the timers and the Frist an earlier release derived for a report of `body` whose Frist
 * it took to fall on `day` (its month's end): reportDue on the day, reportOverdue the day after,
 * the reminder 28 days before, all pending.
 */
async function storeEarlierFrist(t: TestApp, body: string, obligation: string, day: string, month: string, description: string): Promise<void> {
  const next = (date: string, days: number) => {
    const [y, m, d] = date.split('-').map(Number);
    const shifted = new Date(Date.UTC(y, m - 1, d + days));
    return [shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate()].map((n, i) => String(n).padStart(i === 0 ? 4 : 2, '0')).join('-');
  };
  const [overdueOn, reminderOn] = [next(day, 1), next(day, -28)];
  const frist = `${body}/report/${obligation}`;
  await t.app.get(Database).transaction(async (tx) => {
    const timer = (key: string, kind: string, series: string | null, dueOn: string, payload: object) =>
      tx.query(
        `INSERT INTO timers (key, body_id, kind, ref, deadline_key, series, due_on, due_at, payload, derived_version, status, fired_at, last_error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 5, 'pending', NULL, NULL)`,
        [key, body, kind, kind === 'reminder' ? `${obligation}@${day}-28d` : obligation, frist, series, dueOn, startOfBerlinDay(dueOn), JSON.stringify(payload)],
      );
    await timer(`${body}/reportDue/${obligation}`, 'reportDue', null, day, { event: { type: 'reportDue', data: { obligationId: obligation } } });
    await timer(`${body}/reportOverdue/${obligation}`, 'reportOverdue', null, overdueOn, { event: { type: 'reportOverdue', data: { obligationId: obligation } } });
    const reminder = { subject: 'report', phase: 'before', obligationId: obligation, deadlineOn: day, offsetDays: -28, escalate: false, series: `${obligation}@${day}` };
    await timer(`${body}/reminder/${obligation}@${day}-28d`, 'reminder', `${body}/${obligation}@${day}`, reminderOn, { reminder });
    const resolution = { resolved: true, source: 'monthEnd', originalDate: day, effectiveDate: day, rule: null, session: null, description: `${description} (Monatsende)` };
    await tx.query(
      `INSERT INTO deadlines (key, body_id, kind, ref, label, deadline, resolution, original_date, effective_date, status, met_on, updated_at)
       VALUES (?, ?, 'report', ?, 'Zwischenbericht an IT-Planungsrat', ?, ?, ?, ?, 'open', NULL, '2026-11-20T10:00:00.000Z')`,
      [frist, body, obligation, JSON.stringify({ kind: 'month', month }), JSON.stringify(resolution), day, day],
    );
  });
}

/** The log lines of the start-time repair so far (a warning per body brought in line). */
function repairLines(warnings: jest.SpyInstance): string[] {
  return warnings.mock.calls.map(([message]) => String(message)).filter((message) => message.includes(NOT_WATCHED_LOG));
}

/**
 * The service started on a database an earlier release wrote: `writeEarlier` writes it through an
 * instance that is closed before the service starts, and the warnings of that start are caught.
 */
async function startedOnEarlierDatabase(kind: TestDatabaseKind, now: string, writeEarlier: (earlier: TestApp) => Promise<void>) {
  const db = await openTestDatabase(kind);
  try {
    const earlier = await startTestApp({ now, databaseConfig: db.config });
    try {
      await writeEarlier(earlier);
    } finally {
      await earlier.close();
    }
  } catch (error) {
    db.cleanup();
    throw error;
  }
  const warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  return { t: await startTestApp({ now, databaseConfig: db.config }), warnings, databaseConfig: db.config, cleanup: db.cleanup };
}

const pendingTimersOf = (t: TestApp, id: string) =>
  t.app.get(Database).query<{ key: string; due_at: string }>(`SELECT key, due_at FROM timers WHERE body_id = ? AND status = 'pending' ORDER BY key`, [id]);

/** An approved body nobody writes to, whose start fell due: the first sweep starts it. */
async function approvedOther(t: TestApp): Promise<string> {
  const other = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2026-11-02' }).expect(201)).body.id as string;
  await t.http.post(`/api/bodies/${other}/events`).send({ type: 'submitted', occurredAt: '2026-11-03' }).expect(200);
  await t.http
    .post('/api/decisions')
    .send({ number: '2026/69', issuer: 'IT-PLR', date: '2026-11-04', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: other, effect: 'approved', data: { approvedUntil: '2027-12-31' } }] })
    .expect(201);
  await t.http.post(`/api/bodies/${other}/events`).send({ type: 'approved', decision: '2026/69', occurredAt: '2026-11-04', data: { approvedUntil: '2027-12-31' } }).expect(200);
  return other;
}

// PostgreSQL never stored a day of the year 10000 (`due_on` is varchar(10)): there the earlier
// release failed the write that would have opened such a period (see the last block).
describe.each(['sqlite' as const])('a period in the month 10000-01 stored by an earlier release, and the service started on it (%s)', (kind) => {
  const now = '2026-12-07T09:00:00Z';
  let databaseConfig: DatabaseConfig;
  let t: TestApp;
  let cleanup: () => void;
  let stored: string;
  let other: string;
  let warnings: jest.SpyInstance;
  const version = async (id: string) => (await t.http.get(`/api/bodies/${id}`).expect(200)).body.version as number;

  beforeAll(async () => {
    ({ t, warnings, databaseConfig, cleanup } = await startedOnEarlierDatabase(kind, now, async (earlier) => {
      other = await approvedOther(earlier);
      // The stream as the earlier release recorded it: the report due in December 9999 handed in,
      // which opened its next period in 10000-01; its Frist and timers as that release derived them.
      const records = recordedBeyond([
        { type: 'started', occurredAt: '2026-07-01T07:00:00.000Z' },
        { type: 'reportSubmitted', data: { obligationId: 'r1' }, occurredAt: '2026-11-20T10:00:00.000Z', actor: lead },
      ]);
      await storeRecordedStream(earlier, records, machineVersion('body', BODY_MACHINE_VERSION)!);
      stored = records[0].bodyId;
      expect(startOfBerlinDay('10000-01-31')).toBe('+010000-01-30T23:00:00.000Z');
      await storeEarlierFrist(earlier, stored, 'r2', '10000-01-31', '10000-01', 'im Januar 10000');
    }));
  }, 60_000);
  afterAll(async () => {
    warnings?.mockRestore();
    await t?.close();
    cleanup?.();
  });

  test('the start brings the body in line before any sweep, and the log names it with its Fristen', async () => {
    // No sweep ran (the tests drive the scheduler by hand): the timers of the year 10000 are gone.
    expect(await pendingTimersOf(t, stored)).toEqual([]);
    expect((await pendingTimersOf(t, other)).filter((timer) => timer.key.startsWith(`${other}/started/`))).toHaveLength(1);
    const lines = repairLines(warnings);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Gremium „Projektgruppe Ewig“ (${stored}): ${NOT_WATCHED_LOG}: `);
    expect(lines[0]).toContain(`im Dezember 9999: ${NOT_WATCHED}`);
    expect(lines[0]).toContain(`im Januar 10000: ${NOT_WATCHED}`);
  });

  test('the sweep then fires nothing for the body beyond 2100 and serves the others', async () => {
    const before = await version(stored);
    const entries = await t.app.get(SchedulerService).sweep();
    expect(entries.filter((entry) => entry.bodyId === stored)).toEqual([]);
    expect(entries.filter((entry) => entry.bodyId === other).map((entry) => [entry.what, entry.outcome])).toContainEqual(['started', 'appended']);
    expect(await version(stored)).toBe(before);
    const reminders = await t.app.get(Database).query(`SELECT dedupe_key FROM outbox WHERE body_id = ?`, [stored]);
    expect(reminders).toEqual([]);
    // A month later nothing of it is due either.
    t.clock.set('2027-01-10T09:00:00Z');
    expect((await t.app.get(SchedulerService).sweep()).filter((entry) => entry.bodyId === stored)).toEqual([]);
    expect(await version(stored)).toBe(before);
    t.clock.set(now);
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

  test('started again, the service finds nothing to bring in line, and its sweep fires nothing a second time', async () => {
    const versions = [await version(stored), await version(other)];
    await t.close();
    warnings.mockClear();
    t = await startTestApp({ now, databaseConfig });
    expect(repairLines(warnings)).toEqual([]);
    expect(await t.app.get(SchedulerService).sweep()).toEqual([]);
    expect([await version(stored), await version(other)]).toEqual(versions);
  });
});

describe.each(testDatabaseKinds())('Fristen in the year 3000 stored by an earlier release, beside a Frist on 31.12.2100 (%s)', (kind) => {
  const now = '2026-12-07T09:00:00Z';
  let databaseConfig: DatabaseConfig;
  let t: TestApp;
  let cleanup: () => void;
  let stored: string;
  let last: string;
  let warnings: jest.SpyInstance;
  let lastTimers: Array<{ key: string; due_at: string }>;

  beforeAll(async () => {
    ({ t, warnings, databaseConfig, cleanup } = await startedOnEarlierDatabase(kind, now, async (earlier) => {
      // Approved until the last day of the register, its final report due in its last month: both
      // Fristen fall on 31.12.2100, their term's end and the report's overdue on 1 January 2101.
      last = await approvedWorkingGroup(earlier, {
        title: 'AG Jahrhundertende',
        reports: [{ kind: 'Abschlussbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2100-12' } }],
        approvedUntil: '2100-12-31',
      });
      expect((await earlier.app.get(SchedulerService).sweep()).map((entry) => [entry.bodyId, entry.what, entry.outcome])).toEqual([[last, 'started', 'appended']]);
      lastTimers = await pendingTimersOf(earlier, last);
      expect(lastTimers.filter((timer) => timer.due_at >= '2100-12-31T23:00:00.000Z').map((timer) => timer.key)).toEqual(
        expect.arrayContaining([`${last}/reportOverdue/r1`, `${last}/termExpired/2100-12-31`]),
      );
      // Started, with its monthly report due „im Juni 3000“, and what the earlier release derived for it.
      const records = recordedBeyond([{ type: 'started', occurredAt: '2026-07-01T07:00:00.000Z' }], '3000-06', 'Projektgruppe Jahrtausend');
      await storeRecordedStream(earlier, records, machineVersion('body', BODY_MACHINE_VERSION)!);
      stored = records[0].bodyId;
      await storeEarlierFrist(earlier, stored, 'r1', '3000-06-30', '3000-06', 'im Juni 3000');
      expect((await pendingTimersOf(earlier, stored)).map((timer) => timer.due_at)).toEqual(['3000-06-01T22:00:00.000Z', '3000-06-29T22:00:00.000Z', '3000-06-30T22:00:00.000Z']);
    }));
  }, 60_000);
  afterAll(async () => {
    warnings?.mockRestore();
    await t?.close();
    cleanup?.();
  });

  test('the start brings the body of the year 3000 in line and names it; the Fristen on 31.12.2100 keep their timers', async () => {
    expect(await pendingTimersOf(t, stored)).toEqual([]);
    expect(repairLines(warnings)).toEqual([`Gremium „Projektgruppe Jahrtausend“ (${stored}): ${NOT_WATCHED_LOG}: Zwischenbericht an IT-Planungsrat (im Juni 3000: ${NOT_WATCHED})`]);
    expect(await pendingTimersOf(t, last)).toEqual(lastTimers);
    // Once in line, nothing is left to bring in line: the timers on 1 January 2101 are none of it.
    expect(await t.app.get(DeadlinesService).bringInLineBeyondBusinessDates()).toEqual([]);
    const fristen = (await t.http.get(`/api/deadlines?body=${stored}`).expect(200)).body as Array<{ ref: string; description: string; next: unknown }>;
    expect(fristen.map(({ ref, description, next }) => ({ ref, description, next }))).toEqual([{ ref: 'r1', description: `im Juni 3000: ${NOT_WATCHED}`, next: null }]);
  });

  test('on 1 January 2101 the report on 31.12.2100 is overdue and the term expired, and nothing of the year 3000 fires', async () => {
    expect(await t.app.get(SchedulerService).sweep()).toEqual([]);
    t.clock.set('2101-01-01T09:00:00Z');
    const entries = await t.app.get(SchedulerService).sweep();
    expect(entries.filter((entry) => entry.bodyId === stored)).toEqual([]);
    const events = entries.filter((entry) => entry.bodyId === last && entry.kind === 'event').map((entry) => [entry.what, entry.dueAt, entry.outcome]);
    expect(events).toEqual(
      expect.arrayContaining([
        ['reportOverdue', '2100-12-31T23:00:00.000Z', 'appended'],
        ['termExpired', '2100-12-31T23:00:00.000Z', 'appended'],
      ]),
    );
    // Started again: nothing to bring in line, nothing fired twice.
    await t.close();
    warnings.mockClear();
    t = await startTestApp({ now: '2101-01-01T09:00:00Z', databaseConfig });
    expect(repairLines(warnings)).toEqual([]);
    expect(await t.app.get(SchedulerService).sweep()).toEqual([]);
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
