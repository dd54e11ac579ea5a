/**
 * Who may call a route is settled before what it sent is read: an auditor (who never writes)
 * gets 403 on every write route whatever the body — none, JSON the parser refuses, another type,
 * text that is not UTF-8 — and a caller without a credential 401. The roles that may write still
 * get the clear 400 (or 415) naming what is wrong with the body. Nothing is written either way.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { Database } from '../src/database/database';
import { rowCounts } from './support/row-counts';
import { startTestApp, TEST_SECRETARIAT_TOKEN, type TestApp } from './support/test-app';

type Agent = ReturnType<TestApp['as']> | TestApp['anonymous'];

/** Bodies the parsers refuse, each with the content type it is sent as and the refusal the roles that may write get. */
const UNREADABLE: Array<{ what: string; type: string; body?: string | Buffer; status: number; message: string }> = [
  { what: 'no body at all', type: 'application/json', status: 400, message: 'Der Inhalt der Anfrage ist leer, obwohl Content-Type: application/json angegeben ist; erwartet wird JSON (ohne Angaben: {}).' },
  { what: 'JSON that ends early', type: 'application/json', body: '{"type": "started",', status: 400, message: 'Der Inhalt der Anfrage ist kein gültiges JSON: der Text endet vorzeitig.' },
  { what: 'JSON broken in the middle', type: 'application/json', body: '{"type" "started"}', status: 400, message: 'Der Inhalt der Anfrage ist kein gültiges JSON: bei Zeichen 9 („"“).' },
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
    expect(answer.body.message).toBe('Der Inhalt der Anfrage ist kein gültiges JSON: der Text endet vorzeitig.');
  });

  it('without a credential it stays 401; a route open to everyone (the login) still says the JSON is broken', async () => {
    for (const { type, body } of UNREADABLE) {
      expect((await post(null, '/api/sessions', type, body)).status).toBe(401);
      expect((await post('glf_unknown_0123456789abcdef0123456789abcdef', '/api/sessions', type, body)).status).toBe(401);
    }
    const login = await post(null, '/api/auth/login', 'application/json', '{"username": "pruefung",');
    expect([login.status, login.body.message]).toEqual([400, 'Der Inhalt der Anfrage ist kein gültiges JSON: der Text endet vorzeitig.']);
  });
});

describe('a write with a body over BODY_LIMIT', () => {
  const LIMIT = 2048;
  let t: TestApp;
  let auditorToken: string;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', config: { bodyLimit: LIMIT } });
    auditorToken = (await t.user('auditor', { username: 'pruefung' })).token;
    const server = t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  const oversized = JSON.stringify({ issuer: 'IT-PLR', number: 1, date: '2026-12-01', note: 'x'.repeat(4 * LIMIT) });
  const TOO_LARGE = 'Der Inhalt der Anfrage ist zu groß: angenommen werden höchstens 2.048 Bytes (2 KiB).';

  /**
   * Sends the headers and the first `sent` bytes of a body of `declared` bytes (or, chunked, its
   * first chunks) and never the rest: the answer comes only from a server that does not wait for
   * the whole body.
   */
  function sendPart(token: string | null, { declared, sent }: { declared: number | 'chunked'; sent: number }) {
    return new Promise<{ status: number; body: { message: string }; connection: string | undefined }>((resolve, reject) => {
      const outgoing = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/sessions',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(declared === 'chunked' ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(declared) }),
        },
      });
      outgoing.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          outgoing.destroy();
          resolve({ status: response.statusCode!, body: JSON.parse(text), connection: response.headers.connection });
        });
      });
      // The server may close the connection while the rest is still on its way.
      outgoing.on('error', (error: NodeJS.ErrnoException) => (['ECONNRESET', 'EPIPE'].includes(error.code ?? '') ? undefined : reject(error)));
      for (let at = 0; at < sent; at += 1024) outgoing.write(oversized.slice(at, at + 1024));
    });
  }

  it('an auditor gets 403, as for a small one, and nothing changes', async () => {
    const before = await rowCounts(t.app.get(Database));
    const answer = await t.as(auditorToken).post('/api/sessions').send(JSON.parse(oversized)).expect(403);
    expect(answer.body.message).toBe('Mit der Rolle „Prüfung“ ist diese Anfrage nicht erlaubt.');
    expect(await rowCounts(t.app.get(Database))).toEqual(before);
  });

  it('the secretariat still gets 413 naming the limit; without a credential it is 401', async () => {
    const answer = await t.http.post('/api/sessions').send(JSON.parse(oversized)).expect(413);
    expect(answer.body.message).toBe(TOO_LARGE);
    await t.anonymous.post('/api/sessions').send(JSON.parse(oversized)).expect(401);
  });

  it('a Content-Length over the limit is answered without waiting for the body, and the connection is closed', async () => {
    const auditor = await sendPart(auditorToken, { declared: 50 * 1024 * 1024, sent: 1024 });
    expect([auditor.status, auditor.connection]).toEqual([403, 'close']);
    const secretariat = await sendPart(TEST_SECRETARIAT_TOKEN, { declared: 50 * 1024 * 1024, sent: 1024 });
    expect([secretariat.status, secretariat.body.message, secretariat.connection]).toEqual([413, TOO_LARGE, 'close']);
  });

  it('a chunked body is read up to the limit and no further: 403 for the auditor, 413 for the secretariat', async () => {
    const auditor = await sendPart(auditorToken, { declared: 'chunked', sent: 2 * LIMIT });
    expect([auditor.status, auditor.connection]).toEqual([403, 'close']);
    const secretariat = await sendPart(TEST_SECRETARIAT_TOKEN, { declared: 'chunked', sent: 2 * LIMIT });
    expect([secretariat.status, secretariat.body.message]).toEqual([413, TOO_LARGE]);
  });

  it('a body within the limit, chunked or not, is read as before', async () => {
    const session = { issuer: 'IT-PLR', number: 47, date: '2026-12-01' };
    await t.http.post('/api/sessions').send(session).expect(201);
    const chunked = await new Promise<number>((resolve, reject) => {
      const outgoing = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/sessions', headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_SECRETARIAT_TOKEN}`, 'transfer-encoding': 'chunked' } });
      outgoing.on('response', (response) => resolve(response.statusCode!));
      outgoing.on('error', reject);
      const text = JSON.stringify({ ...session, number: 48, date: '2026-12-10' });
      outgoing.write(text.slice(0, 10));
      outgoing.end(text.slice(10));
    });
    expect(chunked).toBe(201);
  });
});
