/**
 * An import that applies a decision taken in a session holds the names of the form's persons
 * (src/contacts/contacts.store.ts `hold`), then the issuer's sessions calendar (the decision's
 * day is checked against it). A writer that holds the calendar and then asks for one of those
 * names — a revision of a body citing a decision does it in that order — deadlocks with it, and
 * PostgreSQL gives up one of the two. An import given up so is run again, not answered with 500.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { comparableName } from '../src/contacts/contact-match';
import { openTestDatabase, startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const onPostgres = testDatabaseKinds().includes('postgres') ? describe : describe.skip;
const SEED = readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
/** The keyed advisory locks of src/database/database.ts. */
const SESSIONS_CALENDAR = 0x676c_6603;
const CONTACT_NAME = 0x676c_6604;

onPostgres('an import on PostgreSQL in a deadlock with another writer', () => {
  let t: TestApp;
  let other: Client;

  beforeEach(async () => {
    t = await startTestApp({ databaseConfig: (await openTestDatabase('postgres')).config, now: '2026-11-28T09:00:00Z' });
    other = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await other.connect();
  });
  afterEach(async () => {
    await other.end();
    await t.close();
  });

  /** Whether some connection waits for a lock before `writer` is answered. */
  async function waiting(writer: Promise<unknown>): Promise<boolean> {
    let answered = false;
    void writer.then(() => (answered = true));
    while (!answered) {
      const { rows } = await other.query<{ n: string }>("SELECT count(*) AS n FROM pg_locks WHERE NOT granted AND locktype = 'advisory'");
      if (Number(rows[0].n) > 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return false;
  }

  it('is run again once PostgreSQL gave it up, and records the body and the decision once', async () => {
    // The other writer holds the AL-Runde's calendar; its own deadlock check comes late, so PostgreSQL gives up the import (after deadlock_timeout, 1 s).
    await other.query("BEGIN; SET LOCAL deadlock_timeout = '60s'");
    await other.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SESSIONS_CALENDAR, 'AL-Runde']);
    const imported = t.http
      .post('/api/bodies/import?applyDecision=true&decisionDate=2024-06-12&session=3')
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(SEED)
      .then((r) => r);
    expect(await waiting(imported)).toBe(true);
    // Granted only once the import's transaction is given up: so the deadlock did cost the import's first attempt.
    await other.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CONTACT_NAME, comparableName('Ralf Stettner')]);
    await other.query('ROLLBACK');
    const answer = await imported;

    expect([answer.status, answer.body.decision]).toEqual([201, expect.objectContaining({ number: '2024/09-AL', applied: true })]);
    const bodies = (await t.http.get('/api/bodies').expect(200)).body as Array<{ title: string }>;
    expect(bodies.map((b) => b.title)).toEqual(['Weiterentwicklung Struktur OZG Föderal']);
    const { rows } = await other.query<{ decisions: string; contacts: string }>('SELECT (SELECT count(*) FROM decisions) AS decisions, (SELECT count(*) FROM contacts) AS contacts');
    expect(rows).toEqual([{ decisions: '1', contacts: '3' }]);
  });
});
