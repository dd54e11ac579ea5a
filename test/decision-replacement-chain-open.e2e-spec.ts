/**
 * One event of a body, carried out under a decision that was withdrawn and replaced, the replacing
 * one withdrawn in turn: the Beschlusskontrolle counts the open item once, at the last decision of
 * the chain (the older links say who took their effect over), the body page names every link of
 * the chain in order, and each answer names the last one's withdrawal as the decision's own
 * withdrawal reads (when, why, by whom).
 */
import { decisionPath, replacementChainSuite } from './support/replacement-chain';
import { testDatabaseKinds } from './support/test-app';

/** The page's decision groups (one `<tbody>` each) as text, by the decision's number. */
function decisionGroups(html: string): Map<string, string> {
  const groups = [...html.matchAll(/<tbody class="decision-group">([\s\S]*?)<\/tbody>/g)].map((m) => m[1]);
  return new Map(groups.map((g) => [/>Beschluss (\S+)<\/a>/.exec(g)![1], g]));
}

/** The body page's item of the decision list that mentions `number` first, without tags. */
function decisionItem(html: string, number: string): string {
  const list = /<dt>Beschlüsse<\/dt><dd>([\s\S]*?)<\/dd>/.exec(html)![1];
  const items = [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim());
  return items.find((i) => i.includes(`Beschluss ${number} `)) ?? '';
}

