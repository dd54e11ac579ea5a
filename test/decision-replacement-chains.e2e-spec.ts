/**
 * The Beschlusskontrolle and a decision's answer (`GET /api/decisions/…`, CLI `decision show`)
 * follow a chain of replacements as the body page does: a withdrawn decision's carried-out effect
 * rests on the last decision that took it over; while that one is withdrawn too and nothing
 * replaced it, a new decision is needed — one that replaces that last one, needed at its row only.
 */
import { cliAgainst } from './support/cli-run';
import { approvedBodies } from './support/approved-bodies';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('a chain of replacements in the Beschlusskontrolle and decision show on %s', (database) => {
  let t: TestApp;
  let s: string;
  let u: string;
  let v: string;

  const path = (number: string) => `/api/decisions/AL-Runde/${encodeURIComponent(number)}`;
  const extension = (body: string) => ({ body, effect: 'extended', data: { approvedUntil: '2027-06-30' } });
  const record = (number: string, effects: object[], extra: object = {}) =>
    t.http.post('/api/decisions').send({ number, issuer: 'AL-Runde', date: '2026-11-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects, ...extra });
  const withdraw = (number: string, reason: string) => t.http.post(`${path(number)}/withdrawal`).send({ reason }).expect(200);
  const rowsOf = async (number: string) => ((await t.http.get('/api/decision-control').expect(200)).body as any[]).filter((r) => r.decision.number === number);
  const replacedBy = async (number: string) => (await t.http.get(path(number)).expect(200)).body.effects.map((e: any) => e.replacedBy);
  const bodyAnswerOf = async (body: string, number: string) => ((await t.http.get(`/api/bodies/${body}`).expect(200)).body.decisions as any[]).find((d) => d.number === number);
  /** A replacing decision as every answer names it: recorded on 20.11., and withdrawn (when, by whom, why) or standing. */
  const replacing = (number: string, reason: string | null) => ({
    number,
    issuer: 'AL-Runde',
    date: '2026-11-20',
    withdrawn: reason === null ? null : { at: '2026-11-28T09:00:00.000Z', actor: 'geschaeftsstelle', reason },
  });
  const replaceLink = (number: string) => `href="/beschluesse?ersetzt=${encodeURIComponent(number)}&amp;gremium=AL-Runde#beschluss-erfassen"`;

  /**
   * S, U and V approved by 2026/10-AL until 31.12.2026. 2026/41-AL extends S, is carried out on
   * 25.11. and withdrawn; 2026/40-AL takes the event over and is withdrawn too, nothing replaces it
   * yet. 2026/38-AL extends U and V, both carried out, and is withdrawn; 2026/37-AL takes over U's
   * event only and is withdrawn too.
   */
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
    [s, u, v] = await approvedBodies(t, [{ title: 'Arbeitsgruppe S' }, { title: 'Arbeitsgruppe U' }, { title: 'Arbeitsgruppe V' }]);
    await record('2026/41-AL', [extension(s)], { date: '2026-11-10' }).expect(201);
    await t.http.post(`${path('2026/41-AL')}/apply`).send({ occurredAt: '2026-11-25' }).expect(200);
    await record('2026/38-AL', [extension(u), extension(v)], { date: '2026-11-10' }).expect(201);
    for (const effect of [0, 1]) await t.http.post(`${path('2026/38-AL')}/apply`).send({ effect, occurredAt: '2026-11-25' }).expect(200);
    await withdraw('2026/41-AL', 'richtig ist 2026/40-AL');
    await withdraw('2026/38-AL', 'richtig ist 2026/37-AL');
    await record('2026/40-AL', [extension(s)], { replaces: '2026/41-AL' }).expect(201);
    await record('2026/37-AL', [extension(u)], { replaces: '2026/38-AL' }).expect(201);
    await withdraw('2026/40-AL', 'richtig ist 2026/43-AL');
    await withdraw('2026/37-AL', 'irrtümlich erfasst');
  }, 90_000);
  afterAll(() => t.close());

  test('when the replacing decision is withdrawn too, the new decision is needed at that one; the first names it as replaced by one withdrawn too', async () => {
    expect((await rowsOf('2026/41-AL')).map((r) => [r.bodyId, r.state, r.stateLabel, r.replacedBy])).toEqual([
      [s, 'replaced', 'umgesetzt, Beschluss ersetzt durch 2026/40-AL (auch dieser zurückgenommen: dort ist ein neuer Beschluss nötig)', replacing('2026/40-AL', 'richtig ist 2026/43-AL')],
    ]);
    expect((await rowsOf('2026/40-AL')).map((r) => [r.bodyId, r.state, r.replacedBy])).toEqual([[s, 'appliedWithdrawn', null]]);
    const replaced = (await t.http.get('/api/decision-control?state=replaced').expect(200)).body as any[];
    expect(replaced.map((r) => `${r.decision.number}:${r.bodyId}`).sort()).toEqual([`2026/38-AL:${u}`, `2026/41-AL:${s}`].sort());
    // One open item per event: S's at 2026/40-AL, U's at 2026/37-AL, V's at 2026/38-AL.
    const needed = (await t.http.get('/api/decision-control?state=appliedWithdrawn').expect(200)).body as any[];
    expect(needed.map((r) => `${r.decision.number}:${r.bodyId}`).sort()).toEqual([`2026/37-AL:${u}`, `2026/38-AL:${v}`, `2026/40-AL:${s}`].sort());

    const csv = (await t.http.get('/api/decision-control.csv').expect(200)).text;
    expect(csv.split('\r\n').find((l) => l.startsWith('2026/41-AL;'))).toContain('umgesetzt, Beschluss ersetzt durch 2026/40-AL (auch dieser zurückgenommen: dort ist ein neuer Beschluss nötig)');
  });

  test('the page offers to replace the last of the chain at its own group only; a decision whose effects stand on different ones says so per effect', async () => {
    const page = (await t.http.get('/beschlusskontrolle').expect(200)).text;
    expect(page).toContain('was davon umgesetzt ist, hat Beschluss 2026/40-AL übernommen (auch dieser ist zurückgenommen: dort ist ein neuer Beschluss nötig)');
    expect(page).toContain(`${replaceLink('2026/40-AL')} class="no-print replace-link">Neuen Beschluss erfassen, der ihn ersetzt`);
    expect(page.split(replaceLink('2026/40-AL'))).toHaveLength(2);
    expect(page).not.toContain(replaceLink('2026/41-AL'));
    expect(page).toContain('übernommen von Beschluss 2026/40-AL, auch dieser zurückgenommen');
    // 2026/38-AL: V's event was never taken over (replace 2026/38-AL), U's rests on the withdrawn 2026/37-AL (replace that one, at its group).
    expect(page).toContain(`${replaceLink('2026/38-AL')} class="no-print replace-link">Neuen Beschluss erfassen, der ihn ersetzt`);
    expect(page).toContain('übernommen von Beschluss 2026/37-AL, auch dieser zurückgenommen');
    expect(page).toContain(`${replaceLink('2026/37-AL')} class="no-print replace-link">Neuen Beschluss erfassen, der ihn ersetzt`);
    expect(page.split(replaceLink('2026/37-AL'))).toHaveLength(2);
  });

  test('the decision answer and decision show name the last of the chain and that it is withdrawn too', async () => {
    expect(await replacedBy('2026/41-AL')).toEqual([replacing('2026/40-AL', 'richtig ist 2026/43-AL')]);
    expect(await replacedBy('2026/38-AL')).toEqual([replacing('2026/37-AL', 'irrtümlich erfasst'), null]);
    const show = await cliAgainst(t, ['decision', 'show', '2026/41-AL']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('übernommen von Beschluss 2026/40-AL, auch dieser zurückgenommen: dort ist ein neuer Beschluss nötig, einer, der 2026/40-AL ersetzt');
  });

  test('the decision answer, the Beschlusskontrolle and the body answer name the replacing decision in one shape: date and withdrawal (when, by whom, why)', async () => {
    const [control] = (await rowsOf('2026/41-AL')).map((r) => r.replacedBy);
    const [answer] = await replacedBy('2026/41-AL');
    const body = (await bodyAnswerOf(s, '2026/41-AL')).replacedBy;
    expect(control).toEqual(replacing('2026/40-AL', 'richtig ist 2026/43-AL'));
    expect(answer).toEqual(control);
    expect(body).toEqual(control);
  });

  test('decision show says of a carried-out effect no other decision took over that it stands without basis', async () => {
    const lines = (await cliAgainst(t, ['decision', 'show', '2026/38-AL'])).stdout.split('\n');
    expect(lines.find((l) => l.includes('Arbeitsgruppe U'))).toMatch(/übernommen von Beschluss 2026\/37-AL, auch dieser zurückgenommen: dort ist ein neuer Beschluss nötig, einer, der 2026\/37-AL ersetzt$/);
    expect(lines.find((l) => l.includes('Arbeitsgruppe V'))).toMatch(/– umgesetzt \(Version \d+\): steht ohne Grundlage, ein neuer Beschluss ist nötig$/);
    // The withdrawn 2026/40-AL carried out its effect by taking over 2026/41-AL's event, and nothing replaced it yet.
    expect((await cliAgainst(t, ['decision', 'show', '2026/40-AL'])).stdout).toMatch(
      /– umgesetzt \(Version \d+, unter dem ersetzten Beschluss 2026\/41-AL\): steht ohne Grundlage, ein neuer Beschluss ist nötig$/m,
    );
  });

  test('replaced in turn, every row, the answer and decision show follow the chain to the decision that stands', async () => {
    await record('2026/43-AL', [extension(s)], { replaces: '2026/40-AL' }).expect(201);
    expect((await rowsOf('2026/41-AL')).map((r) => [r.state, r.stateLabel, r.replacedBy])).toEqual([
      ['replaced', 'umgesetzt, Beschluss ersetzt durch 2026/43-AL', replacing('2026/43-AL', null)],
    ]);
    expect((await rowsOf('2026/40-AL')).map((r) => [r.state, r.replacedBy])).toEqual([['replaced', replacing('2026/43-AL', null)]]);
    expect((await rowsOf('2026/43-AL')).map((r) => [r.state, r.appliedBy.cites])).toEqual([['done', { number: '2026/41-AL', issuer: 'AL-Runde' }]]);
    expect(await replacedBy('2026/41-AL')).toEqual([replacing('2026/43-AL', null)]);

    const page = (await t.http.get('/beschlusskontrolle').expect(200)).text;
    expect(page).toContain('was davon umgesetzt ist, hat Beschluss 2026/43-AL übernommen');
    expect(page).not.toContain(replaceLink('2026/40-AL'));
    expect(page).not.toContain('übernommen von Beschluss 2026/40-AL');

    const show = await cliAgainst(t, ['decision', 'show', '2026/41-AL']);
    expect(show.stdout).toContain('übernommen von Beschluss 2026/43-AL');
    expect(show.stdout).not.toContain('ohne Grundlage');
  });
});
