import { latestMachine, machineVersion, registerMachineVersion, type MachineVersion } from '../src/audit/machine-versions';
import { Database } from '../src/database/database';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Moving a body to a newer version of the statechart. The test adds a version of its own above
 * the newest (the same chart under a new number, as a release with an unchanged snapshot shape
 * would) once the body has been recorded under the newest.
 */
describe('moving a body to a new machine version', () => {
  let t: TestApp;
  let id: string;
  const shipped = latestMachine();
  const [from, to] = [shipped.version, shipped.version + 1];
  const v2: MachineVersion = { ...shipped, version: to, definition: () => ({ ...(shipped.definition() as object), note: 'test version' }) };

  const send = (body: object) => t.http.post(`/api/bodies/${id}/events`).send(body);
  const upgrade = (body: object = {}) => t.http.post(`/api/bodies/${id}/machine-upgrade`).send(body);

  beforeAll(async () => {
    // Before the planned start: no system event is due yet, so the upgrade is the fourth event.
    t = await startTestApp({ now: '2024-06-14T09:00:00Z' });
    id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }).expect(201)).body.id;
    await send({ type: 'submitted', occurredAt: '2024-06-05' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-12', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: id, effect: 'approved', data: { approvedUntil: '2025-03-31' } }] })
      .expect(201);
    await send({ type: 'approved', data: { approvedUntil: '2025-03-31' }, decision: '2024/09-AL' }).expect(200);
  });
  afterAll(() => t.close());

  test('a body on the newest version is not moved', async () => {
    const response = await upgrade().expect(422);
    expect(response.body.message).toBe(`Das Gremium folgt bereits der neuesten Version ${from} des Lebenslaufs.`);
  });

  test('the move is an audited event under the new version that derives the deadlines anew; later events follow it', async () => {
    registerMachineVersion(v2);
    await upgrade({ expectedVersion: 2 }).expect(409);
    await upgrade({ state: 'active' }).expect(400);

    const moved = await upgrade({ expectedVersion: 3 }).expect(200);
    expect(moved.body).toMatchObject({ version: 4, state: { value: 'established' } });
    expect(moved.body.event).toMatchObject({
      type: 'machineUpgraded',
      data: { fromVersion: from, toVersion: to },
      machine: { id: 'body', version: to },
      actor: { role: 'secretariat' },
      decision: null,
    });

    const timers = await t.app.get(Database).query<{ v: number | string }>('SELECT DISTINCT derived_version AS v FROM timers WHERE body_id = ?', [id]);
    expect(timers.map((r) => Number(r.v))).toEqual([4]);

    const started = await send({ type: 'started' }).expect(200);
    expect(started.body.event.machine).toEqual({ id: 'body', version: to });
    await upgrade().expect(422);
  });

  test('replay crosses the versions and matches; the chain verifies', async () => {
    const replay = (await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body;
    expect(replay.verdict).toBe('matches');
    const verify = (await t.http.get(`/api/audit/verify?body=${id}`).expect(200)).body;
    expect(verify.intact).toBe(true);
    const history = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events;
    expect(history.map((e: { type: string; machine: { version: number } }) => `${e.type}@${e.machine.version}`)).toEqual([
      `registered@${from}`,
      `submitted@${from}`,
      `approved@${from}`,
      `machineUpgraded@${to}`,
      `started@${to}`,
    ]);
    expect(history[3].label).toBe('Auf neue Version des Lebenslaufs umgestellt');
  });

  test('the projection row names the version the body follows', async () => {
    const [row] = await t.app.get(Database).query<{ machine_version: number | string }>('SELECT machine_version FROM bodies WHERE id = ?', [id]);
    expect(Number(row.machine_version)).toBe(to);
  });
});