describe.each(testDatabaseKinds())('an open chain of replacements for one event on %s', (database) => {
  const chain = replacementChainSuite(database);

  const path = decisionPath;
  const rowsOf = async (query = '') => ((await chain.t.http.get(`/api/decision-control${query}`).expect(200)).body as any[]).filter((r) => r.bodyId === chain.body && r.decision.number !== '2026/10-AL');
  const states = async () => (await rowsOf()).map((r) => [r.decision.number, r.state, r.stateLabel, r.replacedBy?.number ?? null]);
  const replaceLink = (number: string) => `href="/beschluesse?ersetzt=${encodeURIComponent(number)}&amp;gremium=AL-Runde#beschluss-erfassen"`;
  const openCount = (page: string) => /umgesetzt, Beschluss zurückgenommen:<\/span> (\d+)/.exec(page)?.[1] ?? '0';

  test('the Beschlusskontrolle needs a new decision once, at the last of the chain; the first says it was taken over by that one, withdrawn too', async () => {
    expect(await states()).toEqual([
      ['2026/41-AL', 'replaced', 'umgesetzt, Beschluss ersetzt durch 2026/40-AL (auch dieser zurückgenommen: dort ist ein neuer Beschluss nötig)', '2026/40-AL'],
      ['2026/40-AL', 'appliedWithdrawn', 'umgesetzt, Beschluss zurückgenommen', null],
    ]);
    expect((await rowsOf('?state=appliedWithdrawn')).map((r) => r.decision.number)).toEqual(['2026/40-AL']);

    const page = (await chain.t.http.get('/beschlusskontrolle').expect(200)).text;
    expect(openCount(page)).toBe('1');
    const groups = decisionGroups(page);
    expect(groups.get('2026/41-AL')).toContain('was davon umgesetzt ist, hat Beschluss 2026/40-AL übernommen (auch dieser ist zurückgenommen: dort ist ein neuer Beschluss nötig)');
    expect(groups.get('2026/41-AL')).toContain('übernommen von Beschluss 2026/40-AL, auch dieser zurückgenommen');
    expect(groups.get('2026/41-AL')).not.toContain('replace-link');
    expect(groups.get('2026/40-AL')).toContain(`${replaceLink('2026/40-AL')} class="no-print replace-link">Neuen Beschluss erfassen, der ihn ersetzt`);
    expect(page.split(replaceLink('2026/40-AL'))).toHaveLength(2);

    const csv = (await chain.t.http.get('/api/decision-control.csv').expect(200)).text;
    expect(csv.split('\r\n').find((l) => l.startsWith('2026/41-AL;'))).toContain('umgesetzt, Beschluss ersetzt durch 2026/40-AL (auch dieser zurückgenommen: dort ist ein neuer Beschluss nötig)');
  });

  test('replacedBy.withdrawn names at, reason and actor as the replacing decision’s own withdrawal does, in the decision answer, the Beschlusskontrolle and the body answer', async () => {
    const own = (await chain.t.http.get(path('2026/40-AL')).expect(200)).body.withdrawn;
    expect(own).toEqual({ at: '2026-11-28T09:00:00.000Z', actor: expect.any(String), reason: 'richtig ist 2026/43-AL' });
    expect(own.actor).not.toBe((await chain.t.http.get(path('2026/41-AL')).expect(200)).body.withdrawn.actor);
    const named = { number: '2026/40-AL', issuer: 'AL-Runde', date: '2026-11-20', withdrawn: own };
    expect((await chain.t.http.get(path('2026/41-AL')).expect(200)).body.effects[0].replacedBy).toEqual(named);
    expect((await rowsOf()).find((r) => r.decision.number === '2026/41-AL').replacedBy).toEqual(named);
    const body = (await chain.t.http.get(`/api/bodies/${chain.body}`).expect(200)).body;
    expect(body.decisions.find((d: any) => d.number === '2026/41-AL')).toMatchObject({ replacedBy: named, replacedVia: [] });
  });

  test('replaced by one withdrawn too, every older link points to the last; the open item stays one; the body page names the chain in order', async () => {
    await chain.record('2026/43-AL', { replaces: '2026/40-AL' });
    await chain.withdraw('2026/43-AL', 'irrtümlich erfasst');
    expect(await states()).toEqual([
      ['2026/41-AL', 'replaced', 'umgesetzt, Beschluss ersetzt durch 2026/43-AL (auch dieser zurückgenommen: dort ist ein neuer Beschluss nötig)', '2026/43-AL'],
      ['2026/40-AL', 'replaced', 'umgesetzt, Beschluss ersetzt durch 2026/43-AL (auch dieser zurückgenommen: dort ist ein neuer Beschluss nötig)', '2026/43-AL'],
      ['2026/43-AL', 'appliedWithdrawn', 'umgesetzt, Beschluss zurückgenommen', null],
    ]);
    expect(openCount((await chain.t.http.get('/beschlusskontrolle').expect(200)).text)).toBe('1');

    const cited = (await chain.t.http.get(`/api/bodies/${chain.body}`).expect(200)).body.decisions.find((d: any) => d.number === '2026/41-AL');
    expect([cited.replacedVia.map((d: any) => d.number), cited.replacedBy.number]).toEqual([['2026/40-AL'], '2026/43-AL']);
    const item = decisionItem((await chain.t.http.get(`/gremien/${chain.body}`).expect(200)).text, '2026/41-AL');
    expect(item).toContain(
      'zurückgenommen am 28.11.2026 („richtig ist 2026/40-AL“), ersetzt durch Beschluss 2026/40-AL (AL-Runde) vom 20.11.2026, zurückgenommen am 28.11.2026 („richtig ist 2026/43-AL“), ' +
        'dann durch Beschluss 2026/43-AL (AL-Runde) vom 20.11.2026, auch dieser zurückgenommen am 28.11.2026 („irrtümlich erfasst“): was er anordnete, steht ohne Grundlage; ein neuer Beschluss ist nötig',
    );
  });

  test('replaced in turn by one that stands, the body page names the standing one and the chain that led to it, in order', async () => {
    await chain.record('2026/44-AL', { replaces: '2026/43-AL' });
    expect((await states()).map(([number, state, , by]) => [number, state, by])).toEqual([
      ['2026/41-AL', 'replaced', '2026/44-AL'],
      ['2026/40-AL', 'replaced', '2026/44-AL'],
      ['2026/43-AL', 'replaced', '2026/44-AL'],
      ['2026/44-AL', 'done', null],
    ]);
    const item = decisionItem((await chain.t.http.get(`/gremien/${chain.body}`).expect(200)).text, '2026/44-AL');
    expect(item).toMatch(/^Beschluss 2026\/44-AL \(AL-Runde\) vom 20\.11\.2026: Verlängert am 25\.11\.2026 – /);
    expect(item).toContain(
      'ersetzt Beschluss 2026/41-AL (AL-Runde) vom 10.11.2026, zurückgenommen am 28.11.2026 („richtig ist 2026/40-AL“), unter dem das Ereignis erfasst ist, ' +
        'über Beschluss 2026/40-AL (AL-Runde) vom 20.11.2026, zurückgenommen am 28.11.2026 („richtig ist 2026/43-AL“), ' +
        'dann Beschluss 2026/43-AL (AL-Runde) vom 20.11.2026, zurückgenommen am 28.11.2026 („irrtümlich erfasst“)',
    );
    expect(item).not.toContain('ein neuer Beschluss ist nötig');
  });
});
