/**
 * A registration form names people. Imported twice (two bodies), or registered beside a body that
 * names them already, the same person stays one contact: one id, which a lead's account is
 * linked to and an erasure (DSGVO Art. 17) removes everywhere. Two different people are never
 * merged, and an erased contact is never taken up again.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../src/database/database';
import { formSummary } from '../src/registration-import/form-summary';
import { cliAgainst } from './support/cli-run';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const SEED = readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
const SECOND = SEED.replace('Titel des Gremiums: Weiterentwicklung Struktur OZG Föderal', 'Titel des Gremiums: Weiterentwicklung Struktur OZG Föderal II');
const PEOPLE = 'Ansprechperson: Ralf Stettner (Hessen), Carola Heilemann-Jeschke (Hansestadt Bremen), Dr. Pamela Müller-Niese (BMI)';

describe.each(testDatabaseKinds())('the registration import reuses a recorded contact person, on %s', (database) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
  });
  afterEach(() => t.close());

  const importForm = (text: string, query = '') => t.http.post(`/api/bodies/import${query}`).set('Content-Type', 'text/plain; charset=utf-8').send(text);
  const contactIdsOf = async (id: string) => (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds as string[];
  const db = () => t.app.get(Database);
  const register = (title: string, contacts: object[]) =>
    t.http
      .post('/api/bodies')
      .send({ title, kind: 'Projektgruppe', parent: 'IT-PLR', focusTopic: 'Datennutzung', leads: ['Hessen'], contacts, start: '2025-02-01', registeredAt: '2025-01-02' })
      .expect(201);

  test('the seed form imported twice names the same three contact ids, records no second person and writes nothing to their chains', async () => {
    const first = (await importForm(SEED).expect(201)).body;
    expect(first.contacts.map((c: { status: string }) => c.status)).toEqual(['new', 'new', 'new']);
    const second = (await importForm(SECOND).expect(201)).body;
    const ids = await contactIdsOf(first.id);
    expect(ids).toHaveLength(3);
    expect(await contactIdsOf(second.id)).toEqual(ids);
    expect(second.contacts).toEqual([
      { id: ids[0], name: 'Ralf Stettner', status: 'existing' },
      { id: ids[1], name: 'Carola Heilemann-Jeschke', status: 'existing' },
      { id: ids[2], name: 'Dr. Pamela Müller-Niese', status: 'existing' },
    ]);
    expect(await db().query('SELECT id FROM contacts')).toHaveLength(3);
    expect(await db().query('SELECT id FROM contact_events')).toEqual([]);
  });

  test('the dry run says which persons are recorded already („bereits erfasst“) and which are new', async () => {
    const before = (await importForm(SEED, '?dryRun=true').expect(201)).body;
    expect(before.contactMatches).toEqual([{ status: 'new' }, { status: 'new' }, { status: 'new' }]);
    const first = (await importForm(SEED).expect(201)).body;
    const ids = await contactIdsOf(first.id);
    const preview = (await importForm(SECOND.replace('Dr. Pamela Müller-Niese (BMI)', 'Dr. Pamela Müller-Niese (BMI), Jana Neu (Berlin)'), '?dryRun=true').expect(201)).body;
    expect(preview.contactMatches).toEqual([...ids.map((id) => ({ status: 'existing', id })), { status: 'new' }]);
    const contacts = new Map(formSummary(preview)).get('Ansprechpersonen') ?? new Map(formSummary(preview)).get('Ansprechperson');
    expect(contacts).toBe(
      [
        'Ralf Stettner (Hessen) – bereits erfasst',
        'Carola Heilemann-Jeschke (Hansestadt Bremen) – bereits erfasst',
        'Dr. Pamela Müller-Niese (BMI) – bereits erfasst',
        'Jana Neu (Berlin) – neu',
      ].join('\n'),
    );
  });

  test('the lead user linked to the first import’s contact sees the second body too', async () => {
    const first = (await importForm(SEED).expect(201)).body;
    const [stettner] = await contactIdsOf(first.id);
    const lead = await t.user('lead', { username: 'r.stettner', contactId: stettner });
    const second = (await importForm(SECOND).expect(201)).body;
    await lead.http.get(`/api/bodies/${first.id}`).expect(200);
    await lead.http.get(`/api/bodies/${second.id}`).expect(200);
    const listed = (await lead.http.get('/api/bodies').expect(200)).body;
    const items = (Array.isArray(listed) ? listed : listed.items) as Array<{ id: string }>;
    expect(items.map((b) => b.id).sort()).toEqual([first.id, second.id].sort());
  });

  test('an erasure removes the person from both bodies; an erased contact is never reused', async () => {
    const first = (await importForm(SEED).expect(201)).body;
    const second = (await importForm(SECOND).expect(201)).body;
    const carola = (await contactIdsOf(first.id))[1];
    const erased = (await t.http.post(`/api/contacts/${carola}/erasure`).send({ reason: 'Antrag nach Art. 17 DSGVO' }).expect(200)).body;
    expect([...erased.bodyIds].sort()).toEqual([first.id, second.id].sort());
    for (const id of [first.id, second.id]) {
      const body = (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
      expect(body.contacts[1]).toMatchObject({ id: carola, name: null, erased: true });
    }
    expect(await db().query("SELECT id FROM contacts WHERE name LIKE '%Heilemann%'")).toEqual([]);

    // The form names her again: a new record, the erased one stays erased.
    const third = (await importForm(SEED.replace('Weiterentwicklung Struktur OZG Föderal', 'Weiterentwicklung Struktur OZG Föderal III')).expect(201)).body;
    const thirdIds = await contactIdsOf(third.id);
    expect(thirdIds[1]).not.toBe(carola);
    expect(thirdIds[0]).toBe((await contactIdsOf(first.id))[0]);
    expect(third.contacts[1]).toMatchObject({ name: 'Carola Heilemann-Jeschke', status: 'new' });
  });

  test('two different people with the same name but different e-mail addresses stay two, and the import says why', async () => {
    const hessen = (await register('PG Hessen', [{ name: 'Ralf Stettner', organization: 'Hessen', email: 'ralf.stettner@hessen.example' }])).body;
    const form = SEED.replace(PEOPLE, 'Ansprechperson: Ralf Stettner (Hessen, r.stettner@bayern.example)');
    const imported = (await importForm(form).expect(201)).body;
    const [theirs] = await contactIdsOf(hessen.id);
    const [ours] = await contactIdsOf(imported.id);
    expect(ours).not.toBe(theirs);
    expect(imported.contacts).toEqual([{ id: ours, name: 'Ralf Stettner', status: 'new' }]);
    expect(imported.warnings).toContainEqual(`„Ralf Stettner“ ist bereits mit einer anderen E-Mail-Adresse erfasst (${theirs}); als eigene Person neu erfasst.`);
    // The same address under another name is another person too (a shared mailbox).
    const shared = (await register('PG Postfach', [{ name: 'Rita Stettner', email: 'ralf.stettner@hessen.example' }])).body;
    expect((await contactIdsOf(shared.id))[0]).not.toBe(theirs);
    expect(await db().query('SELECT id FROM contacts')).toHaveLength(3);
  });

  test('where the rule does not match, the secretariat chooses the recorded person (contact=NUMMER:ID): reused as recorded, in the preview as in the import', async () => {
    const hessen = (await register('PG Hessen', [{ name: 'Ralf Stettner', organization: 'Hessen', email: 'ralf.stettner@hessen.example' }])).body;
    const [theirs] = await contactIdsOf(hessen.id);
    // The same man, his address mistyped in the form: not merged by the rule.
    const form = SEED.replace(PEOPLE, 'Ansprechperson: Carola Heilemann-Jeschke (Hansestadt Bremen), Ralf Stettner (Hessen, ralf.stetner@hessen.example)');
    // He is offered to choose from: the recorded person of his name.
    const recorded = { id: theirs, name: 'Ralf Stettner', organization: 'Hessen', email: 'ralf.stettner@hessen.example', phone: null };
    expect((await importForm(form, '?dryRun=true').expect(201)).body.contactMatches).toEqual([{ status: 'new' }, { status: 'new', candidates: [recorded] }]);

    const chosen = `?contact=2:${theirs.toUpperCase()}`;
    const preview = (await importForm(form, `${chosen}&dryRun=true`).expect(201)).body;
    expect(preview.contactMatches).toEqual([{ status: 'new' }, { status: 'existing', id: theirs, chosen: true, formName: 'Ralf Stettner', candidates: [recorded] }]);
    expect(preview.warnings).toContainEqual(`„Ralf Stettner“ (Ansprechperson 2 des Formulars) ist wie gewählt die erfasste Ansprechperson „Ralf Stettner“ (${theirs}); ihre Angaben bleiben, wie erfasst.`);
    expect(preview.warnings).not.toContainEqual(expect.stringContaining('anderen E-Mail-Adresse'));

    const imported = (await importForm(form, chosen).expect(201)).body;
    const ids = await contactIdsOf(imported.id);
    expect(ids[1]).toBe(theirs);
    expect(imported.contacts).toEqual([
      { id: ids[0], name: 'Carola Heilemann-Jeschke', status: 'new' },
      { id: theirs, name: 'Ralf Stettner', status: 'existing' },
    ]);
    // Kept as recorded: the form's mistyped address was not taken over.
    expect(await db().query('SELECT email FROM contacts WHERE id = ?', [theirs])).toEqual([{ email: 'ralf.stettner@hessen.example' }]);
    expect(await db().query('SELECT id FROM contacts')).toHaveLength(2);
  });

  test('the CLI chooses with --contact NUMMER:ID (several times), and names the option in a refusal', async () => {
    const hessen = (await register('PG Hessen', [{ name: 'Ralf Stettner', organization: 'Hessen', email: 'ralf.stettner@hessen.example' }])).body;
    const bremen = (await register('PG Bremen', [{ name: 'Carola Heilemann-Jeschke', organization: 'Senatorin für Finanzen Bremen' }])).body;
    const [ralf] = await contactIdsOf(hessen.id);
    const [carola] = await contactIdsOf(bremen.id);
    const dir = mkdtempSync(join(tmpdir(), 'gremienlauf-import-'));
    try {
      const file = join(dir, 'formular.txt');
      writeFileSync(file, SEED);
      const refused = await cliAgainst(t, ['import', file, '--contact', `1:${ralf}`, '--contact', `9:${carola}`]);
      expect([refused.code, refused.stderr]).toEqual([1, `Abgelehnt: Ungültige Angaben – --contact NUMMER:ID: „9:${carola}“: Das Formular nennt 3 Ansprechpersonen, keine mit der Nummer 9.\n`]);
      const imported = await cliAgainst(t, ['import', file, '--contact', `1:${ralf}`, '--contact', `2:${carola}`, '--json']);
      expect(imported.code).toBe(0);
      const ids = await contactIdsOf(JSON.parse(imported.stdout).id);
      expect(ids.slice(0, 2)).toEqual([ralf, carola]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a choice of a recorded person the form or the register does not have is refused at contact, and nothing is written', async () => {
    const hessen = (await register('PG Hessen', [{ name: 'Ralf Stettner', organization: 'Hessen' }])).body;
    const [theirs] = await contactIdsOf(hessen.id);
    const before = await db().query('SELECT id FROM contacts');
    const unknown = '0e59a1b2-7c3d-4e5f-8a9b-0c1d2e3f4a5b';
    for (const [query, message] of [
      [`contact=4:${theirs}`, `„4:${theirs}“: Das Formular nennt 3 Ansprechpersonen, keine mit der Nummer 4.`],
      [`contact=1:${unknown}`, `„1:${unknown}“: Ansprechperson ${unknown} ist nicht erfasst.`],
      [`contact=1:${theirs}&contact=2:${theirs}`, `„2:${theirs}“: Ansprechperson ${theirs} ist schon für eine andere des Formulars gewählt.`],
      [`contact=1:${theirs}&contact=1:${unknown}`, `„1:${unknown}“: Für Ansprechperson 1 des Formulars ist schon eine erfasste gewählt.`],
    ]) {
      for (const dryRun of ['', '&dryRun=true']) {
        const refused = await importForm(SEED, `?${query}${dryRun}`).expect(400);
        expect(refused.body.details).toEqual([{ path: 'contact', message }]);
      }
    }
    const malformed = await importForm(SEED, '?contact=Ralf').expect(400);
    expect(malformed.body.details).toEqual([expect.objectContaining({ path: 'query.contact[0]', message: expect.stringContaining('Erwartet NUMMER:ID') })]);
    expect(await db().query('SELECT id FROM contacts')).toEqual(before);
    expect((await t.http.get('/api/bodies').expect(200)).body).toHaveLength(1);
  });

  test('a name borne by two recorded people, or recorded with another organisation, is not matched', async () => {
    await register('PG A', [{ name: 'Ralf Stettner', organization: 'Hessen' }]);
    await register('PG B', [{ name: 'Ralf Stettner', organization: 'Bayern' }]);
    const form = SEED.replace(PEOPLE, 'Ansprechperson: Ralf Stettner, Carola Heilemann-Jeschke (Hansestadt Bremen)');
    const preview = (await importForm(form, '?dryRun=true').expect(201)).body;
    // Both offered to choose from (recorded at the same instant here: in no particular order).
    expect(preview.contactMatches).toEqual([
      { status: 'new', candidates: expect.arrayContaining([expect.objectContaining({ organization: 'Hessen' }), expect.objectContaining({ organization: 'Bayern' })]) },
      { status: 'new' },
    ]);
    expect(preview.contactMatches[0].candidates).toHaveLength(2);
    expect(preview.warnings).toContainEqual(expect.stringMatching(/^2 erfasste Ansprechpersonen heißen „Ralf Stettner“ \(.+\); keine wird zugeordnet/));

    await register('PG C', [{ name: 'Carola Heilemann-Jeschke', organization: 'Senatorin für Finanzen Bremen' }]);
    const again = (await importForm(form, '?dryRun=true').expect(201)).body;
    expect(again.contactMatches[1]).toEqual({ status: 'new', candidates: [expect.objectContaining({ name: 'Carola Heilemann-Jeschke', organization: 'Senatorin für Finanzen Bremen' })] });
    expect(again.warnings).toContainEqual(expect.stringContaining('„Carola Heilemann-Jeschke“ ist bereits mit der Organisation „Senatorin für Finanzen Bremen“ erfasst'));
  });

  test('POST /api/bodies reuses the person too (e-mail without case, name without case and extra spaces); what the stored one lacks is filled in on its own chain', async () => {
    const a = (await register('PG A', [{ name: 'Erika Muster', organization: 'Hessen' }])).body;
    const [erika] = await contactIdsOf(a.id);
    const b = (await register('PG B', [{ name: 'erika  muster', email: 'Erika.Muster@Hessen.example', phone: '0611 123' }])).body;
    expect(await contactIdsOf(b.id)).toEqual([erika]);
    const c = (await register('PG C', [{ name: 'Erika Muster', email: 'ERIKA.MUSTER@hessen.example' }])).body;
    expect(await contactIdsOf(c.id)).toEqual([erika]);

    const body = (await t.http.get(`/api/bodies/${a.id}`).expect(200)).body;
    // The stored name and organisation stay; e-mail and phone, which it lacked, are filled in.
    expect(body.contacts[0]).toMatchObject({ id: erika, name: 'Erika Muster', organization: 'Hessen', email: 'Erika.Muster@Hessen.example', phone: '0611 123' });
    const history = (await t.http.get(`/api/contacts/${erika}/history`).expect(200)).body;
    expect(history.events.map((e: { version: number; summary: string }) => [e.version, e.summary])).toEqual([
      [1, 'berichtigt: E-Mail, Telefon (Ergänzt bei der Registrierung des Gremiums „PG B“)'],
    ]);
    expect((await t.http.get('/api/audit/verify').expect(200)).body.intact).toBe(true);
  });

  test('a person named twice in one registration is refused at the second mention, and nothing is written', async () => {
    await register('PG A', [{ name: 'Erika Muster', organization: 'Hessen' }]);
    const [before] = await db().query<{ n: number | string }>('SELECT COUNT(*) AS n FROM contacts');
    const refused = await t.http
      .post('/api/bodies')
      .send({
        title: 'PG B',
        kind: 'Projektgruppe',
        parent: 'IT-PLR',
        focusTopic: 'Datennutzung',
        leads: ['Hessen'],
        contacts: [{ name: 'Erika Muster' }, { name: 'Erika Muster', organization: 'Hessen' }],
        start: '2025-02-01',
      })
      .expect(400);
    expect(refused.body.details).toEqual([{ path: 'contacts[1]', message: '„Erika Muster“ ist dieselbe Ansprechperson wie contacts[0].' }]);
    const [after] = await db().query<{ n: number | string }>('SELECT COUNT(*) AS n FROM contacts');
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe('a form whose planned report falls before its start', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
  });
  afterAll(() => t.close());

  test('is refused naming the form’s section „Planung und Berichte“ and the report’s line', async () => {
    const form = SEED.replace('17.06.2024', '11.01.2028').replace('31.12.2024', '31.12.2028').replace('im November 2024', 'im Juni 2027');
    const refused = await t.http.post('/api/bodies/import').set('Content-Type', 'text/plain; charset=utf-8').send(form).expect(400);
    expect(refused.body.details).toEqual([
      { line: 31, field: 'Planung und Berichte', message: 'Der Zwischenbericht wäre im Juni 2027 fällig, vor dem Beginn der Tätigkeit am 11.01.2028.' },
    ]);
    expect(refused.body.message).toContain('Zeile 31, Feld „Planung und Berichte“');
  });
});
