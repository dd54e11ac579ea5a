/// <reference lib="dom" />
/**
 * The web UI in real headless Chromium against the app listening on 127.0.0.1 with a fresh
 * SQLite file: the secretariat walks a body from registration to approval, every page passes
 * axe-core, auditors see no write controls. A failing step leaves a screenshot in test/artifacts/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/test-app';
import { axeViolations, clearFailureScreenshots, describeInBrowser, describeViolations, openBrowser, serveToBrowser, signIn, withScreenshot, type BrowserSession } from './web-browser';

const PASSWORD = 'richtig-langes-passwort-1';

describeInBrowser('Web UI in Chromium', () => {
  let t: TestApp;
  let base: string;
  let noScript: BrowserSession;

  beforeAll(async () => {
    clearFailureScreenshots();
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
    await t.user('secretariat', { username: 'sekretariat', password: PASSWORD });
    await t.user('auditor', { username: 'pruefer', password: PASSWORD });
    await t.user('reader', { username: 'leser', password: PASSWORD });
    // The main flow runs with JavaScript switched off: the core flows need none.
    ({ base, browser: noScript } = await serveToBrowser(t, { javaScript: false }));
  }, 60_000);

  afterAll(async () => {
    await noScript?.close();
    await t?.close();
  });

  const logIn = (page: Page, username: string) => signIn(page, base, username, PASSWORD);

  const navLink = (page: Page, name: string) => page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name, exact: true });

  async function openAction(page: Page, label: string): Promise<void> {
    await page.locator('details.action > summary', { hasText: label }).first().click();
  }

  /** The action's own submit button (the summary above it says the same). */
  async function submitAction(page: Page, type: string): Promise<void> {
    await page.locator(`#aktion-${type} button[type="submit"]`).click();
  }

  let bodyUrl = '';

  it('Browser: the secretariat logs in, registers a body, submits it, records decision 2024/09-AL, approves it and sees the new state and the history entry', async () => {
    const page = noScript.page;
    await withScreenshot(page, 'lebenslauf', async () => {
      await logIn(page, 'sekretariat');
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Übersicht');
      await expect(page.locator('.who').textContent()).resolves.toContain('Geschäftsstelle');

      await navLink(page, 'Gremium registrieren').click();
      await page.getByLabel('Titel', { exact: false }).first().fill('Projektgruppe Barrierefreie Verwaltung');
      await page.getByLabel('Art des Formates').selectOption('Projektgruppe');
      await page.getByLabel('Übergeordnetes Gremium').selectOption('AL-Runde');
      await page.getByLabel('Schwerpunktthema').selectOption('Digitale Anwendungen');
      await page.getByLabel('Federführung').fill('Hessen\nBremen');
      await page.getByLabel('Mitwirkung').fill('Bayern\nFITKO');
      await page.getByLabel('Beginn der Tätigkeit').fill('2024-07-01');
      await page.locator('#registrierung-expectedEnd-date').fill('2025-06-30');
      await page.getByLabel('Ziele').fill('Leitfaden erstellen\nPilot auswerten');
      await page.locator('#registrierung-contacts-0-name').fill('Erika Musterfrau');
      await page.locator('#registrierung-contacts-0-organization').fill('Hessen');
      await page.getByRole('button', { name: 'Gremium registrieren' }).click();

      await page.waitForURL(/\/gremien\/[0-9a-f-]{36}\?erfolg=registriert/);
      bodyUrl = page.url().split('?')[0];
      await expect(page.locator('#notice').textContent()).resolves.toContain('als Entwurf registriert');
      await expect(page.locator('#current-state').textContent()).resolves.toBe('Entwurf');
      await expect(page.locator('#registration').locator('..').textContent()).resolves.toContain('Erika Musterfrau (Hessen)');

      await openAction(page, 'Zur Beschlussfassung einreichen');
      await submitAction(page, 'submitted');
      await page.waitForURL(/erfolg=ereignis&typ=submitted/);
      await expect(page.locator('#current-state').textContent()).resolves.toBe('Eingereicht');

      await navLink(page, 'Beschlüsse').click();
      const record = page.locator('#beschluss-erfassen');
      await record.getByLabel('Beschließendes Gremium').selectOption('AL-Runde');
      await record.getByLabel('Beschlussnummer').fill('2024/09');
      await record.getByLabel('Datum des Beschlusses').fill('2024-06-13');
      await record.getByLabel('im Umlaufverfahren').check();
      await page.locator('#beschluss-erfassen-type').selectOption('Beschluss');
      await page.locator('#beschluss-erfassen-title').fill('Einrichtung der Projektgruppe Barrierefreie Verwaltung');
      // What the decision does: it establishes this body until 31.03.2027.
      await page.locator('#beschluss-erfassen-effectBody').selectOption({ label: 'Projektgruppe Barrierefreie Verwaltung' });
      await page.locator('#beschluss-erfassen-effectType').selectOption('approved');
      await page.locator('#beschluss-erfassen-effectUntil').fill('2027-03-31');
      await page.getByRole('button', { name: 'Beschluss erfassen' }).click();
      await page.waitForURL(/erfasst=2024%2F09-AL/);
      await expect(page.getByRole('status').textContent()).resolves.toContain('Beschluss 2024/09-AL wurde erfasst.');
      await expect(page.getByRole('rowheader', { name: '2024/09-AL' }).count()).resolves.toBe(1);

      await page.goto(bodyUrl);
      await openAction(page, 'Einrichten (Beschluss)');
      const approve = page.locator('#aktion-approved');
      await approve.getByLabel('befristet bis zum unten genannten Datum').check();
      // "zunächst bis März 2027": a month, as the decision writes it.
      await approve.getByLabel('bis Ende eines Monats').check();
      await page.locator('#aktion-approved-approvedUntil-month').fill('2027-03');
      await page.locator('#aktion-approved-decision').selectOption('2024/09-AL');
      await submitAction(page, 'approved');
      await page.waitForURL(/erfolg=ereignis&typ=approved/);

      await expect(page.locator('#current-state').textContent()).resolves.toBe('Eingerichtet (Tätigkeit noch nicht begonnen)');
      await expect(page.locator('.summary-bar').textContent()).resolves.toContain('März 2027 (bis 31.03.2027)');
      const latest = page.locator('ol.history > li').first();
      await expect(latest.textContent()).resolves.toMatch(/Eingerichtet \(Beschluss\)[\s\S]*Beschluss 2024\/09-AL/);
      await expect(latest.locator('.history__summary').textContent()).resolves.toBe('befristet bis März 2027 (bis 31.03.2027)');
      await expect(latest.locator('code.hash').textContent()).resolves.toMatch(/^[0-9a-f]{64}$/);
      await expect(page.locator('ol.history > li').count()).resolves.toBe(3);
      // The diagram marks the new state as current and the earlier ones as visited.
      await expect(page.locator('[data-state="established"]').getAttribute('class')).resolves.toContain('current');
      await expect(page.locator('[data-state="submitted"]').getAttribute('class')).resolves.toContain('visited');
      await expect(page.locator('[data-state="draft"]').getAttribute('class')).resolves.toContain('visited');
      await expect(page.locator('[data-state="active"]').getAttribute('class')).resolves.toContain('pending');

      // And on the Zeitleiste: the term until 31.03.2027.
      await navLink(page, 'Zeitleiste').click();
      await expect(page.locator('svg.timeline').textContent()).resolves.toContain('bis 31.03.2027');
      await expect(page.getByRole('rowheader', { name: /Projektgruppe Barrierefreie Verwaltung/ }).textContent()).resolves.toContain('Eingerichtet');
    });
  }, 90_000);

  it('Browser: a refused form keeps what was typed and names the problem next to the field, in German', async () => {
    const page = noScript.page;
    await withScreenshot(page, 'fehler-im-formular', async () => {
      await page.goto(`${base}/gremien/neu`);
      await page.getByLabel('Federführung').fill('Hessen');
      await page.getByRole('button', { name: 'Gremium registrieren' }).click();
      const title = page.locator('#registrierung-title');
      await expect(title.getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(page.locator('#registrierung-title-error').textContent()).resolves.toBe('Fehler: Bitte ausfüllen.');
      await expect(page.getByLabel('Federführung').inputValue()).resolves.toBe('Hessen');
      await expect(page.getByRole('alert').textContent()).resolves.toContain('Der Vorgang wurde nicht ausgeführt');

      // A refusal lands next to the field it concerns: 2026/30 extends the body to 30.06.2027, not to 31.12.2026.
      // (The form offers only decisions with an open extension for this body: the establishing 2024/09-AL is not among them.)
      await t.http
        .post('/api/decisions')
        .send({ number: '2026/30', issuer: 'IT-PLR', date: '2026-11-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Verlängerung', effects: [{ body: bodyUrl.split('/').pop(), effect: 'extended', data: { approvedUntil: '2027-06-30' } }] })
        .expect(201);
      await page.goto(bodyUrl);
      await openAction(page, 'Beginn der Tätigkeit erfassen');
      await submitAction(page, 'started');
      await page.waitForURL(/typ=started/);
      await openAction(page, 'Verlängern (Beschluss)');
      await expect(page.locator('#aktion-extended-decision option').allTextContents()).resolves.toEqual(['– bitte wählen –', '2026/30 vom 20.11.2026 – Verlängern bis 30.06.2027']);
      await page.locator('#aktion-extended').getByLabel('bis zu einem Tag').check();
      await page.locator('#aktion-extended-approvedUntil-date').fill('2026-12-31');
      await page.locator('#aktion-extended-decision').selectOption('2026/30');
      await submitAction(page, 'extended');
      await expect(page.locator('#aktion-extended-decision-error').textContent()).resolves.toContain('sieht für dieses Gremium nicht vor');
      await expect(page.locator('#aktion-extended-details').getAttribute('open')).resolves.not.toBeNull();
      await expect(page.locator('#current-state').textContent()).resolves.toContain('Aktiv');
    });
  }, 60_000);

  it('Browser: a lead is added by form without losing the others, and the Verlauf says what changed', async () => {
    const page = noScript.page;
    await withScreenshot(page, 'federfuehrung', async () => {
      await page.goto(bodyUrl);
      await openAction(page, 'Federführung ändern');
      const form = page.locator('#aktion-leadsChanged');
      await form.getByLabel('Neu in der Federführung').fill('Sachsen');
      await form.getByLabel('Name').fill('Sina Sachsen');
      await form.getByLabel('E-Mail').fill('sina@sachsen.example');
      await submitAction(page, 'leadsChanged');
      await page.waitForURL(/typ=leadsChanged/);
      const latest = page.locator('ol.history > li').first();
      await expect(latest.locator('.history__summary').textContent()).resolves.toBe('Federführung: + Sachsen; Ansprechpersonen: + 1');
      await expect(page.locator('#registration').locator('..').textContent()).resolves.toMatch(/Hessen[\s\S]*Sachsen/);
    });
  }, 60_000);

  it('Browser: a new Ansprechperson alone is recorded by the Federführung form; the Federführung stays', async () => {
    const page = noScript.page;
    await withScreenshot(page, 'ansprechperson', async () => {
      await page.goto(bodyUrl);
      await openAction(page, 'Federführung ändern');
      const form = page.locator('#aktion-leadsChanged');
      await form.getByLabel('Name').fill('Theo Thüringen');
      await form.getByLabel('Organisation').fill('Thüringen');
      await submitAction(page, 'leadsChanged');
      await page.waitForURL(/typ=leadsChanged/);
      const latest = page.locator('ol.history > li').first();
      await expect(latest.locator('.history__summary').textContent()).resolves.toBe('Federführung unverändert; Ansprechpersonen: + 1');
      await expect(page.locator('body').textContent()).resolves.toContain('Theo Thüringen');
      await expect(page.locator('#registration').locator('..').textContent()).resolves.toMatch(/Hessen[\s\S]*Sachsen/);
    });
  }, 60_000);

  /** The seed registration form under another title, naming another decision of the AL-Runde. */
  const seedFormAs = (title: string, decision: string) =>
    readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8')
      .replace('Weiterentwicklung Struktur OZG Föderal', title)
      .replace('Beschluss 2024/09', `Beschluss ${decision}`);

  it('Browser: a pasted registration form is taken over with the decision it names: what the form lacks is asked, the body is established', async () => {
    const page = noScript.page;
    await withScreenshot(page, 'formular-mit-beschluss', async () => {
      await page.goto(`${base}/gremien/formular`);
      await page.fill('#formular-text', seedFormAs('Cloud-Strategie Föderal', '2024/12'));
      await page.getByRole('button', { name: 'Prüfen' }).click();
      await expect(page.locator('#mit-beschluss-text').textContent()).resolves.toContain('Beschluss 2024/12-AL ist noch nicht im Beschlussregister erfasst');
      // Without the date: refused, said at the field, the rest as entered.
      const apply = page.locator('#beschluss-anwenden');
      await apply.getByLabel('in einer Sitzung').check();
      await apply.getByLabel('Nummer der Sitzung').fill('3');
      await page.getByRole('button', { name: 'Übernehmen und Beschluss anwenden' }).click();
      await expect(page.locator('#beschluss-anwenden-errors').textContent()).resolves.toContain('Datum des Beschlusses: Bitte ausfüllen.');
      await expect(apply.getByLabel('Nummer der Sitzung').inputValue()).resolves.toBe('3');
      await apply.getByLabel('Datum des Beschlusses').fill('2024-06-12');
      await page.getByRole('button', { name: 'Übernehmen und Beschluss anwenden' }).click();
      await page.waitForURL(/\/gremien\/[0-9a-f-]{36}\?erfolg=uebernommen&beschluss=2024%2F12-AL/);
      await expect(page.locator('#notice').textContent()).resolves.toContain('Beschluss 2024/12-AL angewandt');
      await expect(page.locator('#current-state').textContent()).resolves.toBe('Eingerichtet (Tätigkeit noch nicht begonnen)');
      // The text went through the browser's form post intact: every field and the report obligation.
      await expect(page.locator('.summary-bar').textContent()).resolves.toContain('31.03.2025');
      const id = page.url().split('/')[4].split('?')[0];
      const body = (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
      expect([body.title, body.contacts.length, body.context.obligations.length]).toEqual(['Cloud-Strategie Föderal', 3, 1]);
    });
  }, 60_000);

  it('Browser (axe-core): no accessibility violations on any page', async () => {
    const session = await openBrowser();
    try {
      const page = session.page;
      await withScreenshot(page, 'axe', async () => {
        await page.goto(`${base}/anmelden`);
        const found: string[] = [];
        const check = async (label: string) => {
          const violations = await axeViolations(page);
          if (violations.length) found.push(`${label} (${page.url()}):\n${describeViolations(violations)}`);
        };
        await check('Anmelden');
        await logIn(page, 'sekretariat');
        const id = bodyUrl.split('/').pop();
        for (const path of ['/', '/?ampel=red', '/gremien/neu', '/gremien/formular', bodyUrl.replace(base, ''), '/beschluesse', '/fristen', '/zeitleiste', '/pruefung', `/pruefung?gremium=${id}&stichtag=2026-11-28`]) {
          await page.goto(`${base}${path}`);
          await check(path);
        }
        // A registration form pasted and checked: what would be registered, and the text to correct.
        await page.goto(`${base}/gremien/formular`);
        await page.fill('#formular-text', readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8'));
        await page.getByRole('button', { name: 'Prüfen' }).click();
        await page.locator('#vorschau-angaben').waitFor();
        await check('Registrierungsformular geprüft');
        // Its decision not yet recorded, applied without what the form lacks: the fields asked for, with their errors.
        await page.fill('#formular-text', seedFormAs('Datenschutz Föderal', '2024/13'));
        await page.getByRole('button', { name: 'Prüfen' }).click();
        await page.getByRole('button', { name: 'Übernehmen und Beschluss anwenden' }).click();
        await page.locator('#beschluss-anwenden-errors').waitFor();
        await check('Registrierungsformular: Beschluss anwenden, mit Fehlern');
        // A form with errors, opened.
        await page.goto(bodyUrl);
        await openAction(page, 'Verlängern (Beschluss)');
        // The one decision offered fills the form in: without it, the form has errors to show.
        await page.selectOption('#aktion-extended-decision', '');
        await submitAction(page, 'extended');
        await page.locator('#aktion-extended-errors').waitFor();
        await check('Formular mit Fehlern');
        // The forms for the new actions, opened: leads and participants, reclassification, an extension to a month.
        for (const action of ['Federführung ändern', 'Mitwirkung ändern', 'Art oder Zuordnung ändern (Beschluss)', 'Verlängerung beantragen', 'Berichtspflicht festlegen']) {
          await openAction(page, action);
        }
        await check('Formulare: Federführung, Mitwirkung, Art oder Zuordnung, Verlängerung beantragen, Berichtspflicht');
        await page.goto(`${base}/gremien/00000000-0000-4000-8000-000000000000`);
        await check('Nicht gefunden');
        expect(found).toEqual([]);
      });
    } finally {
      await session.close();
    }
  }, 90_000);

  it('Browser: at 320 CSS pixels no page scrolls sideways (WCAG 1.4.10 Reflow); wide tables and pictures scroll in their own region', async () => {
    const session = await openBrowser();
    try {
      const page = session.page;
      await withScreenshot(page, 'reflow', async () => {
        await logIn(page, 'sekretariat');
        await page.setViewportSize({ width: 320, height: 800 });
        const wide: string[] = [];
        for (const path of ['/', '/gremien/neu', '/gremien/formular', bodyUrl.replace(base, ''), '/beschluesse', '/fristen', '/zeitleiste', '/pruefung']) {
          await page.goto(`${base}${path}`);
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          if (width > 320) wide.push(`${path}: ${width}px`);
        }
        expect(wide).toEqual([]);
      });
    } finally {
      await session.close();
    }
  }, 60_000);

  it('Browser: keyboard users reach the content through the skip link, with a visible focus; signing out ends the session', async () => {
    const session = await openBrowser();
    try {
      const page = session.page;
      await withScreenshot(page, 'tastatur', async () => {
        await logIn(page, 'sekretariat');
        await page.keyboard.press('Tab');
        const skip = page.getByRole('link', { name: 'Zum Inhalt springen' });
        await expect(skip.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
        await expect(skip.evaluate((el) => getComputedStyle(el).outlineStyle)).resolves.toBe('solid');
        await page.keyboard.press('Enter');
        await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main');

        // Signing out ends the session: the next page asks for the login again.
        await page.getByRole('button', { name: 'Abmelden' }).click();
        await page.waitForURL(/\/anmelden\?abgemeldet=1/);
        await expect(page.getByRole('status').textContent()).resolves.toContain('Sie haben sich abgemeldet.');
        await page.goto(`${base}/fristen`);
        await page.waitForURL(/\/anmelden\?weiter=%2Ffristen/);
      });
    } finally {
      await session.close();
    }
  }, 60_000);

  it('Browser: an auditor sees no write controls but the Prüfung with chain and replay verdicts and the state as of a date', async () => {
    const session = await openBrowser();
    try {
      const page = session.page;
      await withScreenshot(page, 'pruefer', async () => {
        await logIn(page, 'pruefer');
        await expect(navLink(page, 'Gremium registrieren').count()).resolves.toBe(0);
        await page.goto(bodyUrl);
        await expect(page.locator('main form[method="post"]').count()).resolves.toBe(0);
        await expect(page.locator('#actions').locator('..').textContent()).resolves.toContain('Lesezugriff');
        await page.goto(`${base}/beschluesse`);
        await expect(page.locator('#beschluss-erfassen').count()).resolves.toBe(0);

        await navLink(page, 'Prüfung').click();
        await expect(page.locator('#chain-verdict').textContent()).resolves.toContain('Intakt');
        await page.getByLabel('Gremium', { exact: true }).selectOption({ label: 'Projektgruppe Barrierefreie Verwaltung' });
        await page.getByLabel('Stichtag').fill('2026-11-28');
        await page.getByRole('button', { name: 'Prüfen' }).click();
        await expect(page.locator('#replay-verdict').textContent()).resolves.toContain('Stimmt überein');
        await expect(page.locator('#as-of-facts').textContent()).resolves.toContain('Aktiv');

        const denied = await page.request.post(`${bodyUrl}/ereignisse`, { form: { type: 'dissolved', decision: '2024/09-AL' }, headers: { origin: base } });
        expect(denied.status()).toBe(403);
        expect(await denied.text()).toContain('Keine Berechtigung');
      });
    } finally {
      await session.close();
    }
  }, 60_000);
});
