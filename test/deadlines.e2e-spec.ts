import { DeadlinesService } from '../src/deadlines/deadlines.service';
import { SchedulerService, type SweepEntry } from '../src/deadlines/scheduler.service';
import { Database } from '../src/database/database';
import { LifecycleService } from '../src/lifecycle/lifecycle.service';
import { deadlinesEnv, recordSeedBody, SEED_TITLE } from './deadlines.support';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const appended = (entries: SweepEntry[]) => entries.filter((e) => e.outcome === 'appended').map((e) => `${e.dueAt} ${e.what}`);

describe.each(testDatabaseKinds())('deadlines and the scheduler (seed body, %s)', (kind) => {
  let restoreEnv: () => void;
  let t: TestApp;
  let scheduler: SchedulerService;
  let db: Database;
  let id: string;

  beforeEach(async () => {
    restoreEnv = deadlinesEnv();
    t = await startTestApp({ database: kind });
    scheduler = t.app.get(SchedulerService);
    db = t.app.get(Database);
    id = await recordSeedBody(t);
  });

  afterEach(async () => {
    await t.close();
    restoreEnv();
  });

  async function systemEvents() {
    const rows = await db.query<{ type: string; occurred_at: string; actor_id: string }>(
      `SELECT type, occurred_at, actor_id FROM events WHERE body_id = ? AND actor_id = 'system:scheduler' ORDER BY version`,
      [id],
    );
    return rows.map((r) => `${r.occurred_at} ${r.type}`);
  }

  async function at(instant: string) {
    t.clock.set(instant);
    return scheduler.sweep();
  }

  it('GET /api/deadlines shows the Fristen with original date, effective date and the rule', async () => {
    const { body } = await t.http.get(`/api/deadlines?body=${id}`).expect(200);
    expect(body.map((d: { kind: string; originalDate: string; effectiveDate: string }) => [d.kind, d.originalDate, d.effectiveDate])).toEqual([
      ['start', '2024-06-17', '2024-06-17'],
      ['report', '2024-11-30', '2024-12-02'],
      ['termEnd', '2025-03-31', '2025-03-31'],
    ]);
    expect(body[1]).toMatchObject({
      bodyTitle: SEED_TITLE,
      label: 'Zwischenbericht an IT-Planungsrat',
      description: 'im November 2024 (Monatsende)',
      rule: { citation: '§ 193 BGB, § 31 Abs. 3 VwVfG', text: 'Samstag, 30.11.2024 → Montag, 02.12.2024 (§ 193 BGB, § 31 Abs. 3 VwVfG)' },
      status: 'open',
      overdue: false,
      next: null,
    });
    expect(body[0].next).toEqual({ event: 'started', dueAt: '2024-06-16T22:00:00.000Z', status: 'pending', error: null });
    await at('2024-06-16T22:00:00Z');
    const { body: started } = await t.http.get(`/api/deadlines?body=${id}`).expect(200);
    expect(started.map((d: { next: { event: string; dueAt: string } | null }) => d.next && `${d.next.event} ${d.next.dueAt}`)).toEqual([
      'reportDue 2024-12-01T23:00:00.000Z',
      'termExpiring 2024-12-30T23:00:00.000Z',
    ]);
  });

  it('starts the body on 17.06.2024 and appends the seed year’s system events on their dates, by system:scheduler', async () => {
    expect(appended(await at('2024-06-16T21:59:59Z'))).toEqual([]);
    expect(appended(await at('2024-06-16T22:00:00Z'))).toEqual(['2024-06-16T22:00:00.000Z started']);
    expect(appended(await at('2024-12-01T22:59:59Z'))).toEqual([]);
    expect(appended(await at('2024-12-01T23:00:00Z'))).toEqual(['2024-12-01T23:00:00.000Z reportDue']);
    expect(appended(await at('2024-12-02T23:00:00Z'))).toEqual(['2024-12-02T23:00:00.000Z reportOverdue']);
    expect(appended(await at('2024-12-30T23:00:00Z'))).toEqual(['2024-12-30T23:00:00.000Z termExpiring']);
    expect(appended(await at('2025-03-31T21:59:59Z'))).toEqual([]);
    expect(appended(await at('2025-03-31T22:00:00Z'))).toEqual(['2025-03-31T22:00:00.000Z termExpired']);

    const { body } = await t.http.get(`/api/bodies/${id}`).expect(200);
    expect(JSON.stringify(body)).toContain('expired');
    expect(await systemEvents()).toEqual([
      '2024-06-16T22:00:00.000Z started',
      '2024-12-01T23:00:00.000Z reportDue',
      '2024-12-02T23:00:00.000Z reportOverdue',
      '2024-12-30T23:00:00.000Z termExpiring',
      '2025-03-31T22:00:00.000Z termExpired',
    ]);
    const { body: overdue } = await t.http.get('/api/deadlines?overdue=true').expect(200);
    expect(overdue.map((d: { kind: string }) => d.kind)).toEqual(['report', 'termEnd']);
  });

  it('writes the reminders for the interim report and the term end on the expected days', async () => {
    await at('2024-06-16T22:00:00Z');
    const written: string[] = [];
    for (let day = Date.parse('2024-06-18T12:00:00Z'); day <= Date.parse('2025-04-02T12:00:00Z'); day += 86_400_000) {
      for (const e of await at(new Date(day).toISOString())) {
        if (e.kind === 'reminder') written.push(`${new Date(day).toISOString().slice(0, 10)} ${e.outcome} ${e.key.slice(id.length + 1)}`);
      }
    }
    expect(written.slice(0, 4)).toEqual([
      '2024-11-04 written reminder/r1@2024-12-02-28d',
      '2024-11-25 written reminder/r1@2024-12-02-7d',
      '2024-12-02 written reminder/r1@2024-12-02+0d',
      '2024-12-09 written reminder/r1@2024-12-02+7d',
    ]);
    expect(written.filter((w) => w.includes('term@'))).toEqual([
      '2024-12-31 written reminder/term@2025-03-31-90d',
      '2025-03-01 written reminder/term@2025-03-31-30d',
      '2025-03-24 written reminder/term@2025-03-31-7d',
      '2025-04-01 written reminder/term@2025-03-31+1d',
    ]);
    expect(written.filter((w) => w.includes('r1@') && w.includes('+'))).toHaveLength(1 + 12);
  });

  it('plans the weekly reminders of a report only once it is overdue, and drops those still pending when it comes in', async () => {
    const reportReminders = async () =>
      (await db.query<{ key: string }>(`SELECT key FROM timers WHERE body_id = ? AND kind = 'reminder' ORDER BY due_at`, [id]))
        .map((r) => r.key.slice(id.length + 1))
        .filter((key) => key.startsWith('reminder/r1@'));
    const beforeAndOnTheDay = ['reminder/r1@2024-12-02-28d', 'reminder/r1@2024-12-02-7d', 'reminder/r1@2024-12-02+0d'];
    const weekly = Array.from({ length: 12 }, (_, i) => `reminder/r1@2024-12-02+${7 * (i + 1)}d`);

    await at('2024-06-16T22:00:00Z');
    expect(await reportReminders()).toEqual(beforeAndOnTheDay);
    await at('2024-11-04T08:00:00Z');
    await at('2024-11-25T08:00:00Z');
    expect(appended(await at('2024-12-02T08:00:00Z'))).toEqual(['2024-12-01T23:00:00.000Z reportDue']);
    expect(await reportReminders()).toEqual(beforeAndOnTheDay);
    // From the day after the deadline on the report is overdue: the machine says so, and only then the reminders follow.
    expect(appended(await at('2024-12-03T08:00:00Z'))).toEqual(['2024-12-02T23:00:00.000Z reportOverdue']);
    expect(await reportReminders()).toEqual([...beforeAndOnTheDay, ...weekly]);

    // The report comes in: the pending weekly reminders go, those that went out stay recorded.
    await at('2024-12-12T10:00:00Z');
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1' } }).expect(200);
    expect(await reportReminders()).toEqual([...beforeAndOnTheDay, weekly[0]]);
    const [first] = await db.query<{ status: string }>('SELECT status FROM timers WHERE key = ?', [`${id}/${weekly[0]}`]);
    expect(first.status).toBe('sent');
  });

  it('catches up after downtime in due order, and sends only the latest reminder of each series', async () => {
    const entries = await at('2025-04-02T08:00:00Z');
    expect(appended(entries)).toEqual([
      '2024-06-16T22:00:00.000Z started',
      '2024-12-01T23:00:00.000Z reportDue',
      '2024-12-02T23:00:00.000Z reportOverdue',
      '2024-12-30T23:00:00.000Z termExpiring',
      '2025-03-31T22:00:00.000Z termExpired',
    ]);
    const reminders = entries.filter((e) => e.kind === 'reminder');
    expect(reminders.filter((e) => e.outcome === 'written').map((e) => e.key.slice(id.length + 1))).toEqual([
      'reminder/r1@2024-12-02+84d',
      'reminder/term@2025-03-31+1d',
    ]);
    // Dated at their due instants, the system events leave only the latest reminder of each series due.
    expect(reminders.filter((e) => e.outcome !== 'written')).toEqual([]);
    expect(await at('2025-04-02T08:00:00Z')).toEqual([]);
  });

  it('loses nothing and doubles nothing when the append dies inside its transaction', async () => {
    await at('2024-06-16T22:00:00Z');
    let crashes = 1;
    t.app.get(LifecycleService).addProjector(async (_tx, { event }) => {
      if (event.type === 'reportDue' && crashes-- > 0) throw new Error('Prozess beendet (simuliert)');
    });
    t.clock.set('2024-12-02T08:00:00Z');
    await expect(scheduler.sweep()).rejects.toThrow('Prozess beendet');
    const [timer] = await db.query<{ status: string }>('SELECT status FROM timers WHERE key = ?', [`${id}/reportDue/r1`]);
    expect(timer.status).toBe('pending');
    expect(await systemEvents()).toEqual(['2024-06-16T22:00:00.000Z started']);

    expect(appended(await scheduler.sweep())).toEqual(['2024-12-01T23:00:00.000Z reportDue']);
    expect(appended(await scheduler.sweep())).toEqual([]);
    expect(await systemEvents()).toEqual(['2024-06-16T22:00:00.000Z started', '2024-12-01T23:00:00.000Z reportDue']);
  });

  it('moves the report timers when the body submits its report or a November session is entered', async () => {
    await at('2024-06-16T22:00:00Z');
    t.clock.set('2024-07-01T10:00:00Z');
    const created = await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 45, date: '2024-11-21' }).expect(201);
    expect(created.body).toMatchObject({ issuer: 'IT-PLR', number: 45, date: '2024-11-21', previousDate: null });
    const [report] = (await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body.filter((d: { kind: string }) => d.kind === 'report');
    expect(report).toMatchObject({ originalDate: '2024-11-21', effectiveDate: '2024-11-21', rule: null });
    expect(report.description).toBe('im November 2024 (45. Sitzung am 21.11.2024)');
    const due = await db.query<{ due_at: string }>('SELECT due_at FROM timers WHERE key = ?', [`${id}/reportDue/r1`]);
    expect(due).toEqual([{ due_at: '2024-11-20T23:00:00.000Z' }]);

    const moved = await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 45, date: '2024-11-28' }).expect(200);
    expect(moved.body.previousDate).toBe('2024-11-21');
    expect((await t.http.get('/api/sessions?issuer=IT-PLR').expect(200)).body).toEqual([
      expect.objectContaining({ issuer: 'IT-PLR', number: 45, date: '2024-11-28', recordedBy: 'geschaeftsstelle' }),
    ]);

    t.clock.set('2024-11-10T10:00:00Z');
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1' } }).expect(200);
    const left = await db.query<{ key: string }>(`SELECT key FROM timers WHERE body_id = ? AND status = 'pending' ORDER BY key`, [id]);
    expect(left.map((r) => r.key.slice(id.length + 1)).filter((k) => k.includes('r1'))).toEqual([]);
    expect(appended(await at('2024-12-04T08:00:00Z'))).toEqual([]);
  });

  it('resolves a report due "zur 46. Sitzung" once the session is in the calendar', async () => {
    await at('2024-06-16T22:00:00Z');
    t.clock.set('2024-09-02T10:00:00Z');
    await t.http
      .post(`/api/bodies/${id}/events`)
      .send({ type: 'reportRequested', data: { kind: 'Jahresbericht', addressee: 'IT-Planungsrat', due: { kind: 'session', issuer: 'IT-PLR', session: 46 } } })
      .expect(200);
    const report = async () =>
      (await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body.find((d: { ref: string }) => d.ref === 'r2');
    expect(await report()).toMatchObject({ originalDate: null, effectiveDate: null, description: 'zur 46. Sitzung (IT-PLR), Termin noch nicht bekannt' });
    const timers = async () => (await db.query<{ key: string; due_at: string }>(`SELECT key, due_at FROM timers WHERE key LIKE ? ORDER BY key`, [`${id}/report%/r2`]));
    expect(await timers()).toEqual([]);

    await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 46, date: '2025-03-20' }).expect(201);
    expect(await report()).toMatchObject({ originalDate: '2025-03-20', effectiveDate: '2025-03-20', rule: null });
    expect(await timers()).toEqual([
      { key: `${id}/reportDue/r2`, due_at: '2025-03-19T23:00:00.000Z' },
      { key: `${id}/reportOverdue/r2`, due_at: '2025-03-20T23:00:00.000Z' },
    ]);
  });

  it('refuses a session of an unknown issuer, in German', async () => {
    const { body } = await t.http.post('/api/sessions').send({ issuer: 'FMK', number: 1, date: '2024-11-21' }).expect(400);
    expect(body.message).toContain('Unbekanntes beschließendes Gremium „FMK“');
    // The calendar of an issuer nobody configured is refused alike, not answered as empty.
    const listed = await t.http.get('/api/sessions?issuer=FMK').expect(400);
    expect(listed.body.details).toEqual([{ path: 'query.issuer', message: 'Unbekanntes beschließendes Gremium „FMK“; bekannt: IT-PLR, AL-Runde.' }]);
  });

  it('a write rewrites only the Fristen its event changes, and leaves the rows a full derivation writes', async () => {
    const rows = async () => ({
      deadlines: await db.query(`SELECT key, kind, ref, label, deadline, resolution, original_date, effective_date, status FROM deadlines WHERE body_id = ? ORDER BY key`, [id]),
      timers: await db.query(`SELECT key, kind, ref, deadline_key, series, due_on, due_at, payload, status, last_error FROM timers WHERE body_id = ? ORDER BY key`, [id]),
    });
    const versions = async () =>
      Object.fromEntries(
        (await db.query<{ key: string; v: number | string }>('SELECT key, derived_version AS v FROM timers WHERE body_id = ?', [id])).map((r) => [r.key, Number(r.v)]),
      );
    await at('2024-06-16T22:00:00Z');
    t.clock.set('2024-09-02T10:00:00Z');
    await t.http
      .post(`/api/bodies/${id}/events`)
      .send({ type: 'reportRequested', data: { kind: 'Jahresbericht', addressee: 'AL-Runde', due: { kind: 'date', date: '2025-01-31' } } })
      .expect(200);
    t.clock.set('2024-11-20T10:00:00Z');
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1' } }).expect(200);

    // Given the rows after these writes, when a write changes no Frist, then no timer row is rewritten.
    const before = await versions();
    t.clock.set('2024-11-21T10:00:00Z');
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'participantsChanged', data: { participants: ['Land Berlin'] } }).expect(200);
    expect(await versions()).toEqual(before);

    // When every Frist is derived anew from the stored snapshot, then nothing differs.
    const written = await rows();
    expect(written.timers.some((r) => (r as { key: string }).key.endsWith('/reportDue/r2'))).toBe(true);
    await db.transaction((tx) => t.app.get(DeadlinesService).rederiveAll(tx));
    expect(await rows()).toEqual(written);
  });
});

