/**
 * The service's connection to PostgreSQL cut while a write is under way (a restart, a failover,
 * `pg_terminate_backend`): the service lives on, and what became of the write is either done
 * (run again on another connection), said not to be done (nothing of it written), or, cut during
 * its COMMIT, said to be unknown, and then carried out once when repeated with its Idempotency-Key.
 * Beside it, what else PostgreSQL can do to a request from outside: refuse every new session, or
 * hold a lock it needs (a session left open with a `LOCK TABLE` or an `UPDATE`).
 */
import { Client } from 'pg';
import type { Response } from 'supertest';
import { Database } from '../src/database/database';
import { DatabaseUnreachable } from '../src/database/connection-lost';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const onPostgres = testDatabaseKinds().includes('postgres') ? describe : describe.skip;
const REGISTRATION = { ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' };

const NOT_DONE =
  'Der Vorgang wurde nicht ausgeführt: die Verbindung zur Datenbank (PostgreSQL) brach ab oder kam nicht zustande, etwa weil sie gerade neu startet. Bitte gleich noch einmal versuchen; hält es an, können nur die Betreiber es beheben.';
const OUTCOME_UNKNOWN =
  'Ob der Vorgang gespeichert wurde, ist nicht bekannt: die Verbindung zur Datenbank (PostgreSQL) brach ab, während er abgeschlossen wurde. Bitte erst den Stand abrufen, dann wiederholen; mit demselben Idempotency-Key wiederholt, wird er höchstens einmal ausgeführt.';

const BUSY =
  'Der Vorgang wurde nicht ausgeführt: die Datenbank blieb zu lange von einem anderen Vorgang belegt (etwa einer Sitzung, die Zeilen oder Tabellen gesperrt hält). Bitte gleich noch einmal versuchen.';
const HEALTH_UNREACHABLE =
  'Die Datenbank (PostgreSQL) ist nicht erreichbar: die Verbindung brach ab, kommt nicht zustande oder bleibt ohne Antwort, etwa weil sie gerade neu startet, keine Verbindungen annimmt oder ihr Server hängt. Diese Instanz kann nichts lesen und nichts schreiben, bis sie wieder erreichbar ist.';

/** Held by the test while the service's COMMIT waits for it (see the trigger below). */
const COMMIT_GATE = 4711;

onPostgres('a PostgreSQL connection cut during a write', () => {
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

  /** The service's connections that wait for a lock (the ones the test cuts). */
  async function waiting(): Promise<number[]> {
    const { rows } = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'",
    );
    return rows.map((r) => r.pid);
  }

  /** Cuts the one connection of the service that waits for a lock, once it waits. */
  async function cutWaiting(): Promise<void> {
    const deadline = Date.now() + 10_000;
    let pids = await waiting();
    while (pids.length === 0) {
      if (Date.now() > deadline) throw new Error('no connection of the service came to wait for the lock');
      await new Promise((resolve) => setTimeout(resolve, 20));
      pids = await waiting();
    }
    expect(pids).toHaveLength(1);
    await admin.query('SELECT pg_terminate_backend($1)', [pids[0]]);
  }

  /** Runs `during` while another session holds what `lock` takes, in a transaction left open until `during` is done. */
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

  /**
   * Sends a request while the table `bodies` is locked from another connection, so that its write
   * waits; cuts that waiting connection, then lifts the lock and gives the answer.
   */
  async function cutWhileWaiting(send: () => Promise<Response>): Promise<Response> {
    const { pending } = await whileLocked({ text: 'LOCK TABLE bodies IN ACCESS EXCLUSIVE MODE' }, async () => {
      const sent = { pending: send() };
      await cutWaiting();
      return sent;
    });
    return pending;
  }

  async function events(bodyId: string): Promise<string[]> {
    const { rows } = await admin.query<{ type: string }>('SELECT type FROM events WHERE body_id = $1 ORDER BY version', [bodyId]);
    return rows.map((r) => r.type);
  }

  it('a transition cut before its COMMIT runs again on another connection, once; the service lives on', async () => {
    const { id } = (await t.http.post('/api/bodies').send(REGISTRATION).expect(201)).body as { id: string };
    const answer = await cutWhileWaiting(() => t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', data: {} }).then((r) => r));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ version: 2, state: { value: 'submitted' } });
    expect(await events(id)).toEqual(['registered', 'submitted']);
    await t.http.get('/health').expect(200);
  });

  it('a registration cut before its COMMIT is answered 503, not carried out; nothing of it is written, and sent again it goes through', async () => {
    const before = ((await t.http.get('/api/bodies').expect(200)).body as unknown[]).length;
    const answer = await cutWhileWaiting(() => t.http.post('/api/bodies').send({ ...REGISTRATION, title: 'Abgebrochene Anmeldung' }).then((r) => r));
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: NOT_DONE, details: null });
    expect(((await t.http.get('/api/bodies').expect(200)).body as unknown[]).length).toBe(before);
    await t.http.post('/api/bodies').send({ ...REGISTRATION, title: 'Abgebrochene Anmeldung' }).expect(201);
    expect(((await t.http.get('/api/bodies').expect(200)).body as unknown[]).length).toBe(before + 1);
  });

  it('a read view (audit, export) whose connection is cut says so: not carried out, and the next view reads again', async () => {
    const db = t.app.get(Database);
    const view = await db.readView();
    try {
      const [{ pid }] = await view.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      const refused = view.query('SELECT count(*) AS n FROM events');
      await expect(refused).rejects.toThrow(DatabaseUnreachable);
      await expect(refused).rejects.toMatchObject({ outcomeUnknown: false, statusCode: 503, publicMessage: NOT_DONE });
    } finally {
      await view.close();
    }
    await t.http.get('/api/audit/verify').expect(200);
  });

  it('while PostgreSQL refuses every new session, /health and a write answer 503 and say why; once it takes them again, both go through', async () => {
    // The database closed to connections (as for maintenance), and the service's open ones cut:
    // each new session is refused as it starts (FATAL 55000), which used to be answered „Interner Fehler“ (500).
    const { rows } = await admin.query<{ name: string }>('SELECT current_database() AS name');
    const database = `"${rows[0].name.replace(/"/g, '""')}"`;
    const maintenance = new Client({ connectionString: Object.assign(new URL(process.env.TEST_DATABASE_URL as string), { pathname: '/postgres' }).href });
    await maintenance.connect();
    const before = ((await t.http.get('/api/bodies').expect(200)).body as unknown[]).length;
    try {
      await maintenance.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      const health = await t.anonymous.get('/health').expect(503);
      expect(health.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: HEALTH_UNREACHABLE, details: null });
      const refused = await t.http.post('/api/bodies').send({ ...REGISTRATION, title: 'Während der Wartung' }).expect(503);
      expect(refused.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: NOT_DONE, details: null });
    } finally {
      await maintenance.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
      await maintenance.end();
    }
    await t.http.get('/health').expect(200);
    expect(((await t.http.get('/api/bodies').expect(200)).body as unknown[]).length).toBe(before);
    await t.http.post('/api/bodies').send({ ...REGISTRATION, title: 'Während der Wartung' }).expect(201);
  });

  it('a transition cut during its COMMIT is answered 503, outcome unknown; repeated with its Idempotency-Key it is carried out once', async () => {
    const { id } = (await t.http.post('/api/bodies').send(REGISTRATION).expect(201)).body as { id: string };
    // A deferred constraint trigger runs at COMMIT: there it waits for the gate the test holds.
    await admin.query(`CREATE FUNCTION wait_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock(${COMMIT_GATE}); RETURN NULL; END $$`);
    await admin.query('CREATE CONSTRAINT TRIGGER wait_at_commit AFTER INSERT ON events DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION wait_at_commit()');
    try {
      const submit = () => t.http.post(`/api/bodies/${id}/events`).set('Idempotency-Key', 'einreichung-1').send({ type: 'submitted', data: {} });
      await admin.query('SELECT pg_advisory_lock($1)', [COMMIT_GATE]);
      let answer;
      try {
        const pending = submit().then((r) => r);
        await cutWaiting();
        answer = await pending;
      } finally {
        await admin.query('SELECT pg_advisory_unlock($1)', [COMMIT_GATE]);
      }
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: OUTCOME_UNKNOWN, details: null });
      // Here the COMMIT did not go through (the trigger stopped it); the service could not know.
      expect(await events(id)).toEqual(['registered']);
      const first = await submit().expect(200);
      const again = await submit().expect(200);
      expect(again.body).toEqual(first.body);
      expect(await events(id)).toEqual(['registered', 'submitted']);
    } finally {
      await admin.query('DROP TRIGGER wait_at_commit ON events');
      await admin.query('DROP FUNCTION wait_at_commit()');
    }
  });

  const register = async () => ((await t.http.post('/api/bodies').send(REGISTRATION).expect(201)).body as { id: string }).id;
  const submit = (id: string) => t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', data: {} });

  it('a lock held by an outside session: a transition on a body whose row it holds gives up after 5 s: 503, not carried out; other bodies go on meanwhile', async () => {
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

  it('a lock held by an outside session: a read of a table it locked gives up after the same 5 s, and reads again once it is free', async () => {
    const answer = await whileLocked({ text: 'LOCK TABLE bodies IN ACCESS EXCLUSIVE MODE' }, () => t.http.get('/api/bodies').then((r) => r));
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: BUSY, details: null });
    await t.http.get('/api/bodies').expect(200);
  });
});
