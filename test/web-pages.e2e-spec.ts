/**
 * The Übersicht and the Zeitleiste a page at a time: 100 bodies a page in the page's order, the
 * links to the neighbouring pages keeping the filter, a page past the last showing the last, a
 * lead's pages holding only its own bodies, and a page number that is none refused in German.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { PAGE_SIZE } from '../src/web/pages';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

/** The ids of the bodies in the page's table (the Übersicht's or the Zeitleiste's), in its order. */
const rowIds = (html: string) => [...html.matchAll(/<th scope="row"(?: data-label="Gremium")?><a href="\/gremien\/([^"]+)"/g)].map((m) => m[1]);
const resultCount = (html: string) => /<p id="result-count"[^>]*>([^<]*)<\/p>/.exec(html)?.[1];
const link = (html: string, rel: 'prev' | 'next') => new RegExp(`<a href="([^"]+)" rel="${rel}">`).exec(html)?.[1].replace(/&amp;/g, '&') ?? null;

describe.each(testDatabaseKinds())('the Übersicht and the Zeitleiste page by page on %s', (database) => {
  let t: TestApp;
  const bodies = PAGE_SIZE * 2 + 5;
  /** The bodies whose title holds „Sonder“: a filter that spans two pages. */
  const special = PAGE_SIZE + 3;
  const submitted: string[] = [];
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
    for (let i = 0; i < bodies; i++) {
      const title = `${i < special ? 'Sondergruppe' : 'Arbeitsgruppe'} ${String(i).padStart(3, '0')}`;
      // Each body brings its own contact person: the first one's is the lead's below.
      const contacts = [{ name: `Person ${i}`, organization: 'Hessen' }];
      const { body } = await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, contacts, registeredAt: '2024-06-03' }).expect(201);
      ids.push(body.id);
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
    expect(rowIds(second)).toHaveLength(special - PAGE_SIZE);
    expect(link(second, 'prev')).toBe('/?q=sonder');

    const beyond = (await t.http.get('/?q=sonder&seite=7').expect(200)).text;
    expect(resultCount(beyond)).toContain('(Seite 2 von 2)');
    expect(rowIds(beyond)).toEqual(rowIds(second));

    const one = (await t.http.get('/?q=Sondergruppe%20007').expect(200)).text;
    expect(resultCount(one)).toBe(`1 von ${bodies} Gremien`);
    expect(one).not.toContain('class="pages"');
  });

  test('the Zeitleiste draws 100 bodies a page, by title, each once', async () => {
    const byTitle = (await t.http.get('/api/bodies').expect(200)).body.map((b: { id: string }) => b.id);
    const first = (await t.http.get('/zeitleiste').expect(200)).text;
    expect(first).toContain('Gremien 1–100 (Seite 1 von 3), nach Titel');
    expect(link(first, 'next')).toBe('/zeitleiste?seite=2');
    const second = (await t.http.get('/zeitleiste?seite=2').expect(200)).text;
    expect([link(second, 'prev'), link(second, 'next')]).toEqual(['/zeitleiste', '/zeitleiste?seite=3']);
    const last = (await t.http.get('/zeitleiste?seite=9').expect(200)).text;
    expect(last).toContain('Gremien 201–205 (Seite 3 von 3)');
    const pages = [first, second, last].map(rowIds);
    expect(pages.map((p) => p.length)).toEqual([100, 100, 5]);
    expect(pages.flat()).toEqual(byTitle);
    // The picture holds the page's bodies, not all of them.
    expect((last.match(/<g class="row">/g) ?? []).length).toBe(5);
  });

  test("a lead's Zeitleiste and Übersicht hold only its own body, on one page", async () => {
    const contactId = (await t.http.get(`/api/bodies/${ids[0]}`).expect(200)).body.context.profile.contactIds[0];
    const lead = await t.user('lead', { username: 'lea-seiten', contactId });
    const page = (await lead.http.get('/zeitleiste').expect(200)).text;
    expect(rowIds(page)).toEqual([ids[0]]);
    expect(page).not.toContain('class="pages"');
    const overview = (await lead.http.get('/').expect(200)).text;
    expect(rowIds(overview)).toEqual([ids[0]]);
    expect(resultCount(overview)).toBe('1 von 1 Gremien');
    // The search, too, looks only at the lead's bodies.
    expect(resultCount((await lead.http.get('/?q=sondergruppe').expect(200)).text)).toBe('1 von 1 Gremien');
    expect(resultCount((await lead.http.get('/?q=arbeitsgruppe').expect(200)).text)).toBe('0 von 1 Gremien');
  });

  test('a page number that is none is refused with 400, naming the parameter', async () => {
    for (const path of ['/', '/zeitleiste']) {
      for (const seite of ['0', '-1', 'zwei', '1.5', '99999999999']) {
        const response = await t.http.get(`${path}?seite=${seite}`).expect(400);
        expect(response.text).toContain('seite');
        expect(response.text).toContain('keine Seitenzahl');
      }
    }
  });
});
