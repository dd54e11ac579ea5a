/**
 * Input that says one thing twice or says nothing new is refused, and writes nothing: a JSON
 * object naming a member twice (I-JSON, RFC 7493), the same contact person twice in one command,
 * and a change event that changes nothing.
 */
import { Database } from '../src/database/database';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { rowCounts } from './support/row-counts';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

type Answer = { status: number; body: { statusCode: number; message: string; details: unknown } };

describe.each(testDatabaseKinds())('input strictness on %s', (database) => {
  let t: TestApp;
  /** The seed body, approved (2024/09-AL) and by now active. */
  let active: string;
  /** A second registration, still a draft. */
  let draft: string;
  /** The contact persons of the active body. */
  let contactIds: string[];

  beforeAll(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
    active = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }).expect(201)).body.id;
    await t.http.post(`/api/bodies/${active}/events`).send({ type: 'submitted', occurredAt: '2024-06-05' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({
        number: '2024/09',
        issuer: 'AL-Runde',
        date: '2024-06-12',
        procedure: 'Umlaufverfahren',
        type: 'Beschluss',
        title: 'Einrichtung',
        effects: [{ body: active, effect: 'approved', data: { approvedUntil: '2025-03-31' } }],
      })
      .expect(201);
    await t.http.post(`/api/bodies/${active}/events`).send({ type: 'approved', data: { approvedUntil: '2025-03-31' }, decision: '2024/09-AL' }).expect(200);
    contactIds = (await t.http.get(`/api/bodies/${active}`).expect(200)).body.context.profile.contactIds;
    draft = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Zweites Gremium', contacts: [], registeredAt: '2024-06-03' }).expect(201)).body.id;
  }, 60_000);
  afterAll(() => t.close());

  const send = (bodyId: string, command: object) => t.http.post(`/api/bodies/${bodyId}/events`).send(command);
  const sendText = (bodyId: string, json: string) => t.http.post(`/api/bodies/${bodyId}/events`).type('json').send(json);

  /** The request's answer, checked to have written nothing at all. */
  async function refused(request: () => PromiseLike<Answer>, status: number): Promise<Answer['body']> {
    const before = await rowCounts(t.app.get(Database));
    const response = await request();
    expect([response.status, response.body.message]).toEqual([status, expect.any(String)]);
    expect(await rowCounts(t.app.get(Database))).toEqual(before);
    return response.body;
  }

  describe('a JSON object that names a member twice', () => {
    test('is a 400 naming the member where it stands, and writes nothing', async () => {
      const error = await refused(() => sendText(active, '{"type":"renamed","data":{"title":"A","title":"B"}}'), 400);
      expect(error.details).toEqual([{ path: 'data.title', message: expect.stringContaining('„title“') }]);
      expect(error.message).toMatch(/^Ungültige Angaben – data\.title: /);
    });

    test('is named at the root, inside lists, and once per name however often it repeats', async () => {
      const root = await refused(() => sendText(active, '{"type":"participantsChanged","type":"renamed","data":{"title":"A"}}'), 400);
      expect(root.details).toEqual([{ path: 'type', message: expect.any(String) }]);
      const registration = JSON.stringify({ ...EXAMPLE_REGISTRATION, contacts: [{ name: 'Erika Muster' }, { name: 'Max Muster' }] }).replace(
        '{"name":"Max Muster"}',
        '{"name":"Max Muster","organization":"Bayern","name":"Moritz Muster","name":"Maria Muster"}',
      );
      const inList = await refused(() => t.http.post('/api/bodies').type('json').send(registration), 400);
      expect(inList.details).toEqual([{ path: 'contacts[1].name', message: expect.any(String) }]);
    });

    test('is found however the name is written: an escape is the same name', async () => {
      const error = await refused(() => sendText(active, '{"type":"renamed","data":{"title":"A","t\\u0069tle":"B"}}'), 400);
      expect(error.details).toEqual([{ path: 'data.title', message: expect.any(String) }]);
    });

    test('the same name in sibling or nested objects, and inside texts, is no repetition', async () => {
      const json = '{"type":"renamed","data":{"title":"Neuer \\"title\\": Titel, {\\"title\\":1}","note":"\\\\"}}';
      const response = await sendText(active, json);
      expect([response.status, response.body.message]).toEqual([200, undefined]);
      const registration = await t.http
        .post('/api/bodies')
        .send({ ...EXAMPLE_REGISTRATION, title: 'Drittes Gremium', contacts: [{ name: 'A', organization: 'X' }, { name: 'B', organization: 'Y' }] });
      expect(registration.status).toBe(201);
    });
  });

  describe('the same contact person twice in one command', () => {
    test('a registration naming a contact twice is a 400 at the second, saying where the first is', async () => {
      const twice = await refused(() => t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, contacts: [{ id: contactIds[0] }, { id: contactIds[1] }, { id: contactIds[0] }] }), 400);
      expect(twice.details).toEqual([{ path: 'contacts[2].id', message: 'Diese Ansprechperson kommt bereits in contacts[0].id vor.' }]);
      const across = await refused(() => t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, contactIds: [contactIds[1]], contacts: [{ id: contactIds[1].toUpperCase() }] }), 400);
      expect(across.details).toEqual([{ path: 'contacts[0].id', message: 'Diese Ansprechperson kommt bereits in contactIds[0] vor.' }]);
    });

    test('a revision listing a contact twice is a 400 at the field', async () => {
      const error = await refused(() => send(draft, { type: 'revised', data: { contactIds: [contactIds[0], contactIds[1], contactIds[0]] } }), 400);
      expect(error.details).toEqual([{ path: 'data.contactIds[2]', message: 'Diese Ansprechperson kommt bereits in data.contactIds[0] vor.' }]);
    });

    test('a lead change naming a contact twice, or adding and removing the same one, is a 400 at the field', async () => {
      const inline = await refused(() => send(active, { type: 'leadsChanged', data: { added: ['Sachsen'], contactIds: [contactIds[0]], contacts: [{ id: contactIds[0] }] } }), 400);
      expect(inline.details).toEqual([{ path: 'data.contacts[0].id', message: 'Diese Ansprechperson kommt bereits in data.contactIds[0] vor.' }]);
      const both = await refused(() => send(active, { type: 'leadsChanged', data: { leads: ['Hessen'], contactIds: contactIds, removedContactIds: [contactIds[2]] } }), 400);
      expect(both.details).toEqual([
        { path: 'data.removedContactIds[0]', message: 'Diese Ansprechperson kommt bereits in data.contactIds[2] vor; sie kann nicht zugleich genannt und entfernt werden.' },
      ]);
    });
  });

  describe('the same Land or member twice in one list', () => {
    test('a registration naming a lead or a participant twice is a 400 at the second', async () => {
      const error = await refused(() => t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, leads: ['Hessen', 'Bund', ' hessen'], participants: ['Bund', 'Bund'] }), 400);
      expect(error.details).toEqual([
        { path: 'leads[2]', message: '„hessen“ steht bereits in leads[0].' },
        { path: 'participants[1]', message: '„Bund“ steht bereits in participants[0].' },
      ]);
    });

    test('a change naming a member twice, or adding and removing the same one, is a 400 at the field', async () => {
      const twice = await refused(() => send(active, { type: 'participantsChanged', data: { added: ['Sachsen', 'Sachsen'] } }), 400);
      expect(twice.details).toEqual([{ path: 'data.added[1]', message: '„Sachsen“ steht bereits in data.added[0].' }]);
      const both = await refused(() => send(active, { type: 'leadsChanged', data: { added: ['Sachsen'], removed: ['Sachsen'] } }), 400);
      expect(both.details).toEqual([{ path: 'data.removed[0]', message: '„Sachsen“ steht bereits in data.added[0]; es kann nicht zugleich hinzukommen und ausscheiden.' }]);
      const revised = await refused(() => send(draft, { type: 'revised', data: { participants: ['Bund', 'Bayern', 'Bund'] } }), 400);
      expect(revised.details).toEqual([{ path: 'data.participants[2]', message: '„Bund“ steht bereits in data.participants[0].' }]);
    });
  });

  describe('a change that changes nothing', () => {
    test('a participant change adding and removing no one is a 400: no change given', async () => {
      const error = await refused(() => send(active, { type: 'participantsChanged', data: { added: [], removed: [] } }), 400);
      expect(error.details).toEqual([{ path: 'data.added', message: 'Keine Änderung angegeben.' }]);
    });

    test('the same participants again, in another order, is refused as no change (422)', async () => {
      const participants = [...EXAMPLE_REGISTRATION.participants!].reverse();
      const error = await refused(() => send(active, { type: 'participantsChanged', data: { participants } }), 422);
      expect(error.message).toBe('Keine Änderung: die Mitwirkung ist bereits dieselbe (Hessen, Bayern, Hamburg, Schleswig-Holstein, Bremen, Berlin, Bund/BMI, FITKO).');
      expect(error.details).toMatchObject({ state: expect.any(String), violations: [error.message], allowedEvents: expect.arrayContaining(['participantsChanged']) });
    });

    test('a rename to the name the body has is refused as no change (422)', async () => {
      const { title, shortName } = (await t.http.get(`/api/bodies/${active}`).expect(200)).body.context.profile;
      const error = await refused(() => send(active, { type: 'renamed', data: { title, shortName, note: 'nochmal' } }), 422);
      expect(error.message).toBe(`Keine Änderung: das Gremium heißt bereits „${title}“.`);
    });

    test('the same leads and contact persons again is refused as no change (422); one contact more is a change', async () => {
      const leads = ['Bund (BMI)', 'Hessen', 'Bremen'];
      const error = await refused(() => send(active, { type: 'leadsChanged', data: { leads, contactIds: [...contactIds].reverse() } }), 422);
      expect(error.message).toBe('Keine Änderung: Federführung (Hessen, Bremen, Bund (BMI)) und Ansprechpersonen sind bereits dieselben.');
      const alreadyThere = await refused(() => send(active, { type: 'leadsChanged', data: { added: [], contactIds: [contactIds[1]] } }), 422);
      expect(alreadyThere.message).toBe('Keine Änderung: Federführung (Hessen, Bremen, Bund (BMI)) und Ansprechpersonen sind bereits dieselben.');
      await send(active, { type: 'leadsChanged', data: { added: [], contacts: [{ name: 'Neue Ansprechperson', organization: 'Hessen' }] } }).expect(200);
    });

    test('a revision giving every field as it is is refused as no change (422); one field otherwise is a change', async () => {
      const { title, goals, contactIds: ids } = (await t.http.get(`/api/bodies/${draft}`).expect(200)).body.context.profile;
      const error = await refused(() => send(draft, { type: 'revised', data: { title, goals, contactIds: ids } }), 422);
      expect(error.message).toBe('Keine Änderung: die Registrierung hat bereits diese Angaben (Titel, Ansprechpersonen, Ziele).');
      await send(draft, { type: 'revised', data: { title, goals: [...goals].reverse() } }).expect(200);
    });

    test('an extension request repeating the open one word for word is refused as no change (422); another end replaces it, and the history says so', async () => {
      const request = { type: 'extensionRequested', data: { approvedUntil: '2027-12-31', justification: 'Pilotierung in drei Ländern offen.' } };
      await send(active, request).expect(200);
      const again = await refused(() => send(active, request), 422);
      expect(again.message).toBe('Keine Änderung: der Antrag auf Verlängerung bis 31.12.2027 vom 28.11.2026 liegt mit dieser Begründung bereits offen vor.');
      await send(active, { ...request, data: { ...request.data, approvedUntil: '2028-06-30' } }).expect(200);
      const history = (await t.http.get(`/api/bodies/${active}/history`).expect(200)).body.events as Array<{ type: string; summary: string }>;
      expect(history.filter((e) => e.type === 'extensionRequested').map((e) => e.summary)).toEqual([
        'Verlängerung beantragt bis 31.12.2027 (bisher 31.03.2025): Pilotierung in drei Ländern offen.',
        'Verlängerung beantragt bis 30.06.2028 (bisher 31.03.2025; ersetzt den offenen Antrag bis 31.12.2027 vom 28.11.2026): Pilotierung in drei Ländern offen.',
      ]);
    });

    test('a refused no-op leaves the history as it was; earlier events replay as before', async () => {
      const history = (await t.http.get(`/api/bodies/${active}/history`).expect(200)).body.events as Array<{ type: string }>;
      expect(history.filter((e) => e.type === 'participantsChanged')).toEqual([]);
      const replay = await t.http.get(`/api/bodies/${active}/replay`).expect(200);
      expect(replay.body).toMatchObject({ verdict: 'matches' });
    });
  });
});
