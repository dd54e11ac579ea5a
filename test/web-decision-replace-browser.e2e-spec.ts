/// <reference lib="dom" />
/**
 * „Ersetzt Beschluss“ in real headless Chromium: a Verlängerung recorded under the wrong number,
 * carried out and withdrawn; the body page offers the Geschäftsstelle (no one else) the decision
 * form that replaces it; the Beschlusskontrolle's link „Neuen Beschluss erfassen, der ihn ersetzt“
 * opens that form with „Ersetzt Beschluss“ and the issuer filled in; recorded from the fields, the
 * new decision takes the event over: the body page names it with the withdrawn one as replaced, the
 * Beschlusskontrolle counts the effect carried out, neither offers the link any more (axe-core
 * finds nothing on any of these pages).
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { axeViolations, browserSuite, describeInBrowser, describeViolations, PASSWORD, signIn, withScreenshot } from './web-browser';

const LINK = 'Neuen Beschluss erfassen, der ihn ersetzt';
/** The link with the decision's number its hidden text adds (Chromium puts a space before the colon of the hidden part). */
const LINK_38 = /^Neuen Beschluss erfassen, der ihn ersetzt ?: 2026\/38$/;

describeInBrowser('Beschluss ersetzen in Chromium', () => {
  let body: string;
  let extendedVersion: number;

  const path = (number: string) => `/api/decisions/IT-PLR/${encodeURIComponent(number)}`;

  /** Alpha approved by 2026/10 until 31.12.2026; 2026/38 extends it to 30.06.2027, is carried out and withdrawn (the right number is 2026/33). */
  const suite = browserSuite('2026-11-28T09:00:00Z', async (t) => {
    body = (
      await t.http
        .post('/api/bodies')
        .send({ ...EXAMPLE_REGISTRATION, title: 'Projektgruppe Alpha', parent: 'IT-PLR', start: '2026-02-01', expectedEnd: null, reports: [], registeredAt: '2026-01-05' })
        .expect(201)
    ).body.id;
    await t.http.post(`/api/bodies/${body}/events`).send({ type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
    const decide = (number: string, date: string, title: string, effect: object) =>
      t.http.post('/api/decisions').send({ number, issuer: 'IT-PLR', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title, effects: [{ body, ...effect }] }).expect(201);
    await decide('2026/10', '2026-01-15', 'Einrichtung', { effect: 'approved', data: { approvedUntil: '2026-12-31' } });
    await t.http.post(`${path('2026/10')}/apply`).send({}).expect(200);
    await decide('2026/38', '2026-11-10', 'Verlängerung der Projektgruppe Alpha', { effect: 'extended', data: { approvedUntil: '2027-06-30' } });
    extendedVersion = (await t.http.post(`${path('2026/38')}/apply`).send({}).expect(200)).body.version;
    await t.http.post(`${path('2026/38')}/withdrawal`).send({ reason: 'unter falscher Nummer erfasst, richtig ist 2026/33' }).expect(200);
    await t.user('auditor', { username: 'pruefung', password: PASSWORD });
  });

  it('Browser: the body page offers the replacing decision to the Geschäftsstelle only, beside the withdrawn one', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'beschluss-ersetzen-gremium', async () => {
      const decisions = () => page.locator('dt', { hasText: /^Beschlüsse$/ }).locator('xpath=following-sibling::dd[1]');
      await signIn(page, suite.base, 'pruefung', PASSWORD);
      await page.goto(`${suite.base}/gremien/${body}`);
      await expect(decisions().textContent()).resolves.toContain('ein neuer Beschluss ist nötig');
      await expect(page.getByRole('link', { name: LINK }).count()).resolves.toBe(0);

      await signIn(page, suite.base, 'sekretariat', PASSWORD);
      await page.goto(`${suite.base}/gremien/${body}`);
      const link = decisions().getByRole('link', { name: LINK_38 });
      await expect(link.getAttribute('href')).resolves.toBe('/beschluesse?ersetzt=2026%2F38&gremium=IT-PLR#beschluss-erfassen');
      expect(describeViolations(await axeViolations(page))).toBe('');
      await link.click();
      await page.waitForURL(/\/beschluesse\?ersetzt=2026%2F38&gremium=IT-PLR/);
      await expect(page.locator('form#beschluss-erfassen').getByLabel('Ersetzt Beschluss (optional)').inputValue()).resolves.toBe('2026/38');
    });
  }, 90_000);

  it('Browser: followed from the Beschlusskontrolle, the form records the decision under the right number, which takes the event over on the body page and in the Beschlusskontrolle', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'beschluss-ersetzen-kontrolle', async () => {
      await signIn(page, suite.base, 'sekretariat', PASSWORD);
      await page.goto(`${suite.base}/beschlusskontrolle`);
      const heading = page.locator('tr.decision-row', { hasText: 'Beschluss 2026/38' });
      await expect(heading.textContent()).resolves.toContain('ein neuer Beschluss ist nötig');
      await heading.getByRole('link', { name: LINK_38 }).click();
      await page.waitForURL(/\/beschluesse\?ersetzt=2026%2F38&gremium=IT-PLR/);

      const form = page.locator('form#beschluss-erfassen');
      await expect(form.getByLabel('Ersetzt Beschluss (optional)').inputValue()).resolves.toBe('2026/38');
      await expect(page.locator('#beschluss-erfassen-issuer').inputValue()).resolves.toBe('IT-PLR');
      expect(describeViolations(await axeViolations(page))).toBe('');
      await form.getByLabel('Beschlussnummer').fill('2026/33');
      await form.getByLabel('Datum des Beschlusses').fill('2026-11-10');
      await form.getByLabel('im Umlaufverfahren').check();
      await form.getByLabel('Titel (Pflichtfeld)', { exact: true }).fill('Verlängerung der Projektgruppe Alpha');
      await form.getByLabel('Wirkung auf das Gremium').selectOption(body);
      await form.getByLabel('Wirkung', { exact: true }).selectOption('extended');
      await form.getByLabel('Befristet bis / neues Ende (Tag)').fill('2027-06-30');
      await form.getByRole('button', { name: 'Beschluss erfassen' }).click();
      await page.waitForURL(/\/beschluesse\?erfasst=2026%2F33/);

      const recorded = (await suite.t.http.get(path('2026/33')).expect(200)).body;
      expect(recorded.effects).toEqual([
        expect.objectContaining({ body, effect: 'extended', data: { approvedUntil: '2027-06-30' }, replaces: { number: '2026/38', issuer: 'IT-PLR', version: extendedVersion } }),
      ]);

      await page.goto(`${suite.base}/gremien/${body}`);
      const text = await page.locator('body').textContent();
      expect(text).toContain('Beschluss 2026/33 (IT-PLR) vom 10.11.2026: Verlängert');
      expect(text).toContain('ersetzt Beschluss 2026/38 (IT-PLR) vom 10.11.2026');
      expect(text).not.toContain('ein neuer Beschluss ist nötig');
      await expect(page.getByRole('link', { name: LINK }).count()).resolves.toBe(0);
      expect(describeViolations(await axeViolations(page))).toBe('');

      await page.goto(`${suite.base}/beschlusskontrolle`);
      await expect(page.locator('tr.decision-row', { hasText: 'Beschluss 2026/38' }).textContent()).resolves.toContain('was davon umgesetzt ist, hat Beschluss 2026/33 übernommen');
      await expect(page.locator('tr.effect-row--replaced .light__label').allTextContents()).resolves.toEqual(['umgesetzt, Beschluss ersetzt durch 2026/33']);
      await expect(page.getByRole('link', { name: LINK }).count()).resolves.toBe(0);
      expect(describeViolations(await axeViolations(page))).toBe('');
    });
  }, 90_000);
});
