/**
 * Real data for the Beschlusskontrolle page (HTTP and browser tests), recorded through the API
 * on 28.11.2026: three bodies and five decisions whose effects stand in every state.
 *
 * - Projektgruppe Alpha: established by 2026/41, extended by 2026/42 (done), a report it owes by
 *   15.12.2026 requested by 2026/70 but not yet sent out (due soon).
 * - Projektgruppe Beta: established by 2026/41, a report requested by 2026/70 and due 02.11.2026,
 *   not submitted (overdue); Entfristung by 2026/70, without a date (open without Frist).
 * - Arbeitsgruppe Gamma (AL-Runde): established by 2025/10-AL (done).
 * - 2026/50 (withdrawn), with a report request for Alpha that nobody carried out.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import type { TestApp } from './support/test-app';

export interface ControlScenario {
  alpha: string;
  beta: string;
  gamma: string;
  /** Alpha's version after its extension (the event the row links to). */
  alphaExtendedVersion: number;
}

export const SCENARIO_NOW = '2026-11-28T09:00:00Z';

export async function recordControlScenario(t: TestApp): Promise<ControlScenario> {
  const ok = async (request: Promise<{ status: number; body: any }>, status = 200) => {
    const response = await request;
    if (response.status !== status) throw new Error(`${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const register = async (title: string, parent: string, registeredAt: string) =>
    (await ok(t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, parent, start: registeredAt, expectedEnd: null, reports: [], registeredAt }), 201)).id as string;
  const send = (body: string, command: object) => ok(t.http.post(`/api/bodies/${body}/events`).send(command));
  const decide = (number: string, issuer: string, date: string, title: string, effects: object[]) =>
    ok(t.http.post('/api/decisions').send({ number, issuer, date, procedure: 'Umlaufverfahren', type: 'Beschluss', title, effects }), 201);
  const report = (date: string) => ({ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date } });

  const gamma = await register('Arbeitsgruppe Gamma', 'AL-Runde', '2025-02-03');
  await send(gamma, { type: 'submitted', occurredAt: '2025-02-04' });
  await decide('2025/10-AL', 'AL-Runde', '2025-02-20', 'Einrichtung der Arbeitsgruppe Gamma', [{ body: gamma, effect: 'approved', data: { approvedUntil: '2027-12-31' } }]);
  await send(gamma, { type: 'approved', decision: '2025/10-AL', data: { approvedUntil: '2027-12-31' } });

  const alpha = await register('Projektgruppe Alpha', 'IT-PLR', '2026-01-05');
  const beta = await register('Projektgruppe Beta', 'IT-PLR', '2026-01-05');
  for (const body of [alpha, beta]) await send(body, { type: 'submitted', occurredAt: '2026-01-06' });
  await decide('2026/41', 'IT-PLR', '2026-01-15', 'Einrichtung der Projektgruppen Alpha und Beta', [
    { body: alpha, effect: 'approved', data: { approvedUntil: '2026-12-31' } },
    { body: beta, effect: 'approved', data: { approvedUntil: '2026-12-31' } },
  ]);
  for (const body of [alpha, beta]) await send(body, { type: 'approved', decision: '2026/41', data: { approvedUntil: '2026-12-31' } });
  await decide('2026/42', 'IT-PLR', '2026-03-10', 'Verlängerung der Projektgruppe Alpha', [{ body: alpha, effect: 'extended', data: { approvedUntil: '2027-06-30' } }]);
  const extended = await ok(t.http.post(`/api/decisions/IT-PLR/${encodeURIComponent('2026/42')}/apply`).send({ body: alpha }));
  await decide('2026/50', 'IT-PLR', '2026-04-01', 'Bericht der Projektgruppe Alpha (aufgehoben)', [{ body: alpha, effect: 'reportRequested', data: report('2026-06-30') }]);
  await ok(t.http.post(`/api/decisions/IT-PLR/${encodeURIComponent('2026/50')}/withdrawal`).send({ reason: 'Im Umlaufverfahren gescheitert' }));
  await decide('2026/70', 'IT-PLR', '2026-10-20', 'Zwischenberichte und Entfristung', [
    { body: alpha, effect: 'reportRequested', data: report('2026-12-15') },
    { body: beta, effect: 'reportRequested', data: report('2026-11-02') },
    { body: beta, effect: 'madePermanent' },
  ]);
  await ok(t.http.post(`/api/decisions/IT-PLR/${encodeURIComponent('2026/70')}/apply`).send({ body: beta, effect: 1, occurredAt: '2026-10-21' }));
  return { alpha, beta, gamma, alphaExtendedVersion: extended.version };
}
