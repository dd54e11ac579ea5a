/**
 * A lead's account made by body and contact name (`POST /api/users {contact: {body, name}}`,
 * `gremienlauf user create --contact`) never finds or names a contact marked erased, even when
 * its name was written back into `contacts` behind the service (as verify's `erasureUndone`
 * finds it).
 */
import { Database } from '../src/database/database';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('a lead’s account by contact name, with an erased contact, on %s', (database) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<TestApp['user']>>;
  let erika: string;

  beforeEach(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
    const { body } = await t.http
      .post('/api/bodies')
      .send({
        title: 'PG Foo',
        kind: 'Projektgruppe',
        parent: 'IT-PLR',
        focusTopic: 'Datennutzung',
        leads: ['Hessen'],
        contacts: [{ name: 'Erika Muster', organization: 'Hessen' }, { name: 'Bernd Bund', organization: 'BMI' }],
        start: '2025-02-01',
        registeredAt: '2025-01-02',
      })
      .expect(201);
    [erika] = (await t.http.get(`/api/bodies/${body.id}`).expect(200)).body.context.profile.contactIds;
    await t.http.post(`/api/contacts/${erika}/erasure`).send({ reason: 'Antrag nach Art. 17 DSGVO' }).expect(200);
    admin = await t.user('admin');
  });
  afterEach(() => t.close());

  const createLead = (username: string, name: string) =>
    admin.http.post('/api/users').send({ username, role: 'lead', contact: { body: 'PG Foo', name } });

  test('the erased contact is not found by its former name, nor named among the candidates', async () => {
    const refused = await createLead('e.muster', 'Erika Muster').expect(400);
    expect(refused.body.details).toEqual([{ path: 'contact.name', message: '„PG Foo“ nennt keine Ansprechperson „Erika Muster“ (genannt: Bernd Bund).' }]);
  });

  test('its name and organisation written back into the row: still neither found nor named', async () => {
    const db = t.app.get(Database);
    await db.query("UPDATE contacts SET name = 'Erika Muster', organization = 'Hessen' WHERE id = ?", [erika]);
    expect(await db.query('SELECT name, erased_at FROM contacts WHERE id = ?', [erika])).toEqual([{ name: 'Erika Muster', erased_at: expect.any(String) }]);
    const refused = await createLead('e.muster', 'Erika Muster').expect(400);
    expect(refused.body.details).toEqual([{ path: 'contact.name', message: '„PG Foo“ nennt keine Ansprechperson „Erika Muster“ (genannt: Bernd Bund).' }]);
    const other = await createLead('b.unbekannt', 'Niemand').expect(400);
    expect(other.body.details[0].message).toBe('„PG Foo“ nennt keine Ansprechperson „Niemand“ (genannt: Bernd Bund).');
    expect(JSON.stringify(other.body)).not.toContain('Erika');
    expect((await admin.http.get('/api/users').expect(200)).body.map((u: { username: string }) => u.username)).not.toContain('e.muster');
  });

  test('the contact not erased is found as before', async () => {
    const created = await createLead('b.bund', 'bernd bund').expect(201);
    expect(created.body).toMatchObject({ username: 'b.bund', role: 'lead', contactId: expect.any(String) });
    expect(created.body.contactId).not.toBe(erika);
  });
});
