/**
 * The Fristen page lists the open Fristen of bodies held for their Nacherfassung on their own,
 * „Nacherfassung – Überwachung ruht“, counted and paged like the other lists, and no longer
 * under „Anstehend“, where a Frist whose day has passed read as if it were still to come.
 */
import { importHeldAndOther } from './support/held-body';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

describe.each(testDatabaseKinds())('the Fristen page with a body held for its Nacherfassung (%s)', (database) => {
  let t: TestApp;
  let held: string;
  let other: string;

  beforeEach(async () => {
    t = await startTestApp({ database, now: '2024-12-10T09:00:00Z' });
    ({ held, other } = await importHeldAndOther(t));
  });
  afterEach(() => t.close());

  /** The section of the page under the heading `id`, or null. */
  const section = (page: string, id: string): string | null => {
    const start = page.indexOf(`<section aria-labelledby="${id}">`);
    return start < 0 ? null : page.slice(start, page.indexOf('</section>', start));
  };
  const openFristen = async (body: string) =>
    ((await t.http.get('/api/deadlines').query({ body, met: 'false' }).expect(200)).body as Array<{ effectiveDate: string | null }>).length;

  it('lists the held body’s open Fristen under „Nacherfassung – Überwachung ruht“, counted, and none of them under „Anstehend“', async () => {
    const page = (await t.http.get('/fristen').expect(200)).text;
    const list = section(page, 'held')!;
    expect(list).toContain(`<h2 id="held">Nacherfassung – Überwachung ruht (${await openFristen(held)})</h2>`);
    expect(list).toContain(`/gremien/${held}"`);
    expect(list).not.toContain(`/gremien/${other}"`);
    // Among them the Zwischenbericht of November 2024, whose day has passed.
    expect(list).toContain('<strong class="tag backfill">Nacherfassung – Überwachung ruht</strong>');
    const upcoming = section(page, 'upcoming')!;
    expect(upcoming).not.toContain(`/gremien/${held}"`);
    expect(upcoming).toContain(`/gremien/${other}"`);
    expect(section(page, 'overdue')).not.toContain(`/gremien/${held}"`);
  });

  it('shows no such list once the hold has ended, and refuses a page number of it that is none in German', async () => {
    const refused = await t.http.get('/fristen').query({ nacherfassung: 'zwei' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('„zwei“ ist keine Seitenzahl: erwartet wird eine ganze Zahl ab 1.');
    await t.http.post(`/api/bodies/${held}/backfill/end`).send({ reason: 'Geschichte erfasst' }).expect(200);
    const page = (await t.http.get('/fristen').expect(200)).text;
    expect(section(page, 'held')).toBeNull();
  });
});
