/**
 * Since statechart version 3 the secretariat moves a report's Frist (`reportRescheduled`),
 * waives a report (`reportWaived`) and declines an extension request (`extensionDeclined`), over
 * HTTP: the Fristen, the timers behind the reminders and the to-dos follow.
 */
import { Database } from '../src/database/database';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { deadlinesEnv } from './deadlines.support';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

interface Frist {
  bodyId: string;
  ref: string;
  label: string;
  description: string;
  effectiveDate: string;
  status: string;
  overdue: boolean;
}

const FINAL_REPORT = { kind: 'Abschlussbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2025-03' } };
const SEPTEMBER_2025 = { kind: 'month', month: '2025-09' };

describe.each(testDatabaseKinds())('report obligations change, and extension requests are declined, on %s', (database) => {
  let restoreEnv: () => void;
  let t: TestApp;
  let id: string;

  const send = (body: object) => t.http.post(`/api/bodies/${id}/events`).send(body);
  const fristen = async () => (await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body as Frist[];
  const pendingTimers = async () =>
    (await t.app.get(Database).query<{ key: string }>(`SELECT key FROM timers WHERE body_id = ? AND status = 'pending' ORDER BY due_at, key`, [id])).map((r) =>
      r.key.slice(id.length + 1),
    );
  const decision = (number: string, date: string, effects: object[]) =>
    t.http.post('/api/decisions').send({ number, issuer: 'AL-Runde', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: number, effects }).expect(201);

  beforeAll(async () => {
    restoreEnv = deadlinesEnv();
    t = await startTestApp({ database, now: '2024-06-14T09:00:00Z' });
    // Approved until 31.03.2025, a Zwischenbericht „im November 2024“ (r1) and an Abschlussbericht „im März 2025“ (r2).
    id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }).expect(201)).body.id;
    await send({ type: 'submitted', occurredAt: '2024-06-05' }).expect(200);
    await decision('2024/09-AL', '2024-06-12', [{ body: id, effect: 'approved', data: { approvedUntil: '2025-03-31', reports: [FINAL_REPORT] } }]);
    await send({ type: 'approved', data: { approvedUntil: '2025-03-31', reports: [FINAL_REPORT] }, decision: '2024/09-AL' }).expect(200);
  });
  afterAll(async () => {
    await t.close();
    restoreEnv();
  });

  test('a waived Zwischenbericht, overdue, leaves no Frist, no timers and no overdue state', async () => {
    t.clock.set('2024-12-10T09:00:00Z');
    await t.app.get(SchedulerService).sweep();
    expect((await fristen()).find((d) => d.ref === 'r1')).toMatchObject({ status: 'overdue', overdue: true });
    expect(await pendingTimers()).toEqual(expect.arrayContaining(['reminder/r1@2024-12-02+14d']));

    const refused = await send({ type: 'reportWaived', data: { obligationId: 'r1' } }).expect(400);
    expect(JSON.stringify(refused.body)).toContain('reason');
    const waived = await send({ type: 'reportWaived', data: { obligationId: 'r1', reason: 'Der Zwischenstand geht in den Abschlussbericht ein.' } }).expect(200);
    expect(waived.body.state.value).toMatchObject({ active: { reporting: 'upToDate' } });

    expect((await fristen()).map((d) => d.ref)).toEqual(['r2', 'end']);
    expect((await pendingTimers()).filter((key) => key.includes('r1'))).toEqual([]);
    const body = (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
    expect(body.context.obligations[0]).toMatchObject({ id: 'r1', state: 'waived', waived: { on: '2024-12-10', reason: 'Der Zwischenstand geht in den Abschlussbericht ein.', decision: null } });
    const again = await send({ type: 'reportWaived', data: { obligationId: 'r1', reason: 'Doppelt' } }).expect(422);
    expect(again.body.message).toBe('Die Berichtspflicht „r1“ (Zwischenbericht) ist bereits entfallen. In Frage kommt: r2 (Abschlussbericht, offen).');
  });

  test('an extension request declined leaves GET /api/todos; without an open request the answer is refused', async () => {
    t.clock.set('2025-02-03T09:00:00Z');
    const none = await send({ type: 'extensionDeclined', data: { reason: 'Keine Verlängerung.' } }).expect(422);
    expect(none.body.message).toBe('Es liegt kein offener Verlängerungsantrag vor.');
    await send({ type: 'extensionRequested', data: { approvedUntil: '2025-12-31', justification: 'Pilotierung dauert länger.' } }).expect(200);
    const todos = async () => ((await t.http.get('/api/todos').expect(200)).body as Array<{ bodyId: string; kind: string }>).filter((todo) => todo.bodyId === id);
    expect(await todos()).toEqual([expect.objectContaining({ kind: 'extensionRequest', answer: 'extended' })]);

    t.clock.set('2025-03-10T09:00:00Z');
    const declined = await send({ type: 'extensionDeclined', data: { reason: 'Nur bis September 2025, gesonderter Beschluss folgt.' } }).expect(200);
    expect(declined.body.event.type).toBe('extensionDeclined');
    expect(await todos()).toEqual([]);
    const history = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events;
    expect(history.at(-1)).toMatchObject({
      type: 'extensionDeclined',
      summary: 'Verlängerung bis 31.12.2025 (beantragt am 03.02.2025) abgelehnt; Begründung: Nur bis September 2025, gesonderter Beschluss folgt.',
    });
  });

  test('the extended body\'s overdue Abschlussbericht, moved to „im September 2025“, has that Frist open and no overdue reminders; the old Frist is gone', async () => {
    // Extended on 31.03.2025 until 30.09.2025, by a decision that also moves the final report.
    t.clock.set('2025-03-31T09:00:00Z');
    await decision('2025/05-AL', '2025-03-31', [
      { body: id, effect: 'extended', data: { approvedUntil: '2025-09-30' } },
      { body: id, effect: 'reportRescheduled', data: { obligationId: 'r2', due: SEPTEMBER_2025 } },
    ]);
    await send({ type: 'extended', data: { approvedUntil: '2025-09-30' }, decision: '2025/05-AL' }).expect(200);
    // The scheduler finds the final report overdue the next day and plans its weekly reminders.
    t.clock.set('2025-04-02T09:00:00Z');
    await t.app.get(SchedulerService).sweep();
    expect((await fristen()).find((d) => d.ref === 'r2')).toMatchObject({ description: 'im März 2025 (Monatsende)', status: 'overdue', overdue: true });
    expect(await pendingTimers()).toEqual(expect.arrayContaining(['reminder/r2@2025-03-31+7d', 'reminder/r2@2025-03-31+84d']));

    const same = await send({ type: 'reportRescheduled', data: { obligationId: 'r2', due: FINAL_REPORT.due } }).expect(422);
    expect(same.body.message).toContain('hat bereits die Frist im März 2025');
    const moved = await send({
      type: 'reportRescheduled',
      data: { obligationId: 'r2', due: SEPTEMBER_2025, reason: 'Laufzeit verlängert bis 30.09.2025' },
      decision: '2025/05-AL',
      occurredAt: '2025-04-02',
    }).expect(200);
    expect(moved.body.state.value).toMatchObject({ active: { term: 'running', reporting: 'upToDate' } });

    const reports = (await fristen()).filter((d) => d.ref === 'r2');
    expect(reports).toEqual([
      expect.objectContaining({ description: 'im September 2025 (Monatsende)', effectiveDate: '2025-09-30', status: 'open', overdue: false }),
    ]);
    const { body: overdue } = await t.http.get('/api/deadlines?overdue=true').expect(200);
    expect(overdue.filter((d: Frist) => d.bodyId === id)).toEqual([]);
    const timers = await pendingTimers();
    expect(timers.filter((key) => key.includes('2025-03-31'))).toEqual([]);
    expect(timers.filter((key) => key.startsWith('reminder/r2@'))).toEqual(['reminder/r2@2025-09-30-28d', 'reminder/r2@2025-09-30-7d', 'reminder/r2@2025-09-30+0d']);
    expect(timers).toEqual(expect.arrayContaining(['reportDue/r2', 'reportOverdue/r2']));

    const history = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events;
    expect(history.at(-1)).toMatchObject({
      type: 'reportRescheduled',
      summary: 'Abschlussbericht an IT-Planungsrat: Frist im März 2025 → im September 2025; Begründung: Laufzeit verlängert bis 30.09.2025',
    });
    expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
  });
});
