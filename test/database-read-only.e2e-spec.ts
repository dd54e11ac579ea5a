/**
 * The SQLite file the service writes to made read-only while it runs (its rights or its mount
 * changed). SQLite then answers SQLITE_READONLY, which `PRAGMA query_only` calls forth on the
 * service's own connection here (the tests run as root, whom no file mode stops). The write is
 * refused with a message that names the rights, nothing of it is written, reads go on, and once
 * the file is writable again the same request goes through.
 */
import { Database } from '../src/database/database';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, type TestApp } from './support/test-app';

const FORBIDDEN = 'Der Vorgang wurde nicht ausgeführt: die Datenbank lässt den Dienst nicht schreiben (ihr Benutzer oder die Datei hat keine Schreibrechte). Das können nur die Betreiber beheben.';

describe('the database file made read-only while the service runs', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ database: 'sqlite' });
  });
  afterEach(() => t.close());

  /** On the service's writing connection, outside a transaction (in read-only mode none begins). */
  const writable = (db: Database, yes: boolean) => db.query(`PRAGMA query_only = ${yes ? 'OFF' : 'ON'}`);

  it('refuses a write naming the missing rights, writes nothing of it, still answers reads, and takes the write once it may again', async () => {
    const db = t.app.get(Database);
    const registration = { ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' };
    const bodyId = (await t.http.post('/api/bodies').send(registration).expect(201)).body.id as string;
    await writable(db, false);

    const refused = await t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'submitted', occurredAt: '2024-06-04' });
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 500,
      body: { statusCode: 500, error: 'Internal Server Error', message: FORBIDDEN, details: null },
    });
    const registered = await t.http.post('/api/bodies').send({ ...registration, title: 'Zweites Gremium' });
    expect([registered.status, registered.body.message]).toEqual([500, FORBIDDEN]);
    const body = (await t.http.get(`/api/bodies/${bodyId}`).expect(200)).body as { version: number; state: unknown };
    expect(body.version).toBe(1);
    expect((await t.http.get('/api/bodies').expect(200)).body).toHaveLength(1);

    await writable(db, true);
    await t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'submitted', occurredAt: '2024-06-04' }).expect(200);
    expect((await t.http.get(`/api/bodies/${bodyId}`).expect(200)).body.version).toBe(2);
    expect((await t.http.get(`/api/audit/verify?body=${bodyId}`).expect(200)).body.intact).toBe(true);
  });
});
