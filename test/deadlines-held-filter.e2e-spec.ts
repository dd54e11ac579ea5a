/**
 * `GET /api/deadlines?held=true|false`: the Fristen of the bodies held for their Nacherfassung,
 * or only those of the others, so that API users get the split the Fristen page shows
 * („Nacherfassung – Überwachung ruht“ apart from „Anstehend“).
 */
import { importHeldAndOther } from './support/held-body';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

interface Frist {
  key: string;
  bodyId: string;
  status: string;
  backfillSince: string | null;
}

describe.each(testDatabaseKinds())('GET /api/deadlines filtered by Nacherfassung (%s)', (database) => {
  let t: TestApp;
  let held: string;
  let other: string;

  beforeEach(async () => {
    t = await startTestApp({ database, now: '2024-12-10T09:00:00Z' });
    ({ held, other } = await importHeldAndOther(t));
  });
  afterEach(() => t.close());

  const fristen = async (query: Record<string, string>) => (await t.http.get('/api/deadlines').query(query).expect(200)).body as Frist[];
  const keys = (list: Frist[]) => list.map((d) => d.key).sort();

  it('held=true gives only the held body’s Fristen, held=false only the others’, together all of them', async () => {
    const all = await fristen({});
    const onHold = await fristen({ held: 'true' });
    const running = await fristen({ held: 'false' });
    expect(onHold.length).toBeGreaterThan(0);
    expect(running.length).toBeGreaterThan(0);
    expect(new Set(onHold.map((d) => d.bodyId))).toEqual(new Set([held]));
    expect(onHold.every((d) => d.backfillSince === '2024-12-10T09:00:00.000Z')).toBe(true);
    expect(new Set(running.map((d) => d.bodyId))).toEqual(new Set([other]));
    expect(running.every((d) => d.backfillSince === null)).toBe(true);
    expect(keys([...onHold, ...running])).toEqual(keys(all));
  });

  it('with met and overdue it gives the Fristen page’s lists: the held body’s open Fristen apart, and „Anstehend“ without them', async () => {
    const openHeld = await fristen({ held: 'true', met: 'false' });
    expect(keys(openHeld)).toEqual(keys((await fristen({ body: held })).filter((d) => d.status !== 'met')));
    const upcoming = await fristen({ overdue: 'false', met: 'false', held: 'false' });
    expect(upcoming.length).toBeGreaterThan(0);
    expect(upcoming.some((d) => d.bodyId === held)).toBe(false);
    // Without held, the held body's open Fristen are among those not overdue (they raise no alarm).
    expect((await fristen({ overdue: 'false', met: 'false' })).some((d) => d.bodyId === held)).toBe(true);
    // Held Fristen are never overdue, so asking for both finds none.
    expect(await fristen({ held: 'true', overdue: 'true' })).toEqual([]);
  });

  it('keeps the filter in the link to the next page', async () => {
    const first = await t.http.get('/api/deadlines').query({ held: 'true', limit: '1' }).expect(200);
    expect(first.body).toHaveLength(1);
    expect(first.headers.link).toBe('</api/deadlines?held=true&limit=1&offset=1>; rel="next"');
    const second = await t.http.get('/api/deadlines?held=true&limit=1&offset=1').expect(200);
    expect(second.body.map((d: Frist) => d.bodyId)).toEqual([held]);
  });

  it('refuses a value other than true or false with 400 at query.held, as it does for met', async () => {
    for (const value of ['ja', '1', 'TRUE', '']) {
      const refused = await t.http.get('/api/deadlines').query({ held: value }).expect(400);
      expect(refused.body.details).toEqual([{ path: 'query.held', message: expect.any(String) }]);
    }
    const met = await t.http.get('/api/deadlines').query({ met: 'ja' }).expect(400);
    expect(met.body.details).toEqual([{ path: 'query.met', message: expect.any(String) }]);
  });
});
