/// <reference lib="dom" />
/**
 * A form sent while the service cannot write (its SQLite file moved away while it runs), in real
 * headless Chromium: the page says so under „Dienst nicht verfügbar“ (503), naming the file and
 * what the operators do, not „Interner Fehler“; with the file back, the same form goes through.
 * A page opened meanwhile says the same, since the service then reads nothing either.
 */
import { renameSync } from 'node:fs';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { axeViolations, browserSuite, describeInBrowser, describeViolations, PASSWORD, signIn, withScreenshot } from './web-browser';

describeInBrowser('a form sent while the service cannot write, in Chromium', () => {
  let id: string;
  let file: string;

  const suite = browserSuite('2025-06-02T08:00:00Z', async (t) => {
    file = (t.config.database as { file: string }).file;
    id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }).expect(201)).body.id;
  });

  it('Browser: the Nacherfassung sent with the database file moved away is answered „Dienst nicht verfügbar“; moved back, it begins', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'dienst-nicht-verfuegbar', async () => {
      await signIn(page, suite.base, 'sekretariat', PASSWORD);
      await page.goto(`${suite.base}/gremien/${id}`);
      await page.locator('details.action > summary', { hasText: 'Nacherfassung beginnen' }).click();
      const begin = page.locator('#nacherfassung-beginnen');
      await begin.getByLabel('Begründung').fill('Bekannte Geschichte seit 2024 nacherfassen');

      renameSync(file, `${file}.verschoben`);
      let status: number | undefined;
      try {
        const answered = page.waitForResponse((response) => response.request().method() === 'POST');
        await begin.getByRole('button', { name: 'Nacherfassung beginnen' }).click();
        status = (await answered).status();
        await page.waitForLoadState();
        await expect(page.locator('h1').textContent()).resolves.toBe('Dienst nicht verfügbar');
        const message = await page.locator('main p').first().textContent();
        expect(message).toContain('Der Vorgang wurde nicht ausgeführt.');
        expect(message).toContain(`Die Datenbankdatei ${file} gibt es nicht mehr`);
        expect(message).toContain('die richtige Datei zurück an ihren Platz legen');
        expect(describeViolations(await axeViolations(page))).toBe('');
      } finally {
        renameSync(`${file}.verschoben`, file);
      }
      expect(status).toBe(503);

      await page.goBack();
      await page.locator('details.action > summary', { hasText: 'Nacherfassung beginnen' }).click();
      await begin.getByLabel('Begründung').fill('Bekannte Geschichte seit 2024 nacherfassen');
      await begin.getByRole('button', { name: 'Nacherfassung beginnen' }).click();
      await page.waitForURL(/erfolg=nacherfassung-begonnen/);
      await expect(page.locator('#notice').textContent()).resolves.toContain('Die Nacherfassung hat begonnen');
    });
  }, 60_000);

  it('Browser: a page opened with the database file moved away is „Dienst nicht verfügbar“ too, not the state of the file opened; moved back, it shows', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'seite-dienst-nicht-verfuegbar', async () => {
      await signIn(page, suite.base, 'sekretariat', PASSWORD);
      renameSync(file, `${file}.verschoben`);
      try {
        const response = await page.goto(`${suite.base}/gremien/${id}`);
        expect(response?.status()).toBe(503);
        await expect(page.locator('h1').textContent()).resolves.toBe('Dienst nicht verfügbar');
        const message = await page.locator('main p').first().textContent();
        expect(message).toContain(`Die Datenbankdatei ${file} gibt es nicht mehr`);
        expect(message).toContain('Der Dienst liest und schreibt nichts mehr');
        expect(describeViolations(await axeViolations(page))).toBe('');
      } finally {
        renameSync(`${file}.verschoben`, file);
      }
      const again = await page.goto(`${suite.base}/gremien/${id}`);
      expect(again?.status()).toBe(200);
      await expect(page.locator('h1').textContent()).resolves.toContain(EXAMPLE_REGISTRATION.title);
    });
  }, 60_000);
});
