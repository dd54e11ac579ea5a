/**
 * Refusals that used to say only „Die Anfrage wurde abgelehnt“: what the framework refuses
 * before any route (a path segment too long, a body over the limit, a type nothing reads) and
 * the tree sizes of the audit proofs. Each names what was wrong, where, and what is allowed; a
 * browser asking for a page gets the web UI's error page with the same sentence, the API JSON.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, type TestApp } from './support/test-app';

const PAGE = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** The sentence of the web UI's error page. */
function pageMessage(html: string): string {
  return /<main[^>]*>[\s\S]*?<h1>[^<]*<\/h1>\s*<p>([^<]*)<\/p>/.exec(html)?.[1] ?? '';
}

describe('what the framework refuses before any route', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { bodyLimit: 2048 } });
  });
  afterAll(() => t.close());

  test('a path segment over 100 characters is a 414 naming its length and the limit', async () => {
    const response = await t.http.get(`/api/bodies/${'a'.repeat(150)}`).expect(414);
    expect(response.body).toEqual({
      statusCode: 414,
      error: 'URI Too Long',
      message: 'Die Adresse hat einen Abschnitt mit 150 Zeichen (zwischen zwei „/“); erlaubt sind höchstens 100 – so lang ist keine ID und keine Beschlussnummer.',
      details: null,
    });
  });

  test('a body over BODY_LIMIT is a 413 naming the limit in bytes', async () => {
    const response = await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'x'.repeat(4096) }).expect(413);
    expect(response.body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'Der Inhalt der Anfrage ist zu groß: angenommen werden höchstens 2.048 Bytes (2 KiB).',
      details: null,
    });
  });

  test('a body of a type nothing reads is a 415 naming the type sent and the one expected', async () => {
    const response = await t.http.post('/api/decisions').set('content-type', 'application/xml').send('<beschluss/>').expect(415);
    expect(response.body).toEqual({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: 'Inhalte vom Typ application/xml werden nicht angenommen; erwartet wird application/json.',
      details: null,
    });
  });

  test('a browser gets the same sentences as a page of the web UI, and a page for an address that does not exist', async () => {
    const long = await t.anonymous.get(`/beschluesse/IT-PLR/${'9'.repeat(120)}`).set('accept', PAGE).expect(414);
    expect(long.headers['content-type']).toContain('text/html');
    expect(pageMessage(long.text)).toBe('Die Adresse hat einen Abschnitt mit 120 Zeichen (zwischen zwei „/“); erlaubt sind höchstens 100 – so lang ist keine ID und keine Beschlussnummer.');
    const large = await t.anonymous.post('/anmelden').set('accept', PAGE).type('form').send(`benutzername=${'x'.repeat(4096)}`).expect(413);
    expect(large.headers['content-type']).toContain('text/html');
    expect(pageMessage(large.text)).toBe('Der Inhalt der Anfrage ist zu groß: angenommen werden höchstens 2.048 Bytes (2 KiB).');
    const xml = await t.anonymous.post('/anmelden').set('accept', PAGE).set('content-type', 'application/xml').send('<a/>').expect(415);
    expect(pageMessage(xml.text)).toBe('Inhalte vom Typ application/xml werden nicht angenommen; erwartet wird ein Formular (application/x-www-form-urlencoded).');
    const missing = await t.anonymous.get('/gibt-es-nicht').set('accept', PAGE).expect(404);
    expect(pageMessage(missing.text)).toBe('Diese Adresse gibt es nicht.');
    // The API stays JSON for a browser too.
    const api = await t.anonymous.get(`/api/bodies/${'a'.repeat(150)}`).set('accept', PAGE).expect(414);
    expect(api.headers['content-type']).toContain('application/json');
  });
});

describe('the tree sizes of the audit proofs', () => {
  let t: TestApp;
  let newest: number;
  beforeAll(async () => {
    t = await startTestApp();
    for (const title of ['Erste Projektgruppe', 'Zweite Projektgruppe', 'Dritte Projektgruppe']) {
      await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, contacts: [] }).expect(201);
    }
    newest = (await t.http.post('/api/audit/checkpoints').expect(201)).body.payload.treeSize;
  });
  afterAll(() => t.close());

  const refusal = async (query: string, path = 'consistency') => (await t.http.get(`/api/audit/proof/${path}?${query}`).expect(400)).body.details;

  test('the older tree larger than the newer one names both and the sizes there are', async () => {
    expect(newest).toBeGreaterThanOrEqual(3);
    expect(await refusal('from=3&to=2')).toEqual([
      {
        path: 'query.from',
        message: '3 ist größer als to (2): der ältere Baum kann nicht größer sein als der neuere; erwartet wird eine ganze Zahl von 1 bis 2 (to, die Baumgröße des neueren Baums).',
      },
    ]);
  });

  test('a size that is no number, none at all, or 0 says so with the range up to the newest checkpoint', async () => {
    const range = `erwartet wird eine ganze Zahl von 1 bis ${newest} (die Baumgröße des neuesten Checkpoints).`;
    expect(await refusal('from=abc')).toEqual([{ path: 'query.from', message: `„abc“ ist keine Baumgröße; ${range}` }]);
    expect(await refusal('from=0')).toEqual([{ path: 'query.from', message: `„0“ ist keine Baumgröße; ${range}` }]);
    // Bounded by a newer tree that is given, the range ends there.
    expect(await refusal('from=0&to=2')).toEqual([
      { path: 'query.from', message: '„0“ ist keine Baumgröße; erwartet wird eine ganze Zahl von 1 bis 2 (to, die Baumgröße des neueren Baums).' },
    ]);
    expect(await refusal('')).toEqual([{ path: 'query.from', message: `Pflichtangabe fehlt: die Baumgröße des älteren Baums; ${range}` }]);
    expect(await refusal('from=1&from=2')).toEqual([{ path: 'query.from', message: `Mehrfach angegeben; ${range}` }]);
    expect(await refusal('treeSize=1.5&event=x', 'inclusion')).toEqual([{ path: 'query.treeSize', message: `„1.5“ ist keine Baumgröße; ${range}` }]);
  });

  test('a size beyond the newest checkpoint next to another mistake says how far the log is proven', async () => {
    expect(await refusal(`from=${newest + 5}&to=abc`)).toEqual([
      {
        path: 'query.from',
        message: `${newest + 5} liegt über der Baumgröße des neuesten Checkpoints; erwartet wird eine ganze Zahl von 1 bis ${newest}. Spätere Ereignisse bezeugt erst der nächste Checkpoint.`,
      },
      { path: 'query.to', message: `„abc“ ist keine Baumgröße; erwartet wird eine ganze Zahl von 1 bis ${newest} (die Baumgröße des neuesten Checkpoints).` },
    ]);
  });

  test('parameters of other names are named with the ones the proof takes', async () => {
    expect(await refusal('first=1&second=2')).toEqual([
      { path: 'query.from', message: `Pflichtangabe fehlt: die Baumgröße des älteren Baums; erwartet wird eine ganze Zahl von 1 bis ${newest} (die Baumgröße des neuesten Checkpoints).` },
      { path: 'query.first', message: 'Unbekannter Parameter; diese Anfrage nimmt from, to.' },
      { path: 'query.second', message: 'Unbekannter Parameter; diese Anfrage nimmt from, to.' },
    ]);
  });

  test('sizes in range still give the proof', async () => {
    const { body } = await t.http.get(`/api/audit/proof/consistency?from=1&to=${newest}`).expect(200);
    expect(body).toMatchObject({ from: 1, to: newest });
  });
});
