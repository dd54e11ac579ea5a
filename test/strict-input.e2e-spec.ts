/**
 * Strict input, one rule for all routes: dates that exist and lie in the business range,
 * decision numbers as written, I-JSON text, integers that fit both databases. Each bad input
 * is a 4xx with a German message naming the field, never a 500, and writes nothing: the row
 * count of every table stays as it was. On SQLite and PostgreSQL alike.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../src/database/database';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { rowCounts } from './support/row-counts';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const SEED = readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');

describe.each(testDatabaseKinds())('strict input on %s', (database) => {
  let t: TestApp;
  let bodyId: string;

  beforeAll(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
    bodyId = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }).expect(201)).body.id;
  }, 30_000);
  afterAll(() => t.close());

  const registration = (overrides: Record<string, unknown>) => ({ ...EXAMPLE_REGISTRATION, ...overrides });
  const decision = (overrides: Record<string, unknown>) => ({
    number: '2026/31',
    issuer: 'IT-PLR',
    date: '2026-11-20',
    procedure: 'Umlaufverfahren',
    type: 'Beschluss',
    title: 'Test',
    ...overrides,
  });

  /** `levels` arrays inside each other. */
  const nested = (levels: number) => {
    let value: unknown[] = [];
    for (let i = 1; i < levels; i++) value = [value];
    return value;
  };

  const CASES: Array<[string, () => Promise<{ status: number; body: { message: string; details: unknown } }>, string]> = [
    ['a registration dated 2024-02-30T10:00:00Z', () => t.http.post('/api/bodies').send(registration({ registeredAt: '2024-02-30T10:00:00Z' })), 'registeredAt'],
    ['a registration dated 24:00', () => t.http.post('/api/bodies').send(registration({ registeredAt: '2024-02-10T24:00:00Z' })), 'registeredAt'],
    ['a registration dated 0100-01-01', () => t.http.post('/api/bodies').send(registration({ registeredAt: '0100-01-01' })), 'registeredAt'],
    ['a start on 2024-02-30', () => t.http.post('/api/bodies').send(registration({ start: '2024-02-30' })), 'start'],
    ['a start in 1900', () => t.http.post('/api/bodies').send(registration({ start: '1900-01-01' })), 'start'],
    ['an expected end in 2101', () => t.http.post('/api/bodies').send(registration({ expectedEnd: '2101-01-01' })), 'expectedEnd'],
    ['an event on 2024-13-01', () => t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'submitted', occurredAt: '2024-13-01' }), 'occurredAt'],
    [
      'an extension until 2024-02-30',
      () => t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'extensionRequested', data: { approvedUntil: '2024-02-30', justification: 'x' } }),
      'data.approvedUntil',
    ],
    ['an expectedVersion beyond 2^31', () => t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'submitted', expectedVersion: 2147483648 }), 'expectedVersion'],
    ['decision number 2026/9 (no silent padding)', () => t.http.post('/api/decisions').send(decision({ number: '2026/9' })), 'number'],
    ['decision number 2026/09x', () => t.http.post('/api/decisions').send(decision({ number: '2026/09x' })), 'number'],
    ['a decision dated 2026-02-29', () => t.http.post('/api/decisions').send(decision({ date: '2026-02-29' })), 'date'],
    ['session number 2147483648', () => t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 2147483648, date: '2027-03-18' }), 'number'],
    ['a session on 2027-02-29', () => t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 77, date: '2027-02-29' }), 'date'],
    ['NUL in a title', () => t.http.post('/api/bodies').send(registration({ title: 'Gremium\u0000' })), 'title'],
    ['NUL in a contact name', () => t.http.post('/api/bodies').send(registration({ contacts: [{ name: 'Erika\u0000Muster', organization: 'Bayern' }] })), 'contacts[0].name'],
    ['a lone surrogate in a goal', () => t.http.post('/api/bodies').send(registration({ goals: ['Ziel \ud83d'] })), 'goals[0]'],
    ['a bell character in a decision title', () => t.http.post('/api/decisions').send(decision({ title: 'Test\u0007' })), 'title'],
    ['NUL in a search query', () => t.http.get('/api/bodies?q=a%00b'), 'query.q'],
    ['NUL in a body id', () => t.http.get('/api/bodies/a%00b'), 'path.id'],
    [
      'event data nested 20,000 levels deep',
      // Sent as text: the test client's own serialiser would run out of stack.
      () => t.http.post(`/api/bodies/${bodyId}/events`).type('json').send(`{"type":"revised","data":{"goals":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`),
      `data.goals${'[0]'.repeat(31)}`,
    ],
    [
      'a registration planning 1,001 reports',
      () => t.http.post('/api/bodies').send(registration({ reports: Array.from({ length: 1001 }, () => ({ kind: 'Zwischenbericht', addressee: 'AL-Runde', due: { kind: 'month', month: '2025-11' } })) })),
      'reports',
    ],
    ['a registration nested 33 levels deep', () => t.http.post('/api/bodies').send(registration({ goals: nested(33) })), `goals${'[0]'.repeat(32)}`],
    ['an import dated 2024-02-30', () => t.http.post('/api/bodies/import?registeredAt=2024-02-30').type('text/plain').send(SEED), 'query.registeredAt'],
    // Routes that add the body's id from the path to what was sent: anything but an object is refused at the root.
    ['an event sent as a list', () => t.http.post(`/api/bodies/${bodyId}/events`).send([{ type: 'submitted' }]), ''],
    ['an event sent as null', () => t.http.post(`/api/bodies/${bodyId}/events`).type('json').send('null'), ''],
    ['a machine upgrade sent as a list', () => t.http.post(`/api/bodies/${bodyId}/machine-upgrade`).send([]), ''],
    // Routes that read no query: a parameter they would ignore is refused, not taken as a filter or a dry run.
    ['an event sent as a dry run the route does not know', () => t.http.post(`/api/bodies/${bodyId}/events?dryRun=true`).send({ type: 'submitted' }), 'query.dryRun'],
    ['an audit export from a date', () => t.http.get('/api/audit/export?from=2025-01-01'), 'query.from'],
    ['a body history of one type', () => t.http.get(`/api/bodies/${bodyId}/history?type=approved`), 'query.type'],
  ];

  test.each(CASES)('%s is a 400 in German naming the field, and writes nothing', async (_name, request, field) => {
    const before = await rowCounts(t.app.get(Database));
    const response = await request();
    expect(response.status).toBe(400);
    expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: field })]));
    expect(response.body.message).toMatch(/^Ungültige Angaben – /);
    expect(await rowCounts(t.app.get(Database))).toEqual(before);
  });

  test('a form whose result reads „Beschluss 2024/09x“ is an import error naming the line, and writes nothing', async () => {
    const before = await rowCounts(t.app.get(Database));
    const response = await t.http
      .post('/api/bodies/import?applyDecision=true&decisionDate=2024-06-12&session=3&allowDuplicate=true')
      .type('text/plain')
      .send(SEED.replace('Beschluss 2024/09', 'Beschluss 2024/09x'))
      .expect(400);
    expect(response.body.details).toEqual([{ line: 37, field: 'Ergebnis', message: expect.stringContaining('Beschluss 2024/09x“ ist nicht lesbar') }]);
    expect(await rowCounts(t.app.get(Database))).toEqual(before);
  });

  test('a body sent to the API as a form or as text is a 415 saying JSON is expected, and writes nothing; the import takes text', async () => {
    const before = await rowCounts(t.app.get(Database));
    const unsupported = (sent: string, expected = 'application/json') => ({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: `Inhalte vom Typ ${sent} werden nicht angenommen; erwartet wird ${expected}.`,
      details: null,
    });
    // What `curl -d '{"type":"submitted"}'` sends without a Content-Type of its own.
    const form = await t.http.post(`/api/bodies/${bodyId}/events`).type('form').send('{"type":"submitted"}').expect(415);
    expect(form.body).toEqual(unsupported('application/x-www-form-urlencoded'));
    const text = await t.http.post('/api/decisions').type('text/plain').send(JSON.stringify(decision({}))).expect(415);
    expect(text.body).toEqual(unsupported('text/plain'));
    // The form import takes its form as text too, and says so.
    const importForm = await t.http.post('/api/bodies/import?dryRun=true').type('form').send('a=b').expect(415);
    expect(importForm.body).toEqual(unsupported('application/x-www-form-urlencoded', 'application/json oder text/plain (das Formular als Text)'));
    expect(await rowCounts(t.app.get(Database))).toEqual(before);
    await t.http.post('/api/bodies/import?dryRun=true').type('text/plain').send(SEED).expect(201);
  });

  test('a path that does not decode and headers too large are refused in German in the one error shape', async () => {
    const path = await t.http.get('/api/bodies/%ff').expect(400);
    expect(path.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Die Adresse enthält ein ungültig kodiertes Zeichen (Prozentkodierung, die kein UTF-8 ist).',
      details: null,
    });
    const headers = await t.http.get('/api/bodies').set('X-Padding', 'x'.repeat(20_000)).expect(431);
    expect(headers.body).toEqual({ statusCode: 431, error: 'Request Header Fields Too Large', message: 'Die Kopfzeilen der Anfrage sind zu groß.', details: null });
  });

  test('an unknown query parameter is named as a parameter, an unknown field of the body as a field', async () => {
    const query = await t.http.get('/api/deadlines?erledigt=true').expect(400);
    expect(query.body.details).toEqual([{ path: 'query.erledigt', message: 'Unbekannter Parameter.' }]);
    const field = await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 78, date: '2027-03-18', ort: 'Berlin' }).expect(400);
    expect(field.body.details).toEqual([{ path: 'ort', message: 'Unbekanntes Feld.' }]);
  });

  test('the bounds themselves are accepted: a session numbered 2147483647 and a decision of 2026/100', async () => {
    await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 2147483647, date: '2027-03-18' }).expect(201);
    const recorded = await t.http.post('/api/decisions').send(decision({ number: '2026/100' })).expect(201);
    expect(recorded.body.number).toBe('2026/100');
  });
});
