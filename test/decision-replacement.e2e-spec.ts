/**
 * A decision recorded under the wrong number and carried out, then withdrawn: the decision under
 * the right number takes the body's event over (`replaces`), without touching the event. The
 * register, the Beschlusskontrolle and the body page count the effect as carried out by the new
 * decision; verify and the offline verifier still find the register intact.
 */
import { createPublicKey } from 'node:crypto';
import { verifyExport } from '../src/audit/offline-verifier';
import { exportText } from './support/audit-export';
import { approvedBodies } from './support/approved-bodies';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('a decision that replaces a withdrawn one on %s', (database) => {
  let t: TestApp;
  let s: string;
  let u: string;
  let extendedVersion: number;

  const path = (number: string) => `/api/decisions/AL-Runde/${encodeURIComponent(number)}`;
  const record = (number: string, effects: object[], extra: object = {}) =>
    t.http.post('/api/decisions').send({ number, issuer: 'AL-Runde', date: '2026-11-09', procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects, ...extra });
  const extension = (body: string, approvedUntil = '2027-06-30') => ({ body, effect: 'extended', data: { approvedUntil } });
  const controlRows = async (number: string) => ((await t.http.get('/api/decision-control').expect(200)).body as any[]).filter((r) => r.decision.number === number);
  const register = async () => (await t.http.get('/api/decisions').expect(200)).body;

  /** S and U approved by 2026/10-AL until 31.12.2026; 2026/38-AL extends both to 30.06.2027, is carried out on both and withdrawn. */
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
    // Each with a contact of its own: the lead of S is not the lead of U.
    [s, u] = await approvedBodies(t, [
      { title: 'Arbeitsgruppe S', contacts: [{ name: 'Sabine Sommer', organization: 'Hessen' }] },
      { title: 'Arbeitsgruppe U', contacts: [{ name: 'Uwe Ulrich', organization: 'Bayern' }] },
    ]);
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/38-AL', issuer: 'AL-Runde', date: '2026-11-10', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Verlängerung', effects: [extension(s), extension(u)] })
      .expect(201);
    extendedVersion = (await t.http.post(`${path('2026/38-AL')}/apply`).send({ effect: 0 }).expect(200)).body.version;
    await t.http.post(`${path('2026/38-AL')}/apply`).send({ effect: 1 }).expect(200);
    // A withdrawn decision whose effect was never carried out.
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/39-AL', issuer: 'AL-Runde', date: '2026-11-10', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Umbenennung', effects: [{ body: s, effect: 'renamed', data: { title: 'AG S neu' } }] })
      .expect(201);
    for (const number of ['2026/38-AL', '2026/39-AL']) await t.http.post(`${path(number)}/withdrawal`).send({ reason: 'richtig ist 2026/33-AL' }).expect(200);
  }, 90_000);
  afterAll(() => t.close());

  test('without replaces, the decision under the right number is refused: the body has the extension already', async () => {
    const refused = await record('2026/33-AL', [extension(s)]).expect(400);
    expect(refused.body.details).toEqual([expect.objectContaining({ path: 'effects[0].data.approvedUntil', message: expect.stringContaining('Die Verlängerung muss nach dem bisherigen Ende liegen') })]);
  });

  // The bodies exist only once beforeAll ran: the effects naming them are built in the test.
  test.each([
    ['a decision that is not withdrawn', '2026/10-AL', () => [extension(s)], 'Beschluss 2026/10-AL (AL-Runde) vom 15.01.2026 ist nicht zurückgenommen'],
    ['a decision nobody recorded', '2026/37-AL', () => [extension(s)], 'Beschluss 2026/37-AL (AL-Runde) ist nicht erfasst'],
    ['other effects', '2026/38-AL', () => [extension(s, '2027-12-31')], 'Die Wirkungen unterscheiden sich: für „Arbeitsgruppe S“ ordnete er „Verlängern bis 30.06.2027“ an, dieser Beschluss „Verlängern bis 31.12.2027“'],
    ['an effect it did not have', '2026/38-AL', () => [{ body: s, effect: 'renamed', data: { title: 'AG S neu' } }], 'Er hatte für „Arbeitsgruppe S“ keine Wirkung „Umbenannt“'],
    ['an effect not carried out', '2026/39-AL', () => [{ body: s, effect: 'renamed', data: { title: 'AG S neu' } }], 'wurde für „Arbeitsgruppe S“ nicht umgesetzt'],
    ['no effect at all', '2026/38-AL', () => [], 'Ohne Wirkung übernimmt er nichts'],
  ])('replacing %s is refused with 422 at replaces, and nothing is recorded', async (_case, replaces, effects, message) => {
    const before = await register();
    const refused = await record('2026/33-AL', effects(), { replaces }).expect(422);
    expect(refused.body.message).toContain(message);
    expect(refused.body.details).toMatchObject({ path: 'replaces' });
    expect(await register()).toEqual(before);
    await t.http.get(path('2026/33-AL')).expect(404);
  });

  test('a decision dated after the event it would take over is refused: an event never rests on a later decision', async () => {
    const before = await register();
    const refused = await record('2026/32-AL', [extension(s)], { replaces: '2026/38-AL', date: '2026-11-12' }).expect(422);
    expect(refused.body.message).toContain(
      `Seine Wirkung „Verlängern bis 30.06.2027“ wurde für „Arbeitsgruppe S“ am 10.11.2026 umgesetzt (Version ${extendedVersion}), vor dem Datum dieses Beschlusses (12.11.2026)`,
    );
    expect(await register()).toEqual(before);
  });

  test('recorded with replaces, the new decision takes over the event that carried out the withdrawn one: register, apply and citations agree', async () => {
    const recorded = await record('2026/33-AL', [extension(s)], { replaces: '2026/38-AL', reason: 'unter falscher Nummer erfasst' }).expect(201);
    expect(recorded.body.effects).toEqual([{ ...extension(s), replaces: { number: '2026/38-AL', issuer: 'AL-Runde', version: extendedVersion } }]);

    const replacing = (await t.http.get(path('2026/33-AL')).expect(200)).body;
    const event = { bodyId: s, version: extendedVersion, type: 'extended', cites: { number: '2026/38-AL', issuer: 'AL-Runde' } };
    expect(replacing.effects[0].appliedBy).toMatchObject(event);
    expect(replacing.citedBy).toEqual([expect.objectContaining(event)]);
    const withdrawn = (await t.http.get(path('2026/38-AL')).expect(200)).body;
    expect(withdrawn.withdrawn).toMatchObject({ reason: 'richtig ist 2026/33-AL' });
    expect(withdrawn.effects.map((e: any) => [e.body, e.appliedBy?.version ?? null, e.replacedBy])).toEqual([
      [s, extendedVersion, { number: '2026/33-AL', issuer: 'AL-Runde', date: '2026-11-09', withdrawn: null }],
      [u, expect.any(Number), null],
    ]);

    // Carried out already: nothing to apply, and no second event may cite it for the same effect.
    const apply = await t.http.post(`${path('2026/33-AL')}/apply`).send({}).expect(400);
    expect(apply.body.message).toContain('hat keine offene Wirkung');
    const again = await t.http.post(`/api/bodies/${s}/events`).send({ type: 'extended', decision: '2026/33-AL', data: { approvedUntil: '2027-06-30' } }).expect(422);
    expect(again.body.message).toContain('ist für dieses Gremium bereits umgesetzt');
    // The body's event is as it was: it still cites the withdrawn number.
    const history = (await t.http.get(`/api/bodies/${s}/history`).expect(200)).body.events as any[];
    expect(history.find((e) => e.version === extendedVersion).decision).toMatchObject({ number: '2026/38-AL' });

    // The same event is taken over once.
    const twice = await record('2026/34-AL', [extension(s)], { replaces: '2026/38-AL' }).expect(422);
    expect(twice.body.message).toContain('hat bereits Beschluss 2026/33-AL (AL-Runde) übernommen');
  });

  test('the Beschlusskontrolle counts the effect as done by the new decision; the withdrawn one is replaced there, not „neuer Beschluss nötig“', async () => {
    expect((await controlRows('2026/33-AL')).map((r) => [r.bodyId, r.state, r.appliedBy])).toEqual([
      [s, 'done', expect.objectContaining({ version: extendedVersion, cites: { number: '2026/38-AL', issuer: 'AL-Runde' } })],
    ]);
    expect((await controlRows('2026/38-AL')).map((r) => [r.bodyId, r.state, r.stateLabel, r.replacedBy])).toEqual([
      [s, 'replaced', 'umgesetzt, Beschluss ersetzt durch 2026/33-AL', { number: '2026/33-AL', issuer: 'AL-Runde', date: '2026-11-09', withdrawn: null }],
      [u, 'appliedWithdrawn', 'umgesetzt, Beschluss zurückgenommen', null],
    ]);
    const filtered = (await t.http.get('/api/decision-control?state=replaced').expect(200)).body as any[];
    expect(filtered.map((r) => `${r.decision.number}:${r.bodyId}`)).toEqual([`2026/38-AL:${s}`]);

    // U still needs a new decision: the page offers the form with „Ersetzt Beschluss“ filled in.
    const page = (await t.http.get('/beschlusskontrolle').expect(200)).text;
    expect(page).toContain('href="/beschluesse?ersetzt=2026%2F38-AL&amp;gremium=AL-Runde#beschluss-erfassen"');
    const form = (await t.http.get('/beschluesse?ersetzt=2026%2F38-AL&gremium=AL-Runde').expect(200)).text;
    expect(form).toMatch(/id="beschluss-erfassen-replaces"[^>]*value="2026\/38-AL"/);
  });

  test('the body page lists the event under the new number, the withdrawn decision as replaced', async () => {
    const body = (await t.http.get(`/api/bodies/${s}`).expect(200)).body;
    expect(body.decisions.find((d: any) => d.number === '2026/38-AL')).toMatchObject({
      withdrawn: { reason: 'richtig ist 2026/33-AL' },
      replacedBy: { number: '2026/33-AL', issuer: 'AL-Runde', date: '2026-11-09' },
    });
    const page = (await t.http.get(`/gremien/${s}`).expect(200)).text;
    expect(page).toContain('Beschluss 2026/33-AL (AL-Runde) vom 09.11.2026: Verlängert');
    expect(page).toContain('ersetzt Beschluss 2026/38-AL (AL-Runde) vom 10.11.2026');
    expect(page).not.toContain('ein neuer Beschluss ist nötig');
    expect(page).not.toContain('Neuen Beschluss erfassen, der ihn ersetzt');

    // U's event is not taken over yet: its page offers the Geschäftsstelle the form that replaces the decision, an auditor not.
    const link = 'href="/beschluesse?ersetzt=2026%2F38-AL&amp;gremium=AL-Runde#beschluss-erfassen" class="no-print replace-link">Neuen Beschluss erfassen, der ihn ersetzt';
    expect((await t.http.get(`/gremien/${u}`).expect(200)).text).toContain(link);
    const auditor = await t.user('auditor', { username: 'pruefung-ersetzen' });
    const seen = (await auditor.http.get(`/gremien/${u}`).expect(200)).text;
    expect(seen).toContain('ein neuer Beschluss ist nötig');
    expect(seen).not.toContain('Neuen Beschluss erfassen, der ihn ersetzt');
  });

  test('by amendment: without replaces the effect is refused as at recording, with replaces it is taken over and kept when the effects are listed again', async () => {
    await record('2026/35-AL', []).expect(201);
    const refused = await t.http.patch(path('2026/35-AL')).send({ effects: [extension(u)], reason: 'Wirkung ergänzt' }).expect(400);
    expect(refused.body.details[0].message).toContain('Die Verlängerung muss nach dem bisherigen Ende liegen');
    const amended = await t.http.patch(path('2026/35-AL')).send({ effects: [extension(u)], replaces: '2026/38-AL', reason: 'ersetzt 2026/38-AL für U' }).expect(200);
    expect(amended.body.effects[0].replaces).toMatchObject({ number: '2026/38-AL', issuer: 'AL-Runde' });
    // „Wirkung ergänzen“ sends the effects as shown plus a new one: what was taken over stays.
    const renamed = { body: u, effect: 'renamed', data: { title: 'AG U neu' } };
    const added = await t.http.patch(path('2026/35-AL')).send({ effects: [extension(u), renamed], reason: 'Umbenennung ergänzt' }).expect(200);
    expect(added.body.effects).toEqual([{ ...extension(u), replaces: amended.body.effects[0].replaces }, renamed]);
    expect((await controlRows('2026/38-AL')).map((r) => r.state)).toEqual(['replaced', 'replaced']);
    expect((await t.http.get('/beschlusskontrolle').expect(200)).text).not.toContain('Neuen Beschluss erfassen, der ihn ersetzt');
  });

  test('verify and the offline verifier find the register intact after the replacement, the stream carries it', async () => {
    const verify = (await t.http.get('/api/audit/verify').expect(200)).body;
    expect(verify).toMatchObject({ intact: true });
    const text = await exportText(t);
    const report = await verifyExport(
      text.split('\n').filter((line) => line.trim() !== ''),
      createPublicKey((await t.http.get('/api/audit/public-key').expect(200)).body.pem),
    );
    // Without a checkpoint yet the verifier only warns that a recomputed log would go unnoticed.
    expect(report.findings.filter((f) => f.severity !== 'warning')).toEqual([]);
    expect(report.ok).toBe(true);
    const history = (await t.http.get(`${path('2026/33-AL')}/history`).expect(200)).body.events;
    expect(history[0].data.effects[0].replaces).toEqual({ number: '2026/38-AL', issuer: 'AL-Runde', version: extendedVersion });
  });

  test('a lead sees only the effects on its own bodies, each with the event that carried it out', async () => {
    const contactOf = async (id: string) => (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds[0] as string;
    const lead = await t.user('lead', { username: 'lead-s', contactId: await contactOf(s) });
    const seen = (await lead.http.get(path('2026/38-AL')).expect(200)).body;
    expect(seen.effects.map((e: any) => [e.body, e.appliedBy?.version])).toEqual([[s, extendedVersion]]);
    expect(seen.citedBy.map((e: any) => e.bodyId)).toEqual([s]);
  });

  test('the events it took over rest on the replacing decision as on one they cite: its date, type and taken-over effect stay', async () => {
    const before = await register();
    for (const change of [{ date: '2026-11-08' }, { type: 'Auftrag' }, { effects: [] }]) {
      const refused = await t.http.patch(path('2026/33-AL')).send({ ...change, reason: 'Versuch' });
      expect([refused.status, refused.body.message]).toEqual([422, expect.stringContaining('Beschluss 2026/33-AL (AL-Runde) vom 09.11.2026 wird bereits zitiert')]);
    }
    expect(await register()).toEqual(before);
  });
});
