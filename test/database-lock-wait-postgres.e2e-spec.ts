/**
 * A PostgreSQL session left open with a lock (an operator's `BEGIN; UPDATE …` not committed, a
 * `LOCK TABLE`): a request that needs the lock waits as long as on SQLite (5 s), then is answered
 * 503 and not carried out. Without a limit it waited for as long as the session stayed open, each
 * such request holding a connection of the pool meanwhile (ten for writes, five for reads).
 */
import { Client } from 'pg';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const onPostgres = testDatabaseKinds().includes('postgres') ? describe : describe.skip;
const REGISTRATION = { ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' };

const BUSY =
  'Der Vorgang wurde nicht ausgeführt: die Datenbank blieb zu lange von einem anderen Vorgang belegt (etwa einem Befehl der Kommandozeile, der gerade schreibt). Bitte gleich noch einmal versuchen.';

onPostgres('a lock held by a PostgreSQL session outside the service', () => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    t = await startTestApp({ database: 'postgres' });
    admin = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await t.close();
  });

  /** Runs `during` while another session holds what `lock` takes, in a transaction left open until `during` ends. */
  async function whileLocked<T>(lock: { text: string; values?: unknown[] }, during: () => Promise<T>): Promise<T> {
    const locker = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(lock.text, lock.values);
      return await during();
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  }

  async function events(bodyId: string): Promise<string[]> {
    const { rows } = await admin.query<{ type: string }>('SELECT type FROM events WHERE body_id = $1 ORDER BY version', [bodyId]);
    return rows.map((r) => r.type);
  }

  const register = async () => ((await t.http.post('/api/bodies').send(REGISTRATION).expect(201)).body as { id: string }).id;
  const submit = (id: string) => t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', data: {} });

  it('a transition on a body whose row the session holds gives up after 5 s: 503, not carried out; other bodies go on meanwhile', async () => {
    const [held, free] = [await register(), await register()];
    const [answer, waited] = await whileLocked({ text: 'SELECT id FROM bodies WHERE id = $1 FOR UPDATE', values: [held] }, async () => {
      const started = Date.now();
      const pending = submit(held).then((r) => [r, Date.now() - started] as const);
      // While the one waits, another body's transition and /health are served.
      await submit(free).expect(200);
      await t.anonymous.get('/health').expect(200);
      return pending;
    });
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: BUSY, details: null });
    expect(waited).toBeGreaterThanOrEqual(4_900);
    expect(await events(held)).toEqual(['registered']);
    expect(await events(free)).toEqual(['registered', 'submitted']);
    // The lock given back, the same transition goes through.
    await submit(held).expect(200);
    expect(await events(held)).toEqual(['registered', 'submitted']);
  });

  it('a read of a table the session locked gives up after the same 5 s, and reads again once it is free', async () => {
    const answer = await whileLocked({ text: 'LOCK TABLE bodies IN ACCESS EXCLUSIVE MODE' }, () => t.http.get('/api/bodies').then((r) => r));
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: BUSY, details: null });
    await t.http.get('/api/bodies').expect(200);
  });
});
