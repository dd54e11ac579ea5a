/// <reference lib="dom" />
/**
 * „Beschluss erfassen“ in real headless Chromium, opened as a body's „Abschließen (Beschluss)“
 * form links it: refused without the successor or the reason there is none (the error summary
 * links the fieldset, axe-core finds nothing), then recorded from the fields alone and back on
 * the body's page, which lists it among the decisions to carry out; a Frist without its day is
 * refused at that field, named in the summary with its fieldset.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { axeViolations, browserSuite, describeInBrowser, describeViolations, PASSWORD, signIn, withScreenshot } from './web-browser';

describeInBrowser('Beschluss erfassen in Chromium', () => {
  let body: string;

  const suite = browserSuite('2026-11-28T09:00:00Z', async (t) => {
    body = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Projektgruppe Alpha', parent: 'IT-PLR', expectedEnd: null, reports: [] }).expect(201)).body.id;
  });

  it('Browser: a closing decision is refused at „Nachfolgestruktur“ without successor or reason, then recorded from the fields alone and back on the body’s page', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'beschluss-erfassen-abschluss', async () => {
      await signIn(page, suite.base, 'sekretariat', PASSWORD);
      await page.goto(`${suite.base}/beschluesse?wirkung=closed&fuer=${body}#record`);
      const form = page.locator('form#beschluss-erfassen');
      await form.getByLabel('Beschlussnummer').fill('2026/90');
      await form.getByLabel('Datum des Beschlusses').fill('2026-11-20');
      await form.getByLabel('im Umlaufverfahren').check();
      await form.getByLabel('Titel').fill('Abschluss der Projektgruppe Alpha');
      await form.getByRole('button', { name: 'Beschluss erfassen' }).click();
      await page.waitForURL(`${suite.base}/beschluesse`);

      const errors = page.locator('#beschluss-erfassen-errors');
      await expect(errors.getByRole('link').allTextContents()).resolves.toEqual(['Nachfolgestruktur: Bitte die Nachfolgestruktur nennen oder begründen, warum es keine gibt.']);
      await expect(errors.getByRole('link').getAttribute('href')).resolves.toBe('#beschluss-erfassen-successor-gruppe');
      await expect(page.locator('#beschluss-erfassen-successor-gruppe-error').isVisible()).resolves.toBe(true);
      await expect(form.getByLabel('Beschlussnummer').inputValue()).resolves.toBe('2026/90');
      await expect(page.locator('#beschluss-erfassen-effectType').inputValue()).resolves.toBe('closed');
      await suite.t.http.get(`/api/decisions/IT-PLR/${encodeURIComponent('2026/90')}`).expect(404);
      expect(describeViolations(await axeViolations(page))).toBe('');

      await form.getByLabel('Begründung, warum es keine Nachfolgestruktur gibt').fill('Die Aufgabe ist erledigt.');
      await form.getByRole('button', { name: 'Beschluss erfassen' }).click();
      await page.waitForURL(/\/gremien\/.*beschluss=2026%2F90&aktion=closed/);
      await expect(page.locator('body').textContent()).resolves.toContain('Beschluss 2026/90 (IT-Planungsrat) vom 20.11.2026: Abschließen');
      const recorded = (await suite.t.http.get(`/api/decisions/IT-PLR/${encodeURIComponent('2026/90')}`).expect(200)).body;
      expect(recorded.effects).toEqual([expect.objectContaining({ body, effect: 'closed', data: { noSuccessorReason: 'Die Aufgabe ist erledigt.' } })]);
    });
  }, 90_000);

  it('Browser: a Frist chosen „an einem Datum“ without its day is refused at that field, named with its fieldset in the summary, and what was typed stays', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'beschluss-erfassen-frist-ohne-tag', async () => {
      await signIn(page, suite.base, 'sekretariat', PASSWORD);
      await page.goto(`${suite.base}/beschluesse?wirkung=reportRequested&fuer=${body}#record`);
      const form = page.locator('form#beschluss-erfassen');
      await form.getByLabel('Beschlussnummer').fill('2026/91');
      await form.getByLabel('Datum des Beschlusses').fill('2026-11-20');
      await form.getByLabel('im Umlaufverfahren').check();
      await form.getByLabel('Titel').fill('Zwischenbericht der Projektgruppe Alpha');
      await form.getByLabel('Art des Berichts').selectOption('Zwischenbericht');
      await form.getByLabel('Bezeichnung des Berichts').fill('Sachstand 2026');
      await page.locator('#beschluss-erfassen-report-due-kind-0').check();
      await form.getByRole('button', { name: 'Beschluss erfassen' }).click();
      await page.waitForURL(`${suite.base}/beschluesse`);

      const errors = page.locator('#beschluss-erfassen-errors');
      await expect(errors.getByRole('link').allTextContents()).resolves.toEqual(['Fälligkeit › Datum: Bitte das Datum angeben.']);
      await expect(errors.getByRole('link').getAttribute('href')).resolves.toBe('#beschluss-erfassen-report-due-date');
      await expect(page.locator('#beschluss-erfassen-report-due-date-error').textContent()).resolves.toContain('Bitte das Datum angeben.');
      await expect(page.locator('#beschluss-erfassen-report-due-date-error').isVisible()).resolves.toBe(true);
      await expect(form.getByLabel('Bezeichnung des Berichts').inputValue()).resolves.toBe('Sachstand 2026');
      await expect(page.locator('#beschluss-erfassen-report-due-kind-0').isChecked()).resolves.toBe(true);
      await suite.t.http.get(`/api/decisions/IT-PLR/${encodeURIComponent('2026/91')}`).expect(404);
      expect(describeViolations(await axeViolations(page))).toBe('');

      await errors.getByRole('link').click();
      await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('beschluss-erfassen-report-due-date');
      await page.locator('#beschluss-erfassen-report-due-date').fill('2027-01-29');
      await form.getByRole('button', { name: 'Beschluss erfassen' }).click();
      await page.waitForURL(/\/gremien\/.*beschluss=2026%2F91/);
      const recorded = (await suite.t.http.get(`/api/decisions/IT-PLR/${encodeURIComponent('2026/91')}`).expect(200)).body;
      expect(recorded.effects[0].data).toEqual(expect.objectContaining({ title: 'Sachstand 2026', due: { kind: 'date', date: '2027-01-29' } }));
    });
  }, 90_000);
});
