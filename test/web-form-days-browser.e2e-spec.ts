/**
 * Days typed as TT.MM.JJJJ through real pages in headless Chromium: where a browser shows a date
 * field as plain text (no date picker), „Beschluss umsetzen“ on a body's page, whose handler reads
 * no German days itself, takes the day so; and a password that looks like a day signs in as typed.
 */
import { approvedBodies } from './support/approved-bodies';
import { browserSuite, describeInBrowser, signIn, withScreenshot } from './web-browser';

/** Leading blanks make it long enough for the password rule; the rest reads like a day. */
const DAY_LIKE_PASSWORD = '  01.02.2024';

describeInBrowser('Tage als TT.MM.JJJJ in Formularen, in Chromium', () => {
  let body: string;

  const suite = browserSuite('2026-11-28T09:00:00Z', async (t) => {
    [body] = await approvedBodies(t, [{ title: 'Arbeitsgruppe Umsetzung' }]);
    // Begun, so that the page offers the Entfristung.
    await t.http.post(`/api/bodies/${body}/events`).send({ type: 'started', occurredAt: '2026-02-01' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/20-AL', issuer: 'AL-Runde', date: '2026-03-02', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Entfristung', effects: [{ body, effect: 'madePermanent' }] })
      .expect(201);
    await t.user('secretariat', { username: 'tag-sekretariat', password: DAY_LIKE_PASSWORD });
  });

  it('Browser: a password that looks like a day signs in; „Beschluss umsetzen“ takes „Datum des Ereignisses“ typed as 3.3.2026 in a text field', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'tage-als-tt-mm-jjjj', async () => {
      await signIn(page, suite.base, 'tag-sekretariat', DAY_LIKE_PASSWORD);

      await page.goto(`${suite.base}/gremien/${body}`);
      const form = page.locator('form#umsetzen-AL-Runde-2026-20-AL-0');
      const day = form.locator('input[name="occurredAt"]');
      // As a browser without a date picker shows the field: plain text, typed the German way.
      await day.evaluate((input: HTMLInputElement) => (input.type = 'text'));
      await day.fill('3.3.2026');
      await form.getByRole('button', { name: /Beschluss umsetzen/ }).click();
      await page.waitForURL(/erfolg=umgesetzt/);

      const events = (await suite.t.http.get(`/api/bodies/${body}/history`).expect(200)).body.events as any[];
      expect(events.at(-1)).toMatchObject({ type: 'madePermanent', occurredAt: '2026-03-02T23:00:00.000Z', actor: { id: 'tag-sekretariat' } });
    });
  }, 60_000);
});
