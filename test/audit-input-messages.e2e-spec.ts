/**
 * What an auditor is told about input that does not fit: one message per field with the
 * documented bound, a parameter given twice named as such whatever it takes, an unencoded `+`
 * of a time zone read as meant, an empty JSON body called empty, and on the Prüfung page a
 * date that is none refused (400) without a heading that names it.
 */
import { MAX_INTEGER } from '../src/common/i-json';
import { recordScenario } from './audit-scenario';
import { startTestApp, type TestApp } from './support/test-app';

describe('input messages of the audit routes and the Prüfung page', () => {
  let t: TestApp;
  let seed: string;

  beforeAll(async () => {
    t = await startTestApp({ database: 'sqlite' });
    ({ seed } = await recordScenario(t));
    await t.http.post('/api/audit/checkpoints').expect(201);
  });
  afterAll(() => t.close());

  test('a checkpoint number beyond the bound is one message naming ±2147483647, not zod’s safe-integer limit', async () => {
    for (const sequence of ['99999999999999999999', String(MAX_INTEGER + 1)]) {
      const { body } = await t.anonymous.get(`/api/audit/checkpoints/${sequence}/note`).expect(400);
      expect(body.details).toEqual([{ path: 'path.sequence', message: `Höchstens ${MAX_INTEGER}.` }]);
    }
    expect((await t.anonymous.get('/api/audit/checkpoints/0/note').expect(400)).body.details).toEqual([{ path: 'path.sequence', message: 'Mindestens 1.' }]);
    expect((await t.anonymous.get('/api/audit/checkpoints/1.5/note').expect(400)).body.details).toHaveLength(1);
    expect((await t.anonymous.get('/api/audit/checkpoints/1/note').expect(200)).text).toMatch(/^gremienlauf/);
  });

  test('a query parameter given twice is told so, whether it takes a number or a text', async () => {
    const year = await t.http.get('/api/decision-control?year=2025&year=2026').expect(400);
    expect(year.body.details).toEqual([{ path: 'query.year', message: 'Mehrfach angegeben („2025“, „2026“); der Parameter nimmt einen Wert.' }]);
    const asOf = await t.http.get(`/api/bodies/${seed}/state?asOf=2025-01-01&asOf=2025-02-01`).expect(400);
    expect(asOf.body.details).toEqual([{ path: 'query.asOf', message: 'Mehrfach angegeben („2025-01-01“, „2025-02-01“); der Parameter nimmt einen Wert.' }]);
    // One value that does not fit still gets the message about the value.
    expect((await t.http.get('/api/decision-control?year=abc').expect(400)).body.details).toEqual([{ path: 'query.year', message: 'Erwartet wird eine Zahl.' }]);
  });

  test('an unencoded + before the time zone (decoded to a space) is read as the + it was', async () => {
    const plain = await t.http.get(`/api/bodies/${seed}/state?asOf=2025-06-01T12:00:00%2B02:00&asKnownAt=2025-06-01T12:00:00%2B02:00`).expect(200);
    const unencoded = await t.http.get(`/api/bodies/${seed}/state?asOf=2025-06-01T12:00:00+02:00&asKnownAt=2025-06-01T12:00:00+02:00`).expect(200);
    expect(unencoded.body).toEqual(plain.body);
    expect(unencoded.body).toMatchObject({ asOf: '2025-06-01T12:00:00+02:00', asKnownAt: '2025-06-01T12:00:00+02:00', basedOn: { version: 5 } });
    // A space anywhere else is no instant.
    await t.http.get(`/api/bodies/${seed}/state?asOf=2025-06-01+12:00:00`).expect(400);
  });

  test('a POST with Content-Type application/json and no body is told that the body is empty', async () => {
    const { body } = await t.http.post(`/api/bodies/${seed}/events`).set('content-type', 'application/json').expect(400);
    expect(body.message).toBe('Der Inhalt der Anfrage ist leer, obwohl Content-Type: application/json angegeben ist; erwartet wird JSON (ohne Angaben: {}).');
    // A body that is there but no JSON keeps its message.
    const broken = await t.http.post(`/api/bodies/${seed}/events`).set('content-type', 'application/json').send('{"type":').expect(400);
    expect(broken.body.message).toBe('Der Inhalt der Anfrage ist kein gültiges JSON: der Text endet vorzeitig.');
  });

  describe('the Prüfung page', () => {
    let auditor: TestApp['http'];
    beforeAll(async () => {
      auditor = (await t.user('auditor')).http;
    });

    test('a day that does not exist is a 400 with the error alone: no heading „Stand am 30.02.2025“', async () => {
      const page = (await auditor.get(`/pruefung?gremium=${seed}&stichtag=2025-02-30`).expect(400)).text;
      expect(page).toContain('role="alert">Stichtag: Den 30.02.2025 gibt es nicht.</p>');
      expect(page).not.toContain('id="as-of"');
      expect(page).not.toContain('Stand am 30.02.2025');
      // The rest of the page stands: the chain check, the form with what was entered, the replay.
      expect(page).toContain('id="chain-verdict"');
      expect(page).toContain('value="2025-02-30"');
      expect(page).toContain('id="replay-verdict"');
    });

    test('a word instead of a date is refused by its field, not put after „vom“', async () => {
      const page = (await auditor.get(`/pruefung?gremium=${seed}&stichtag=2025-01-01&kenntnisstand=gestern`).expect(400)).text;
      expect(page).toContain('role="alert">Kenntnisstand: Erwartet ein Datum (JJJJ-MM-TT), z. B. 2025-03-31, nicht „gestern“.</p>');
      expect(page).not.toContain('vom gestern');
      expect(page).not.toContain('id="as-of-facts"');
    });

    test('valid days give the heading and the state, with 200', async () => {
      const page = (await auditor.get(`/pruefung?gremium=${seed}&stichtag=2025-01-01&kenntnisstand=2024-12-01`).expect(200)).text;
      expect(page).toContain('Stand am 01.01.2025 nach Kenntnisstand vom 01.12.2024</h3>');
      expect(page).toContain('id="as-of-facts"');
      expect(page).not.toMatch(/role="alert"/);
    });

    test('the replay steps show when each event was recorded, to the second', async () => {
      const page = (await auditor.get(`/pruefung?gremium=${seed}`).expect(200)).text;
      // Recorded 2024-07-01T08:00:00Z: 10:00:00 in Berlin.
      expect(page).toContain('<time datetime="2024-07-01T08:00:00.000Z">01.07.2024, 10:00:00</time>');
      const body = (await auditor.get(`/gremien/${seed}`).expect(200)).text;
      expect(body).toContain('<dt>Erfasst</dt><dd><time datetime="2024-07-01T08:00:00.000Z">01.07.2024, 10:00:00</time></dd>');
    });
  });
});
