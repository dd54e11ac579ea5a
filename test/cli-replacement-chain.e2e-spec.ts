/**
 * The CLI follows a chain of replacements as the body page and the Beschlusskontrolle do: `show`
 * names every decision of the chain in order; `decision show` of an older link of an open chain
 * says that the decision which took its effect over, withdrawn too, needs the new decision (not
 * this one), while the last link still needs one; a decision's own withdrawal names who withdrew it.
 */
import { cliAgainst } from './support/cli-run';
import { replacementChainSuite } from './support/replacement-chain';
import { testDatabaseKinds } from './support/test-app';

describe.each(testDatabaseKinds())('a chain of replacements as the CLI shows it on %s', (database) => {
  const chain = replacementChainSuite(database);

  /** The line of `decision show NUMBER` for S's effect. */
  const effectLine = async (number: string) => {
    const run = await cliAgainst(chain.t, ['decision', 'show', number]);
    expect(run.code).toBe(0);
    return run.stdout.split('\n').find((l) => l.includes('Arbeitsgruppe S')) ?? '';
  };
  /** The line of `show S` that lists the decision the event was recorded under. */
  const citedLine = async () => {
    const run = await cliAgainst(chain.t, ['show', chain.body]);
    expect(run.code).toBe(0);
    return run.stdout.split('\n').find((l) => l.includes('2026/41-AL (AL-Runde) vom 10.11.2026')) ?? '';
  };
  const stillNeeded = ': steht ohne Grundlage, ein neuer Beschluss ist nötig';

  test('decision show of the older link says the new decision is needed at the one that took its effect over; the last link still needs one', async () => {
    const older = await effectLine('2026/41-AL');
    expect(older).toMatch(/– umgesetzt \(Version \d+\), übernommen von Beschluss 2026\/40-AL, auch dieser zurückgenommen: dort ist ein neuer Beschluss nötig, einer, der 2026\/40-AL ersetzt$/);
    expect(older).not.toContain('steht ohne Grundlage');
    expect(await effectLine('2026/40-AL')).toMatch(new RegExp(`– umgesetzt \\(Version \\d+, unter dem ersetzten Beschluss 2026/41-AL\\)${stillNeeded}$`));
  });

  test('decision show names when and by whom the decision was withdrawn', async () => {
    const run = await cliAgainst(chain.t, ['decision', 'show', '2026/40-AL']);
    expect(run.stdout.split('\n')[0]).toBe('Beschluss 2026/40-AL (AL-Runde) vom 20.11.2026: Beschluss 2026/40-AL – zurückgenommen am 28.11.2026 von gs-ruecknahme: richtig ist 2026/43-AL');
  });

  test('replaced by one withdrawn too, show names every link in order and decision show sends every older link to the last', async () => {
    await chain.record('2026/43-AL', { replaces: '2026/40-AL' });
    await chain.withdraw('2026/43-AL', 'irrtümlich erfasst');
    expect(await citedLine()).toMatch(
      /: Verlängert am 25\.11\.2026 – zurückgenommen am 28\.11\.2026 \(„richtig ist 2026\/40-AL“\), ersetzt durch 2026\/40-AL \(AL-Runde\) vom 20\.11\.2026, zurückgenommen am 28\.11\.2026 \(„richtig ist 2026\/43-AL“\), dann durch 2026\/43-AL \(AL-Runde\) vom 20\.11\.2026, auch dieser zurückgenommen am 28\.11\.2026 \(„irrtümlich erfasst“\), ohne Grundlage$/,
    );
    for (const older of ['2026/41-AL', '2026/40-AL']) {
      expect(await effectLine(older)).toMatch(/übernommen von Beschluss 2026\/43-AL, auch dieser zurückgenommen: dort ist ein neuer Beschluss nötig, einer, der 2026\/43-AL ersetzt$/);
    }
    // 2026/43-AL replaced 2026/40-AL, which had taken the event recorded under 2026/41-AL over: it names both.
    expect(await effectLine('2026/43-AL')).toMatch(
      new RegExp(`– umgesetzt \\(Version \\d+, unter dem ersetzten Beschluss 2026/41-AL; dieser Beschluss ersetzt 2026/40-AL, der es übernommen hatte\\)${stillNeeded}$`),
    );
  });

  test('replaced in turn by one that stands, show names the chain that led to it and no open item', async () => {
    await chain.record('2026/44-AL', { replaces: '2026/43-AL' });
    const line = await citedLine();
    expect(line).toMatch(
      /– zurückgenommen am 28\.11\.2026 \(„richtig ist 2026\/40-AL“\), ersetzt durch 2026\/40-AL \(AL-Runde\) vom 20\.11\.2026, zurückgenommen am 28\.11\.2026 \(„richtig ist 2026\/43-AL“\), dann durch 2026\/43-AL \(AL-Runde\) vom 20\.11\.2026, zurückgenommen am 28\.11\.2026 \(„irrtümlich erfasst“\), dann durch 2026\/44-AL \(AL-Runde\) vom 20\.11\.2026$/,
    );
    expect(line).not.toContain('ohne Grundlage');
    expect(await effectLine('2026/41-AL')).toMatch(/übernommen von Beschluss 2026\/44-AL$/);
  });
});
