/**
 * Who may call a route is settled before what it sent is read: an auditor (who never writes)
 * gets 403 on every write route whatever the body — none, JSON the parser refuses, another type,
 * text that is not UTF-8 — and a caller without a credential 401. The roles that may write still
 * get the clear 400 (or 415) naming what is wrong with the body. Nothing is written either way.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { Database } from '../src/database/database';
import { rowCounts } from './support/row-counts';
import { startTestApp, TEST_SECRETARIAT_TOKEN, type TestApp } from './support/test-app';

type Agent = ReturnType<TestApp['as']> | TestApp['anonymous'];

/** Bodies the parsers refuse, each with the content type it is sent as and the refusal the roles that may write get. */
const UNREADABLE: Array<{ what: string; type: string; body?: string | Buffer; status: number; message: string }> = [
  { what: 'no body at all', type: 'application/json', status: 400, message: 'Der Inhalt der Anfrage ist leer, obwohl Content-Type: application/json angegeben ist; erwartet wird JSON (ohne Angaben: {}).' },
  { what: 'JSON that does not parse', type: 'application/json', body: '{"type": "started",', status: 400, message: 'Der Inhalt der Anfrage ist kein gültiges JSON.' },
  { what: 'JSON naming a member twice', type: 'application/json', body: '{"type":"started","type":"closed"}', status: 400, message: expect.stringContaining('Das Feld „type“ steht mehrmals') },
  { what: 'JSON that is not UTF-8', type: 'application/json', body: Buffer.from('{"type":"f\xfcr"}', 'latin1'), status: 400, message: expect.stringContaining('kein gültiges UTF-8 (Zeile 1)') },
  { what: 'a type nothing reads', type: 'application/xml', body: '<event/>', status: 415, message: 'Inhalte vom Typ application/xml werden nicht angenommen; erwartet wird application/json.' },
];

describe('a write with a body the parser refuses', () => {
  let t: TestApp;
  let bodyId: string;
  let auditor: Agent;
  let auditorToken: string;
  let lead: Agent;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
    const created = await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }).expect(201);
    bodyId = created.body.id;
    const contactId = (await t.http.get(`/api/bodies/${bodyId}`).expect(200)).body.context.profile.contactIds[0] as string;
    ({ http: auditor, token: auditorToken } = await t.user('auditor', { username: 'pruefung' }));
    lead = (await t.user('lead', { username: 'lead-a', contactId })).http;
  });
  afterAll(() => t.close());

  /** Sends the raw body (injected: the test client would re-encode a Buffer as JSON of its own). */
  async function post(token: string | null, url: string, type: string, body: string | Buffer | undefined) {
    const response = await t.app.getHttpAdapter().getInstance().inject({
      method: 'POST',
      url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': type },
      ...(body === undefined ? {} : { payload: body }),
    });
    return { status: response.statusCode, body: response.json() as { message: string } };
  }

  it.each(UNREADABLE)('an auditor gets 403 on a write route for $what, and nothing changes', async ({ type, body }) => {
    const before = await rowCounts(t.app.get(Database));
    for (const url of ['/api/sessions', `/api/bodies/${bodyId}/events`, '/api/decisions', '/api/bodies']) {
      const answer = await post(auditorToken, url, type, body);
      expect([url, answer.status, answer.body.message]).toEqual([url, 403, 'Mit der Rolle „Prüfung“ ist diese Anfrage nicht erlaubt.']);
    }
    expect(await rowCounts(t.app.get(Database))).toEqual(before);
  });

  it('an auditor gets 403 for a form posted to the API, JSON that is no I-JSON and a registration form that is not UTF-8', async () => {
    await auditor.post('/api/sessions').type('form').send('issuer=IT-PLR&number=1').expect(403);
    const loneSurrogate = '{"issuer":"IT-PLR","number":1,"date":"\\ud800"}';
    expect((await post(auditorToken, '/api/sessions', 'application/json', loneSurrogate)).status).toBe(403);
    expect((await post(TEST_SECRETARIAT_TOKEN, '/api/sessions', 'application/json', loneSurrogate)).status).toBe(400);
    const ansi = await post(auditorToken, '/api/bodies/import', 'text/plain', Buffer.from('Titel des Gremiums: F\xf6derales Gremium', 'latin1'));
    expect(ansi.status).toBe(403);
  });

  it.each(UNREADABLE)('the secretariat gets $status for $what, naming what is wrong', async ({ type, body, status, message }) => {
    const before = await rowCounts(t.app.get(Database));
    const answer = await post(TEST_SECRETARIAT_TOKEN, '/api/sessions', type, body);
    expect([answer.status, answer.body.message]).toEqual([status, message]);
    expect(await rowCounts(t.app.get(Database))).toEqual(before);
  });

  it('a lead sending an event for its own body with JSON that does not parse gets 400, not a refusal of the event', async () => {
    const answer = await lead.post(`/api/bodies/${bodyId}/events`).set('Content-Type', 'application/json').send('{"type": "reportSubmitted",').expect(400);
    expect(answer.body.message).toBe('Der Inhalt der Anfrage ist kein gültiges JSON.');
  });

  it('without a credential it stays 401; a route open to everyone (the login) still says the JSON is broken', async () => {
    for (const { type, body } of UNREADABLE) {
      expect((await post(null, '/api/sessions', type, body)).status).toBe(401);
      expect((await post('glf_unknown_0123456789abcdef0123456789abcdef', '/api/sessions', type, body)).status).toBe(401);
    }
    const login = await post(null, '/api/auth/login', 'application/json', '{"username": "pruefung",');
    expect([login.status, login.body.message]).toEqual([400, 'Der Inhalt der Anfrage ist kein gültiges JSON.']);
  });
});
