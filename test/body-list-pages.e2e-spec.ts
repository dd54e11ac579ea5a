/**
 * GET /api/bodies a page at a time: `limit` and the Link header's `after`, the same bodies in the
 * same order as the whole list, with the filter kept; a lead's pages hold only its own bodies and
 * are full (narrowed in SQL through body_contacts, not cut down afterwards); what a lead leads
 * follows the events that change a body's contact persons.
 */
import { Database } from '../src/database/database';
import { BodyListPages1767700000000 } from '../src/database/migrations/1767700000000-body-list-pages';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { migrateDownAndUp } from './support/migrations';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

type Agent = TestApp['http'];

/** The `after` link of a Link header with rel="next", or null. */
function nextLink(link: string | undefined): string | null {
  const match = /^<([^>]+)>; rel="next"$/.exec(link ?? '');
  return match ? match[1] : null;
}

/** Every page from `first` on, following the Link headers: the ids of each page. */
async function walk(agent: Agent, first: string): Promise<string[][]> {
  const pages: string[][] = [];
  let url: string | null = first;
  while (url) {
    const response = await agent.get(url).expect(200);
    pages.push(response.body.map((b: { id: string }) => b.id));
    url = nextLink(response.headers.link);
    expect(pages.length).toBeLessThan(20);
  }
  return pages;
}

