/**
 * A command is decided on the body as it stands on the command's day: the system events that fell
 * due before it are fired first, in the same unit of work. Where the command is refused, they are
 * not recorded with it (nothing a refused command touches is), so the stored body still shows the
 * state before them; the refusal says which of them made the state it names.
 */
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, type TestApp } from './support/test-app';

describe('a refusal on a body with system events due before the command', () => {
  let t: TestApp;
  afterEach(() => t.close());

  test('names the due events that made its state, and the stored body keeps its version', async () => {
    t = await startTestApp({ now: '2026-01-02T09:00:00Z' });
    const id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, start: '2026-01-05', expectedEnd: '2027-12-31', reports: [], registeredAt: '2026-01-02' }).expect(201)).body.id as string;
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/01', issuer: 'IT-PLR', date: '2026-01-02', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: id, effect: 'approved', data: { approvedUntil: '2027-12-31' } }] })
      .expect(201);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'approved', decision: '2026/01', data: { approvedUntil: '2027-12-31' } }).expect(200);
    const before = (await t.http.get(`/api/bodies/${id}`).expect(200)).body as { version: number };

    // The planned start passed; the sweep has not run.
    t.clock.set('2026-01-07T09:00:00Z');
    const refused = await t.http.post(`/api/bodies/${id}/events`).send({ type: 'started' }).expect(422);
    expect(refused.body.message).toMatch(/ist im Zustand „.*“ nicht zulässig\. Diesen Zustand ergeben die bis zum Ereignisdatum fälligen Ereignisse „Tätigkeit begonnen“ \(05\.01\.2026\); der Fristenlauf trägt sie ein\.$/);
    expect((await t.http.get(`/api/bodies/${id}`).expect(200)).body.version).toBe(before.version);

    // Once the sweep recorded them, the refusal names the state alone.
    await t.app.get(SchedulerService).sweep();
    expect((await t.http.get(`/api/bodies/${id}`).expect(200)).body.version).toBe(before.version + 1);
    const again = await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted' }).expect(422);
    expect(again.body.message).not.toMatch(/Diesen Zustand ergeben/);
  });
});
