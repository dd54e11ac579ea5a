/// <reference lib="dom" />
/**
 * A new installation in real Chromium: an empty database without a bootstrap token, the set-up
 * link the start printed, the first account, a signed-in Übersicht. Then every page at 1280 and
 * at 390 CSS px (a phone): a screenshot of each under .ci/artifacts/screenshots/, axe-core on both
 * widths, and on the phone the lists as cards with every field beside its label and the state
 * diagram's table before the picture.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DEFAULT_AUTH } from '../config/configuration';
import { FirstAccountSetup } from '../src/auth/first-account';
import { BodiesService } from '../src/bodies/bodies.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { startTestApp, type TestApp } from './support/test-app';
import { axeViolations, describeInBrowser, describeViolations, serveToBrowser, withScreenshot, type BrowserSession } from './web-browser';

const SCREENSHOTS = join(__dirname, '..', '.ci', 'artifacts', 'screenshots');
const WIDTHS = [1280, 390] as const;

describeInBrowser('Fresh start in Chromium', () => {
  let t: TestApp;
  let base: string;
  let session: BrowserSession;
  let link: string;

  beforeAll(async () => {
    t = await startTestApp({ config: { seedExample: true, auth: { ...DEFAULT_AUTH, bootstrapToken: null, securityLog: 'off' } } });
    // The scheduler catches the seed up to today: started, report overdue, term expired.
    await t.app.get(SchedulerService).sweep();
    ({ base, browser: session } = await serveToBrowser(t));
    const offer = await t.app.get(FirstAccountSetup).offer(base);
    link = offer!.link;
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await session?.close();
    await t?.close();
  });

  /** No API token here (no bootstrap token): the seed's id straight from the service. */
  const seedId = async () => (await t.app.get(BodiesService).list({}))[0].id;

  async function shoot(page: Page, width: number, name: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `${width}-${name}.png`), fullPage: true });
  }

  it('Browser: an empty database and no bootstrap token: the printed set-up link leads to the first account and a signed-in Übersicht', async () => {
    const page = session.page;
    await withScreenshot(page, 'ersteinrichtung', async () => {
      await page.goto(`${base}/anmelden`);
      await page.getByText('einmaligen Einrichtungslink').waitFor();
      const violations: string[] = [];
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        await shoot(page, width, 'anmelden');
        await page.goto(link);
        await shoot(page, width, 'einrichten');
        const found = await axeViolations(page);
        if (found.length) violations.push(`${width} px, Einrichten:\n${describeViolations(found)}`);
      }
      expect(violations).toEqual([]);
      await page.locator('#einrichtung-username').fill('gs');
      await page.locator('#einrichtung-password').fill('ein-langes-Passwort');
      await page.locator('#einrichtung-passwordRepeated').fill('ein-langes-Passwort');
      await page.getByRole('button', { name: 'Konto anlegen und anmelden' }).click();
      await page.waitForURL(`${base}/`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Übersicht');
      expect(await page.locator('.who').textContent()).toContain('Angemeldet als gs (Geschäftsstelle)');
      // The link is spent.
      await page.goto(link);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Einrichtungslink ungültig');
    });
  }, 90_000);

  it('Browser (axe-core, 1280 and 390 px): every page passes and leaves a screenshot at both widths in .ci/artifacts/', async () => {
    const page = session.page;
    await withScreenshot(page, 'breiten', async () => {
      const id = await seedId();
      const pages: Array<[string, string]> = [
        ['uebersicht', '/'],
        ['registrieren', '/gremien/neu'],
        ['gremium', `/gremien/${id}`],
        ['beschluesse', '/beschluesse'],
        ['fristen', '/fristen'],
        ['zeitleiste', '/zeitleiste'],
        ['pruefung', `/pruefung?gremium=${id}&stichtag=2025-01-15`],
      ];
      const found: string[] = [];
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        for (const [name, path] of pages) {
          await page.goto(`${base}${path}`);
          await shoot(page, width, name);
          const violations = await axeViolations(page);
          if (violations.length) found.push(`${width} px, ${path}:\n${describeViolations(violations)}`);
          const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
          if (scrollWidth > width) found.push(`${width} px, ${path}: the page scrolls sideways (${scrollWidth} px)`);
        }
      }
      expect(found).toEqual([]);
    });
  }, 180_000);

  it('Browser: at 390 px the Übersicht is a list of cards showing every field beside its label, and the diagram offers its table first', async () => {
    const page = session.page;
    await withScreenshot(page, 'telefon', async () => {
      await page.setViewportSize({ width: 390, height: 900 });
      await page.goto(`${base}/`);
      const card = page.locator('table.overview tbody tr').first();
      for (const label of ['Ampel', 'Gremium', 'Zustand', 'Federführung', 'Nächste Frist', 'Befristet bis']) {
        const cell = card.locator(`[data-label="${label}"]`);
        const box = await cell.boundingBox();
        expect({ label, visible: await cell.isVisible(), inside: box !== null && box.x >= 0 && box.x + box.width <= 390 }).toEqual({ label, visible: true, inside: true });
        const shown = await cell.evaluate((el) => getComputedStyle(el, '::before').content);
        expect(shown).toBe(`"${label}"`);
      }

      await page.goto(`${base}/gremien/${await seedId()}`);
      const tableTop = (await page.locator('section[aria-labelledby="diagram"] details.transitions-table').boundingBox())!.y;
      const pictureTop = (await page.locator('svg.state-diagram').first().boundingBox())!.y;
      expect(tableTop).toBeLessThan(pictureTop);
      // The diagram keeps its size (readable text) and scrolls in its region instead of shrinking.
      const picture = await page.locator('svg.state-diagram').first().evaluate((svg) => ({ drawn: svg.getBoundingClientRect().width, natural: Number(svg.getAttribute('width')) }));
      expect(picture.drawn).toBe(picture.natural);
    });
  }, 60_000);
});
