import { EXAMPLE_REGISTRATION } from '../../src/seed/example-registration';
import type { TestApp } from './test-app';

/** An event of a body's history as the API takes it: type, business day, data. */
export type HistoryStep = [type: string, occurredAt: string, data?: object];

/**
 * „AG Berichte“, for the specs of late reports: a Zwischenbericht (r1) due Tuesday 31.03.2026 and
 * an Abschlussbericht (r2) due Saturday 30.05.2026 (so Monday 01.06.2026); approved by 2026/10
 * (IT-PLR) until 31.12.2026 and started on 02.02.2026; then `reports` (the reports handed in and
 * noted, each on its day), and dissolved by 2026/30 on 15.06.2026. Its id.
 */
export async function dissolvedReportBody(t: TestApp, reports: readonly HistoryStep[]): Promise<string> {
  const bodyId = (
    await t.http
      .post('/api/bodies')
      .send({
        ...EXAMPLE_REGISTRATION,
        title: 'AG Berichte',
        parent: 'IT-PLR',
        start: '2026-02-02',
        expectedEnd: null,
        registeredAt: '2026-01-05',
        reports: [
          { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2026-03-31' } },
          { kind: 'Abschlussbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2026-05-30' } },
        ],
      })
      .expect(201)
  ).body.id as string;
  const event = ([type, occurredAt, data]: HistoryStep) => t.http.post(`/api/bodies/${bodyId}/events`).send({ type, occurredAt, ...(data ? { data } : {}) }).expect(200);
  const decide = async (number: string, date: string, effect: object) => {
    await t.http.post('/api/decisions').send({ number, issuer: 'IT-PLR', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: number, effects: [{ body: bodyId, ...effect }] }).expect(201);
    await t.http.post(`/api/decisions/IT-PLR/${encodeURIComponent(number)}/apply`).send({}).expect(200);
  };
  await event(['submitted', '2026-01-06']);
  await decide('2026/10', '2026-01-20', { effect: 'approved', data: { approvedUntil: '2026-12-31' } });
  await event(['started', '2026-02-02']);
  for (const step of reports) await event(step);
  await decide('2026/30', '2026-06-15', { effect: 'dissolved', data: {} });
  return bodyId;
}
