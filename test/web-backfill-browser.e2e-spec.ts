/// <reference lib="dom" />
/**
 * Nacherfassung in real headless Chromium: the Geschäftsstelle begins the hold
 * on the body's page, is asked for the Begründung it left out, then ends the hold; the page with
 * the refused form passes axe-core.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations, browserSuite, describeInBrowser, describeViolations, PASSWORD, signIn, withScreenshot } from './web-browser';

const SEED = readFileSync(join(__dirname, '..', 'examples', 'registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');

describeInBrowser('Nacherfassung in Chromium', () => {
  let id: string;

  const suite = browserSuite('2025-06-02T08:00:00Z', async (t) => {
    id = (
      await t.http
        .post('/api/bodies/import?applyDecision=true&decisionDate=2024-06-12&registeredAt=2024-06-03&procedure=Umlaufverfahren')
        .set('Content-Type', 'text/plain; charset=utf-8')
        .send(SEED)
        .expect(201)
    ).body.id;
  });

  it('Browser: the Geschäftsstelle begins the Nacherfassung on the body page, is asked for the missing Begründung, and ends it again', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'nacherfassung', async () => {
      await signIn(page, suite.base, 'sekretariat', PASSWORD);
      await page.goto(`${suite.base}/gremien/${id}`);
      await page.locator('details.action > summary', { hasText: 'Nacherfassung beginnen' }).click();
      const begin = page.locator('#nacherfassung-beginnen');
      await begin.getByRole('button', { name: 'Nacherfassung beginnen' }).click();
      await page.waitForURL(`${suite.base}/gremien/${id}/nacherfassung`);
      await expect(page.locator('#nacherfassung-beginnen-reason-error').textContent()).resolves.toContain('Bitte eine Begründung angeben');
      const violations = await axeViolations(page);
      expect(describeViolations(violations)).toBe('');

      await begin.getByLabel('Begründung').fill('Bekannte Geschichte seit 2024 nacherfassen');
      await begin.getByRole('button', { name: 'Nacherfassung beginnen' }).click();
      await page.waitForURL(/erfolg=nacherfassung-begonnen/);
      await expect(page.locator('#notice').textContent()).resolves.toContain('Die Nacherfassung hat begonnen');
      await expect(page.locator('#backfill').textContent()).resolves.toContain('Nacherfassung: Fristenüberwachung ruht seit 02.06.2025, 10:00 Uhr');

      await page.locator('details.action > summary', { hasText: 'Nacherfassung beenden' }).click();
      await page.locator('#nacherfassung-beenden').getByLabel('Begründung').fill('Bekannte Geschichte erfasst');
      await page.locator('#nacherfassung-beenden').getByRole('button', { name: 'Nacherfassung beenden' }).click();
      await page.waitForURL(/erfolg=nacherfassung-beendet/);
      await expect(page.locator('#notice').textContent()).resolves.toContain('Die Nacherfassung ist beendet');
      await expect(page.locator('#backfill').count()).resolves.toBe(0);
    });
  }, 60_000);
});
