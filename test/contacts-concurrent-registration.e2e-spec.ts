/**
 * Registrations, form imports and revisions that name the same new contact person at the same
 * instant record that person once, and every body names that one record. On PostgreSQL (two
 * instances on one database) each writer would otherwise find no such person yet and record its
 * own; the writers naming the person take turns (ContactsStore `hold`). On SQLite the single
 * writer has them take turns anyway.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../src/database/database';
import { openTestDatabase, startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

// Two app instances and parallel requests: room for a busy machine (a time limit, not a speed target).
jest.setTimeout(60_000);

const SEED = readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
const SEED_TITLE = 'Titel des Gremiums: Weiterentwicklung Struktur OZG Föderal';
const WRITERS = 8;

describe.each(testDatabaseKinds())('the same new contact person named by several writers at once, on %s', (database) => {
  let instances: TestApp[];
  let cleanup: () => void;

  beforeEach(async () => {
    const opened = await openTestDatabase(database);
    cleanup = opened.cleanup;
    const start = () => startTestApp({ databaseConfig: opened.config, now: '2026-11-28T09:00:00Z' });
    // SQLite serves one file from one instance.
    instances = database === 'postgres' ? [await start(), await start()] : [await start()];
  });
  afterEach(async () => {
    for (const t of [...instances].reverse()) await t.close();
    cleanup();
  });

  /** The instance the i-th writer talks to: they take turns. */
  const via = (i: number) => instances[i % instances.length];
  const db = () => instances[0].app.get(Database);
  const contactsNamed = (name: string) => db().query<{ id: string }>('SELECT id FROM contacts WHERE name = ?', [name]);
  const contactIdsOf = async (id: string) => (await instances[0].http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds as string[];
  const register = (t: TestApp, title: string, contacts: object[]) =>
    t.http.post('/api/bodies').send({ title, kind: 'Projektgruppe', parent: 'IT-PLR', focusTopic: 'Datennutzung', leads: ['Hessen'], contacts, start: '2025-02-01', registeredAt: '2025-01-02' });

  test('registrations naming the same new person at once record one contact, which every body names', async () => {
    // The same person as matching sees it: the spelling of the name differs, nothing contradicts.
    const spellings = [{ name: 'Jana Neu', organization: 'Berlin' }, { name: 'jana  NEU' }, { name: 'Jana Neu', email: 'jana.neu@berlin.example' }];
    const responses = await Promise.all(Array.from({ length: WRITERS }, (_, i) => register(via(i), `Gremium ${i + 1}`, [spellings[i % spellings.length]])));
    expect(responses.map((r) => r.status)).toEqual(Array(WRITERS).fill(201));

    const recorded = await db().query<{ id: string }>("SELECT id FROM contacts WHERE lower(name) LIKE 'jana%neu'");
    expect(recorded).toHaveLength(1);
    for (const r of responses) expect(await contactIdsOf(r.body.id)).toEqual([recorded[0].id]);
  });

  test('form imports naming the same new persons at once record each person once; one import tells them new, the others „bereits erfasst“', async () => {
    const forms = Array.from({ length: WRITERS }, (_, i) => SEED.replace(SEED_TITLE, `${SEED_TITLE} ${i + 1}`));
    const responses = await Promise.all(forms.map((form, i) => via(i).http.post('/api/bodies/import').set('Content-Type', 'text/plain; charset=utf-8').send(form)));
    expect(responses.map((r) => r.status)).toEqual(Array(WRITERS).fill(201));

    const people = ['Ralf Stettner', 'Carola Heilemann-Jeschke', 'Dr. Pamela Müller-Niese'];
    const ids = await Promise.all(people.map(async (name) => (await contactsNamed(name)).map((row) => row.id)));
    expect(ids.map((one) => one.length)).toEqual([1, 1, 1]);
    for (const r of responses) {
      expect(await contactIdsOf(r.body.id)).toEqual(ids.flat());
      expect(r.body.contacts.map((c: { id: string }) => c.id)).toEqual(ids.flat());
    }
    const told = responses.map((r) => r.body.contacts.map((c: { status: string }) => c.status).join(' '));
    expect(told.sort()).toEqual([...Array(WRITERS - 1).fill('existing existing existing'), 'new new new']);
  });

  test('revisions of several bodies naming the same new person at once record one contact, which every body names', async () => {
    const bodies: string[] = [];
    for (let i = 0; i < WRITERS; i++) bodies.push((await register(via(i), `Gremium ${i + 1}`, []).expect(201)).body.id);

    const responses = await Promise.all(
      bodies.map((id, i) => via(i).http.post(`/api/bodies/${id}/events`).send({ type: 'revised', data: { contacts: [{ name: 'Clara Neu', organization: 'Bremen' }] }, occurredAt: '2025-01-05' })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(WRITERS).fill(200));

    const recorded = await contactsNamed('Clara Neu');
    expect(recorded).toHaveLength(1);
    for (const id of bodies) expect(await contactIdsOf(id)).toEqual([recorded[0].id]);
  });
});
