/**
 * The Beschlusskontrolle follows a requested report after its request: where its Frist was moved
 * (`reportRescheduled`), the moved Frist is the one owed and decides the traffic light, for a
 * closure's final report too; where the body ended before the report was taken note of, the
 * request can no longer be carried out („nicht mehr umsetzbar“), as any effect an ended body
 * did not take.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('moved Fristen and ended bodies in the Beschlusskontrolle on %s', (database) => {
  let t: TestApp;
  let decisions = 40;
  const report = (due: object) => ({ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due });
  const send = (body: string, event: object) => t.http.post(`/api/bodies/${body}/events`).send(event).expect(200);
  /** Records a decision with one effect and carries it out; its number. */
  const decideAndApply = async (body: string, effect: string, data: object, type = 'Auftrag') => {
    const number = `2026/${decisions++}`;
    await t.http.post('/api/decisions').send({ number, issuer: 'IT-PLR', date: '2026-11-20', procedure: 'Umlaufverfahren', type, title: `Beschluss ${number}`, effects: [{ body, effect, data }] }).expect(201);
    const applied = await t.http.post(`/api/decisions/IT-PLR/${encodeURIComponent(number)}/apply`).send({});
    expect([applied.status, applied.body.message]).toEqual([200, undefined]);
    return number;
  };
  const rowOf = async (number: string) => {
    const rows = (await t.http.get('/api/decision-control?issuer=IT-PLR').expect(200)).body as Array<{ decision: { number: string }; dueBy: string | null; state: string; stateLabel: string }>;
    const row = rows.find((r) => r.decision.number === number)!;
    return { dueBy: row.dueBy, state: row.state, stateLabel: row.stateLabel };
  };
  const active = async (title: string) => {
    const id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, parent: 'IT-PLR', expectedEnd: null, reports: [], registeredAt: '2026-01-05' }).expect(201)).body.id as string;
    await send(id, { type: 'submitted', occurredAt: '2026-01-06' });
    await decideAndApply(id, 'approved', { approvedUntil: '2027-12-31' }, 'Beschluss');
    await send(id, { type: 'started', occurredAt: '2026-11-20' });
    return id;
  };

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
  }, 60_000);
  afterAll(() => t.close());

  test('a requested report whose Frist was moved is due by the moved Frist, earlier or later', async () => {
    const body = await active('Projektgruppe Verschoben');
    const earlier = await decideAndApply(body, 'reportRequested', report({ kind: 'date', date: '2027-03-31' }));
    expect(await rowOf(earlier)).toMatchObject({ dueBy: '2027-03-31', state: 'open' });
    // Moved to a Sunday: owed the next working day, and soon.
    await send(body, { type: 'reportRescheduled', data: { obligationId: 'r1', due: { kind: 'date', date: '2026-12-20' }, reason: 'früher gebraucht' } });
    expect(await rowOf(earlier)).toEqual({ dueBy: '2026-12-21', state: 'dueSoon', stateLabel: 'bald fällig' });

    const later = await decideAndApply(body, 'reportRequested', report({ kind: 'date', date: '2026-12-04' }));
    expect(await rowOf(later)).toMatchObject({ dueBy: '2026-12-04', state: 'dueSoon' });
    await send(body, { type: 'reportRescheduled', data: { obligationId: 'r2', due: { kind: 'date', date: '2027-06-30' }, reason: 'später' } });
    expect(await rowOf(later)).toMatchObject({ dueBy: '2027-06-30', state: 'open' });
  });

  test('a closure’s final report whose Frist was moved is due by the moved Frist', async () => {
    const body = await active('Projektgruppe Abschluss');
    const closure = await decideAndApply(body, 'closureInitiated', { finalReportDue: { kind: 'date', date: '2027-02-26' } }, 'Beschluss');
    const finalReport = ((await t.http.get(`/api/bodies/${body}`).expect(200)).body.context.obligations as Array<{ id: string; kind: string }>).find((o) => o.kind === 'Abschlussbericht')!;
    await send(body, { type: 'reportRescheduled', data: { obligationId: finalReport.id, due: { kind: 'date', date: '2027-04-30' }, reason: 'mehr Zeit' } });
    // A closure is carried out when it begins; the row shows the Frist it now runs to.
    expect(await rowOf(closure)).toMatchObject({ dueBy: '2027-04-30', state: 'done' });
  });

  test('a requested report of a body that ended before it was taken note of can no longer be carried out', async () => {
    const body = await active('Projektgruppe Aufgelöst');
    const requested = await decideAndApply(body, 'reportRequested', report({ kind: 'date', date: '2027-01-15' }));
    expect(await rowOf(requested)).toMatchObject({ state: 'open' });
    await decideAndApply(body, 'dissolved', {}, 'Beschluss');
    expect(await rowOf(requested)).toEqual({ dueBy: '2027-01-15', state: 'bodyEnded', stateLabel: 'nicht mehr umsetzbar: Gremium beendet am 20.11.2026' });
  });
});
