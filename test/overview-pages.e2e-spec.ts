/**
 * The Übersicht a page at a time: 100 rows a page in its order (most urgent first), the links to
 * the neighbouring pages keeping the filter, a page past the last showing the last, and a page
 * number that is none refused in German.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { OVERVIEW_PAGE_SIZE } from '../src/web/web.service';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

/** The ids of the bodies in the Übersicht's table, in its order. */
const rowIds = (html: string) => [...html.matchAll(/<th scope="row" data-label="Gremium"><a href="\/gremien\/([^"]+)"/g)].map((m) => m[1]);
const resultCount = (html: string) => /<p id="result-count"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];
const link = (html: string, rel: 'prev' | 'next') => new RegExp(`<a href="([^"]+)" rel="${rel}">`).exec(html)?.[1].replace(/&amp;/g, '&') ?? null;

describe.each(testDatabaseKinds())('the Übersicht page by page on %s', (database) => {
  let t: TestApp;
  const bodies = OVERVIEW_PAGE_SIZE * 2 + 5;
  /** The bodies whose title holds „Sonder“: a filter that spans two pages. */
  const special = OVERVIEW_PAGE_SIZE + 3;
  const submitted: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
    for (let i = 0; i < bodies; i++) {
      const title = `${i < special ? 'Sondergruppe' : 'Arbeitsgruppe'} ${String(i).padStart(3, '0')}`;
      const { body } = await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, registeredAt: '2024-06-03' }).expect(201);
      // Every tenth body is submitted: the order of the Übersicht is not the order of the titles alone.
      if (i % 10 === 9) {
        await t.http.post(`/api/bodies/${body.id}/events`).send({ type: 'submitted', occurredAt: '2025-01-03' }).expect(200);
        submitted.push(body.id);
      }
    }
  }, 120_000);
  afterAll(() => t.close());

  test('pages of 100 hold every body once, in the order of the whole list, with links to the neighbours', async () => {
    const first = (await t.http.get('/').expect(200)).text;
    expect(resultCount(first)).toBe(`${bodies} von ${bodies} Gremien, hier 1–100 (Seite 1 von 3)`);
    expect(link(first, 'prev')).toBeNull();
    expect(link(first, 'next')).toBe('/?seite=2');
    const second = (await t.http.get('/?seite=2').expect(200)).text;
    expect(resultCount(second)).toBe(`${bodies} von ${bodies} Gremien, hier 101–200 (Seite 2 von 3)`);
    expect([link(second, 'prev'), link(second, 'next')]).toEqual(['/', '/?seite=3']);
    const last = (await t.http.get('/?seite=3').expect(200)).text;
    expect(link(last, 'next')).toBeNull();
    expect(last).toContain('Seite 3 von 3');

    const pages = [first, second, last].map(rowIds);
    expect(pages.map((p) => p.length)).toEqual([100, 100, 5]);
    const shown = pages.flat();
    expect(new Set(shown).size).toBe(bodies);
    // The submitted bodies are in the same light as the drafts; within a light the order is the title's.
    const listed = (await t.http.get('/api/bodies').expect(200)).body.map((b: { id: string }) => b.id);
    expect(shown).toEqual(listed);
    expect(submitted.every((id) => shown.includes(id))).toBe(true);
  });

  test('the links keep the filter; a page past the last shows the last', async () => {
    const first = (await t.http.get('/?q=sonder').expect(200)).text;
    expect(resultCount(first)).toBe(`${special} von ${bodies} Gremien, hier 1–100 (Seite 1 von 2)`);
    expect(link(first, 'next')).toBe('/?q=sonder&seite=2');
    const second = (await t.http.get(link(first, 'next')!).expect(200)).text;
    expect(rowIds(second)).toHaveLength(special - OVERVIEW_PAGE_SIZE);
    expect(link(second, 'prev')).toBe('/?q=sonder');

    const beyond = (await t.http.get('/?q=sonder&seite=7').expect(200)).text;
    expect(resultCount(beyond)).toContain('(Seite 2 von 2)');
    expect(rowIds(beyond)).toEqual(rowIds(second));

    const one = (await t.http.get('/?q=Sondergruppe%20007').expect(200)).text;
    expect(resultCount(one)).toBe(`1 von ${bodies} Gremien`);
    expect(one).not.toContain('class="pages"');
  });

  test('a page number that is none is refused with 400, naming the parameter', async () => {
    for (const seite of ['0', '-1', 'zwei', '1.5', '99999999999']) {
      const response = await t.http.get(`/?seite=${seite}`).expect(400);
      expect(response.text).toContain('seite');
      expect(response.text).toContain('keine Seitenzahl');
    }
  });
});
