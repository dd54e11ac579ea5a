/**
 * The body page's event forms ask for a Frist's missing field at that field, as the decision
 * form does („Bitte das Datum angeben.“), instead of the schema's message; nothing is recorded.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, type TestApp } from './support/test-app';

/** The error the page shows at a field of an event form, by the form's type and the field's name (`due.date`). */
const errorAt = (html: string, type: string, name: string) => {
  const id = `aktion-${type}-${name.replace(/[.[\]]+/g, '-')}-error`;
  return new RegExp(`<p class="error-message" id="${id}"><span class="visually-hidden">Fehler: </span>([^<]+)</p>`).exec(html)?.[1] ?? null;
};

describe('an event form with a Frist left without its day', () => {
  let t: TestApp;
  let bodyId: string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
    bodyId = (
      await t.http
        .post('/api/bodies')
        .send({
          ...EXAMPLE_REGISTRATION,
          title: 'AG Fristen',
          parent: 'IT-PLR',
          start: '2026-02-02',
          expectedEnd: null,
          registeredAt: '2026-01-05',
          reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2027-03-31' } }],
        })
        .expect(201)
    ).body.id;
    await t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/10', issuer: 'IT-PLR', date: '2026-01-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: bodyId, effect: 'approved', data: { approvedUntil: '2027-12-31' } }] })
      .expect(201);
    await t.http.post(`/api/decisions/IT-PLR/${encodeURIComponent('2026/10')}/apply`).send({}).expect(200);
    await t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'started', occurredAt: '2026-02-02' }).expect(200);
  }, 60_000);
  afterAll(() => t.close());

  const post = (form: Record<string, string>) => t.http.post(`/gremien/${bodyId}/ereignisse`).type('form').send(form);
  const versions = async () => (await t.http.get(`/api/bodies/${bodyId}/history`).expect(200)).body.events.length as number;

  test('a new Frist „an einem Datum“ without a date is asked for at the date field', async () => {
    const before = await versions();
    const res = await post({ type: 'reportRescheduled', obligationId: 'r1', 'due.kind': 'date', 'due.date': '' }).expect(400);
    expect(errorAt(res.text, 'reportRescheduled', 'due.date')).toBe('Bitte das Datum angeben.');
    expect(await versions()).toBe(before);
  });

  test('a Berichtspflicht „in einem Monat“ without the month, and a closure’s final report without its date, likewise', async () => {
    const before = await versions();
    const requested = await post({ type: 'reportRequested', kind: 'Abschlussbericht', addressee: 'IT-Planungsrat', 'due.kind': 'month', 'due.month': '' }).expect(400);
    expect(errorAt(requested.text, 'reportRequested', 'due.month')).toBe('Bitte den Monat angeben.');
    const closure = await post({ type: 'closureInitiated', 'finalReportDue.kind': 'date', 'finalReportDue.date': '' }).expect(400);
    expect(errorAt(closure.text, 'closureInitiated', 'finalReportDue.date')).toBe('Bitte das Datum angeben.');
    expect(await versions()).toBe(before);
  });
});
