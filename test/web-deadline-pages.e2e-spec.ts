/**
 * The Fristen page a page at a time: its three lists (überfällig, anstehend, erledigt) each 100
 * Fristen a page with a page parameter of its own, the met ones the latest first, the links keeping
 * the other lists' pages, a lead's lists holding only its own bodies' Fristen, and a page number
 * that is none refused in German. A Frist without a date yet is upcoming, on the page as in the API.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { PAGE_SIZE } from '../src/web/pages';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

/** The day `days` after `start` (YYYY-MM-DD). */
const dayAfter = (start: string, days: number) => new Date(Date.parse(`${start}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const german = (day: string) => day.split('-').reverse().join('.');

/** One list of the page: its heading, the line that says which of its Fristen are shown, its dates in order and its links. */
function list(html: string, id: 'overdue' | 'upcoming' | 'met') {
  const section = new RegExp(`<section aria-labelledby="${id}">([\\s\\S]*?)</section>`).exec(html)?.[1] ?? '';
  const link = (rel: 'prev' | 'next') => new RegExp(`<a href="([^"]+)" rel="${rel}">`).exec(section)?.[1].replace(/&amp;/g, '&') ?? null;
  return {
    heading: /<h2 id="[a-z]+">([^<]*)<\/h2>/.exec(section)?.[1],
    shown: new RegExp(`<p id="${id}-count">([^<]*)</p>`).exec(section)?.[1] ?? null,
    dates: [...section.matchAll(/<td data-label="Datum">(\d\d\.\d\d\.\d{4}|noch offen)/g)].map((m) => m[1]),
    bodies: [...section.matchAll(/<a href="\/gremien\/([^"]+)">/g)].map((m) => m[1]),
    previous: link('prev'),
    next: link('next'),
  };
}