describe.each(testDatabaseKinds())('the list of bodies page by page on %s', (database) => {
  let t: TestApp;
  let contact: string | undefined;
  /** Registered in this order; the titles repeat, so the order within a title is the id's. */
  const ids: string[] = [];
  const titles = ['Beta', 'Alpha', 'Gamma', 'Alpha', 'Delta', 'Beta', 'Alpha'];
  /** The bodies that name `contact` (by their position in `ids`). */
  const ledAt = [1, 2, 5, 6];

  beforeAll(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
    const other = { name: 'Erika Muster', organization: 'Bayern' };
    const lea = { name: 'Lea Leitung', organization: 'Hessen' };
    for (const [i, title] of titles.entries()) {
      // The first led body brings the lead's contact person; the later ones name it by id.
      const contacts = !ledAt.includes(i) ? [other] : contact ? [{ id: contact }] : [lea];
      const response = await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, contacts, registeredAt: '2024-06-03' }).expect(201);
      ids.push(response.body.id);
      contact ??= ledAt.includes(i) ? (await t.http.get(`/api/bodies/${response.body.id}`).expect(200)).body.context.profile.contactIds[0] : undefined;
    }
  }, 60_000);
  afterAll(() => t.close());

  test('pages of 2 hold the whole list in its order, each body once; the last page has no next link', async () => {
    const all = (await t.http.get('/api/bodies').expect(200)).body.map((b: { id: string }) => b.id);
    expect(all).toHaveLength(titles.length);
    const pages = await walk(t.http, '/api/bodies?limit=2');
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    expect(pages.flat()).toEqual(all);
    // By title, then id.
    const expected = ids.map((id, i) => ({ id, title: titles[i] })).sort((a, b) => (a.title === b.title ? (a.id < b.id ? -1 : 1) : a.title < b.title ? -1 : 1));
    expect(pages.flat()).toEqual(expected.map((b) => b.id));
    const exact = await t.http.get(`/api/bodies?limit=${titles.length}`).expect(200);
    expect(exact.headers.link).toBeUndefined();
  });

  test('the next link keeps the filter', async () => {
    const first = await t.http.get('/api/bodies?q=alpha&limit=2').expect(200);
    expect(first.body.map((b: { title: string }) => b.title)).toEqual(['Alpha', 'Alpha']);
    expect(nextLink(first.headers.link)).toMatch(/^\/api\/bodies\?q=alpha&limit=2&after=/);
    const pages = await walk(t.http, '/api/bodies?q=alpha&limit=2');
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    expect(pages.flat().sort()).toEqual([ids[1], ids[3], ids[6]].sort());
  });

  test("a lead's pages are full and hold only its own bodies", async () => {
    const lead = await t.user('lead', { username: 'lea', contactId: contact });
    const own = ledAt.map((i) => ids[i]);
    const whole = (await lead.http.get('/api/bodies').expect(200)).body.map((b: { id: string }) => b.id);
    expect([...whole].sort()).toEqual([...own].sort());
    const pages = await walk(lead.http, '/api/bodies?limit=2');
    expect(pages.map((p) => p.length)).toEqual([2, 2]);
    expect(pages.flat()).toEqual(whole);
  });

  test('what a lead leads follows the events that change the contact persons, and the migration writes the same rows', async () => {
    const lead = await t.user('lead', { username: 'lea-2', contactId: contact });
    const dropped = ids[ledAt[1]];
    const profile = (await t.http.get(`/api/bodies/${dropped}`).expect(200)).body.context.profile;
    await t.http
      .post(`/api/bodies/${dropped}/events`)
      .send({ type: 'revised', data: { contactIds: profile.contactIds.filter((id: string) => id !== contact) } })
      .expect(200);
    const added = ids[0];
    const before = (await t.http.get(`/api/bodies/${added}`).expect(200)).body.context.profile.contactIds;
    await t.http.post(`/api/bodies/${added}/events`).send({ type: 'revised', data: { contactIds: [...before, contact] } }).expect(200);

    const seen = (await lead.http.get('/api/bodies?limit=10').expect(200)).body.map((b: { id: string }) => b.id);
    expect(seen.sort()).toEqual([ids[0], ids[1], ids[5], ids[6]].sort());
    await lead.http.get(`/api/bodies/${dropped}`).expect(404);
    await lead.http.get(`/api/bodies/${added}`).expect(200);

    const db = t.app.get(Database);
    const rows = () => db.query<{ body_id: string; contact_id: string }>('SELECT body_id, contact_id FROM body_contacts ORDER BY body_id, contact_id');
    const written = await rows();
    expect(written.filter((r) => r.contact_id === contact).map((r) => r.body_id).sort()).toEqual(seen);
    await migrateDownAndUp(t.config.database, new BodyListPages1767700000000());
    expect(await rows()).toEqual(written);
  });

  test('each body in the list reads as its own context says, also a term written as a month (the list reads only these fields)', async () => {
    const id = ids[4];
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted' }).expect(200);
    const effect = { body: id, effect: 'approved', data: { approvedUntil: { month: '2027-07' } } };
    await t.http.post('/api/decisions').send({ number: '2026/40', issuer: 'IT-PLR', date: '2026-11-27', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Beschluss 2026/40', effects: [effect] }).expect(201);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'approved', data: effect.data, decision: '2026/40' }).expect(200);
    const listed = (await t.http.get('/api/bodies').expect(200)).body as Array<Record<string, unknown>>;
    expect(listed.map((b) => b.id).sort()).toEqual([...ids].sort());
    for (const entry of listed) {
      const { context, version } = (await t.http.get(`/api/bodies/${String(entry.id)}`).expect(200)).body;
      const { title, shortName, kind, parent, leads } = context.profile;
      expect(entry).toMatchObject({
        title,
        shortName,
        kind,
        parent,
        leads,
        version,
        approvedUntil: context.approvedUntil,
        approvedUntilAsWritten: context.approvedUntilAsWritten ?? null,
        permanent: context.permanent,
        endedOn: context.endedOn,
      });
    }
    expect(listed.find((b) => b.id === id)).toMatchObject({ approvedUntil: '2027-07-31', approvedUntilAsWritten: { month: '2027-07' } });
  });

  test('a bad limit or a continuation not from a link is refused with 400 naming it', async () => {
    for (const [query, path] of [
      ['limit=0', 'query.limit'],
      ['limit=1001', 'query.limit'],
      ['limit=zwei', 'query.limit'],
      ['limit=2&after=kaputt', 'query.after'],
      [`limit=2&after=${Buffer.from('[1,2]').toString('base64url')}`, 'query.after'],
    ]) {
      const response = await t.http.get(`/api/bodies?${query}`).expect(400);
      expect(response.body.details).toEqual([expect.objectContaining({ path })]);
    }
    const refused = await t.http.get('/api/bodies?limit=2&after=kaputt').expect(400);
    expect(refused.body.message).toContain('Link-Header');
  });
});
