/// <reference lib="dom" />
/**
 * A decision's effects in real headless Chromium: once an effect is chosen the form shows only
 * its fields (the stylesheet does it, the page has no script); a Berichtsfrist is moved by
 * choosing the report by name and typing a date — no JSON — and the effect so recorded is carried
 * out on the body. A member named twice is refused at „Kommen hinzu“ with the line, linked from
 * the error summary, the text kept, axe-core finding nothing.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { axeViolations, browserSuite, describeInBrowser, describeViolations, PASSWORD, signIn, withScreenshot } from './web-browser';

describeInBrowser('Wirkungen eines Beschlusses in Chromium', () => {
  let body: string;
  let report: string;

  const decision = (number: string) => suite.t.http.get(`/api/decisions/IT-PLR/${encodeURIComponent(number)}`);

  const suite = browserSuite('2026-11-28T09:00:00Z', async (t) => {
    body = (
      await t.http
        .post('/api/bodies')
        .send({
          ...EXAMPLE_REGISTRATION,
          title: 'Projektgruppe Alpha',
          parent: 'IT-PLR',
          start: '2026-01-05',
          expectedEnd: null,
          reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2027-03-31' }, title: 'Erster Zwischenbericht' }],
          registeredAt: '2026-01-05',
        })
        .expect(201)
    ).body.id;
    await t.http.post(`/api/bodies/${body}/events`).send({ type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/01', issuer: 'IT-PLR', date: '2026-01-15', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body, effect: 'approved', data: { approvedUntil: '2027-12-31' } }] })
      .expect(201);
    await t.http.post(`/api/bodies/${body}/events`).send({ type: 'approved', decision: '2026/01', data: { approvedUntil: '2027-12-31' } }).expect(200);
    report = (await t.http.get(`/api/bodies/${body}`).expect(200)).body.context.obligations[0].id;
  });

  it('Browser: „Berichtsfrist ändern“ shows only its fields, takes the report by name and a date, and the effect recorded is carried out on the body', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'wirkung-berichtsfrist', async () => {
      await signIn(page, suite.base, 'sekretariat', PASSWORD);
      await page.goto(`${suite.base}/beschluesse?wirkung=reportRescheduled&fuer=${body}#record`);
      const form = page.locator('form#beschluss-erfassen');
      await expect(page.locator('#beschluss-erfassen-effectType').inputValue()).resolves.toBe('reportRescheduled');
      // Only this effect's fields are shown.
      const visible = async (id: string) => page.locator(`#beschluss-erfassen-${id}`).isVisible();
      await expect(visible('effectObligation')).resolves.toBe(true);
      await expect(visible('effectDue-gruppe')).resolves.toBe(true);
      await expect(visible('effectReason')).resolves.toBe(true);
      for (const hidden of ['term-gruppe', 'report-gruppe', 'effectTitle', 'members-gruppe', 'classification-gruppe', 'successor-gruppe', 'effectFrom']) {
        await expect(visible(hidden)).resolves.toBe(false);
      }
      await expect(page.locator('body').textContent()).resolves.not.toMatch(/JSON/);

      await form.getByLabel('Beschlussnummer').fill('2026/91');
      await form.getByLabel('Datum des Beschlusses').fill('2026-11-20');
      await form.getByLabel('im Umlaufverfahren').check();
      await form.getByLabel('Titel (Pflichtfeld)', { exact: true }).fill('Neue Frist für den Zwischenbericht');
      await form.getByLabel('Berichtspflicht des Gremiums').selectOption({ label: 'Erster Zwischenbericht (Zwischenbericht) an IT-Planungsrat, Frist 31.03.2027 (offen)' });
      const due = page.locator('#beschluss-erfassen-effectDue-gruppe');
      await due.getByLabel('an einem Datum').check();
      await due.getByLabel('Datum', { exact: true }).fill('2027-06-30');
      await form.getByLabel('Begründung der Wirkung').fill('Die Laufzeit wurde verlängert.');
      await form.getByRole('button', { name: 'Beschluss erfassen' }).click();
      await page.waitForURL(/\/gremien\/.*beschluss=2026%2F91&aktion=reportRescheduled/);

      const recorded = (await decision('2026/91').expect(200)).body;
      expect(recorded.effects).toEqual([
        expect.objectContaining({ body, effect: 'reportRescheduled', data: { obligationId: report, due: { kind: 'date', date: '2027-06-30' }, reason: 'Die Laufzeit wurde verlängert.' } }),
      ]);
      // The effect as the form wrote it is what the event that carries it out needs.
      await suite.t.http.post(`/api/decisions/IT-PLR/${encodeURIComponent('2026/91')}/apply`).send({ body }).expect(200);
      const obligation = (await suite.t.http.get(`/api/bodies/${body}`).expect(200)).body.context.obligations.find((o: { id: string }) => o.id === report);
      expect(obligation.due).toEqual({ kind: 'date', date: '2027-06-30' });
    });
  }, 90_000);

  it('Browser: choosing „Federführung ändern“ shows its fields; a Land named twice is refused at „Kommen hinzu“, linked from the summary, then recorded', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'wirkung-federfuehrung', async () => {
      await page.goto(`${suite.base}/beschluesse#record`);
      const form = page.locator('form#beschluss-erfassen');
      const visible = async (id: string) => page.locator(`#beschluss-erfassen-${id}`).isVisible();
      // No effect chosen: every field is there, each group's hint names its effects.
      await expect(visible('members-gruppe')).resolves.toBe(true);
      await expect(visible('term-gruppe')).resolves.toBe(true);
      await form.getByLabel('Wirkung auf das Gremium').selectOption({ label: 'Projektgruppe Alpha' });
      await form.getByLabel('Wirkung', { exact: true }).selectOption({ label: 'Federführung ändern' });
      await expect(visible('members-gruppe')).resolves.toBe(true);
      await expect(visible('term-gruppe')).resolves.toBe(false);
      await expect(visible('effectObligation')).resolves.toBe(false);

      await form.getByLabel('Beschlussnummer').fill('2026/92');
      await form.getByLabel('Datum des Beschlusses').fill('2026-11-20');
      await form.getByLabel('im Umlaufverfahren').check();
      await form.getByLabel('Titel (Pflichtfeld)', { exact: true }).fill('Neue Federführung');
      await form.getByLabel('Kommen hinzu').fill('Bayern\nBayern');
      await form.getByLabel('Scheiden aus').fill('Hessen');
      await form.getByRole('button', { name: 'Beschluss erfassen' }).click();
      await page.waitForURL(`${suite.base}/beschluesse`);

      const errors = page.locator('#beschluss-erfassen-errors');
      await expect(errors.getByRole('link').allTextContents()).resolves.toEqual(['Kommen hinzu: Zeile 2: „Bayern“ steht bereits in Zeile 1.']);
      await expect(errors.getByRole('link').getAttribute('href')).resolves.toBe('#beschluss-erfassen-members-added');
      await expect(page.locator('#beschluss-erfassen-members-added-error').isVisible()).resolves.toBe(true);
      await expect(form.getByLabel('Kommen hinzu').inputValue()).resolves.toBe('Bayern\nBayern');
      await expect(form.getByLabel('Scheiden aus').inputValue()).resolves.toBe('Hessen');
      await expect(visible('term-gruppe')).resolves.toBe(false);
      await decision('2026/92').expect(404);
      expect(describeViolations(await axeViolations(page))).toBe('');

      await form.getByLabel('Kommen hinzu').fill('Bayern');
      await form.getByRole('button', { name: 'Beschluss erfassen' }).click();
      await page.waitForURL(/\/beschluesse\?erfasst=2026%2F92/);
      expect((await decision('2026/92').expect(200)).body.effects).toEqual([expect.objectContaining({ body, effect: 'leadsChanged', data: { added: ['Bayern'], removed: ['Hessen'] } })]);
    });
  }, 90_000);
});
