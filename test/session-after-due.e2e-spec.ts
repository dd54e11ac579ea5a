/**
 * A session entered (or moved) after a Frist has fallen due does not move that Frist: the log
 * recorded `reportDue` and `reportOverdue` on the day the Frist had then, and the Fristen must go
 * on saying the same. A session recorded before the Frist falls due still resolves it, as always.
 */
import { Database } from '../src/database/database';
import { SchedulerService, type SweepEntry } from '../src/deadlines/scheduler.service';
import { deadlinesEnv, recordSeedBody } from './deadlines.support';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

interface Frist {
  ref: string;
  description: string;
  originalDate: string | null;
  effectiveDate: string | null;
  status: string;
}

const appended = (entries: SweepEntry[]) => entries.filter((e) => e.outcome === 'appended').map((e) => `${e.dueAt} ${e.what}`);

describe.each(testDatabaseKinds())('a session recorded after a Frist fell due (%s)', (kind) => {
  let restoreEnv: () => void;
  let t: TestApp;
  let db: Database;
  let id: string;

  beforeEach(async () => {
    restoreEnv = deadlinesEnv();
    t = await startTestApp({ database: kind });
    db = t.app.get(Database);
    // The seed body: started 17.06.2024, its Zwischenbericht to the IT-Planungsrat due „im November 2024“.
    id = await recordSeedBody(t);
  });

  afterEach(async () => {
    await t.close();
    restoreEnv();
  });

  const at = (instant: string) => {
    t.clock.set(instant);
    return t.app.get(SchedulerService).sweep();
  };
  const session = (number: number, date: string) => t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number, date });
  const report = async (ref: string) => ((await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body as Frist[]).find((d) => d.ref === ref)!;
  const stored = async (ref: string) =>
    (await db.query<{ original_date: string; effective_date: string }>('SELECT original_date, effective_date FROM deadlines WHERE key = ?', [`${id}/report/${ref}`]))[0];
  const pendingReminders = async (ref: string) =>
    (await db.query<{ key: string }>(`SELECT key FROM timers WHERE body_id = ? AND kind = 'reminder' AND status = 'pending' ORDER BY due_at`, [id]))
      .map((r) => r.key.slice(id.length + 1))
      .filter((key) => key.startsWith(`reminder/${ref}@`));
  const systemEvents = async () =>
    (await db.query<{ type: string; occurred_at: string }>(`SELECT type, occurred_at FROM events WHERE body_id = ? AND actor_id = 'system:scheduler' ORDER BY version`, [id])).map(
      (r) => `${r.occurred_at} ${r.type}`,
    );
  const replayMatches = async () => expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
  const requestReport = (due: object) =>
    t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportRequested', data: { kind: 'Jahresbericht', addressee: 'IT-Planungsrat', due } }).expect(200);

  it('„im November 2024“ that fell due on 02.12.2024 stays there when a November session is entered on 10.12.', async () => {
    await at('2024-06-16T22:00:00Z');
    expect(appended(await at('2024-12-03T08:00:00Z'))).toEqual(['2024-12-01T23:00:00.000Z reportDue', '2024-12-02T23:00:00.000Z reportOverdue']);

    t.clock.set('2024-12-10T10:00:00Z');
    await session(45, '2024-11-21').expect(201);

    expect(await report('r1')).toMatchObject({ description: 'im November 2024 (Monatsende)', originalDate: '2024-11-30', effectiveDate: '2024-12-02', status: 'overdue' });
    expect(await stored('r1')).toEqual({ original_date: '2024-11-30', effective_date: '2024-12-02' });
    // The weekly reminders go on counting from the Frist the report fell due on.
    expect((await pendingReminders('r1')).every((key) => key.startsWith('reminder/r1@2024-12-02'))).toBe(true);
    expect(await pendingReminders('r1')).toContain('reminder/r1@2024-12-02+14d');
    expect(appended(await at('2024-12-17T08:00:00Z'))).toEqual([]);
    await replayMatches();
  });

  it('a session entered once the Frist\'s day has begun, before the sweep got to it, does not move it either', async () => {
    await at('2024-06-16T22:00:00Z');
    t.clock.set('2024-12-02T07:30:00Z');
    await session(45, '2024-11-21').expect(201);

    expect(await report('r1')).toMatchObject({ description: 'im November 2024 (Monatsende)', effectiveDate: '2024-12-02', status: 'open' });
    expect(appended(await at('2024-12-02T07:31:00Z'))).toEqual(['2024-12-01T23:00:00.000Z reportDue']);
    expect(await systemEvents()).toEqual(['2024-06-16T22:00:00.000Z started', '2024-12-01T23:00:00.000Z reportDue']);
  });

  it('a session entered before the Frist falls due still resolves it, even one already held', async () => {
    await at('2024-06-16T22:00:00Z');
    t.clock.set('2024-11-25T10:00:00Z');
    await session(45, '2024-11-21').expect(201);

    expect(await report('r1')).toMatchObject({ description: 'im November 2024 (45. Sitzung am 21.11.2024)', effectiveDate: '2024-11-21', status: 'open' });
    expect(appended(await at('2024-11-25T10:01:00Z'))).toEqual(['2024-11-20T23:00:00.000Z reportDue', '2024-11-21T23:00:00.000Z reportOverdue']);
    // Entered later still, another November session changes nothing.
    t.clock.set('2024-12-10T10:00:00Z');
    await session(44, '2024-11-05').expect(201);
    expect(await report('r1')).toMatchObject({ description: 'im November 2024 (45. Sitzung am 21.11.2024)', effectiveDate: '2024-11-21', status: 'overdue' });
    await replayMatches();
  });

  it('„zur ersten Sitzung 2025“ that fell due at the 46th session stays there when an earlier session of 2025 is entered afterwards', async () => {
    await at('2024-06-16T22:00:00Z');
    t.clock.set('2024-09-02T10:00:00Z');
    await session(46, '2025-03-20').expect(201);
    await requestReport({ kind: 'firstSession', issuer: 'IT-PLR', year: 2025 });
    expect(await report('r2')).toMatchObject({ description: 'zur ersten Sitzung 2025 (IT-PLR): 46. Sitzung am 20.03.2025', effectiveDate: '2025-03-20' });
    await at('2025-03-22T08:00:00Z');
    expect((await systemEvents()).filter((e) => e.startsWith('2025-03'))).toEqual(['2025-03-19T23:00:00.000Z reportDue', '2025-03-20T23:00:00.000Z reportOverdue']);

    t.clock.set('2025-04-01T10:00:00Z');
    await session(45, '2025-01-30').expect(201);

    expect(await report('r2')).toMatchObject({ description: 'zur ersten Sitzung 2025 (IT-PLR): 46. Sitzung am 20.03.2025', effectiveDate: '2025-03-20', status: 'overdue' });
    expect(await stored('r2')).toEqual({ original_date: '2025-03-20', effective_date: '2025-03-20' });
    await replayMatches();
  });

  it('„zur 46. Sitzung“ that fell due on 20.03.2025 stays there when the session is moved afterwards; moved before, it follows', async () => {
    await at('2024-06-16T22:00:00Z');
    t.clock.set('2024-09-02T10:00:00Z');
    await session(46, '2025-03-13').expect(201);
    await requestReport({ kind: 'session', issuer: 'IT-PLR', session: 46 });
    // Moved while the Frist is still ahead: the Frist follows.
    t.clock.set('2025-02-01T10:00:00Z');
    await session(46, '2025-03-20').expect(200);
    expect(await report('r2')).toMatchObject({ description: 'zur 46. Sitzung (IT-PLR) am 20.03.2025', effectiveDate: '2025-03-20' });
    await at('2025-03-22T08:00:00Z');

    // Moved once the report has fallen due (the minutes give another day): the Frist stays.
    t.clock.set('2025-04-01T10:00:00Z');
    const moved = await session(46, '2025-03-27').expect(200);
    expect(moved.body.previousDate).toBe('2025-03-20');
    expect((await t.http.get('/api/sessions?issuer=IT-PLR').expect(200)).body).toEqual([expect.objectContaining({ number: 46, date: '2025-03-27' })]);

    expect(await report('r2')).toMatchObject({ description: 'zur 46. Sitzung (IT-PLR) am 20.03.2025', effectiveDate: '2025-03-20', status: 'overdue' });
    expect(await pendingReminders('r2')).toContain('reminder/r2@2025-03-20+14d');
    await replayMatches();
  });

  it('a session entered again on the day it has keeps when it was first recorded', async () => {
    t.clock.set('2024-07-01T10:00:00Z');
    await session(45, '2024-11-21').expect(201);
    t.clock.set('2024-12-10T10:00:00Z');
    const again = await session(45, '2024-11-21').expect(200);
    expect(again.body).toMatchObject({ date: '2024-11-21', previousDate: '2024-11-21', recordedAt: '2024-07-01T10:00:00.000Z' });
    expect(await report('r1')).toMatchObject({ effectiveDate: '2024-11-21' });
  });
});
