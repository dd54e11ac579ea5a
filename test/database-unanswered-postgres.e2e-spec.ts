/**
 * PostgreSQL that takes connections but stops answering (its server hung, the network dropping
 * what is sent): the service gives up a statement, or a connection being made, after 10 s and
 * answers 503, instead of holding the request and a pool connection for as long as it lasts.
 * Between the service and PostgreSQL lies a relay the test can stop: it then keeps all it
 * receives, in both directions, and hands nothing on.
 */
import { Client } from 'pg';
import { databaseConfig, type DatabaseConfig } from '../config/configuration';
import { UnreachableError } from '../src/cli/errors';
import { Database } from '../src/database/database';
import { DatabaseUnreachable } from '../src/database/connection-lost';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { migrateAtStart } from '../src/start-checks';
import { relayTo, through, type Relay } from './support/relay';
import { openTestDatabase, startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const onPostgres = testDatabaseKinds().includes('postgres') ? describe : describe.skip;
const REGISTRATION = { ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' };

const NOT_ANSWERED =
  'Der Vorgang wurde nicht ausgeführt: die Datenbank (PostgreSQL) antwortete nicht binnen 10 s, etwa weil ihr Server hängt oder das Netz zu ihm unterbrochen ist. Bitte später noch einmal versuchen; hält es an, können nur die Betreiber es beheben.';
const OUTCOME_UNKNOWN =
  'Ob der Vorgang gespeichert wurde, ist nicht bekannt: die Datenbank (PostgreSQL) antwortete nicht binnen 10 s, während er abgeschlossen wurde. Bitte erst den Stand abrufen, dann wiederholen; mit demselben Idempotency-Key wiederholt, wird er höchstens einmal ausgeführt.';
const NO_CONNECTION_FREE =
  'Der Vorgang wurde nicht ausgeführt: binnen 10 s wurde keine Verbindung zur Datenbank (PostgreSQL) frei; alle blieben von anderen Vorgängen belegt (etwa langen Exporten oder Prüfungen, oder Vorgängen, die auf eine Sperre warten) oder warteten auf die Antwort eines Servers, der hängt. Bitte später noch einmal versuchen; hält es an, können nur die Betreiber es beheben.';
const HEALTH_UNREACHABLE =
  'Die Datenbank (PostgreSQL) ist nicht erreichbar: die Verbindung brach ab, kommt nicht zustande oder bleibt ohne Antwort, etwa weil sie gerade neu startet, keine Verbindungen annimmt oder ihr Server hängt. Diese Instanz kann nichts lesen und nichts schreiben, bis sie wieder erreichbar ist.';

onPostgres('PostgreSQL that stops answering', () => {
  let relay: Relay;
  let config: DatabaseConfig & { kind: 'postgres' };
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    const { config: direct } = await openTestDatabase('postgres');
    const url = (direct as { url: string }).url;
    relay = await relayTo({ host: new URL(url).hostname, port: Number(new URL(url).port || 5432) });
    config = databaseConfig(through(url, relay)) as typeof config;
    t = await startTestApp({ databaseConfig: config });
    admin = new Client({ connectionString: url });
    await admin.connect();
  });
  afterAll(async () => {
    relay.resume();
    await admin.end();
    await t.close();
    await relay.close();
  });

  async function events(bodyId: string): Promise<string[]> {
    const { rows } = await admin.query<{ type: string }>('SELECT type FROM events WHERE body_id = $1 ORDER BY version', [bodyId]);
    return rows.map((r) => r.type);
  }

  it('a transition while PostgreSQL does not answer: 503 after 10 s, not carried out, not tried again; /health says so; once it answers, both go through', async () => {
    const { id } = (await t.http.post('/api/bodies').send(REGISTRATION).expect(201)).body as { id: string };
    relay.stop();
    const started = Date.now();
    const [transition, health] = await Promise.all([
      t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', data: {} }).then((r) => [r, Date.now() - started] as const),
      t.anonymous.get('/health').then((r) => r),
    ]);
    relay.resume();
    const [answer, waited] = transition;
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: NOT_ANSWERED, details: null });
    // Given up after 10 s, once: five tries would have taken 50 s.
    expect(waited).toBeGreaterThanOrEqual(9_900);
    expect(waited).toBeLessThan(19_000);
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ message: HEALTH_UNREACHABLE });

    expect(await events(id)).toEqual(['registered']);
    await t.http.get('/health').expect(200);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', data: {} }).expect(200);
    expect(await events(id)).toEqual(['registered', 'submitted']);
  }, 60_000);

  it('a transition whose COMMIT gets no answer in 10 s: 503, outcome unknown (here it was stored); repeated with its Idempotency-Key it is not carried out twice', async () => {
    const { id } = (await t.http.post('/api/bodies').send(REGISTRATION).expect(201)).body as { id: string };
    // A deferred constraint trigger runs at COMMIT: there the server takes 12 s, as a hung disk would.
    await admin.query('CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(12); RETURN NULL; END $$');
    await admin.query('CREATE CONSTRAINT TRIGGER slow_commit AFTER INSERT ON events DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slow_commit()');
    const submit = () => t.http.post(`/api/bodies/${id}/events`).set('Idempotency-Key', 'einreichung-langsam').send({ type: 'submitted', data: {} });
    let answer;
    try {
      answer = await submit().then((r) => r);
    } finally {
      await admin.query('DROP TRIGGER slow_commit ON events');
      await admin.query('DROP FUNCTION slow_commit()');
    }
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: OUTCOME_UNKNOWN, details: null });
    // The server went on and committed after the service had given up waiting (its DROP TRIGGER waited for that).
    expect(await events(id)).toEqual(['registered', 'submitted']);
    const again = await submit().expect(200);
    expect(again.body).toMatchObject({ version: 2, state: { value: 'submitted' } });
    expect(await events(id)).toEqual(['registered', 'submitted']);
  }, 60_000);

  it('a read view (audit, export) whose statement gets no answer says so after 10 s, and the next view reads again', async () => {
    const db = t.app.get(Database);
    const view = await db.readView();
    try {
      relay.stop();
      const refused = view.query('SELECT count(*) AS n FROM events');
      await expect(refused).rejects.toThrow(DatabaseUnreachable);
      await expect(refused).rejects.toMatchObject({ outcomeUnknown: false, unanswered: true, statusCode: 503, publicMessage: NOT_ANSWERED });
    } finally {
      relay.resume();
      await view.close();
    }
    await t.http.get('/api/audit/verify').expect(200);
  }, 60_000);

  it('no connection of the pool free for 10 s (all lent to views left open): 503 saying so, not carried out; the pages read on meanwhile', async () => {
    const db = t.app.get(Database);
    // The views' pool holds five connections: five views (long exports, say) take them all.
    const views = await Promise.all(Array.from({ length: 5 }, () => db.readView()));
    try {
      // The pages' reads have connections of their own.
      await t.http.get('/api/bodies').expect(200);
      const started = Date.now();
      const sixth = db.readView();
      await expect(sixth).rejects.toThrow(DatabaseUnreachable);
      await expect(sixth).rejects.toMatchObject({ outcomeUnknown: false, publicMessage: NO_CONNECTION_FREE });
      expect(Date.now() - started).toBeGreaterThanOrEqual(9_900);
    } finally {
      await Promise.all(views.map((view) => view.close()));
    }
    await t.http.get('/api/audit/verify').expect(200);
  }, 60_000);

  it('the start on a server that takes the connection but never answers ends after 10 s, saying so in one line', async () => {
    relay.stop();
    try {
      const started = Date.now();
      const opening = migrateAtStart(config, 'DATABASE_URL');
      await expect(opening).rejects.toThrow(UnreachableError);
      const named = Object.assign(new URL(config.url), { password: '***' }).toString();
      await expect(opening).rejects.toThrow(`Die Datenbank ${named} (DATABASE_URL) ist nicht erreichbar: 127.0.0.1:${relay.port} antwortet nicht (Zeitüberschreitung beim Verbindungsaufbau).`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(9_900);
    } finally {
      relay.resume();
    }
  }, 60_000);

  it('waits as long as DATABASE_LOCK_WAIT_SECONDS and DATABASE_ANSWER_WAIT_SECONDS say: set to 1 and 3, a lock held from outside costs a write 1 s, a server that does not answer 3 s', async () => {
    const quick = await startTestApp({ databaseConfig: { ...config, waits: { lockMs: 1_000, answerMs: 3_000 } } });
    try {
      const { id } = (await quick.http.post('/api/bodies').send(REGISTRATION).expect(201)).body as { id: string };
      const submit = () => quick.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', data: {} });
      const timed = async <T>(work: () => PromiseLike<T>): Promise<[T, number]> => {
        const started = Date.now();
        const result = await work();
        return [result, Date.now() - started];
      };

      await admin.query('BEGIN');
      let locked;
      try {
        await admin.query('LOCK TABLE bodies IN ACCESS EXCLUSIVE MODE');
        locked = await timed(() => submit().then((r) => r));
      } finally {
        await admin.query('ROLLBACK');
      }
      const [busy, waitedForLock] = locked;
      expect(busy.status).toBe(503);
      expect(busy.body.message).toMatch(/^Der Vorgang wurde nicht ausgeführt: die Datenbank blieb zu lange von einem anderen Vorgang belegt /);
      expect(waitedForLock).toBeGreaterThanOrEqual(900);
      expect(waitedForLock).toBeLessThan(4_500);

      relay.stop();
      let unanswered;
      try {
        unanswered = await timed(() => submit().then((r) => r));
      } finally {
        relay.resume();
      }
      const [answer, waitedForAnswer] = unanswered;
      expect(answer.status).toBe(503);
      expect(answer.body.message).toBe(NOT_ANSWERED.replace('binnen 10 s', 'binnen 3 s'));
      expect(waitedForAnswer).toBeGreaterThanOrEqual(2_900);
      expect(waitedForAnswer).toBeLessThan(9_000);

      expect(await events(id)).toEqual(['registered']);
      await submit().expect(200);
    } finally {
      await quick.close();
    }
  }, 60_000);
});
