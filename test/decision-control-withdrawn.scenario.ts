/**
 * Withdrawn decisions for the Beschlusskontrolle (HTTP and browser tests), recorded through the
 * API on 28.11.2026: two bodies set up by 2026/41 (carried out); 2026/45 extends and renames both
 * (four effects, all carried out) and is withdrawn; 2026/50 requests a report from each, Nord's
 * request is sent out, Süd's not, and it is withdrawn too.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import type { TestApp } from './support/test-app';

export interface WithdrawnScenario {
  nord: string;
  sued: string;
}

export const WITHDRAWN_NOW = '2026-11-28T09:00:00Z';

export async function recordWithdrawnScenario(t: TestApp): Promise<WithdrawnScenario> {
  const path = (number: string) => `/api/decisions/IT-PLR/${encodeURIComponent(number)}`;
  const register = async (title: string) =>
    (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, parent: 'IT-PLR', expectedEnd: null, reports: [], registeredAt: '2026-01-05' }).expect(201)).body.id as string;
  const decide = (number: string, date: string, effects: object[]) =>
    t.http.post('/api/decisions').send({ number, issuer: 'IT-PLR', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects }).expect(201);
  const apply = (number: string, effect: number) => t.http.post(`${path(number)}/apply`).send({ effect }).expect(200);
  const report = { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2027-02-15' } };

  const nord = await register('Arbeitsgruppe Nord');
  const sued = await register('Arbeitsgruppe Süd');
  for (const body of [nord, sued]) await t.http.post(`/api/bodies/${body}/events`).send({ type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
  await decide('2026/41', '2026-01-15', [
    { body: nord, effect: 'approved', data: { approvedUntil: '2026-12-31' } },
    { body: sued, effect: 'approved', data: { approvedUntil: '2026-12-31' } },
  ]);
  for (const i of [0, 1]) await apply('2026/41', i);
  await decide('2026/45', '2026-11-10', [
    { body: nord, effect: 'extended', data: { approvedUntil: '2027-06-30' } },
    { body: nord, effect: 'renamed', data: { title: 'Arbeitsgruppe Nord-Ost' } },
    { body: sued, effect: 'extended', data: { approvedUntil: '2027-06-30' } },
    { body: sued, effect: 'renamed', data: { title: 'Arbeitsgruppe Süd-West' } },
  ]);
  for (const i of [0, 1, 2, 3]) await apply('2026/45', i);
  await t.http.post(`${path('2026/45')}/withdrawal`).send({ reason: 'Vom IT-Planungsrat aufgehoben' }).expect(200);
  await decide('2026/50', '2026-11-12', [
    { body: nord, effect: 'reportRequested', data: report },
    { body: sued, effect: 'reportRequested', data: report },
  ]);
  await apply('2026/50', 0);
  await t.http.post(`${path('2026/50')}/withdrawal`).send({ reason: 'Im Umlaufverfahren gescheitert' }).expect(200);
  return { nord, sued };
}
