/**
 * PostgreSQL as a peer, not a port: what SQLite gets from its single writer (one migration at a
 * time, a seed imported once, parallel commands taking turns) PostgreSQL gets from advisory
 * locks, row locks and real INSERT … ON CONFLICT, so both answer alike.
 */
import { Database } from '../src/database/database';
import { deadlinesEnv, recordSeedBody } from './deadlines.support';
import { openTestDatabase, startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

// Two app instances and parallel requests: room for a busy machine (a time limit, not a speed target).
jest.setTimeout(60_000);

describe.each(testDatabaseKinds())('concurrent writers (%s)', (kind) => {
  let restoreEnv: () => void;
  let t: TestApp;

  beforeEach(async () => {
    restoreEnv = deadlinesEnv();
    t = await startTestApp({ database: kind });
  });

  afterEach(async () => {
    await t.close();
    restoreEnv();
  });

  async function eventsOf(id: string) {
    return t.app
      .get(Database)
      .query<{ version: number | string; type: string; actor_id: string }>('SELECT version, type, actor_id FROM events WHERE body_id = ? ORDER BY version', [id]);
  }

  const requestReport = (id: string, i: number, expectedVersion?: number) =>
    t.http.post(`/api/bodies/${id}/events`).send({
      type: 'reportRequested',
      data: { kind: 'Zwischenbericht', addressee: 'AL-Runde', title: `Bericht ${i + 1}`, due: { kind: 'date', date: `2025-${String((i % 12) + 1).padStart(2, '0')}-15` } },
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    });

  it('16 different allowed events sent at once without expectedVersion are all accepted, each on its own version', async () => {
    const id = await recordSeedBody(t);
    // The body started on 17.06.2024: the first write to get the body fires that system event.
    t.clock.set('2024-07-01T08:00:00Z');
    const responses = await Promise.all(Array.from({ length: 16 }, (_, i) => requestReport(id, i)));
    expect(responses.map((r) => r.status)).toEqual(Array(16).fill(200));
    const events = await eventsOf(id);
    expect(events.map((e) => Number(e.version))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(events.filter((e) => e.type === 'started').map((e) => e.actor_id)).toEqual(['system:scheduler']);
    expect(events.filter((e) => e.type === 'reportRequested')).toHaveLength(16);
    expect(new Set(responses.map((r) => r.body.version)).size).toBe(16);
  });

  it('of 16 events sent at once expecting the same version exactly one lands; the others are 409', async () => {
    const id = await recordSeedBody(t);
    const responses = await Promise.all(Array.from({ length: 16 }, (_, i) => requestReport(id, i, 3)));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    const conflicts = responses.filter((r) => r.status === 409);
    expect(conflicts).toHaveLength(15);
    for (const r of conflicts) expect(r.body.message).toBe('Erwartet wurde Version 3, der aktuelle Stand ist Version 4.');
    expect(await eventsOf(id)).toHaveLength(4);
  });

  it('the same session posted 10 times at once is recorded once: one 201, nine 200, no 500', async () => {
    const post = () => t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 45, date: '2024-11-21' });
    const responses = await Promise.all(Array.from({ length: 10 }, post));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect((await t.http.get('/api/sessions?issuer=IT-PLR').expect(200)).body).toEqual([
      expect.objectContaining({ issuer: 'IT-PLR', number: 45, date: '2024-11-21' }),
    ]);
  });

  it('a session moved by 10 writers at once ends on one of their days, each told the day before it', async () => {
    await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 46, date: '2025-03-20' }).expect(201);
    const days = Array.from({ length: 10 }, (_, i) => `2025-03-${String(10 + i).padStart(2, '0')}`);
    const responses = await Promise.all(days.map((date) => t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 46, date })));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    // Each writer saw the day the one before it left: together they form one chain from 20.03.
    const previous = responses.map((r) => r.body.previousDate as string);
    const final = (await t.http.get('/api/sessions?issuer=IT-PLR').expect(200)).body[0].date as string;
    expect([...previous, final].sort()).toEqual([...days, '2025-03-20'].sort());
  });
});

const onPostgres = testDatabaseKinds().includes('postgres') ? describe : describe.skip;

onPostgres('two instances starting at the same moment on an empty PostgreSQL database', () => {
  let restoreEnv: () => void;

  beforeAll(() => {
    restoreEnv = deadlinesEnv();
  });
  afterAll(() => restoreEnv());

  it('both come up and the example is imported once, 10 times out of 10', async () => {
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      const { config } = await openTestDatabase('postgres');
      const started = await Promise.allSettled([0, 1].map(() => startTestApp({ databaseConfig: config, config: { seedExample: true } })));
      const apps = started.filter((s): s is PromiseFulfilledResult<TestApp> => s.status === 'fulfilled').map((s) => s.value);
      const failed = started.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => String(s.reason));
      let bodies = -1;
      if (apps.length > 0) {
        await apps[0].http.get('/health').expect(200);
        bodies = (await apps[0].http.get('/api/bodies').expect(200)).body.length;
      }
      for (const app of apps) await app.close();
      outcomes.push(`${apps.length} up, ${bodies} body${failed.length ? `: ${failed.join('; ')}` : ''}`);
    }
    expect(outcomes).toEqual(Array(10).fill('2 up, 1 body'));
  }, 240_000);
});