describe.each(testDatabaseKinds())('the Fristen page list by list, page by page, on %s', (database) => {
  let t: TestApp;
  let busy: string;
  let small: string;
  /** 215 interim reports due in 2025 (105 of them submitted), 120 due in 2027: one a day each. */
  const past = Array.from({ length: 215 }, (_, i) => dayAfter('2025-01-01', i));
  const future = Array.from({ length: 120 }, (_, i) => dayAfter('2027-01-01', i));
  const submitted = 105;

  const send = (id: string, command: object) => t.http.post(`/api/bodies/${id}/events`).send(command).expect(200);
  const report = (date: string) => ({ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date } });

  /** Registered with these reports, approved by a decision of its own for good, started in 2024. */
  async function running(title: string, reports: object[], contacts: object[], number: string): Promise<string> {
    const { body } = await t.http
      .post('/api/bodies')
      .send({ ...EXAMPLE_REGISTRATION, title, contacts, reports, start: '2024-07-01', registeredAt: '2024-06-03' })
      .expect(201);
    await send(body.id, { type: 'submitted', occurredAt: '2024-06-04' });
    await t.http
      .post('/api/decisions')
      .send({ number, issuer: 'IT-PLR', date: '2024-06-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects: [{ body: body.id, effect: 'approved', data: { permanent: true } }] })
      .expect(201);
    await send(body.id, { type: 'approved', data: { permanent: true }, decision: number });
    await send(body.id, { type: 'started', occurredAt: '2024-07-01' });
    return body.id;
  }

  beforeAll(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
    busy = await running('Arbeitsgruppe Viele Berichte', [...past, ...future].map(report), [{ name: 'Person Viel', organization: 'Bund' }], '2024/31');
    for (let i = 1; i <= submitted; i++) {
      await send(busy, { type: 'reportSubmitted', data: { obligationId: `r${i}` }, occurredAt: '2026-11-02' });
    }
    // A lead's body: two reports overdue (in 2026, after the other body's), one in 2027, and one at a session not yet known.
    small = await running(
      'Projektgruppe Wenige Berichte',
      [report('2026-03-02'), report('2026-03-03'), report('2027-08-02'), { kind: 'Jahresbericht', addressee: 'IT-Planungsrat', due: { kind: 'firstSession', issuer: 'IT-PLR', year: 2027 } }],
      [{ name: 'Person Wenig', organization: 'Hessen' }],
      '2024/32',
    );
  }, 180_000);
  afterAll(() => t.close());

  /** The dates of the Fristen as the API lists them (by date, then body and key), as the page writes them. */
  async function apiDates() {
    const api: Array<{ effectiveDate: string | null; status: string; overdue: boolean }> = (await t.http.get('/api/deadlines').expect(200)).body;
    const datesOf = (rows: typeof api) => rows.map((d) => (d.effectiveDate ? german(d.effectiveDate) : 'noch offen'));
    return {
      overdue: datesOf(api.filter((d) => d.overdue)),
      upcoming: datesOf(api.filter((d) => d.status !== 'met' && !d.overdue)),
      met: datesOf(api.filter((d) => d.status === 'met')).reverse(),
    };
  }

  test('each list shows 100 of its Fristen, counted in its heading, in its order; the met ones the latest first', async () => {
    const expected = await apiDates();
    // Weekend dates move to the Monday (§ 193 BGB), so the API is the measure of the dates; the counts are the reports'.
    expect([expected.overdue.length, expected.upcoming.length, expected.met.length]).toEqual([215 - submitted + 2, 120 + 2, submitted]);
    const page = (await t.http.get('/fristen').expect(200)).text;
    const [overdue, upcoming, met] = (['overdue', 'upcoming', 'met'] as const).map((id) => list(page, id));
    expect(overdue.heading).toBe('Überfällig (112)');
    expect(overdue.shown).toBe('1–100 von 112 (Seite 1 von 2)');
    expect(overdue.dates).toEqual(expected.overdue.slice(0, PAGE_SIZE));
    expect(upcoming.heading).toBe('Anstehend (122)');
    expect(upcoming.dates).toEqual(expected.upcoming.slice(0, PAGE_SIZE));
    expect(met.heading).toBe('Erledigt (105)');
    expect(met.dates).toEqual(expected.met.slice(0, PAGE_SIZE));
    // The latest first: the last report submitted leads the list.
    expect(met.dates[0]).not.toBe(met.dates.at(-1));
    for (const { previous, next } of [overdue, upcoming, met]) expect(previous).toBeNull();
    expect([overdue.next, upcoming.next, met.next]).toEqual(['/fristen?ueberfaellig=2#overdue', '/fristen?anstehend=2#upcoming', '/fristen?erledigt=2#met']);
  });

  test("a list's next page keeps the other lists' pages, and together the pages hold every Frist of the list once", async () => {
    const second = (await t.http.get('/fristen?ueberfaellig=2').expect(200)).text;
    const overdue = list(second, 'overdue');
    expect(overdue.shown).toBe('101–112 von 112 (Seite 2 von 2)');
    expect(overdue.previous).toBe('/fristen#overdue');
    expect(overdue.next).toBeNull();
    expect(list(second, 'met').next).toBe('/fristen?ueberfaellig=2&erledigt=2#met');
    // The other lists stay on their first page.
    expect(list(second, 'upcoming').shown).toBe('1–100 von 122 (Seite 1 von 2)');

    const both = (await t.http.get('/fristen?ueberfaellig=2&erledigt=2').expect(200)).text;
    expect(list(both, 'met').previous).toBe('/fristen?ueberfaellig=2#met');
    expect(list(both, 'upcoming').next).toBe('/fristen?ueberfaellig=2&erledigt=2&anstehend=2#upcoming');

    // Page by page, each list holds what the API lists, in the page's order.
    const expected = await apiDates();
    const third = (await t.http.get('/fristen?anstehend=2&erledigt=2').expect(200)).text;
    expect([...list((await t.http.get('/fristen').expect(200)).text, 'overdue').dates, ...overdue.dates]).toEqual(expected.overdue);
    expect([...list(second, 'upcoming').dates, ...list(third, 'upcoming').dates]).toEqual(expected.upcoming);
    expect([...list(second, 'met').dates, ...list(third, 'met').dates]).toEqual(expected.met);
  });

  test('a Frist moved past a holiday names the day it names, the holiday and the day it falls due, once', async () => {
    const pages = [(await t.http.get('/fristen').expect(200)).text, (await t.http.get('/fristen?erledigt=2').expect(200)).text].join('');
    expect(pages).toContain('bis 01.01.2025; verschoben: Mittwoch, 01.01.2025 (Neujahr) → Donnerstag, 02.01.2025 (§ 193 BGB');
    // A Saturday moves to the Monday, with the day it named.
    expect(pages).toContain('bis 04.01.2025; verschoben: Samstag, 04.01.2025 → Montag, 06.01.2025');
    expect(pages).not.toContain('verschoben vom');
  });

  test('a page past the last shows the last; a Frist without a date yet is upcoming, in the page and the API', async () => {
    const beyond = list((await t.http.get('/fristen?anstehend=9').expect(200)).text, 'upcoming');
    expect(beyond.shown).toBe('101–122 von 122 (Seite 2 von 2)');
    expect(beyond.dates.at(-1)).toBe('noch offen');
    const notOverdue = (await t.http.get('/api/deadlines?overdue=false').expect(200)).body as Array<{ bodyId: string; effectiveDate: string | null }>;
    expect(notOverdue.filter((d) => d.effectiveDate === null).map((d) => d.bodyId)).toEqual([small]);
  });

  test("a lead's lists hold only the Fristen of its own body, on one page", async () => {
    const contactId = (await t.http.get(`/api/bodies/${small}`).expect(200)).body.context.profile.contactIds[0];
    const lead = await t.user('lead', { username: 'lea-fristen', contactId });
    const page = (await lead.http.get('/fristen').expect(200)).text;
    const [overdue, upcoming, met] = (['overdue', 'upcoming', 'met'] as const).map((id) => list(page, id));
    expect([overdue.heading, upcoming.heading, met.heading]).toEqual(['Überfällig (2)', 'Anstehend (2)', 'Erledigt (0)']);
    expect([...overdue.bodies, ...upcoming.bodies]).toEqual([small, small, small, small]);
    expect(overdue.dates).toEqual(['02.03.2026', '03.03.2026']);
    expect(page).not.toContain('class="pages"');
    expect(page).not.toContain(busy);
  });

  test("the Übersicht's light and next Frist of each body come from its open Fristen, the met ones left out", async () => {
    const page = (await t.http.get('/').expect(200)).text;
    const row = (id: string) => page.split('<tr').find((tr) => tr.includes(`href="/gremien/${id}"`)) ?? '';
    const firstOpen = (await apiDates()).overdue[0];
    expect(row(busy)).toContain('Frist überschritten: Zwischenbericht an IT-Planungsrat');
    expect(row(busy)).toMatch(new RegExp(`<td data-label="Nächste Frist">${firstOpen.replace(/\./g, '\\.')}<br><span class="muted">Zwischenbericht an IT-Planungsrat \\(überfällig\\)`));
    expect(row(small)).toContain('<td data-label="Nächste Frist">02.03.2026<br>');
  });

  test('GET /api/deadlines a page at a time: each page holds limit Fristen, its Link header the next; together they hold the list', async () => {
    const whole = (await t.http.get('/api/deadlines').expect(200)).body as Array<{ key: string }>;
    const keys: string[] = [];
    let next: string | null = '/api/deadlines?limit=150';
    let pages = 0;
    while (next) {
      const response: { body: Array<{ key: string }>; headers: Record<string, string | undefined> } = await t.http.get(next).expect(200);
      expect(response.body.length).toBeLessThanOrEqual(150);
      keys.push(...response.body.map((d) => d.key));
      next = /^<([^>]+)>; rel="next"$/.exec(response.headers.link ?? '')?.[1] ?? null;
      pages++;
    }
    expect(pages).toBe(Math.ceil(whole.length / 150));
    expect(keys).toEqual(whole.map((d) => d.key));

    // The filter stays in the link; met picks the met ones.
    const met = await t.http.get('/api/deadlines?met=true&limit=100').expect(200);
    expect(met.body).toHaveLength(100);
    expect(met.body.every((d: { status: string }) => d.status === 'met')).toBe(true);
    expect(met.headers.link).toBe('</api/deadlines?met=true&limit=100&offset=100>; rel="next"');
    const rest = await t.http.get('/api/deadlines?met=true&limit=100&offset=100').expect(200);
    expect(rest.body).toHaveLength(submitted - 100);
    expect(rest.headers.link).toBeUndefined();

    // A lead's pages hold its own body's Fristen, chosen in the query: full pages.
    const contactId = (await t.http.get(`/api/bodies/${small}`).expect(200)).body.context.profile.contactIds[0];
    const lead = await t.user('lead', { username: 'lea-api-fristen', contactId });
    const own = await lead.http.get('/api/deadlines?limit=3').expect(200);
    expect(own.body.map((d: { bodyId: string }) => d.bodyId)).toEqual([small, small, small]);
    expect(own.headers.link).toBe('</api/deadlines?limit=3&offset=3>; rel="next"');
    expect((await lead.http.get('/api/deadlines?limit=3&offset=3').expect(200)).body).toHaveLength(1);
  });

  test('bad paging of GET /api/deadlines is refused with 400, naming the parameter', async () => {
    for (const [query, field] of [['limit=0', 'query.limit'], ['limit=1001', 'query.limit'], ['limit=zehn', 'query.limit'], ['limit=5&offset=-1', 'query.offset'], ['offset=5', 'query.offset'], ['met=ja', 'query.met']]) {
      const response = await t.http.get(`/api/deadlines?${query}`).expect(400);
      expect(JSON.stringify(response.body)).toContain(field);
    }
  });

  test('a page number that is none is refused with 400, naming the list', async () => {
    for (const param of ['ueberfaellig', 'anstehend', 'erledigt']) {
      for (const value of ['0', 'zwei', '1.5']) {
        const response = await t.http.get(`/fristen?${param}=${value}`).expect(400);
        expect(response.text).toContain(param);
        expect(response.text).toContain('keine Seitenzahl');
      }
    }
  });
});
