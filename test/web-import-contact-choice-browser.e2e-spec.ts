/// <reference lib="dom" />
/**
 * „Ansprechpersonen zuordnen“ in real headless Chromium: a person of the pasted form whom the
 * matching rule does not reuse (her e-mail address mistyped) is assigned to the recorded one,
 * the preview shows it, and the draft is registered with the recorded person; the page with the
 * choice passes axe-core.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations, browserSuite, describeInBrowser, describeViolations, PASSWORD, signIn, withScreenshot } from './web-browser';

const SEED = readFileSync(join(__dirname, '..', 'examples', 'registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
const FORM = SEED.replace(
  'Ansprechperson: Ralf Stettner (Hessen), Carola Heilemann-Jeschke (Hansestadt Bremen), Dr. Pamela Müller-Niese (BMI)',
  'Ansprechperson: Carola Heilemann-Jeschke (Hansestadt Bremen), Erika Beispiel (Hessen, erika.beispel@hessen.example)',
);

describeInBrowser('Ansprechpersonen zuordnen in Chromium', () => {
  let erika: string;

  const suite = browserSuite('2026-11-28T09:00:00Z', async (t) => {
    const recorded = (
      await t.http
        .post('/api/bodies')
        .send({ title: 'PG Beispiel', kind: 'Projektgruppe', parent: 'IT-PLR', focusTopic: 'Datennutzung', leads: ['Hessen'], contacts: [{ name: 'Erika Beispiel', organization: 'Hessen', email: 'erika.beispiel@hessen.example' }], start: '2025-02-01' })
        .expect(201)
    ).body;
    erika = (await t.http.get(`/api/bodies/${recorded.id}`).expect(200)).body.context.profile.contactIds[0];
  });

  it('Browser: the Geschäftsstelle checks the form, assigns the person to the recorded one, sees it in the preview and registers the draft with her', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'ansprechpersonen-zuordnen', async () => {
      await signIn(page, suite.base, 'sekretariat', PASSWORD);
      await page.goto(`${suite.base}/gremien/formular`);
      await page.getByLabel('Text des Registrierungsformulars').fill(FORM);
      await page.getByRole('button', { name: 'Prüfen' }).click();
      const choice = page.getByLabel('Ansprechperson 2 des Formulars: Erika Beispiel');
      await expect(choice.inputValue()).resolves.toBe('');
      expect(describeViolations(await axeViolations(page))).toBe('');

      await choice.selectOption({ label: 'Erika Beispiel, Hessen, erika.beispiel@hessen.example (erfasst)' });
      await page.getByRole('button', { name: 'Prüfen' }).click();
      await expect(page.locator('#vorschau-angaben').textContent()).resolves.toContain('Erika Beispiel (Hessen) – bereits erfasst (gewählt)');
      await expect(page.getByLabel('Ansprechperson 2 des Formulars: Erika Beispiel').inputValue()).resolves.toBe(erika);

      await page.locator('section[aria-labelledby="vorschau"]').getByRole('button', { name: 'Als Entwurf übernehmen' }).click();
      await page.waitForURL(/erfolg=registriert/);
      const id = new URL(page.url()).pathname.split('/')[2];
      const body = (await suite.t.http.get(`/api/bodies/${id}`).expect(200)).body;
      expect(body.context.profile.contactIds[1]).toBe(erika);
    });
  });
});
