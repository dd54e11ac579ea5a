/// <reference lib="dom" />
/**
 * The pages of the Übersicht, the Zeitleiste and the Fristen in real headless Chromium: with more
 * bodies (Fristen) than fit on one page, the secretariat follows „Nächste Seite“ and „Vorherige
 * Seite“, and a search starts on its first page; the pages' navigation passes axe-core and does
 * not make the page scroll sideways at 320 CSS pixels.
 */
import type { Page } from 'playwright-core';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { PAGE_SIZE } from '../src/web/pages';
import { startTestApp, type TestApp } from './support/test-app';
import { axeViolations, describeInBrowser, describeViolations, openBrowser, serveToBrowser, signIn, tablesScrolledSideways, withScreenshot, type BrowserSession } from './web-browser';

const PASSWORD = 'richtig-langes-passwort-1';
/** The titles on the second page of both, in order. */
const SECOND_PAGE = ['Sondergruppe 004', 'Sondergruppe 005', 'Sondergruppe 006', 'Sondergruppe 007', 'Sondergruppe 008', 'Sondergruppe 009', 'Sondergruppe 010'];

describeInBrowser('Web UI in Chromium, a page at a time', () => {
  let t: TestApp;
  let base: string;
  let session: BrowserSession;
  const bodies = PAGE_SIZE + 7;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
    await t.user('secretariat', { username: 'sekretariat', password: PASSWORD });
    for (let i = 0; i < bodies; i++) {
      // The titles sort as they are numbered; the first eleven hold „Sonder“.
      const title = `${i < 11 ? 'Sondergruppe' : 'Projektgruppe'} ${String(i).padStart(3, '0')}`;
      await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, registeredAt: '2024-06-03' }).expect(201);
    }
    // The pages need no JavaScript.
    ({ base, browser: session } = await serveToBrowser(t, { javaScript: false }));
    await logIn(session.page);
  }, 90_000);

  afterAll(async () => {
    await session?.close();
    await t?.close();
  });

  const logIn = (page: Page) => signIn(page, base, 'sekretariat', PASSWORD);

  const pages = (page: Page, name: string) => page.getByRole('navigation', { name });
  const titles = (page: Page) => page.locator('tbody th[scope="row"] a').allTextContents();

  it('Browser: the Übersicht pages forward and back; a search starts on its first page', async () => {
    const page = session.page;
    await withScreenshot(page, 'seiten-uebersicht', async () => {
      await page.goto(`${base}/`);
      await expect(page.locator('#result-count').textContent()).resolves.toBe(`${bodies} von ${bodies} Gremien, hier 1–${PAGE_SIZE} (Seite 1 von 2)`);
      expect(await titles(page)).toHaveLength(PAGE_SIZE);
      await pages(page, 'Seiten der Übersicht').getByRole('link', { name: 'Nächste Seite' }).click();
      await page.waitForURL(`${base}/?seite=2`);
      // All drafts, so in one light and by title: the last seven „Sondergruppen“.
      expect(await titles(page)).toEqual(SECOND_PAGE);
      await pages(page, 'Seiten der Übersicht').getByRole('link', { name: 'Vorherige Seite' }).click();
      await page.waitForURL(`${base}/`);

      // From the second page, a search starts on its first page (it fits on one).
      await page.goto(`${base}/?seite=2`);
      await page.getByLabel('Suche').fill('sondergruppe');
      await page.getByRole('button', { name: 'Filtern' }).click();
      await page.waitForURL(`${base}/?q=sondergruppe&zustand=&ampel=&federfuehrung=`);
      await expect(page.locator('#result-count').textContent()).resolves.toBe(`11 von ${bodies} Gremien`);
      expect(await titles(page)).toHaveLength(11);
      expect(await pages(page, 'Seiten der Übersicht').count()).toBe(0);
    });
  }, 60_000);

  it('Browser: the Zeitleiste pages by title, its picture with the page’s bodies', async () => {
    const page = session.page;
    await withScreenshot(page, 'seiten-zeitleiste', async () => {
      await page.goto(`${base}/zeitleiste`);
      await expect(page.locator('#timeline-count').textContent()).resolves.toBe(`Gremien 1–${PAGE_SIZE} (Seite 1 von 2), nach Titel`);
      expect((await titles(page))[0]).toBe('Projektgruppe 011');
      await pages(page, 'Seiten der Zeitleiste').getByRole('link', { name: 'Nächste Seite' }).click();
      await page.waitForURL(`${base}/zeitleiste?seite=2`);
      expect(await titles(page)).toEqual(SECOND_PAGE);
      expect(await page.locator('svg.timeline g.row').count()).toBe(7);
    });
  }, 60_000);

  it('Browser: a list of the Fristen pages on its own, the others staying on their page', async () => {
    // A running body with more overdue reports than fit on a page (after the tests above, whose
    // order it would change: its light is red).
    const reports = Array.from({ length: PAGE_SIZE + 5 }, (_, i) => ({
      kind: 'Zwischenbericht',
      addressee: 'IT-Planungsrat',
      due: { kind: 'date', date: new Date(Date.parse('2025-01-06T00:00:00Z') + i * 3 * 86_400_000).toISOString().slice(0, 10) },
    }));
    const { body } = await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Arbeitsgruppe Berichte', reports, start: '2024-07-01', registeredAt: '2024-06-03' }).expect(201);
    const send = (command: object) => t.http.post(`/api/bodies/${body.id}/events`).send(command).expect(200);
    await send({ type: 'submitted', occurredAt: '2024-06-04' });
    const effects = [{ body: body.id, effect: 'approved', data: { permanent: true } }];
    await t.http.post('/api/decisions').send({ number: '2024/41', issuer: 'IT-PLR', date: '2024-06-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Beschluss 2024/41', effects }).expect(201);
    await send({ type: 'approved', data: { permanent: true }, decision: '2024/41' });
    await send({ type: 'started', occurredAt: '2024-07-01' });

    const page = session.page;
    await withScreenshot(page, 'seiten-fristen', async () => {
      await page.goto(`${base}/fristen`);
      await expect(page.locator('#overdue-count').textContent()).resolves.toBe(`1–${PAGE_SIZE} von ${PAGE_SIZE + 5} (Seite 1 von 2)`);
      await pages(page, 'Seiten: Überfällig').getByRole('link', { name: 'Nächste Seite' }).click();
      await page.waitForURL(`${base}/fristen?ueberfaellig=2#overdue`);
      await expect(page.locator('#overdue-count').textContent()).resolves.toBe(`${PAGE_SIZE + 1}–${PAGE_SIZE + 5} von ${PAGE_SIZE + 5} (Seite 2 von 2)`);
      expect(await page.locator('section[aria-labelledby="overdue"] tbody tr').count()).toBe(5);
      // The other lists have one page each and no navigation.
      expect(await page.locator('nav.pages').count()).toBe(1);
      await pages(page, 'Seiten: Überfällig').getByRole('link', { name: 'Vorherige Seite' }).click();
      await page.waitForURL(`${base}/fristen#overdue`);
      expect(await page.locator('section[aria-labelledby="overdue"] tbody tr').count()).toBe(PAGE_SIZE);
    });
  }, 60_000);

  it('Browser (axe-core): the second pages pass, and at 320 CSS pixels neither they nor their tables scroll sideways', async () => {
    // axe-core runs in the page: a session with JavaScript.
    const withScript = await openBrowser();
    const page = withScript.page;
    await logIn(page);
    await withScreenshot(page, 'seiten-axe', async () => {
      const found: string[] = [];
      const wide: string[] = [];
      for (const path of ['/?seite=2', '/zeitleiste?seite=2', '/fristen?ueberfaellig=2']) {
        await page.setViewportSize({ width: 1280, height: 800 });
        await page.goto(`${base}${path}`);
        const violations = await axeViolations(page);
        if (violations.length) found.push(`${path}:\n${describeViolations(violations)}`);
        await page.setViewportSize({ width: 320, height: 800 });
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width > 320) wide.push(`${path}: ${width}px`);
        // The tables are read as cards there, not scrolled sideways within their frame (only the Zeitleiste's picture is).
        const scrolledTables = await tablesScrolledSideways(page);
        if (scrolledTables.length) wide.push(`${path}: ${scrolledTables.join(', ')}`);
        // A card's label is one word that fits its column, not broken inside („Verlängerung|en“).
        const brokenLabels = await page.evaluate(() =>
          [...document.querySelectorAll('table.cards [data-label]')]
            .filter((cell) => {
              const label = cell.getAttribute('data-label')!;
              const style = getComputedStyle(cell, '::before');
              const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
              return !label.includes(' ') && parseFloat(style.height) > lineHeight * 1.5;
            })
            .map((cell) => cell.getAttribute('data-label')),
        );
        if (brokenLabels.length) wide.push(`${path}: ${[...new Set(brokenLabels)].join(', ')}`);
      }
      expect({ found, wide }).toEqual({ found: [], wide: [] });
    }).finally(() => withScript.close());
  }, 60_000);
});
