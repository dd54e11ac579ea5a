import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';
import { latestMachine, registerMachineVersion } from '../src/audit/machine-versions';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { deadlinesEnv } from './deadlines.support';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

type MediaType = { schema?: unknown };
type Operation = { operationId: string; responses: Record<string, { content?: Record<string, MediaType>; headers?: Record<string, { required?: boolean }> }> };
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

/** A JSON pointer segment (RFC 6901). */
const pointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Checks real answers against the schema the document declares for the operation and status:
 * JSON bodies with a JSON Schema 2020-12 validator (ajv, formats included) that resolves the
 * document's `$ref`s to its components, text answers by their media type.
 */
class AnswerChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  /** `GET /api/bodies/{id} 200`: the operations and statuses whose real answers were checked. */
  readonly checked = new Set<string>();

  constructor(private readonly document: Document) {
    addFormats(this.ajv);
    // zod writes base64 strings with format "base64" beside their pattern; the pattern is what checks them.
    this.ajv.addFormat('base64', /^[A-Za-z0-9+/]*={0,2}$/);
    this.ajv.addSchema({ ...document, $id: 'urn:gremienlauf:openapi' });
  }

  /** The problems of a JSON request body for `method template` under the declared request schema, or [] if it is valid. */
  requestProblems(route: string, body: unknown): string[] {
    const [method, template] = route.split(' ');
    const ref = `urn:gremienlauf:openapi#/paths/${pointer(template)}/${method.toLowerCase()}/requestBody/content/application~1json/schema`;
    const validate = this.ajv.getSchema(ref) ?? this.ajv.compile({ $ref: ref });
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${route}: ${e.instancePath || '/'} ${e.message}`);
  }

  /** The problems of an answer to `method template` (e.g. `GET /api/bodies/{id}`), or [] if it matches. */
  problems(route: string, response: Response): string[] {
    const [method, template] = route.split(' ');
    const operation = this.document.paths[template]?.[method.toLowerCase()];
    if (!operation) return [`${route}: nicht im Dokument`];
    const status = String(response.status);
    const declared = operation.responses[status];
    if (!declared) return [`${route}: Status ${status} nicht deklariert`];
    const contentType = String(response.headers['content-type'] ?? '').split(';')[0].trim();
    const media = declared.content?.[contentType];
    if (!media?.schema) return [`${route} ${status}: kein Schema für ${contentType} (deklariert: ${Object.keys(declared.content ?? {}).join(', ') || 'nichts'})`];
    this.checked.add(`${route} ${status}`);
    const absent = Object.entries(declared.headers ?? {})
      .filter(([name, header]) => header.required === true && response.headers[name.toLowerCase()] === undefined)
      .map(([name]) => name);
    if (absent.length > 0) return [`${route} ${status}: deklarierte Header fehlen: ${absent.join(', ')}`];
    if (contentType !== 'application/json') return typeof response.text === 'string' && response.text.length > 0 ? [] : [`${route} ${status}: leere Antwort`];
    const ref = `urn:gremienlauf:openapi#/paths/${pointer(template)}/${method.toLowerCase()}/responses/${status}/content/${pointer(contentType)}/schema`;
    const validate = this.ajv.getSchema(ref) ?? this.ajv.compile({ $ref: ref });
    if (validate(response.body)) return [];
    return (validate.errors ?? []).map((e) => `${route} ${status}: ${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }
}

describe.each(testDatabaseKinds())('real answers of the API match the OpenAPI document on %s', (database) => {
  let t: TestApp;
  let answers: AnswerChecker;
  let bodyId: string;

  /** Sends the request, expects the status, and checks the answer against the declared schema. */
  async function call(route: string, status: number, request: Promise<Response> | PromiseLike<Response>): Promise<Response> {
    const response = await request;
    expect({ route, status: response.status, body: response.status === status ? undefined : response.body }).toEqual({ route, status, body: undefined });
    expect(answers.problems(route, response)).toEqual([]);
    return response;
  }

  let restoreEnv: () => void;

  beforeAll(async () => {
    // Webhooks configured (never sent: the dispatcher does not run in tests), so the outbox and the reminders have content.
    restoreEnv = deadlinesEnv({ WEBHOOK_URLS: 'http://127.0.0.1:9/gremienlauf', WEBHOOK_SECRET: 'webhook-secret-0123456789' });
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
    answers = new AnswerChecker((await t.anonymous.get('/api/docs/openapi.json').expect(200)).body);
  }, 60_000);
  afterAll(async () => {
    await t.close();
    restoreEnv();
  });

  test('a checker finds an answer that drifts from its declared schema (an extra field, a wrong type)', async () => {
    const health = await t.anonymous.get('/health').expect(200);
    expect(answers.problems('GET /health', health)).toEqual([]);
    const drifted = { ...health, body: { ...health.body, extra: 1 } } as Response;
    expect(answers.problems('GET /health', drifted).join('\n')).toContain('must NOT have additional properties');
    const retyped = { ...health, body: { ...health.body, status: 42 } } as Response;
    expect(answers.problems('GET /health', retyped).join('\n')).toContain('must be');
  });

  test('a body registered, submitted, approved by a decision and started answers as declared at every step', async () => {
    const registered = await call('POST /api/bodies', 201, t.http.post('/api/bodies').set('Idempotency-Key', 'register-1').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2026-01-05' }));
    bodyId = registered.body.id;
    await call('POST /api/bodies/{id}/events', 200, t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'submitted', occurredAt: '2026-01-06' }));
    await call('POST /api/decisions', 201, t.http.post('/api/decisions').send({
      number: '2026/41', issuer: 'IT-PLR', date: '2026-01-15', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Beschluss 2026/41',
      effects: [{ body: bodyId, effect: 'approved', data: { approvedUntil: '2026-06-30' } }],
    }));
    await call('GET /api/decisions/{issuer}/{number}', 200, t.http.get('/api/decisions/IT-PLR/2026%2F41'));
    expect((await call('GET /api/decision-control', 200, t.http.get('/api/decision-control'))).body).toHaveLength(1);
    await call('POST /api/decisions/{issuer}/{number}/apply', 200, t.http.post('/api/decisions/IT-PLR/2026%2F41/apply').send({ body: bodyId }));
    expect((await call('GET /api/bodies', 200, t.http.get('/api/bodies?state=established&q=OZG'))).body).toHaveLength(1);
    await call('GET /api/bodies/{id}', 200, t.http.get(`/api/bodies/${bodyId}`));
    await call('GET /api/bodies/{id}/history', 200, t.http.get(`/api/bodies/${bodyId}/history`));
    await call('GET /api/bodies/{id}/state', 200, t.http.get(`/api/bodies/${bodyId}/state?asOf=2026-01-20`));
    await call('GET /api/bodies/{id}/replay', 200, t.http.get(`/api/bodies/${bodyId}/replay`));
    await call('GET /api/bodies/{id}/calendar.ics', 200, t.http.get(`/api/bodies/${bodyId}/calendar.ics`));
    await call('POST /api/bodies/{id}/machine-upgrade', 422, t.http.post(`/api/bodies/${bodyId}/machine-upgrade`).send({}));
  });

  test('a drift inside a shared shape is found as well: an extra field of an event, a missing hash', async () => {
    const history = await t.http.get(`/api/bodies/${bodyId}/history`).expect(200);
    const [first, ...rest] = history.body.events;
    const extra = { ...history, body: { ...history.body, events: [{ ...first, note: 'neu' }, ...rest] } } as Response;
    expect(answers.problems('GET /api/bodies/{id}/history', extra).join('\n')).toContain('/events/0 must NOT have additional properties');
    const { hash: _hash, ...withoutHash } = first;
    const missing = { ...history, body: { ...history.body, events: [withoutHash, ...rest] } } as Response;
    expect(answers.problems('GET /api/bodies/{id}/history', missing).join('\n')).toContain("must have required property 'hash'");
  });

  test('the request schemas accept what the routes take and refuse an event whose data does not fit its type', () => {
    const valid: Array<[string, unknown]> = [
      ['POST /api/bodies', { ...EXAMPLE_REGISTRATION, registeredAt: '2026-01-05' }],
      ['POST /api/bodies/{id}/events', { type: 'submitted', occurredAt: '2026-01-06' }],
      ['POST /api/bodies/{id}/events', { type: 'renamed', data: { title: 'OZG Föderal' }, expectedVersion: 4 }],
      ['POST /api/bodies/{id}/events', { type: 'extended', decision: '2026/42', data: { approvedUntil: { month: '2027-06' } } }],
      ['POST /api/bodies/{id}/events', { type: 'leadsChanged', data: { leads: ['Hessen'], contacts: [{ id: '00000000-0000-4000-8000-000000000000' }] } }],
      ['POST /api/decisions', { number: '2026/41', issuer: 'IT-PLR', date: '2026-01-15', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'B', effects: [] }],
      ['POST /api/decisions/{issuer}/{number}/apply', { body: '00000000-0000-4000-8000-000000000000' }],
      ['POST /api/sessions', { issuer: 'IT-PLR', number: 52, date: '2027-03-18' }],
      ['POST /api/simulations', { from: '2026-11-28', to: '2027-08-01' }],
      ['POST /api/auth/login', { username: 'pruefer', password: 'ein-langes-passwort' }],
      ['POST /api/bodies/import', { form: 'Titel des Gremiums: …' }],
    ];
    for (const [route, body] of valid) expect({ route, problems: answers.requestProblems(route, body) }).toEqual({ route, problems: [] });
    expect(answers.requestProblems('POST /api/bodies/{id}/events', { type: 'renamed', data: { approvedUntil: '2027-06-30' } })).not.toEqual([]);
    expect(answers.requestProblems('POST /api/bodies/{id}/events', { type: 'opened' })).not.toEqual([]);
  });

  test('the register, the Beschlusskontrolle and the sessions calendar answer as declared', async () => {
    expect((await call('GET /api/decisions', 200, t.http.get('/api/decisions?issuer=IT-PLR&year=2026'))).body).toHaveLength(1);
    await call('POST /api/decisions', 201, t.http.post('/api/decisions').send({
      number: '2026/50', issuer: 'IT-PLR', date: '2026-04-01', procedure: 'Sitzung', session: 50, type: 'Kenntnisnahme', title: 'Bericht', reason: 'Protokoll',
    }));
    await call('PATCH /api/decisions/{issuer}/{number}', 200, t.http.patch('/api/decisions/IT-PLR/2026%2F50').send({ title: 'Bericht zur Kenntnis', reason: 'Titel berichtigt' }));
    await call('POST /api/decisions/{issuer}/{number}/withdrawal', 200, t.http.post('/api/decisions/IT-PLR/2026%2F50/withdrawal').send({ reason: 'Gescheitert' }));
    await call('GET /api/decisions/{issuer}/{number}/history', 200, t.http.get('/api/decisions/IT-PLR/2026%2F50/history'));
    await call('GET /api/decision-control', 200, t.http.get('/api/decision-control?year=2026&issuer=IT-PLR&state=done'));
    await call('GET /api/decision-control.csv', 200, t.http.get('/api/decision-control.csv'));
    await call('POST /api/sessions', 201, t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 52, date: '2027-03-18' }));
    await call('POST /api/sessions', 200, t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 52, date: '2027-03-19' }));
    await call('GET /api/sessions', 200, t.http.get('/api/sessions?issuer=IT-PLR'));
  });

  test('deadlines, reminders, calendars and the simulation answer as declared', async () => {
    expect((await call('GET /api/deadlines', 200, t.http.get(`/api/deadlines?before=2030-01-01&body=${bodyId}&overdue=true`))).body.length).toBeGreaterThan(0);
    // A second body, approved until 31.03.2027: its term expires within the simulated period.
    const second = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Zweites Gremium', registeredAt: '2026-10-01' }).expect(201)).body.id;
    await t.http.post(`/api/bodies/${second}/events`).send({ type: 'submitted', occurredAt: '2026-10-02' }).expect(200);
    await t.http.post('/api/decisions').send({
      number: '2026/60', issuer: 'IT-PLR', date: '2026-11-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Beschluss 2026/60',
      effects: [{ body: second, effect: 'approved', data: { approvedUntil: '2027-03-31' } }],
    }).expect(201);
    await t.http.post('/api/decisions/IT-PLR/2026%2F60/apply').send({ body: second }).expect(200);
    // The next write fires the due start: the body works, and its term's reminders are planned.
    await t.http.post(`/api/bodies/${second}/events`).send({ type: 'renamed', data: { title: 'Zweites Gremium (aktiv)' } }).expect(200);
    await t.http.post(`/api/bodies/${second}/events`).send({ type: 'extensionRequested', data: { approvedUntil: '2027-12-31', justification: 'Mehr Zeit' } }).expect(200);
    expect((await call('GET /api/todos', 200, t.http.get('/api/todos'))).body).toHaveLength(1);
    const reminders = await call('GET /api/reminders', 200, t.http.get('/api/reminders?status=pending'));
    expect(reminders.body.messages.length).toBeGreaterThan(0);
    expect(reminders.body.scheduled.length).toBeGreaterThan(0);
    const simulation = await call('POST /api/simulations', 200, t.http.post('/api/simulations').send({ from: '2026-11-28', to: '2027-08-01' }));
    expect(simulation.body.entries.length).toBeGreaterThan(0);
    await call('GET /calendar.ics', 200, t.http.get('/calendar.ics'));
    const feed = await call('POST /api/calendar-feeds', 201, t.http.post('/api/calendar-feeds').send({ label: 'Telefon' }));
    expect((await call('GET /api/calendar-feeds', 200, t.http.get('/api/calendar-feeds'))).body).toHaveLength(1);
    await call('GET /feeds/{file}', 200, t.anonymous.get(new URL(feed.body.url).pathname));
    await call('DELETE /api/calendar-feeds/{id}', 200, t.http.delete(`/api/calendar-feeds/${feed.body.id}`));
  });

  test('a carried-out decision replaced by one withdrawn too: the decision, the Beschlusskontrolle and the body name that one as declared, alike', async () => {
    const replaced = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Ersetztes Gremium', registeredAt: '2026-10-01' }).expect(201)).body.id;
    await t.http.post(`/api/bodies/${replaced}/events`).send({ type: 'submitted', occurredAt: '2026-10-02' }).expect(200);
    const record = (number: string, extra: object = {}) =>
      t.http.post('/api/decisions').send({
        number, issuer: 'IT-PLR', date: '2026-11-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`,
        effects: [{ body: replaced, effect: 'approved', data: { approvedUntil: '2027-03-31' } }], ...extra,
      }).expect(201);
    await record('2026/70');
    await t.http.post('/api/decisions/IT-PLR/2026%2F70/apply').send({ body: replaced }).expect(200);
    await t.http.post('/api/decisions/IT-PLR/2026%2F70/withdrawal').send({ reason: 'richtig ist 2026/71' }).expect(200);
    await record('2026/71', { replaces: '2026/70' });
    await t.http.post('/api/decisions/IT-PLR/2026%2F71/withdrawal').send({ reason: 'irrtümlich erfasst' }).expect(200);

    const decision = (await call('GET /api/decisions/{issuer}/{number}', 200, t.http.get('/api/decisions/IT-PLR/2026%2F70'))).body;
    const control = (await call('GET /api/decision-control', 200, t.http.get('/api/decision-control?state=replaced'))).body as Array<{ decision: { number: string }; replacedBy: unknown }>;
    const body = (await call('GET /api/bodies/{id}', 200, t.http.get(`/api/bodies/${replaced}`))).body.decisions as Array<{ number: string; replacedBy: unknown }>;
    const named = { number: '2026/71', issuer: 'IT-PLR', date: '2026-11-20', withdrawn: (await t.http.get('/api/decisions/IT-PLR/2026%2F71').expect(200)).body.withdrawn };
    expect(named.withdrawn).toEqual({ at: '2026-11-28T09:00:00.000Z', actor: expect.any(String), reason: 'irrtümlich erfasst' });
    expect(decision.effects[0].replacedBy).toEqual(named);
    expect(control.find((r) => r.decision.number === '2026/70')?.replacedBy).toEqual(named);
    expect(body.find((d) => d.number === '2026/70')?.replacedBy).toEqual(named);

    // Replaced in turn: the body answer names the one between in replacedVia, as declared.
    await record('2026/72', { replaces: '2026/71' });
    const chain = (await call('GET /api/bodies/{id}', 200, t.http.get(`/api/bodies/${replaced}`))).body.decisions.find((d: { number: string }) => d.number === '2026/70');
    expect([chain.replacedVia, chain.replacedBy.number]).toEqual([[named], '2026/72']);
  });

  test('the audit routes answer as declared: verify, checkpoints, notes, proofs, export', async () => {
    const contact = (await t.http.get(`/api/bodies/${bodyId}`).expect(200)).body.contacts[0].id;
    await call('PATCH /api/contacts/{id}', 200, t.http.patch(`/api/contacts/${contact}`).send({ phone: '+49 30 1234', reason: 'Neue Durchwahl' }));
    await call('GET /api/contacts/{id}/history', 200, t.http.get(`/api/contacts/${contact}/history`));
    const verified = await call('GET /api/audit/verify', 200, t.http.get('/api/audit/verify'));
    expect(verified.body.streams.map((s: { kind: string }) => s.kind)).toEqual(expect.arrayContaining(['body', 'decision', 'contact']));
    await call('GET /api/audit/verify', 200, t.http.get(`/api/audit/verify?body=${bodyId}`));
    await call('POST /api/audit/checkpoints', 201, t.http.post('/api/audit/checkpoints'));
    await call('POST /api/bodies/{id}/events', 200, t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'renamed', data: { title: 'OZG Föderal' } }));
    const second = await call('POST /api/audit/checkpoints', 201, t.http.post('/api/audit/checkpoints'));
    const list = await call('GET /api/audit/checkpoints', 200, t.http.get('/api/audit/checkpoints'));
    expect(list.body.length).toBeGreaterThanOrEqual(2);
    await call('GET /api/audit/checkpoint', 200, t.anonymous.get('/api/audit/checkpoint'));
    await call('GET /api/audit/checkpoints/{sequence}/note', 200, t.anonymous.get(`/api/audit/checkpoints/${second.body.payload.sequence}/note`));
    await call('GET /api/audit/public-key', 200, t.anonymous.get('/api/audit/public-key'));
    const events = (await t.http.get(`/api/bodies/${bodyId}/history`).expect(200)).body.events;
    await call('GET /api/audit/proof/inclusion', 200, t.http.get(`/api/audit/proof/inclusion?event=${events[0].id}`));
    await call('GET /api/audit/proof/consistency', 200, t.http.get(`/api/audit/proof/consistency?from=${list.body[0].payload.treeSize}`));
    await call('GET /api/audit/export', 200, t.http.get('/api/audit/export'));
  });

  test('users, tokens and the signed-in user answer as declared', async () => {
    const admin = await t.user('admin');
    await call('POST /api/users', 201, admin.http.post('/api/users').send({ username: 'pruefer', role: 'auditor' }));
    await call('GET /api/users', 200, admin.http.get('/api/users'));
    await call('PUT /api/users/{username}/password', 200, admin.http.put('/api/users/pruefer/password').send({ password: 'ein-langes-passwort' }));
    const token = await call('POST /api/users/{username}/tokens', 201, admin.http.post('/api/users/pruefer/tokens').send({ label: 'CI' }));
    expect((await call('GET /api/users/{username}/tokens', 200, admin.http.get('/api/users/pruefer/tokens'))).body).toHaveLength(1);
    await call('GET /api/auth/me', 200, t.as(token.body.token).get('/api/auth/me'));
    await call('DELETE /api/tokens/{id}', 200, admin.http.delete(`/api/tokens/${token.body.id}`));
    const login = await call('POST /api/auth/login', 200, t.anonymous.post('/api/auth/login').send({ username: 'pruefer', password: 'ein-langes-passwort' }));
    const cookie = login.headers['set-cookie'];
    await call('POST /api/auth/logout', 200, t.anonymous.post('/api/auth/logout').set('Cookie', cookie));
    await call('POST /api/users/{username}/disable', 200, admin.http.post('/api/users/pruefer/disable'));
  });

  test('the registration form import, its dry run and the erasure of a contact answer as declared', async () => {
    const form = readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
    const text = (query: string) => t.http.post(`/api/bodies/import${query}`).set('Content-Type', 'text/plain; charset=utf-8').send(form);
    await call('POST /api/bodies/import', 201, text('?dryRun=true'));
    const imported = await call('POST /api/bodies/import', 201, text('?allowDuplicate=true'));
    await call('POST /api/bodies/import', 201, t.http.post('/api/bodies/import?applyDecision=true&decisionDate=2024-06-12&session=3&allowDuplicate=true').send({ form }));
    const body = (await t.http.get(`/api/bodies/${imported.body.bodyId ?? imported.body.id}`).expect(200)).body;
    await call('POST /api/contacts/{id}/erasure', 200, t.http.post(`/api/contacts/${body.contacts[0].id}/erasure`).send({ reason: 'Antrag nach Art. 17 DSGVO' }));
    await call('POST /api/contacts/{id}/erasure', 409, t.http.post(`/api/contacts/${body.contacts[0].id}/erasure`).send({ reason: 'noch einmal' }));
  });

  test('errors answer the one error shape: 400 bad input, 401, 403, 404 unknown, 409 stale version, 422 refused', async () => {
    await call('POST /api/bodies', 400, t.http.post('/api/bodies').send({ title: '' }));
    await call('GET /api/bodies', 400, t.http.get('/api/bodies?unknown=1'));
    await call('GET /api/audit/checkpoints/{sequence}/note', 400, t.anonymous.get('/api/audit/checkpoints/first/note'));
    await call('GET /api/bodies/{id}', 404, t.http.get('/api/bodies/00000000-0000-4000-8000-000000000000'));
    await call('GET /api/bodies', 401, t.anonymous.get('/api/bodies'));
    await call('POST /api/bodies/{id}/events', 409, t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'renamed', data: { title: 'Alt' }, expectedVersion: 1 }));
    await call('POST /api/bodies/{id}/events', 422, t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'submitted' }));
    await call('POST /api/decisions', 409, t.http.post('/api/decisions').send({
      number: '2026/41', issuer: 'IT-PLR', date: '2026-01-15', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Doppelt',
    }));
    const lead = await t.user('auditor');
    await call('POST /api/bodies', 403, lead.http.post('/api/bodies').send(EXAMPLE_REGISTRATION));
  });

  // Last: it adds a statechart version above the shipped one (as a release would) for the rest of this file.
  test('moving a body to a new statechart version answers as declared', async () => {
    const shipped = latestMachine();
    registerMachineVersion({ ...shipped, version: shipped.version + 1, definition: () => ({ ...(shipped.definition() as object), note: 'test version' }) });
    const moved = await call('POST /api/bodies/{id}/machine-upgrade', 200, t.http.post(`/api/bodies/${bodyId}/machine-upgrade`).send({}));
    expect(moved.body.event).toMatchObject({ type: 'machineUpgraded', machine: { version: shipped.version + 1 } });
  });

  test('the main operations were all checked against the document', () => {
    for (const route of [
      'POST /api/bodies 201', 'GET /api/bodies 200', 'GET /api/bodies/{id} 200', 'POST /api/bodies/{id}/events 200', 'GET /api/bodies/{id}/history 200',
      'POST /api/decisions 201', 'GET /api/decisions 200', 'POST /api/decisions/{issuer}/{number}/apply 200', 'GET /api/decisions/{issuer}/{number}/history 200',
      'GET /api/deadlines 200', 'GET /api/decision-control 200', 'POST /api/bodies/{id}/machine-upgrade 200', 'GET /api/audit/verify 200', 'POST /api/audit/checkpoints 201',
      'GET /api/audit/proof/inclusion 200', 'GET /api/audit/proof/consistency 200', 'GET /api/users 200', 'POST /api/users/{username}/tokens 201',
      'GET /api/todos 200', 'PATCH /api/contacts/{id} 200', 'GET /api/contacts/{id}/history 200',
      'POST /api/bodies 400', 'GET /api/bodies/{id} 404', 'POST /api/bodies/{id}/events 409', 'POST /api/bodies/{id}/events 422',
    ]) {
      expect({ route, checked: answers.checked.has(route) }).toEqual({ route, checked: true });
    }
  });
});
