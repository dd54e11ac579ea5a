/**
 * An approval plans reports (`data.reports`), and each becomes a Frist at once: one already past
 * on the approval's day would leave the body „Frist überschritten“ the moment it is set up. The
 * write path refuses it at that report's Frist, as it refuses a report request or a closure with
 * a past Frist, and writes nothing; the statechart is left as it is, so recorded streams replay.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('an approval planning reports whose Frist has passed, on %s', (database) => {
  let t: TestApp;
  let decisions = 15;

  const send = (body: string, command: object) => t.http.post(`/api/bodies/${body}/events`).send(command);
  const zwischenbericht = (due: object) => ({ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due });
  /** Registered with a start on 01.03.2026, submitted, and a decision of 10.03.2026 approving it until 31.12.2027. */
  const submittedWithDecision = async (title: string) => {
    const registration = { ...EXAMPLE_REGISTRATION, title, start: '2026-03-01', expectedEnd: null, reports: [], registeredAt: '2026-03-01' };
    const id = (await t.http.post('/api/bodies').send(registration).expect(201)).body.id as string;
    await send(id, { type: 'submitted', occurredAt: '2026-03-02' }).expect(200);
    const number = `2026/${decisions++}`;
    await t.http
      .post('/api/decisions')
      .send({ number, issuer: 'IT-PLR', date: '2026-03-10', procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects: [{ body: id, effect: 'approved', data: { approvedUntil: '2027-12-31' } }] })
      .expect(201);
    return { id, number };
  };
  const standing = async (body: string) => {
    const { version, state } = (await t.http.get(`/api/bodies/${body}`).expect(200)).body as { version: number; state: unknown };
    return { version, state };
  };

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-20T09:00:00Z', database });
  }, 60_000);
  afterAll(() => t.close());

  test('an approval with a planned report due before the event’s day is refused at that report’s Frist, and the body stays as it was', async () => {
    const { id, number } = await submittedWithDecision('Projektgruppe Frist vor der Einrichtung');
    const before = await standing(id);
    expect(before.version).toBe(2);
    const refused = await send(id, {
      type: 'approved',
      decision: number,
      occurredAt: '2026-03-11',
      data: { approvedUntil: '2027-12-31', reports: [zwischenbericht({ kind: 'date', date: '2026-06-30' }), zwischenbericht({ kind: 'date', date: '2026-03-01' })] },
    }).expect(422);
    expect(refused.body.message).toBe('Die Frist des Zwischenberichts (01.03.2026) liegt vor dem Ereignisdatum (11.03.2026).');
    expect(refused.body.details).toMatchObject({ path: 'data.reports[1].due', violations: [refused.body.message] });
    expect(await standing(id)).toEqual(before);
  });

  test('the same approval with the report due on or after the event’s day goes through', async () => {
    const { id, number } = await submittedWithDecision('Projektgruppe Frist nach der Einrichtung');
    const approved = await send(id, {
      type: 'approved',
      decision: number,
      occurredAt: '2026-03-11',
      data: { approvedUntil: '2027-12-31', reports: [zwischenbericht({ kind: 'date', date: '2026-03-11' }), zwischenbericht({ kind: 'month', month: '2026-09' })] },
    }).expect(200);
    expect(approved.body.state.paths).toContain('established');
    const body = (await t.http.get(`/api/bodies/${id}`).expect(200)).body as { context: { obligations: Array<{ due: unknown }> } };
    expect(body.context.obligations.map((o) => o.due)).toEqual([
      { kind: 'date', date: '2026-03-11' },
      { kind: 'month', month: '2026-09' },
    ]);
  });

  test('a backfilled approval is measured by its own day: a Frist past today but not on the day it is dated goes through', async () => {
    const { id, number } = await submittedWithDecision('Projektgruppe nacherfasst');
    await send(id, {
      type: 'approved',
      decision: number,
      occurredAt: '2026-03-10',
      data: { approvedUntil: '2027-12-31', reports: [zwischenbericht({ kind: 'date', date: '2026-03-15' })] },
    }).expect(200);
  });
});
