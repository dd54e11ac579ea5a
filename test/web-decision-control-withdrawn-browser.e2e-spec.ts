/// <reference lib="dom" />
/**
 * A withdrawn decision's carried-out effects in the Beschlusskontrolle in real headless Chromium
 * (decision-control-withdrawn.scenario.ts): the state in words beside a red light, the heading's
 * note that a new decision is needed, the filter, axe-core, and the label whole inside its cell on
 * the screen, at 320 CSS pixels and in print.
 */
import type { Page } from 'playwright-core';
import { recordWithdrawnScenario, WITHDRAWN_NOW } from './decision-control-withdrawn.scenario';
import { axeViolations, browserSuite, describeInBrowser, describeViolations, PASSWORD, signIn, withScreenshot } from './web-browser';

const LABEL = 'umgesetzt, Beschluss zurückgenommen';

describeInBrowser('a withdrawn decision in the Beschlusskontrolle in Chromium', () => {

  const suite = browserSuite(WITHDRAWN_NOW, async (t) => {
    await recordWithdrawnScenario(t);
  }, 120_000);

  /** Each light's label of the state that stands out of its cell (right edge beyond the cell's), by its text. */
  const labelsOutsideCells = (page: Page) =>
    page.locator('tr.effect-row td[data-label="Stand"]').evaluateAll((cells) =>
      cells.flatMap((cell) => {
        const label = cell.querySelector('.light')!;
        return label.getBoundingClientRect().right > cell.getBoundingClientRect().right + 0.5 ? [label.textContent!.trim()] : [];
      }),
    );

  it('Browser: the carried-out effects of a withdrawn decision say so in words beside a red light, the heading says a new decision is needed, and the label stays in its cell', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'beschlusskontrolle-zurueckgenommen', async () => {
      await signIn(page, suite.base, 'sekretariat', PASSWORD);
      await page.goto(`${suite.base}/beschlusskontrolle`);
      const rows = page.locator('tr.effect-row').filter({ has: page.locator('.light__label', { hasText: LABEL }) });
      await expect(rows.count()).resolves.toBe(5);
      await expect(rows.first().locator('.light').getAttribute('class')).resolves.toBe('light light--red');
      await expect(rows.getByRole('button').count()).resolves.toBe(0);
      await expect(page.locator('tr.decision-row', { hasText: 'Beschluss 2026/45' }).textContent()).resolves.toContain(
        'zurückgenommen – was davon umgesetzt ist, steht ohne Grundlage; ein neuer Beschluss ist nötig',
      );
      await expect(page.getByRole('list', { name: 'Wirkungen nach Stand' }).textContent()).resolves.toContain(`${LABEL}: 5`);
      await expect(labelsOutsideCells(page)).resolves.toEqual([]);
      expect(describeViolations(await axeViolations(page))).toBe('');

      await page.getByLabel('Stand', { exact: true }).selectOption('appliedWithdrawn');
      await page.getByRole('button', { name: 'Filtern' }).click();
      await page.waitForURL(/stand=appliedWithdrawn/);
      await expect(page.locator('tr.effect-row').count()).resolves.toBe(5);
      await expect(page.locator('#csv-link').getAttribute('href')).resolves.toBe('/api/decision-control.csv?state=appliedWithdrawn');

      await page.emulateMedia({ media: 'print' });
      try {
        await expect(labelsOutsideCells(page)).resolves.toEqual([]);
      } finally {
        await page.emulateMedia({ media: 'screen' });
      }

      await page.setViewportSize({ width: 320, height: 800 });
      try {
        await page.goto(`${suite.base}/beschlusskontrolle?stand=withdrawn`);
        await expect(page.locator('tr.effect-row').count()).resolves.toBe(6);
        await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(320);
        expect(describeViolations(await axeViolations(page))).toBe('');
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    });
  }, 120_000);
});
