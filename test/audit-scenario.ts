import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import type { TestApp } from './support/test-app';

export interface Scenario {
  /** The seed body: registered, submitted, approved by 2024/09-AL until 31.03.2025, started, extended by 2024/30-AL. */
  seed: string;
  /** A second body, registered and submitted. */
  other: string;
  contactIds: string[];
}

/**
 * Two bodies recorded through the REST API, with the clock moved between commands so that
 * system time (recordedAt) and business time (occurredAt) differ as they do in practice.
 */
export async function recordScenario(t: TestApp): Promise<Scenario> {
  const at = (instant: string) => t.clock.set(instant);
  const ok = async (response: Promise<{ status: number; body: any }>, status = 200) => {
    const r = await response;
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const decision = (number: string, date: string, effects: object[]) =>
    ok(t.http.post('/api/decisions').send({ number, issuer: 'AL-Runde', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects }), 201);
  const send = (id: string, body: object) => ok(t.http.post(`/api/bodies/${id}/events`).send(body));

  at('2024-06-03T10:00:00Z');
  const seed = (await ok(t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }), 201)).id as string;
  at('2024-06-05T10:00:00Z');
  await send(seed, { type: 'submitted', occurredAt: '2024-06-05' });
  at('2024-06-14T09:00:00Z');
  await decision('2024/09', '2024-06-13', [{ body: seed, effect: 'approved', data: { approvedUntil: '2025-03-31' } }]);
  await send(seed, { type: 'approved', decision: '2024/09-AL', data: { approvedUntil: '2025-03-31' } });
  // Started on 17 June, but the secretariat records it only on 1 July.
  at('2024-07-01T08:00:00Z');
  await send(seed, { type: 'started', occurredAt: '2024-06-17' });
  // Extended before its first report and its term's warning fell due: no system event in between.
  at('2024-11-12T09:00:00Z');
  await decision('2024/30', '2024-11-11', [{ body: seed, effect: 'extended', data: { approvedUntil: '2025-12-31' } }]);
  await send(seed, { type: 'extended', decision: '2024/30-AL', data: { approvedUntil: '2025-12-31' } });

  at('2025-04-01T09:00:00Z');
  const other = (
    await ok(
      t.http.post('/api/bodies').send({
        ...EXAMPLE_REGISTRATION,
        title: 'Kooperationsgruppe Datennutzung',
        kind: 'Kooperationsgruppe',
        contacts: [{ name: 'Erika Beispiel', organization: 'Hamburg', email: 'erika.beispiel@example.org' }],
        registeredAt: '2025-04-01',
      }),
      201,
    )
  ).id as string;
  await send(other, { type: 'submitted', occurredAt: '2025-04-01' });
  const contactIds = ((await ok(t.http.get(`/api/bodies/${seed}`))).context.profile.contactIds as string[]).slice();
  return { seed, other, contactIds };
}
