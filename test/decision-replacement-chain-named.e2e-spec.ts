/**
 * A chain of replacements as the tester built it: 2026/38-AL extends a body S and is carried out,
 * then 2026/39-AL, 40 and 41 each replace the one before (each withdrawn before the next). A
 * decision says which one it took the event over from where that is not the one the event is
 * recorded under (`record-decision`, `decision show`, the decision page); taking the event over
 * again from an older link is refused naming the end of the chain; the decision page of the open
 * end says a new decision is needed and, for the Geschäftsstelle, links to record it; an empty
 * filter of the Beschlusskontrolle's API counts as not given, as on the page.
 */
import { cliAgainst } from './support/cli-run';
import { approvedBodies } from './support/approved-bodies';
import { decisionPath } from './support/replacement-chain';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('a chain of replacements 2026/38-AL → 39 → 40 → 41 on %s', (database) => {
  let t: TestApp;
  let s: string;
  let version: number;

  const extension = () => ({ body: s, effect: 'extended', data: { approvedUntil: '2027-06-30' } });
  const withdraw = (number: string, reason: string) => t.http.post(`${decisionPath(number)}/withdrawal`).send({ reason }).expect(200);
  /** `record-decision NUMBER … --replaces REPLACED` extending S, as the tester ran it. */
  const recordReplacing = (number: string, replaced: string) =>
    cliAgainst(t, [
      'record-decision', number, '--date', '2026-11-20', '--umlaufverfahren', '--title', `Beschluss ${number}`,
      '--effect', 'extended', '--body', s, '--data', '{"approvedUntil":"2027-06-30"}', '--replaces', replaced,
    ]);
  /** The line of `decision show NUMBER` for S's effect. */
  const effectLine = async (number: string) => {
    const run = await cliAgainst(t, ['decision', 'show', number]);
    expect(run.code).toBe(0);
    return run.stdout.split('\n').find((l) => l.includes('Arbeitsgruppe S')) ?? '';
  };
  const page = async (number: string, http = t.http) => (await http.get(`/beschluesse/AL-Runde/${encodeURIComponent(number)}`).expect(200)).text;
  const replaceLink = (number: string) => `href="/beschluesse?ersetzt=${encodeURIComponent(number)}&amp;gremium=AL-Runde#beschluss-erfassen"`;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
    [s] = await approvedBodies(t, [{ title: 'Arbeitsgruppe S' }]);
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/38-AL', issuer: 'AL-Runde', date: '2026-11-10', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Beschluss 2026/38-AL', effects: [extension()] })
      .expect(201);
    version = (await t.http.post(`${decisionPath('2026/38-AL')}/apply`).send({ occurredAt: '2026-11-20' }).expect(200)).body.version;
    await withdraw('2026/38-AL', 'richtig ist 2026/39-AL');
  }, 90_000);
  afterAll(() => t.close());

  test('record-decision says whose event a replacing decision took over: the replaced one’s own, or the one it had taken over (naming the decision it is recorded under)', async () => {
    const direct = await recordReplacing('2026/39-AL', '2026/38-AL');
    expect(direct.code).toBe(0);
    expect(direct.stdout).toContain(`– ersetzt Beschluss 2026/38-AL: gilt als umgesetzt durch dessen Ereignis (Version ${version})`);
    await withdraw('2026/39-AL', 'richtig ist 2026/40-AL');

    const along = await recordReplacing('2026/40-AL', '2026/39-AL');
    expect(along.code).toBe(0);
    expect(along.stdout).toContain(
      `– ersetzt Beschluss 2026/39-AL: gilt als umgesetzt durch das Ereignis (Version ${version}), das Beschluss 2026/39-AL übernommen hatte (erfasst unter Beschluss 2026/38-AL)`,
    );
    expect(along.stdout).not.toContain('dessen Ereignis');
  });

  test('taking the event over again from an older link, the refusal says the one that took it over is withdrawn too and names the end of the chain to replace', async () => {
    await withdraw('2026/40-AL', 'richtig ist 2026/41-AL');
    const fromFirst = await recordReplacing('2026/41-AL', '2026/38-AL');
    expect(fromFirst.code).not.toBe(0);
    expect(fromFirst.stderr).toContain(
      'hat bereits Beschluss 2026/39-AL (AL-Runde) übernommen, auch dieser zurückgenommen, zuletzt Beschluss 2026/40-AL (AL-Runde), auch dieser zurückgenommen: ' +
        'ein neuer Beschluss ist nötig, einer, der 2026/40-AL ersetzt.',
    );
    const fromSecond = await recordReplacing('2026/41-AL', '2026/39-AL');
    expect(fromSecond.stderr).toContain('hat bereits Beschluss 2026/40-AL (AL-Runde) übernommen, auch dieser zurückgenommen: ein neuer Beschluss ist nötig, einer, der 2026/40-AL ersetzt.');
    expect((await t.http.get(decisionPath('2026/41-AL'))).status).toBe(404);
  });

  test('the decision page of the open end says a new decision is needed, and offers to record it to the Geschäftsstelle only; an older link’s does not', async () => {
    const open = await page('2026/40-AL');
    expect(open).toContain('Was davon umgesetzt ist, steht ohne Grundlage; ein neuer Beschluss ist nötig.');
    expect(open).toContain(`${replaceLink('2026/40-AL')} class="no-print replace-link">Neuen Beschluss erfassen, der ihn ersetzt`);
    const auditor = await t.user('auditor');
    const read = await page('2026/40-AL', auditor.http);
    expect(read).toContain('ein neuer Beschluss ist nötig');
    expect(read).not.toContain('replace-link');

    const older = await page('2026/39-AL');
    expect(older).toContain('Was davon umgesetzt ist, hat Beschluss 2026/40-AL übernommen (auch dieser ist zurückgenommen: dort ist ein neuer Beschluss nötig).');
    expect(older).not.toContain('replace-link');
  });

  test('decision show and the decision page name the decision a link replaced where the event is recorded under an older one', async () => {
    expect((await recordReplacing('2026/41-AL', '2026/40-AL')).code).toBe(0);
    expect(await effectLine('2026/40-AL')).toMatch(
      new RegExp(`– umgesetzt \\(Version ${version}, unter dem ersetzten Beschluss 2026/38-AL; dieser Beschluss ersetzt 2026/39-AL, der es übernommen hatte\\), übernommen von Beschluss 2026/41-AL$`),
    );
    expect(await effectLine('2026/41-AL')).toMatch(/unter dem ersetzten Beschluss 2026\/38-AL; dieser Beschluss ersetzt 2026\/40-AL, der es übernommen hatte\)$/);
    // 2026/39-AL replaced the decision the event is recorded under: said once, by „unter dem ersetzten Beschluss“.
    expect(await effectLine('2026/39-AL')).toMatch(new RegExp(`– umgesetzt \\(Version ${version}, unter dem ersetzten Beschluss 2026/38-AL\\), übernommen von Beschluss 2026/41-AL$`));

    const shown = await page('2026/40-AL');
    expect(shown).toContain(`(Version ${version}), unter Beschluss 2026/38-AL (zurückgenommen, ersetzt); dieser Beschluss ersetzt 2026/39-AL, der es übernommen hatte; übernommen von Beschluss 2026/41-AL`);
    expect(shown).not.toContain('replace-link');
    expect(await page('2026/39-AL')).not.toContain('dieser Beschluss ersetzt');
    // The Beschlusskontrolle names it too, in 40's group and 41's, not in 39's.
    const control = (await t.http.get('/beschlusskontrolle').expect(200)).text;
    const groups = [...control.matchAll(/<tbody class="decision-group">([\s\S]*?)<\/tbody>/g)].map((m) => m[1]);
    const groupOf = (number: string) => groups.find((g) => g.includes(`>Beschluss ${number}</a>`)) ?? '';
    expect(groupOf('2026/40-AL')).toContain('dieser Beschluss ersetzt 2026/39-AL, der es übernommen hatte');
    expect(groupOf('2026/41-AL')).toContain('dieser Beschluss ersetzt 2026/40-AL, der es übernommen hatte');
    expect(groupOf('2026/39-AL')).not.toContain('dieser Beschluss ersetzt');
  });

  test('withdrawn in turn, the new end of the chain offers the new decision on its page', async () => {
    await withdraw('2026/41-AL', 'irrtümlich erfasst');
    expect(await page('2026/41-AL')).toContain(`${replaceLink('2026/41-AL')} class="no-print replace-link">`);
    expect(await page('2026/40-AL')).not.toContain('replace-link');
  });

  test('GET /api/decision-control and its CSV take an empty filter as not given, as the page takes jahr=', async () => {
    const all = (await t.http.get('/api/decision-control').expect(200)).body;
    expect((await t.http.get('/api/decision-control?year=').expect(200)).body).toEqual(all);
    expect((await t.http.get('/api/decision-control?year=&issuer=&state=').expect(200)).body).toEqual(all);
    const csv = (await t.http.get('/api/decision-control.csv').expect(200)).text;
    expect((await t.http.get('/api/decision-control.csv?year=&issuer=%20').expect(200)).text).toBe(csv);
    // A value given is still checked.
    expect((await t.http.get('/api/decision-control?year=1900').expect(400)).body.message).toContain('Mindestens 1990');
  });
});
