/**
 * A report handed in after its Frist says „verspätet“ wherever its standing is shown, as the
 * Fristen page says it (the day it was submitted against the Frist's effective date): on the
 * body's page, also once the body's life has ended and it has no Fristen any more, and on the
 * Prüfung page's state at a Stichtag.
 */
import { dissolvedReportBody } from './support/report-body';
import { startTestApp, type TestApp } from './support/test-app';

/** A page's text without tags, whitespace folded. */
const textOf = (html: string) => html.replace(/<(script|style)[\s\S]*?<\/\1>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('a late report on the web pages', () => {
  let t: TestApp;
  let bodyId: string;

  /**
   * Given „AG Berichte“ with a Zwischenbericht due 31.03.2026, submitted on 15.04.2026 and noted
   * on 20.04.2026, and an Abschlussbericht due Saturday 30.05.2026 (so Monday 01.06.2026),
   * submitted on 01.06.2026; the body dissolved on 15.06.2026.
   */
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
    bodyId = await dissolvedReportBody(t, [
      ['reportSubmitted', '2026-04-15', { obligationId: 'r1' }],
      ['reportAcknowledged', '2026-04-20', { obligationId: 'r1' }],
      ['reportSubmitted', '2026-06-01', { obligationId: 'r2' }],
    ]);
  }, 60_000);
  afterAll(() => t.close());

  test('the body page’s Berichtspflichten say a report came late, also after the body ended, and not one handed in on its moved Frist', async () => {
    const page = textOf((await t.http.get(`/gremien/${bodyId}`).expect(200)).text);
    expect(page).toContain('Berichtspflichten');
    expect(page).toContain('zur Kenntnis genommen am 20.04.2026 (eingereicht am 15.04.2026, verspätet)');
    expect(page).toMatch(/eingereicht am 01\.06\.2026 (?!, verspätet)/);
  });

  test('the Prüfung page’s state at a Stichtag names each report with its standing, late ones so said', async () => {
    const auditor = await t.user('auditor');
    const audit = (await auditor.http.get(`/pruefung?gremium=${bodyId}&stichtag=2026-07-01`).expect(200)).text;
    const reports = textOf(/<dd id="as-of-reports">[\s\S]*?<\/dd>/.exec(audit)![0]);
    expect(reports).toBe(' Zwischenbericht: zur Kenntnis genommen am 20.04.2026 (eingereicht am 15.04.2026, verspätet) Abschlussbericht: eingereicht am 01.06.2026 ');
  });
});
