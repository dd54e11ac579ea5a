/**
 * A replaced Beschluss shows as replaced everywhere: the body page and its answer follow a chain of
 * replacements (a replacing decision withdrawn and replaced in turn) to the decision that stands
 * now, as do `show` and the Zeitleiste; the CLI register marks a withdrawn decision, and `decision
 * apply` of a decision whose effect was taken over says that it is carried out already.
 */
import { replacementChain, replacementsOf, type Replacements } from '../src/decisions/register';
import { cliAgainst } from './support/cli-run';
import { approvedBodies } from './support/approved-bodies';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe('replacementChain follows a chain of replacements', () => {
  /** The decision the event rests on now: the chain's last, none when nothing took it over. */
  const lastReplacement = (replacements: Replacements, withdrawn: { issuer: string; number: string }, bodyId: string, version: number) =>
    replacementChain(replacements, withdrawn, bodyId, version).at(-1) ?? null;

  const replacing = (number: string, replaced: string) => ({ number, issuer: 'AL-Runde', effects: [{ body: 'b', effect: 'extended' as const, data: {}, replaces: { number: replaced, issuer: 'AL-Runde', version: 4 } }] });
  const withdrawn = { number: '2026/41-AL', issuer: 'AL-Runde' };

  test('to the last decision of the chain, and to none when nothing took the event over', () => {
    const chain = replacementsOf([replacing('2026/40-AL', '2026/41-AL'), replacing('2026/43-AL', '2026/40-AL')]);
    expect(replacementChain(chain, withdrawn, 'b', 4).map((d) => d.number)).toEqual(['2026/40-AL', '2026/43-AL']);
    expect(lastReplacement(chain, withdrawn, 'b', 4)).toEqual({ number: '2026/43-AL', issuer: 'AL-Runde' });
    expect(lastReplacement(chain, withdrawn, 'b', 5)).toBeNull();
    expect(lastReplacement(chain, withdrawn, 'other', 4)).toBeNull();
  });

  test('a loop ends at the last decision before one repeats', () => {
    const loop = replacementsOf([replacing('2026/40-AL', '2026/41-AL'), replacing('2026/41-AL', '2026/40-AL')]);
    expect(lastReplacement(loop, withdrawn, 'b', 4)).toEqual({ number: '2026/40-AL', issuer: 'AL-Runde' });
  });
});

