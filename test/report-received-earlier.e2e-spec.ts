/**
 * A report that came in before the Geschäftsstelle recorded it (statechart version 6): the
 * Zwischenbericht owed in November arrived by e-mail on 28.11., is recorded on 03.12., after the
 * write path has noted it overdue on 01.12. The history stays as it happened (overdue noted, then
 * the submission recorded on 03.12.); the report counts as handed in on 28.11., within its Frist.
 * Taken note of by a decision recorded after that, it was taken note of on the decision's day. An
 * extension request recorded after it came in was made on the day it came in.
 */
import { machineVersion } from '../src/audit/machine-versions';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { decisionFacts, lead, recordStream, registration } from './audit-builders';
import { storeRecordedStream } from './support/stored-stream';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('a report recorded after it came in, on %s', (database) => {
  let t: TestApp;
  let body: string;
  let contactId: string;
  let bodies = 0;

  /** One event form of a body's page, by its event type. */
  const formOf = (page: string, type: string) => new RegExp(`id="aktion-${type}-details"[\\s\\S]*?</details>`).exec(page)?.[0] ?? '';
  const version = async (id: string) => (await t.http.get(`/api/bodies/${id}`).expect(200)).body.version as number;
  const obligation = async (id: string, obligationId = 'r1') =>
    ((await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.obligations as any[]).find((o) => o.id === obligationId);

  /** A body owing a Zwischenbericht in November 2026, approved and started. */
  const owingNovember = async (title: string) => {
    const created = await t.http
      .post('/api/bodies')
      .send({ ...EXAMPLE_REGISTRATION, title, parent: 'IT-PLR', start: '2026-06-01', expectedEnd: null, reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2026-11' } }], registeredAt: '2026-05-04' })
      .expect(201);
    const id = created.body.id as string;
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', occurredAt: '2026-05-05' }).expect(200);
    const number = `2026/${40 + ++bodies}`;
    await t.http
      .post('/api/decisions')
      .send({ number, issuer: 'IT-PLR', date: '2026-05-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Einrichtung ${title}`, effects: [{ body: id, effect: 'approved', data: { approvedUntil: '2027-12-31' } }] })
      .expect(201);
    await t.http.post(`/api/decisions/IT-PLR/${encodeURIComponent(number)}/apply`).send({}).expect(200);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'started', occurredAt: '2026-06-01' }).expect(200);
    const { context } = (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
    return { id, contactId: context.profile.contactIds[0] as string };
  };

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-12-03T09:00:00Z', database });
    ({ id: body, contactId } = await owingNovember('Projektgruppe Eingang'));
  }, 60_000);
  afterAll(() => t.close());

  test('a lead may not name the day its report came in: it comes in when sent; nothing is written', async () => {
    const lead = await t.user('lead', { contactId });
    const before = await version(body);
    const refused = await lead.http.post(`/api/bodies/${body}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1', receivedOn: '2026-11-28' } });
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([{ path: 'data.receivedOn', message: expect.stringContaining('Geschäftsstelle') }]);
    expect(await version(body)).toBe(before);
  });

  test('a day after the recording, or before the body was registered, is refused naming it; nothing is written', async () => {
    const before = await version(body);
    const later = await t.http.post(`/api/bodies/${body}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1', receivedOn: '2026-12-02' }, occurredAt: '2026-12-01' });
    expect(later.status).toBe(422);
    expect(later.body.details.violations).toEqual([expect.stringContaining('Der Eingang des Berichts (02.12.2026) liegt nach dem Ereignisdatum 01.12.2026')]);
    const early = await t.http.post(`/api/bodies/${body}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1', receivedOn: '2026-04-30' } });
    expect(early.status).toBe(422);
    expect(early.body.details.violations).toEqual([expect.stringContaining('liegt vor dem 04.05.2026, an dem das Gremium registriert wurde')]);
    const mistyped = await t.http.post(`/api/bodies/${body}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1', receivedOn: '2026-11-31' } });
    expect(mistyped.status).toBe(400);
    expect(mistyped.body.details).toEqual([{ path: 'data.receivedOn', message: expect.stringContaining('existierendes Kalenderdatum') }]);
    expect((await obligation(body)).state).toBe('pending');
    expect(await version(body)).toBe(before);
  });

  test('recorded on 03.12. with receivedOn 28.11.: overdue stays in the history, the report counts as handed in on 28.11., in time', async () => {
    const answer = await t.http.post(`/api/bodies/${body}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1', receivedOn: '2026-11-28', documentRef: 'E-Mail vom 28.11.2026' } });
    expect([answer.status, answer.body.message]).toEqual([200, undefined]);
    expect(answer.body.event.occurredAt).toBe('2026-12-03T09:00:00.000Z');
    const events = (await t.http.get(`/api/bodies/${body}/history`).expect(200)).body.events as any[];
    expect(events.slice(-3).map((e) => [e.type, e.occurredAt])).toEqual([
      ['reportDue', '2026-11-29T23:00:00.000Z'],
      ['reportOverdue', '2026-11-30T23:00:00.000Z'],
      ['reportSubmitted', '2026-12-03T09:00:00.000Z'],
    ]);
    expect(await obligation(body)).toMatchObject({ state: 'submitted', overdueOn: '2026-12-01', submittedOn: '2026-11-28', submissionRecordedOn: '2026-12-03' });

    // The Fristen count it met on the day it came in; the body's page says both days, and not „verspätet“.
    const fristen = (await t.http.get(`/api/deadlines?body=${body}&met=true`).expect(200)).body as any[];
    expect(fristen.filter((d) => d.ref === 'r1').map((d) => [d.status, d.metOn, d.overdue])).toEqual([['met', '2026-11-28', false]]);
    const page = (await t.http.get(`/gremien/${body}`).expect(200)).text;
    expect(page).toContain('eingereicht am 28.11.2026 (erfasst am 03.12.2026)');
    expect(page).not.toContain('eingereicht am 28.11.2026, verspätet');
    expect(page).toContain('eingegangen am 28.11.2026');
  });

  test('taken note of by a decision of 02.12., recorded after the submission of 03.12.: taken note of on 02.12.', async () => {
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/95', issuer: 'IT-PLR', date: '2026-12-02', procedure: 'Umlaufverfahren', type: 'Kenntnisnahme', title: 'Zwischenbericht Eingang', effects: [{ body, effect: 'reportAcknowledged', data: { obligationId: 'r1' } }] })
      .expect(201);
    const applied = await t.http.post('/api/decisions/IT-PLR/2026%2F95/apply').send({}).expect(200);
    // Recorded today: the body has an event after the decision's day.
    expect(applied.body.event.occurredAt).toBe('2026-12-03T09:00:00.000Z');
    expect(await obligation(body)).toMatchObject({ state: 'acknowledged', acknowledgedOn: '2026-12-02', acknowledgedBy: '2026/95' });
    const rows = ((await t.http.get('/api/decision-control?issuer=IT-PLR').expect(200)).body as any[]).filter((r) => r.decision.number === '2026/95');
    expect(rows.map((r) => r.state)).toEqual(['done']);
    expect((await t.http.get(`/gremien/${body}`).expect(200)).text).toContain('zur Kenntnis genommen am 02.12.2026 (eingereicht am 28.11.2026, erfasst am 03.12.2026)');
  });

  test('an extension request e-mailed on 20.11. and recorded on 03.12. was made on 20.11.; a lead sends no such day', async () => {
    const { id, contactId: its } = await owingNovember('Projektgruppe Antrag');
    const request = { type: 'extensionRequested', data: { approvedUntil: '2028-06-30', justification: 'Die Umsetzung dauert an.', receivedOn: '2026-11-20' } };
    const lead = await t.user('lead', { contactId: its });
    const refused = await lead.http.post(`/api/bodies/${id}/events`).send(request);
    expect([refused.status, refused.body.details]).toEqual([400, [{ path: 'data.receivedOn', message: expect.stringContaining('Antrag trägt die Geschäftsstelle ein') }]]);
    await t.http.post(`/api/bodies/${id}/events`).send(request).expect(200);
    const { context } = (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
    expect(context.extensionRequests).toEqual([{ approvedUntil: '2028-06-30', justification: 'Die Umsetzung dauert an.', on: '2026-11-20', recordedOn: '2026-12-03' }]);
    const history = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events as any[];
    expect(history.at(-1).summary).toContain('eingegangen am 20.11.2026');
  });

  test('a body still on version 5 refuses the day it came in, saying to move it first; without it the report is recorded as before', async () => {
    const v5 = machineVersion('body', 5)!;
    const records = recordStream(
      [
        { type: 'submitted', occurredAt: '2026-05-05T09:00:00.000Z', actor: lead },
        { type: 'approved', data: { approvedUntil: '2027-12-31', reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2026-11' } }] }, occurredAt: '2026-05-20T12:00:00.000Z', decision: decisionFacts('2026/12', '2026-05-20') },
        { type: 'started', occurredAt: '2026-06-01T07:00:00.000Z' },
      ],
      { machine: v5, registration: registration({ expectedEnd: null }), registeredAt: '2026-05-04T08:00:00.000Z' },
    );
    await storeRecordedStream(t, records, v5);
    const id = records[0].bodyId;
    const refused = await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1', receivedOn: '2026-11-28' } });
    expect(refused.status).toBe(422);
    expect(refused.body.details.violations).toEqual(['Ein Eingangsdatum (receivedOn) kennt erst Version 6 des Lebenslaufs; das Gremium zuerst auf die neueste Version umstellen oder ohne Eingangsdatum erfassen.']);
    // The secretariat's forms offer the field only where the body follows version 6.
    expect((await t.http.get(`/gremien/${id}`).expect(200)).text).not.toContain('name="receivedOn"');
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1' } }).expect(200);
    expect(await obligation(id)).toMatchObject({ state: 'submitted', submittedOn: '2026-12-03' });
    expect((await obligation(id)).submissionRecordedOn).toBeUndefined();
  });

  test('the secretariat’s forms name the day a report or a request came in; sent from the form it is recorded so', async () => {
    const { id, contactId: its } = await owingNovember('Projektgruppe Formular');
    const page = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    for (const type of ['reportSubmitted', 'extensionRequested']) {
      expect(formOf(page, type)).toContain('name="receivedOn"');
      expect(formOf(page, type)).toContain('Eingegangen am');
    }
    const lead = await t.user('lead', { contactId: its });
    const leadPage = (await lead.http.get(`/gremien/${id}`).expect(200)).text;
    for (const type of ['reportSubmitted', 'extensionRequested']) {
      expect(formOf(leadPage, type)).not.toBe(''); // the lead's form, without the field
      expect(formOf(leadPage, type)).not.toContain('name="receivedOn"');
    }

    await t.http.post(`/gremien/${id}/ereignisse`).type('form').send({ type: 'reportSubmitted', obligationId: 'r1', receivedOn: '2026-11-27', documentRef: '' }).expect(303);
    expect(await obligation(id)).toMatchObject({ state: 'submitted', submittedOn: '2026-11-27', submissionRecordedOn: '2026-12-03' });
    // A day after the recording comes back on the form, with the chart's reason.
    const { id: other } = await owingNovember('Projektgruppe Formular spät');
    const refused = await t.http.post(`/gremien/${other}/ereignisse`).type('form').send({ type: 'reportSubmitted', obligationId: 'r1', receivedOn: '2026-12-04' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Der Eingang des Berichts (04.12.2026) liegt nach dem Ereignisdatum 03.12.2026');
    expect(refused.text).toMatch(/name="receivedOn"[^>]*value="2026-12-04"|value="2026-12-04"[^>]*name="receivedOn"/);
    expect((await obligation(other)).state).toBe('pending');
  });
});
