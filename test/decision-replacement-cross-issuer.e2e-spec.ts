/**
 * An AL-Runde decision recorded as the IT-PLR's by mistake (the forms write the AL-Runde's numbers
 * without their suffix: „Beschluss 2024/09“), carried out and withdrawn: the decision recorded
 * under the right issuer takes the body's event over (`replaces` names the withdrawn one as its
 * number reads: `2026/41` is the IT-PLR's), and so in the other direction.
 */
import { approvedBodies } from './support/approved-bodies';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('a decision that replaces a withdrawn one of the other issuer on %s', (database) => {
  let t: TestApp;
  let s: string;

  const path = (issuer: string, number: string) => `/api/decisions/${issuer}/${encodeURIComponent(number)}`;
  const extension = (body: string) => ({ body, effect: 'extended', data: { approvedUntil: '2027-06-30' } });
  const record = (issuer: string, number: string, extra: object = {}) =>
    t.http.post('/api/decisions').send({ number, issuer, date: '2026-11-10', procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects: [extension(s)], ...extra });

  beforeEach(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
    [s] = await approvedBodies(t, [{ title: 'Arbeitsgruppe S' }]);
  }, 90_000);
  afterEach(() => t.close());

  test('an AL-Runde decision replaces the IT-PLR decision of the same number recorded by mistake', async () => {
    await record('IT-PLR', '2026/41').expect(201);
    const applied = (await t.http.post(`${path('IT-PLR', '2026/41')}/apply`).send({ occurredAt: '2026-11-25' }).expect(200)).body;
    await t.http.post(`${path('IT-PLR', '2026/41')}/withdrawal`).send({ reason: 'ein Beschluss der AL-Runde: 2026/41-AL' }).expect(200);

    const replacing = await record('AL-Runde', '2026/41-AL', { replaces: '2026/41' });
    expect([replacing.status, replacing.body.effects?.[0]?.replaces]).toEqual([201, { number: '2026/41', issuer: 'IT-PLR', version: applied.version }]);
    const rows = (await t.http.get('/api/decision-control').expect(200)).body as any[];
    expect(rows.map((r) => [r.decision.number, r.state])).toEqual(
      expect.arrayContaining([
        ['2026/41', 'replaced'],
        ['2026/41-AL', 'done'],
      ]),
    );
    expect(rows.find((r) => r.decision.number === '2026/41').replacedBy).toEqual({ number: '2026/41-AL', issuer: 'AL-Runde', date: '2026-11-10', withdrawn: null });
    // The register: the withdrawn IT-PLR decision names its replacement of the AL-Runde.
    const withdrawn = (await t.http.get(path('IT-PLR', '2026/41')).expect(200)).body;
    expect(withdrawn.effects[0].replacedBy).toEqual(expect.objectContaining({ number: '2026/41-AL', issuer: 'AL-Runde' }));
  });

  test('an IT-PLR decision replaces an AL-Runde decision recorded by mistake; a number of its own issuer is preferred where both are recorded', async () => {
    await record('AL-Runde', '2026/42-AL').expect(201);
    const applied = (await t.http.post(`${path('AL-Runde', '2026/42-AL')}/apply`).send({ occurredAt: '2026-11-25' }).expect(200)).body;
    await t.http.post(`${path('AL-Runde', '2026/42-AL')}/withdrawal`).send({ reason: 'ein Beschluss des IT-PLR: 2026/42' }).expect(200);
    const replacing = await record('IT-PLR', '2026/42', { replaces: '2026/42-AL' });
    expect([replacing.status, replacing.body.effects?.[0]?.replaces]).toEqual([201, { number: '2026/42-AL', issuer: 'AL-Runde', version: applied.version }]);

    // 2026/43 of the AL-Runde is 2026/43-AL, recorded (and standing): named so, not the IT-PLR's 2026/43.
    await record('IT-PLR', '2026/43', { effects: [] }).expect(201);
    await record('AL-Runde', '2026/43-AL', { effects: [] }).expect(201);
    const refused = await record('AL-Runde', '2026/44-AL', { replaces: '2026/43' }).expect(422);
    expect(refused.body.message).toContain('Beschluss 2026/43-AL (AL-Runde)');
    // Nothing recorded under either reading: the own issuer's is named.
    const unknown = await record('AL-Runde', '2026/45-AL', { replaces: '2026/47' }).expect(422);
    expect(unknown.body.message).toContain('Beschluss 2026/47-AL (AL-Runde) ist nicht erfasst');
  });
});
