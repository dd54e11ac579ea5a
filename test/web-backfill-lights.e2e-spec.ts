/**
 * A body held for its Nacherfassung raises no alarm on the Übersicht: its light is the neutral
 * „Nacherfassung“, not „Rot: Laufzeit abgelaufen“; on the Fristen page its Fristen past their
 * day are marked „Nacherfassung – Überwachung ruht“, not told as plainly upcoming.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/test-app';

const SEED = readFileSync(join(__dirname, '..', 'examples', 'registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
const IMPORT = '/api/bodies/import?applyDecision=true&decisionDate=2024-06-12&registeredAt=2024-06-03&procedure=Umlaufverfahren';

describe('a body held for its Nacherfassung on the Übersicht and the Fristen page', () => {
  let t: TestApp;
  let id: string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2025-06-02T08:00:00Z' });
    id = (await t.http.post(`${IMPORT}&backfill=true`).set('Content-Type', 'text/plain; charset=utf-8').send(SEED).expect(201)).body.id;
  }, 60_000);
  afterAll(() => t.close());

  test('the Übersicht shows the neutral „Nacherfassung“ light, no red alarm', async () => {
    const page = (await t.http.get('/').expect(200)).text;
    expect(page).toContain('<span class="light light--held"><span class="light__dot" aria-hidden="true"></span><span class="light__label light__word">Nacherfassung:</span> <span class="light__text">Nacherfassung – Überwachung ruht</span></span>');
    expect(page).not.toContain('Laufzeit abgelaufen – Beschluss nötig');
    const held = (await t.http.get('/').query({ ampel: 'held' }).expect(200)).text;
    expect(held).toContain(`/gremien/${id}`);
    expect((await t.http.get('/').query({ ampel: 'red' }).expect(200)).text).not.toContain(`/gremien/${id}"`);
  });

  test('the body page’s light is the neutral one too', async () => {
    const page = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    expect(page).not.toContain('Laufzeit abgelaufen – Beschluss nötig');
  });

  test('the Fristen page marks a held body’s Frist past its day „Nacherfassung – Überwachung ruht“', async () => {
    const past = ((await t.http.get('/api/deadlines').query({ body: id }).expect(200)).body as Array<{ effectiveDate: string | null }>).filter(
      (d) => d.effectiveDate && d.effectiveDate < '2025-06-02',
    );
    expect(past.length).toBeGreaterThan(0);
    const page = (await t.http.get('/fristen').expect(200)).text;
    const marks = page.split('<strong class="tag backfill">Nacherfassung – Überwachung ruht</strong>').length - 1;
    expect(marks).toBe(past.length);
  });
});
