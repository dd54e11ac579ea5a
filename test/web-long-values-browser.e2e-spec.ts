/// <reference lib="dom" />
/**
 * Long unbroken text (a Zielstellung of thousands of characters without a space, a long URL as a
 * Federführung) wraps on the body page and in the Übersicht in real headless Chromium: the page is
 * no wider than the window, on a desktop and on a phone.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { browserSuite, describeInBrowser, PASSWORD, signIn, withScreenshot } from './web-browser';

const UNBROKEN = 'x'.repeat(19_000);
const URL_LIKE = `https://example.org/${'verzeichnis/'.repeat(13)}dokument.pdf`;

describeInBrowser('long values in Chromium', () => {
  let id: string;

  const suite = browserSuite('2026-11-28T09:00:00Z', async (t) => {
    id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: `AG ${URL_LIKE}`, objective: UNBROKEN, leads: [URL_LIKE] }).expect(201)).body.id;
  });

  it('Browser: the body page and the Übersicht are no wider than the window at 1280 and 390 CSS pixels', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'lange-werte', async () => {
      await signIn(page, suite.base, 'sekretariat', PASSWORD);
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 800 });
        for (const path of [`/gremien/${id}`, '/']) {
          await page.goto(`${suite.base}${path}`);
          // The body page shows the Zielstellung; both show the title.
          await expect(page.locator('main').textContent()).resolves.toContain(path === '/' ? URL_LIKE : UNBROKEN);
          const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
          expect([path, width, scrollWidth]).toEqual([path, width, width]);
        }
      }
    });
  }, 60_000);
});
