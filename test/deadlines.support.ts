import { SECRETARIAT } from '../src/auth/actor';
import type { Database } from '../src/database/database';
import { DecisionsService } from '../src/decisions/decisions.service';
import { LifecycleService } from '../src/lifecycle/lifecycle.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import type { TestApp, TestContext } from './support/test-app';

/** Environment for the deadlines module in tests: no intervals, the tests drive the scheduler. */
export function deadlinesEnv(extra: Record<string, string> = {}): () => void {
  const values: Record<string, string> = {
    SCHEDULER_ENABLED: 'false',
    PUBLIC_URL: 'https://gremienlauf.example',
    ...extra,
  };
  const before = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  Object.assign(process.env, values);
  return () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** The example registration with `n` interim reports, one a month from `firstMonth` (YYYY-MM) on. */
export function registrationWithReports(n: number, firstMonth: string) {
  const [year, month] = firstMonth.split('-').map(Number);
  const reports = Array.from({ length: n }, (_, i) => {
    const index = month - 1 + i;
    const due = `${year + Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
    return { kind: 'Zwischenbericht' as const, addressee: 'IT-Planungsrat', due: { kind: 'month' as const, month: due } };
  });
  return { ...EXAMPLE_REGISTRATION, reports, registeredAt: '2024-06-03' };
}

/** The decision that approves the bodies of `startBodies`. */
export const APPROVING_DECISION = { number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-13', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung' };

/** Bodies registered (each from one input), approved until 2030 by one decision and started on 17.06.2024, through the services. */
export async function startBodies(t: TestContext, ...inputs: unknown[]): Promise<string[]> {
  const lifecycle = t.context.get(LifecycleService);
  const bodyIds: string[] = [];
  for (const input of inputs) {
    const { bodyId } = await lifecycle.register(input, SECRETARIAT);
    await lifecycle.execute({ bodyId, type: 'submitted', occurredAt: '2024-06-05' }, SECRETARIAT);
    bodyIds.push(bodyId);
  }
  const approved = (body: string) => ({ body, effect: 'approved', data: { approvedUntil: '2030-12-31' } });
  await t.context.get(DecisionsService).record({ ...APPROVING_DECISION, effects: bodyIds.map(approved) }, SECRETARIAT);
  for (const bodyId of bodyIds) {
    await lifecycle.execute({ bodyId, type: 'approved', data: { approvedUntil: '2030-12-31' }, decision: APPROVING_DECISION.number }, SECRETARIAT);
    await lifecycle.execute({ bodyId, type: 'started', occurredAt: '2024-06-17' }, SECRETARIAT);
  }
  return bodyIds;
}

/** A body's Fristen and timers as stored, without the version they were written from. */
export async function deadlineRows(db: Pick<Database, 'query'>, bodyId: string) {
  return {
    deadlines: await db.query(`SELECT key, kind, ref, label, deadline, resolution, original_date, effective_date, status FROM deadlines WHERE body_id = ? ORDER BY key`, [bodyId]),
    timers: await db.query(`SELECT key, kind, ref, deadline_key, series, due_on, due_at, payload, status, last_error FROM timers WHERE body_id = ? ORDER BY key`, [bodyId]),
  };
}

export const SEED_TITLE = 'Weiterentwicklung Struktur OZG Föderal';

/**
 * The seed body's year as the secretariat records it over HTTP: registered 03.06.2024,
 * submitted 05.06., approved by Beschluss 2024/09-AL on 12.06.2024 until 31.03.2025, with its
 * interim report due "im November 2024". Leaves the clock on the approval.
 */
export async function recordSeedBody(t: TestApp, contacts: Array<{ name: string; email?: string }> = []): Promise<string> {
  t.clock.set('2024-06-03T09:00:00Z');
  const registered = await t.http
    .post('/api/bodies')
    .send({
      title: SEED_TITLE,
      kind: 'Projektgruppe',
      parent: 'AL-Runde',
      focusTopic: 'Digitale Anwendungen',
      leads: ['Hessen', 'Bremen', 'Bund (BMI)'],
      contacts,
      start: '2024-06-17',
      expectedEnd: '2024-12-31',
      reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2024-11' } }],
      registeredAt: '2024-06-03T09:00:00Z',
    })
    .expect(201);
  const id = registered.body.id as string;
  t.clock.set('2024-06-05T08:00:00Z');
  await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted' }).expect(200);
  t.clock.set('2024-06-12T10:00:00Z');
  await t.http
    .post('/api/decisions')
    .send({
      number: '2024/09-AL',
      issuer: 'AL-Runde',
      // Decided on 10 June, recorded as approved on 12 June: reminders must name the decision's own date.
      date: '2024-06-10',
      procedure: 'Sitzung',
      session: 30,
      type: 'Beschluss',
      title: 'Aufnahme der Projektgruppe Weiterentwicklung Struktur OZG Föderal',
      effects: [{ body: id, effect: 'approved', data: { approvedUntil: '2025-03-31' } }],
    })
    .expect(201);
  await t.http
    .post(`/api/bodies/${id}/events`)
    .send({ type: 'approved', decision: '2024/09-AL', data: { approvedUntil: '2025-03-31' }, occurredAt: '2024-06-12T10:00:00Z' })
    .expect(200);
  return id;
}