describe.each(testDatabaseKinds())('a replaced decision as the pages and the CLI show it on %s', (database) => {
  let t: TestApp;
  let s: string;
  let u: string;

  const path = (number: string) => `/api/decisions/AL-Runde/${encodeURIComponent(number)}`;
  const extension = (body: string) => ({ body, effect: 'extended', data: { approvedUntil: '2027-06-30' } });
  const record = (number: string, effects: object[], extra: object = {}) =>
    t.http.post('/api/decisions').send({ number, issuer: 'AL-Runde', date: '2026-11-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects, ...extra });
  const withdraw = (number: string, reason: string) => t.http.post(`${path(number)}/withdrawal`).send({ reason }).expect(200);
  const decisionsOf = async (id: string) => (await t.http.get(`/api/bodies/${id}`).expect(200)).body.decisions as any[];

  /**
   * S and U approved by 2026/10-AL until 31.12.2026. 2026/41-AL extends S to 30.06.2027, is carried
   * out (on 25.11., after the replacing decisions' day: an event rests on no later decision) and
   * withdrawn; 2026/40-AL takes the event over. 2026/38-AL extends U, is carried out and
   * withdrawn, and nothing replaces it.
   */
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
    [s, u] = await approvedBodies(t, [{ title: 'Arbeitsgruppe S' }, { title: 'Arbeitsgruppe U' }]);
    await record('2026/41-AL', [extension(s)], { date: '2026-11-10' }).expect(201);
    await t.http.post(`${path('2026/41-AL')}/apply`).send({ occurredAt: '2026-11-25' }).expect(200);
    await record('2026/38-AL', [extension(u)], { date: '2026-11-10' }).expect(201);
    await t.http.post(`${path('2026/38-AL')}/apply`).send({ occurredAt: '2026-11-25' }).expect(200);
    await withdraw('2026/41-AL', 'richtig ist 2026/40-AL');
    await withdraw('2026/38-AL', 'irrtümlich erfasst');
    await record('2026/40-AL', [extension(s)], { replaces: '2026/41-AL' }).expect(201);
  }, 90_000);
  afterAll(() => t.close());

  test('decision apply of a decision whose only effect was taken over says that it is carried out already, naming no --index', async () => {
    const run = await cliAgainst(t, ['decision', 'apply', '2026/40-AL']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).not.toContain('--index');
    expect(run.stderr).toContain('Beschluss 2026/40-AL (AL-Runde) ist bereits umgesetzt, es bleibt nichts umzusetzen');
    expect(run.stderr).toMatch(/0: Verlängern bis 30\.06\.2027 \(extended\) für Gremium \S+ \(„Arbeitsgruppe S“\) – bereits umgesetzt \(Version \d+; das Ereignis ist unter Beschluss 2026\/41-AL \(AL-Runde\) erfasst/);
    // With --index the refusal names the option as before.
    const indexed = await cliAgainst(t, ['decision', 'apply', '2026/40-AL', '--index', '3']);
    expect(indexed.stderr).toContain('--index N: Beschluss 2026/40-AL');
  });

  test('when the replacing decision is withdrawn too, the body page names it as withdrawn and offers to replace it, not the first', async () => {
    await withdraw('2026/40-AL', 'richtig ist 2026/43-AL');
    expect((await decisionsOf(s)).find((d) => d.number === '2026/41-AL').replacedBy).toMatchObject({
      number: '2026/40-AL',
      withdrawn: { reason: 'richtig ist 2026/43-AL' },
    });
    const page = (await t.http.get(`/gremien/${s}`).expect(200)).text;
    expect(page).toContain('ersetzt durch Beschluss 2026/40-AL (AL-Runde) vom 20.11.2026');
    expect(page).toContain('auch dieser zurückgenommen am 28.11.2026');
    expect(page).toContain('ein neuer Beschluss ist nötig');
    expect(page).toContain('href="/beschluesse?ersetzt=2026%2F40-AL&amp;gremium=AL-Runde#beschluss-erfassen"');
    const show = await cliAgainst(t, ['show', s]);
    expect(show.stdout).toContain('ersetzt durch 2026/40-AL (AL-Runde) vom 20.11.2026, auch dieser zurückgenommen am 28.11.2026 („richtig ist 2026/43-AL“), ohne Grundlage');
  });

  test('replaced in turn, the body answer and page follow the chain to the decision that stands now, naming the one between', async () => {
    await record('2026/43-AL', [extension(s)], { replaces: '2026/40-AL' }).expect(201);
    const cited = (await decisionsOf(s)).find((d) => d.number === '2026/41-AL');
    expect(cited.replacedBy).toEqual({ number: '2026/43-AL', issuer: 'AL-Runde', date: '2026-11-20', withdrawn: null });
    expect(cited.replacedVia.map((d: any) => d.number)).toEqual(['2026/40-AL']);
    const page = (await t.http.get(`/gremien/${s}`).expect(200)).text;
    expect(page).toContain('Beschluss 2026/43-AL (AL-Runde) vom 20.11.2026: Verlängert');
    expect(page).toContain('ersetzt Beschluss 2026/41-AL (AL-Runde) vom 10.11.2026');
    expect(page).toContain('über Beschluss 2026/40-AL (AL-Runde) vom 20.11.2026');
    expect(page).not.toContain('ein neuer Beschluss ist nötig');
  });

  test('show says which decision replaced the withdrawn one, and that one not replaced stands without a basis', async () => {
    const shownS = await cliAgainst(t, ['show', s]);
    expect(shownS.code).toBe(0);
    expect(shownS.stdout).toMatch(/2026\/41-AL \(AL-Runde\) vom 10\.11\.2026: Verlängert am \S+ – zurückgenommen am 28\.11\.2026 \(„richtig ist 2026\/40-AL“\), ersetzt durch 2026\/40-AL \(AL-Runde\) vom 20\.11\.2026, zurückgenommen am 28\.11\.2026 \(„richtig ist 2026\/43-AL“\), dann durch 2026\/43-AL \(AL-Runde\) vom 20\.11\.2026\n/);
    expect(shownS.stdout).not.toContain('ohne Grundlage');
    const shownU = await cliAgainst(t, ['show', u]);
    expect(shownU.stdout).toContain('2026/38-AL (AL-Runde) vom 10.11.2026: Verlängert');
    expect(shownU.stdout).toContain('zurückgenommen am 28.11.2026 („irrtümlich erfasst“), ohne Grundlage');
  });

  test('the Zeitleiste labels an extension by the decision that stands, and a withdrawn one not replaced as withdrawn', async () => {
    const page = (await t.http.get('/zeitleiste').expect(200)).text;
    expect(page).toContain('(Beschluss 2026/43-AL, ersetzt 2026/41-AL)');
    expect(page).toContain('(Beschluss 2026/38-AL, zurückgenommen)');
    expect(page).not.toContain('(Beschluss 2026/41-AL)');
    expect(page).not.toContain('(Beschluss 2026/38-AL)');
  });

  test('the CLI register marks withdrawn decisions as the register page does', async () => {
    const run = await cliAgainst(t, ['decisions']);
    expect(run.code).toBe(0);
    const line = (number: string) => run.stdout.split('\n').find((l) => l.startsWith(number)) ?? '';
    expect(line('2026/38-AL')).toContain('2026/38-AL (zurückgenommen)');
    expect(line('2026/40-AL')).toContain('2026/40-AL (zurückgenommen)');
    expect(line('2026/43-AL')).not.toContain('zurückgenommen');
    expect(line('2026/10-AL')).not.toContain('zurückgenommen');
  });
});
