/// <reference lib="dom" />
/**
 * The Beschlusskontrolle in real headless Chromium on real data (decision-control.scenario.ts,
 * plus enough decisions to fill more than one A4 page): the traffic lights in words and colour,
 * the filters, axe-core, „Beschluss umsetzen“, „Angaben berichtigen“, and the print: with print
 * media the page shows no navigation, filters or buttons, and Chromium's print-to-PDF (A4) goes
 * to .ci/artifacts/beschlusskontrolle.pdf, which CI keeps as an artifact.
 */
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { recordControlScenario, SCENARIO_NOW, type ControlScenario } from './decision-control.scenario';
import { axeViolations, browserSuite, describeInBrowser, describeViolations, PASSWORD, signIn, withScreenshot } from './web-browser';

const ARTIFACTS = join(__dirname, '..', '.ci', 'artifacts');
export const CONTROL_PDF = join(ARTIFACTS, 'beschlusskontrolle.pdf');

describeInBrowser('Beschlusskontrolle in Chromium', () => {
  let s: ControlScenario;

  const suite = browserSuite(SCENARIO_NOW, async (t) => {
    s = await recordControlScenario(t);
    // Enough decisions for a report of more than one page: renaming Gamma back and forth, each carried out.
    for (let i = 1; i <= 24; i++) {
      const number = `2026/${String(100 + i)}`;
      const title = i % 2 ? 'Arbeitsgruppe Gamma (neu)' : 'Arbeitsgruppe Gamma';
      await t.http
        .post('/api/decisions')
        .send({ number, issuer: 'IT-PLR', date: '2026-11-02', procedure: 'Sitzung', session: 40 + i, type: 'Beschluss', title: `Umbenennung ${i} der Arbeitsgruppe Gamma`, effects: [{ body: s.gamma, effect: 'renamed', data: { title } }] })
        .expect(201);
      await t.http.post(`/api/decisions/IT-PLR/${encodeURIComponent(number)}/apply`).send({ body: s.gamma }).expect(200);
    }
    await t.user('auditor', { username: 'pruefer', password: PASSWORD });
  }, 120_000);

  const logIn = (page: Page, username: string) => signIn(page, suite.base, username, PASSWORD);

  /** The light's words and its colour class, per effect row of one body and requirement. */
  async function light(page: Page, body: string, required: string): Promise<{ text: string; level: string | null; colour: string }> {
    const row = page.locator('tr.effect-row').filter({ has: page.locator('td[data-label="Gremium"]', { hasText: body }) }).filter({ hasText: required });
    const lamp = row.locator('.light');
    return {
      text: (await lamp.textContent())!.trim(),
      level: await lamp.getAttribute('class'),
      colour: await lamp.locator('.light__dot').evaluate((dot) => getComputedStyle(dot).backgroundColor),
    };
  }

  async function expectNoAxeViolations(page: Page): Promise<void> {
    const violations = await axeViolations(page);
    expect(describeViolations(violations)).toBe('');
  }

  it('Browser: the secretariat opens the Beschlusskontrolle from the navigation and sees each light in words and colour; axe finds no violations', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'beschlusskontrolle', async () => {
      await logIn(page, 'sekretariat');
      await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Beschlusskontrolle', exact: true }).click();
      await page.waitForURL(`${suite.base}/beschlusskontrolle`);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Beschlusskontrolle');
      await expect(light(page, 'Projektgruppe Alpha', 'Verlängern bis 30.06.2027')).resolves.toEqual({ text: 'erledigt', level: 'light light--green', colour: 'rgb(26, 107, 50)' });
      await expect(light(page, 'Projektgruppe Beta', 'bis 02.11.2026')).resolves.toEqual({ text: 'überfällig', level: 'light light--red', colour: 'rgb(179, 0, 27)' });
      await expect(light(page, 'Projektgruppe Alpha', 'bis 15.12.2026')).resolves.toEqual({ text: 'bald fällig', level: 'light light--yellow', colour: 'rgb(255, 210, 63)' });
      await expect(light(page, 'Projektgruppe Beta', 'Entfristen')).resolves.toMatchObject({ text: 'offen ohne Frist', level: 'light light--open' });
      // The extension links to the event that carried it out.
      const done = page.getByRole('link', { name: /^Verlängert am 10\.03\.2026/ });
      await expect(done.getAttribute('href')).resolves.toBe(`/gremien/${s.alpha}#version-${s.alphaExtendedVersion}`);
      await expectNoAxeViolations(page);

      // The body's page lists the open effect with its button, and the report form offers that decision only.
      await page.getByRole('link', { name: 'Projektgruppe Alpha' }).first().click();
      const open = page.locator('.open-effect');
      await expect(open.textContent()).resolves.toContain('Beschluss 2026/70 (IT-Planungsrat) vom 20.10.2026: Bericht anfordern: Zwischenbericht an IT-Planungsrat bis 15.12.2026');
      await expect(open.getByRole('button').textContent()).resolves.toContain('Beschluss umsetzen');
      await page.locator('details.action > summary', { hasText: 'Berichtspflicht festlegen' }).click();
      await expect(page.locator('#aktion-reportRequested-decision option').allTextContents()).resolves.toEqual([
        '– ohne Beschluss –',
        '2026/70 vom 20.10.2026 – Bericht anfordern: Zwischenbericht an IT-Planungsrat bis 15.12.2026',
      ]);
      await expectNoAxeViolations(page);

      // The decision's own page, reached from the list: its effects, its register events, the form to add one.
      await page.goto(`${suite.base}/beschlusskontrolle`);
      await page.getByRole('link', { name: 'Beschluss 2026/70' }).click();
      await page.waitForURL(`${suite.base}/beschluesse/IT-PLR/2026%2F70`);
      await expect(page.locator('tr.effect-row').count()).resolves.toBe(3);
      await page.locator('details.action > summary', { hasText: 'Wirkung ergänzen' }).click();
      await expectNoAxeViolations(page);
    });
  }, 120_000);

  it('Browser: the filters narrow the list by state, issuer and year, and the CSV link carries them', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'beschlusskontrolle-filter', async () => {
      await logIn(page, 'sekretariat');
      await page.goto(`${suite.base}/beschlusskontrolle`);
      await page.getByLabel('Stand', { exact: true }).selectOption({ label: 'überfällig' });
      await page.getByRole('button', { name: 'Filtern' }).click();
      await page.waitForURL(/stand=overdue/);
      await expect(page.locator('tr.effect-row').count()).resolves.toBe(1);
      await expect(page.locator('#report-meta').textContent()).resolves.toContain('Stand: überfällig');
      await expect(page.locator('#csv-link').getAttribute('href')).resolves.toBe('/api/decision-control.csv?state=overdue');
      await expectNoAxeViolations(page);

      await page.goto(`${suite.base}/beschlusskontrolle`);
      await page.getByLabel('Beschließendes Gremium').selectOption('AL-Runde');
      await page.getByLabel('Jahr des Beschlusses').selectOption('2025');
      await page.getByRole('button', { name: 'Filtern' }).click();
      await page.waitForURL(/jahr=2025/);
      await expect(page.locator('tr.decision-row').allTextContents()).resolves.toEqual([expect.stringContaining('Beschluss 2025/10-AL (Abteilungsleiterrunde des IT-Planungsrats) vom 20.02.2025')]);
      await expect(page.locator('#csv-link').getAttribute('href')).resolves.toBe('/api/decision-control.csv?year=2025&issuer=AL-Runde');

      // At 320 CSS pixels the list reflows into cards and nothing scrolls sideways (WCAG 1.4.10).
      await page.setViewportSize({ width: 320, height: 800 });
      try {
        await page.goto(`${suite.base}/beschlusskontrolle?jahr=2026&stand=overdue`);
        await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(320);
        await expectNoAxeViolations(page);
      } finally {
        await page.setViewportSize({ width: 1280, height: 900 });
      }
    });
  }, 120_000);

  it('Browser: „Beschluss umsetzen“ carries out the Entfristung from the list and the body page says so', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'beschluss-umsetzen', async () => {
      await logIn(page, 'sekretariat');
      await page.goto(`${suite.base}/beschlusskontrolle?stand=open`);
      const button = page.locator('tr.effect-row', { hasText: 'Entfristen' }).getByRole('button');
      // Among several such buttons, each names its decision, body and effect (for screen readers).
      await expect(button.textContent()).resolves.toBe('Beschluss umsetzen: 2026/70, Projektgruppe Beta, Entfristen');
      await button.click();
      await page.waitForURL(new RegExp(`/gremien/${s.beta}\\?erfolg=umgesetzt`));
      await expect(page.getByRole('status').textContent()).resolves.toContain('Beschluss 2026/70 umgesetzt: „Entfristet“ wurde erfasst (mit Datum 28.11.2026, der Beschluss ist vom 20.10.2026).');
      await expect(page.locator('.summary-bar').textContent()).resolves.toContain('dauerhaft (entfristet)');
      await page.goto(`${suite.base}/beschlusskontrolle`);
      await expect(light(page, 'Projektgruppe Beta', 'Entfristen')).resolves.toMatchObject({ text: 'erledigt' });
    });
  }, 120_000);

  it('Browser: „Angaben berichtigen“ corrects a decision’s title and procedure with a reason; without a reason the form names the field and nothing changes', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'angaben-berichtigen', async () => {
      await suite.t.http.post('/api/decisions').send({ number: '2026/92', issuer: 'IT-PLR', date: '2026-11-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Tippfeher im Titel' }).expect(201);
      const path = `${suite.base}/beschluesse/IT-PLR/2026%2F92`;
      const registerEvents = async () => (await suite.t.http.get(`/api/decisions/IT-PLR/${encodeURIComponent('2026/92')}/history`).expect(200)).body.events;
      const fact = (name: string) => page.locator('dl.facts dt', { hasText: new RegExp(`^${name}$`) }).locator('xpath=following-sibling::dd[1]').textContent();
      await logIn(page, 'sekretariat');
      await page.goto(path);
      const form = page.locator('form#angaben-berichtigen');
      await page.locator('details.action > summary', { hasText: 'Angaben berichtigen' }).click();
      await expect(form.getByLabel('Titel').inputValue()).resolves.toBe('Tippfeher im Titel');

      // Without a reason: refused, the field named in German, what was typed kept, nothing recorded.
      await form.getByLabel('Titel').fill('Tippfehler im Titel');
      await form.getByRole('button', { name: 'Angaben berichtigen' }).click();
      await page.waitForURL(`${path}/angaben`);
      const errors = page.locator('#angaben-berichtigen-errors');
      await expect(errors.isVisible()).resolves.toBe(true);
      await expect(errors.textContent()).resolves.toContain('Der Vorgang wurde nicht ausgeführt');
      await expect(errors.getByRole('link').allTextContents()).resolves.toEqual([expect.stringMatching(/^Begründung der Berichtigung: \S/)]);
      await expect(page.locator('#angaben-berichtigen-reason-error').isVisible()).resolves.toBe(true);
      await expect(form.getByLabel('Titel').inputValue()).resolves.toBe('Tippfehler im Titel');
      await expect(fact('Titel')).resolves.toBe('Tippfeher im Titel');
      expect(await registerEvents()).toHaveLength(1);
      await expectNoAxeViolations(page);

      // With a reason, the title and the procedure corrected: the notice, the facts as corrected, the register's event.
      await form.getByLabel('in einer Sitzung').check();
      await form.getByLabel('Nummer der Sitzung').fill('41');
      await form.getByLabel('Begründung der Berichtigung').fill('Tippfehler; in der 41. Sitzung beschlossen');
      await form.getByRole('button', { name: 'Angaben berichtigen' }).click();
      await page.waitForURL(`${path}?erfolg=berichtigt`);
      await expect(page.getByRole('status').textContent()).resolves.toContain('Die Angaben des Beschlusses wurden berichtigt.');
      await expect(fact('Titel')).resolves.toBe('Tippfehler im Titel');
      await expect(fact('Verfahren')).resolves.toBe('41. Sitzung');
      await expect(fact('Datum')).resolves.toBe('20.11.2026');
      await expect(page.locator('.history__item').first().textContent()).resolves.toContain('Tippfehler; in der 41. Sitzung beschlossen');
      const events = await registerEvents();
      expect(events).toHaveLength(2);
      expect(events.at(-1)).toMatchObject({
        type: 'decisionAmended',
        data: { changes: { title: 'Tippfehler im Titel', procedure: 'Sitzung', session: 41 }, reason: 'Tippfehler; in der 41. Sitzung beschlossen' },
      });
      await expectNoAxeViolations(page);
    });
  }, 120_000);

  it('Browser: an auditor sees the list without buttons; printed, it is an A4 report without navigation or filters, saved as PDF', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'beschlusskontrolle-druck', async () => {
      await logIn(page, 'pruefer');
      await page.goto(`${suite.base}/beschlusskontrolle`);
      await expect(page.getByRole('button', { name: /Beschluss umsetzen/ }).count()).resolves.toBe(0);
      await expectNoAxeViolations(page);

      await page.emulateMedia({ media: 'print' });
      for (const hidden of ['.site-header', '.site-nav', 'form.filters', '#csv-link', '.site-footer']) {
        await expect(page.locator(hidden).isVisible()).resolves.toBe(false);
      }
      await expect(page.getByRole('heading', { level: 1 }).isVisible()).resolves.toBe(true);
      await expect(page.locator('#report-meta').textContent()).resolves.toMatch(/^Auswahl: alle Jahre · IT-PLR und AL-Runde · jeder Stand · erstellt am 28\.11\.2026, 10:00 Uhr$/);
      // Each row stays whole on its page, and the table's header repeats on every page.
      await expect(page.locator('tr.effect-row').first().evaluate((row) => getComputedStyle(row).breakInside)).resolves.toBe('avoid');
      await expect(page.locator('table.control thead').evaluate((head) => getComputedStyle(head).display)).resolves.toBe('table-header-group');

      mkdirSync(ARTIFACTS, { recursive: true });
      const pdf = await page.pdf({ path: CONTROL_PDF, format: 'A4', preferCSSPageSize: true });
      await page.emulateMedia({ media: 'screen' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const pages = (readFileSync(CONTROL_PDF, 'latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;
      expect(pages).toBeGreaterThanOrEqual(2);
      expect(statSync(CONTROL_PDF).size).toBeGreaterThan(10_000);
    });
  }, 120_000);
});
