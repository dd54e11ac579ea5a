/**
 * What a tester found said three ways or not at all: a term extended to a month reads the same
 * on the body's page, the Fristen page and in `gremienlauf deadlines`; an extension applied after
 * a lead's later request is dated the day it is recorded, and the forms say so; a submitted
 * report waiting for its Kenntnisnahme names its day once.
 */
import type { CommandContext } from '../src/cli/command';
import { deadlinesCommand } from '../src/cli/commands/deadlines';
import { approvedWorkingGroup } from './support/approved-bodies';
import { startTestApp, type TestApp } from './support/test-app';

describe('a term extended to a month, an extension recorded late, a report waiting for its Kenntnisnahme', () => {
  let t: TestApp;
  let id: string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-12-01T09:00:00Z' });
    id = await approvedWorkingGroup(t, {
      title: 'AG Fristenklarheit',
      reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2026-12-15' } }],
      approvedUntil: '2026-12-31',
    });
    await send({ type: 'started', occurredAt: '2026-02-01' }).expect(200);
  });
  afterAll(() => t.close());

  const send = (command: object, as = t.http) => as.post(`/api/bodies/${id}/events`).send(command);
  const decision = (number: string, date: string, effects: object[]) =>
    t.http
      .post('/api/decisions')
      .send({ number, issuer: 'IT-PLR', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects })
      .expect((response) => expect(response.body).toMatchObject({ number }));

  test('an extension applied after the lead asked again later is dated the day it is recorded, as the forms now say', async () => {
    t.clock.set('2026-12-03T15:00:00Z');
    await decision('2026/40', '2026-12-03', [{ body: id, effect: 'extended', data: { approvedUntil: { month: '2028-03' } } }]);
    const [contact] = (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds;
    const lead = await t.user('lead', { contactId: contact });
    t.clock.set('2026-12-04T09:00:00Z');
    await send({ type: 'extensionRequested', data: { approvedUntil: { month: '2028-03' }, justification: 'Die Länder brauchen länger.' } }, lead.http).expect(200);

    t.clock.set('2026-12-05T10:00:00Z');
    const page = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    // The decision's own form (open effect) and the event form: left empty, the date is the decision's only while nothing later is recorded.
    expect(page).toContain('Leer lassen: Tag des Beschlusses – oder heute, wenn nach ihm schon ein Ereignis verbucht ist (etwa ein Antrag der Federführung).');
    expect(page).toContain('Leer lassen: Tag des Beschlusses – oder heute, ohne Beschluss oder wenn nach ihm schon ein Ereignis verbucht ist (etwa ein Antrag der Federführung).');
    expect(page).not.toContain('Tag des Beschlusses, sonst heute');
    // An extension needs its decision: its form does not offer to go without one.
    const extensionForm = /<form id="aktion-extended"[\s\S]*?<\/form>/.exec(page)![0];
    expect(extensionForm).toContain('id="aktion-extended-occurredAt-hint">Leer lassen: Tag des Beschlusses – oder heute, wenn nach ihm schon ein Ereignis verbucht ist');
    expect(extensionForm).not.toContain('ohne Beschluss');

    const extended = await send({ type: 'extended', data: { approvedUntil: { month: '2028-03' } }, decision: '2026/40' }).expect(200);
    expect(extended.body.event.occurredAt).toBe('2026-12-05T10:00:00.000Z');
  });

  test('the term end written as a month reads as on the body page on the Fristen page, in the API and in gremienlauf deadlines', async () => {
    const bodyPage = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    expect(bodyPage).toContain('März 2028 (bis 31.03.2028)');

    const rows = (await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body as Array<{ kind: string; termEndAsWritten?: unknown; deadline: unknown }>;
    const termEnd = rows.find((r) => r.kind === 'termEnd');
    expect(termEnd).toMatchObject({ deadline: { kind: 'date', date: '2028-03-31' }, termEndAsWritten: { month: '2028-03' } });
    expect(rows.filter((r) => r.kind !== 'termEnd').every((r) => r.termEndAsWritten === null)).toBe(true);

    const fristen = (await t.http.get('/fristen').expect(200)).text;
    const row = /<tr>(?:(?!<\/tr>)[\s\S])*Ende der Laufzeit(?:(?!<\/tr>)[\s\S])*<\/tr>/.exec(fristen)?.[0] ?? '';
    expect(row).toContain('<td data-label="Festgelegt">März 2028 (bis 31.03.2028)</td>');
    // The body page's own list of Fristen says it the same way.
    expect(bodyPage).toContain('<td data-label="Festgelegt">März 2028 (bis 31.03.2028)</td>');

    let printed = '';
    const ctx = {
      options: { body: id },
      api: async () => ({ get: async (path: string, query: Record<string, string | undefined>) => (await t.http.get(path).query({ body: query.body })).body }),
      out: { result: (value: unknown, render: (v: unknown) => string) => (printed = render(value)) },
    } as unknown as CommandContext;
    await deadlinesCommand.run(ctx);
    const line = printed.split('\n').find((l) => l.includes('Ende der Laufzeit')) ?? '';
    expect(line).toContain('März 2028 (bis 31.03.2028)');
    expect(line).not.toContain('zum 31.03.2028');
  });

  test('a report waiting for its Kenntnisnahme names the day it was submitted once, in one bracket', async () => {
    await send({ type: 'reportSubmitted', data: { obligationId: 'r1', documentRef: 'DMS-2026-7' } }).expect(200);
    const html = (await t.http.get('/fristen').expect(200)).text;
    expect(html).toContain('Zwischenbericht an IT-Planungsrat zur Kenntnis nehmen (eingereicht am 05.12.2026)</li>');
    expect(html).not.toMatch(/\(eingereicht am [0-9.]+\)\s*<span class="muted">\(seit/);
  });
});
