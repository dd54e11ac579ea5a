/// <reference lib="dom" />
/**
 * The forms of issue 12 ("Bodies as they really live") in real headless Chromium: the secretariat
 * changes leads and participants by adding and removing, reclassifies a Projektgruppe into an
 * Arbeitsgruppe of the AL-Runde, asks for a yearly report, corrects a contact person and
 * registers a successor — each through its form on the page — and axe-core finds no violation on
 * the forms, opened and with errors. A failing step leaves a screenshot in test/artifacts/.
 */
import type { Page } from 'playwright-core';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { startTestApp, type TestApp } from './support/test-app';
import { axeViolations, describeInBrowser, describeViolations, serveToBrowser, signIn, withScreenshot, type BrowserSession } from './web-browser';

const PASSWORD = 'richtig-langes-passwort-2';
const TITLE = 'PG EfA-Finanzierung';

describeInBrowser('Web UI in Chromium: bodies as they really live', () => {
  let t: TestApp;
  let base: string;
  let browser: BrowserSession;
  let bodyUrl: string;
  let nora: string;
  let bernd: string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
    await t.user('secretariat', { username: 'sekretariat', password: PASSWORD });
    const { body } = await t.http
      .post('/api/bodies')
      .send({
        title: TITLE,
        kind: 'Projektgruppe',
        parent: 'IT-PLR',
        focusTopic: 'Digitale Anwendungen',
        leads: ['Nordrhein-Westfalen', 'Bund'],
        participants: ['Bayern', 'FITKO'],
        contacts: [
          { name: 'Nora Nrw', organization: 'NRW', email: 'nora@nrw.example' },
          { name: 'Bernd Bund', organization: 'BMI', phone: '030 1234' },
        ],
        start: '2025-02-01',
        registeredAt: '2025-01-02',
      })
      .expect(201);
    const id = body.id as string;
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', occurredAt: '2025-01-03' }).expect(200);
    const decision = (number: string, date: string, effect: string, data: object) =>
      t.http
        .post('/api/decisions')
        .send({ number, issuer: 'IT-PLR', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects: [{ body: id, effect, data }] })
        .expect(201);
    await decision('2025/10', '2025-01-20', 'approved', { approvedUntil: '2027-12-31' });
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'approved', data: { approvedUntil: '2027-12-31' }, decision: '2025/10' }).expect(200);
    await t.app.get(SchedulerService).sweep();
    // Decided today: PG EfA-Finanzierung becomes AG EfA-Finanzierung of the AL-Runde.
    await decision('2026/40', '2026-11-28', 'reclassified', { kind: 'Arbeitsgruppe', parent: 'AL-Runde' });
    [nora, bernd] = (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds;
    ({ base, browser } = await serveToBrowser(t));
    bodyUrl = `${base}/gremien/${id}`;
    await logIn(browser.page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const logIn = (page: Page) => signIn(page, base, 'sekretariat', PASSWORD);

  async function openAction(page: Page, label: string): Promise<void> {
    await page.locator('details.action > summary', { hasText: label }).first().click();
  }

  /** Sends the action's form and waits for the way back to the body's page. */
  async function submitAction(page: Page, type: string): Promise<void> {
    await page.locator(`#aktion-${type} button[type="submit"]`).click();
    await page.waitForURL(new RegExp(`typ=${type}`));
  }

  const latestSummary = (page: Page) => page.locator('ol.history > li').first().locator('.history__summary').textContent();
  const registration = (page: Page) => page.locator('#registration').locator('..').textContent();

  it('Browser: leads and participants are added and removed by form; everyone not named stays', async () => {
    const page = browser.page;
    await withScreenshot(page, 'real-lives-federfuehrung', async () => {
      await page.goto(bodyUrl);
      await openAction(page, 'Federführung ändern');
      const leads = page.locator('#aktion-leadsChanged');
      await leads.getByLabel('Neu in der Federführung').fill('Hessen');
      await leads.getByRole('checkbox', { name: 'Nordrhein-Westfalen' }).check();
      await leads.getByRole('checkbox', { name: 'Nora Nrw (NRW)' }).check();
      await leads.getByLabel('Name').fill('Hanna Hessen');
      await leads.getByLabel('Organisation').fill('Hessen');
      await submitAction(page, 'leadsChanged');
      await expect(latestSummary(page)).resolves.toBe('Federführung: + Hessen, − Nordrhein-Westfalen; Ansprechpersonen: + 1, − 1');
      const facts = await registration(page);
      expect(facts).toMatch(/Bund[\s\S]*Hessen/);
      expect(facts).toContain('Bernd Bund (BMI)');
      expect(facts).not.toContain('Nora Nrw');

      await openAction(page, 'Mitwirkung ändern');
      const participants = page.locator('#aktion-participantsChanged');
      await participants.getByLabel('Neu in der Mitwirkung').fill('Sachsen\nBremen');
      await participants.getByRole('checkbox', { name: 'FITKO' }).check();
      await submitAction(page, 'participantsChanged');
      await expect(latestSummary(page)).resolves.toBe('Mitwirkung: + Sachsen, + Bremen, − FITKO');
    });
  }, 60_000);

  it('Browser: the Projektgruppe becomes an Arbeitsgruppe of the AL-Runde by decision 2026/40, and the page shows the kind and parent history', async () => {
    const page = browser.page;
    await withScreenshot(page, 'real-lives-art', async () => {
      await page.goto(bodyUrl);
      await openAction(page, 'Art oder Zuordnung ändern (Beschluss)');
      const form = page.locator('#aktion-reclassified');
      await form.getByLabel('Neue Art des Formates').selectOption('Arbeitsgruppe');
      await form.getByLabel('Neues übergeordnetes Gremium').selectOption('AL-Runde');
      await page.locator('#aktion-reclassified-decision').selectOption('2026/40');
      await submitAction(page, 'reclassified');
      await expect(latestSummary(page)).resolves.toBe('Art: Projektgruppe → Arbeitsgruppe; übergeordnet: IT-PLR → AL-Runde');
      const facts = await registration(page);
      expect(facts).toMatch(/Arbeitsgruppe seit 28\.11\.2026 \(Beschluss 2026\/40\)/);
      expect(facts).toMatch(/AL-Runde seit 28\.11\.2026 \(Beschluss 2026\/40\)/);
    });
  }, 60_000);

  it('Browser: a yearly report is requested by form and listed as a Frist with its first date', async () => {
    const page = browser.page;
    await withScreenshot(page, 'real-lives-bericht', async () => {
      await page.goto(bodyUrl);
      await openAction(page, 'Berichtspflicht festlegen');
      const form = page.locator('#aktion-reportRequested');
      await form.getByLabel('Art des Berichts').selectOption('Jahresbericht');
      await form.getByLabel('Adressat').selectOption('IT-Planungsrat');
      await form.getByLabel('an einem Datum').check();
      await page.locator('#aktion-reportRequested-due-date').fill('2027-01-29');
      await form.getByLabel('Wiederkehr').selectOption('12');
      await submitAction(page, 'reportRequested');
      await expect(latestSummary(page)).resolves.toBe('Jahresbericht an IT-Planungsrat, Frist 29.01.2027, jährlich');
      await expect(page.locator('#deadlines').locator('..').textContent()).resolves.toMatch(/Jahresbericht[\s\S]*29\.01\.2027/);
    });
  }, 60_000);

  it('Browser: the yearly report\'s Frist is moved by form; the Fristen follow and the history names both Fristen', async () => {
    const page = browser.page;
    await withScreenshot(page, 'real-lives-berichtsfrist', async () => {
      await page.goto(bodyUrl);
      await openAction(page, 'Berichtsfrist ändern');
      const form = page.locator('#aktion-reportRescheduled');
      await form.getByLabel('Berichtspflicht').selectOption('r1');
      await page.locator('#aktion-reportRescheduled-due-date').fill('2027-03-31');
      await form.getByLabel('Begründung').fill('Daten liegen erst im März vor');
      await submitAction(page, 'reportRescheduled');
      await expect(latestSummary(page)).resolves.toBe('Jahresbericht an IT-Planungsrat: Frist 29.01.2027 → 31.03.2027; Begründung: Daten liegen erst im März vor');
      const fristen = (await page.locator('#deadlines').locator('..').textContent()) ?? '';
      expect(fristen).toMatch(/Jahresbericht[\s\S]*31\.03\.2027/);
      expect(fristen).not.toContain('29.01.2027');
    });
  }, 60_000);

  it('Browser: the secretariat corrects a contact person: a bad e-mail is named at its field, a good one is saved and shown', async () => {
    const page = browser.page;
    await withScreenshot(page, 'real-lives-ansprechperson', async () => {
      await page.goto(bodyUrl);
      await expect(registration(page)).resolves.toContain(`ID (für ein Konto der Federführung): ${bernd}`);
      await page.locator(`#ansprechperson-${bernd}-details > summary`).click();
      const form = page.locator(`#ansprechperson-${bernd}`);
      await expect(form.getByLabel('Telefon').inputValue()).resolves.toBe('030 1234');
      await form.getByLabel('E-Mail').fill('bernd-at-bmi');
      await form.getByRole('button', { name: 'Berichtigung speichern' }).click();
      await expect(page.locator(`#ansprechperson-${bernd}-email-error`).textContent()).resolves.toContain('gültige E-Mail-Adresse');
      await expect(page.locator(`#ansprechperson-${bernd}-details`).getAttribute('open')).resolves.not.toBeNull();

      await form.getByLabel('E-Mail').fill('bernd.bund@bmi.example');
      await form.getByLabel('Anlass der Berichtigung').fill('Adresse nachgetragen');
      await form.getByRole('button', { name: 'Berichtigung speichern' }).click();
      await page.waitForURL(/erfolg=ansprechperson/);
      await expect(page.locator('#notice').textContent()).resolves.toContain('Die Berichtigung der Ansprechperson wurde gespeichert.');
      await expect(page.getByRole('link', { name: 'bernd.bund@bmi.example' }).getAttribute('href')).resolves.toBe('mailto:bernd.bund@bmi.example');
      const history = (await t.http.get(`/api/contacts/${bernd}/history`).expect(200)).body.events;
      expect(history.map((e: { summary: string }) => e.summary)).toEqual(['berichtigt: E-Mail (Adresse nachgetragen)']);
      // Nora left with NRW: no longer a contact of this body, so no form for her on its page.
      expect(await page.locator(`#ansprechperson-${nora}`).count()).toBe(0);
    });
  }, 60_000);

  it('Browser: a body is registered as the successor of this one and shows "Hervorgegangen aus"', async () => {
    const page = browser.page;
    await withScreenshot(page, 'real-lives-nachfolge', async () => {
      await page.goto(`${base}/gremien/neu`);
      await page.locator('#registrierung-title').fill('AG EfA-Finanzierung 2028');
      await page.getByLabel('Art des Formates').selectOption('Arbeitsgruppe');
      await page.getByLabel('Übergeordnetes Gremium').selectOption('AL-Runde');
      await page.getByLabel('Schwerpunktthema').selectOption('Digitale Anwendungen');
      await page.getByLabel('Federführung').fill('Hessen');
      await page.getByLabel('Beginn der Tätigkeit').fill('2028-01-01');
      await page.locator('#registrierung-contacts-0-name').fill('Hanna Hessen');
      await page.getByLabel('Registrierter Vorgänger').selectOption({ label: TITLE });
      await page.getByRole('button', { name: 'Gremium registrieren' }).click();
      await page.waitForURL(/erfolg=registriert/);
      const facts = page.locator('#registration').locator('..');
      await expect(facts.getByRole('link', { name: TITLE }).getAttribute('href')).resolves.toBe(bodyUrl.replace(base, ''));
      await expect(facts.textContent()).resolves.toContain('Hervorgegangen aus');
    });
  }, 60_000);

  it('Browser (axe-core): no accessibility violations on the page with every new form opened, nor on a refused contact correction', async () => {
    const page = browser.page;
    await withScreenshot(page, 'real-lives-axe', async () => {
      const found: string[] = [];
      const check = async (label: string) => {
        const violations = await axeViolations(page);
        if (violations.length) found.push(`${label}:\n${describeViolations(violations)}`);
      };
      await page.goto(bodyUrl);
      for (const action of ['Federführung ändern', 'Mitwirkung ändern', 'Berichtspflicht festlegen', 'Berichtsfrist ändern', 'Berichtspflicht aufheben']) {
        await openAction(page, action);
      }
      await page.locator(`#ansprechperson-${bernd}-details > summary`).click();
      await check('Gremium mit geöffneten Formularen');

      const form = page.locator(`#ansprechperson-${bernd}`);
      await form.getByLabel('Name').fill('');
      await form.getByRole('button', { name: 'Berichtigung speichern' }).click();
      await page.locator(`#ansprechperson-${bernd}-errors`).waitFor();
      await check('Berichtigung mit Fehlern');

      await page.goto(`${base}/gremien/neu`);
      await page.getByLabel('Registrierter Vorgänger').selectOption({ label: TITLE });
      await check('Registrierung als Nachfolger');
      expect(found).toEqual([]);
    });
  }, 60_000);
});
