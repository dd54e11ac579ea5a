/**
 * Version 3 of the statechart: the closure decision's Frist is the final report's (an open
 * Abschlussbericht moves to it, the Fristen follow), and a revision whose expected end lies
 * before the start is refused as a registration is. New bodies start on version 3; a body
 * recorded under version 2 replays through it as recorded and follows version 3 once moved.
 */
import { latestMachine, machineVersion } from '../src/audit/machine-versions';
import { BODY_MACHINE_VERSION } from '../machines';
import { Database } from '../src/database/database';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { decisionFacts, lead, recordStream, registration } from './audit-builders';
import { deadlinesEnv } from './deadlines.support';
import { storeRecordedStream } from './support/stored-stream';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

interface Frist {
  kind: string;
  ref: string;
  label: string;
  description: string;
  originalDate: string;
  effectiveDate: string;
  status: string;
  overdue: boolean;
  next: { event: string; dueAt: string } | null;
}

const FINAL_REPORT = { kind: 'Abschlussbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2026-11' } };

describe.each(testDatabaseKinds())('statechart version 3, on %s', (database) => {
  let restoreEnv: () => void;
  let t: TestApp;

  const send = (id: string, body: object) => t.http.post(`/api/bodies/${id}/events`).send(body);
  const finalReportFristen = async (id: string) =>
    ((await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body as Frist[]).filter((d) => d.label.startsWith('Abschlussbericht'));

  beforeAll(async () => {
    restoreEnv = deadlinesEnv();
    t = await startTestApp({ database, now: '2024-06-14T09:00:00Z' });
  });
  afterAll(async () => {
    await t.close();
    restoreEnv();
  });

  describe('a new body', () => {
    let id: string;

    beforeAll(async () => {
      t.clock.set('2024-06-14T09:00:00Z');
      // Without the registration's interim report: the final report is the body's only one (r1).
      id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, reports: [], registeredAt: '2024-06-03' }).expect(201)).body.id;
    });

    test('POST /api/bodies/:id/events refuses a revision whose expected end lies before the start, as registration does', async () => {
      const refused = await send(id, { type: 'revised', data: { expectedEnd: '2024-05-31' }, occurredAt: '2024-06-04' }).expect(422);
      expect(refused.body.message).toBe('Das voraussichtliche Ende liegt vor dem Beginn der Tätigkeit.');
      expect(refused.body.details.violations).toEqual(['Das voraussichtliche Ende liegt vor dem Beginn der Tätigkeit.']);
      const registering = await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, expectedEnd: '2024-05-31' }).expect(400);
      expect(JSON.stringify(registering.body)).toContain('Das voraussichtliche Ende liegt vor dem Beginn der Tätigkeit.');
      await send(id, { type: 'revised', data: { expectedEnd: '2027-12-31' }, occurredAt: '2024-06-04' }).expect(200);
    });

    test('closure initiated with „im März 2027“ moves the overdue Abschlussbericht „im November 2026“ to it, and the Fristen show the new one only', async () => {
      await send(id, { type: 'submitted', occurredAt: '2024-06-05' }).expect(200);
      await t.http
        .post('/api/decisions')
        .send({
          number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-12', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung',
          effects: [{ body: id, effect: 'approved', data: { approvedUntil: '2027-12-31', reports: [FINAL_REPORT] } }],
        })
        .expect(201);
      const approved = await send(id, { type: 'approved', data: { approvedUntil: '2027-12-31', reports: [FINAL_REPORT] }, decision: '2024/09-AL' }).expect(200);
      expect(approved.body.event.machine).toEqual({ id: 'body', version: BODY_MACHINE_VERSION });

      // Given: the scheduler has started the body and found the final report overdue.
      t.clock.set('2027-01-10T09:00:00Z');
      await t.app.get(SchedulerService).sweep();
      expect(await finalReportFristen(id)).toEqual([
        expect.objectContaining({ ref: 'r1', description: 'im November 2026 (Monatsende)', effectiveDate: '2026-11-30', status: 'overdue', overdue: true }),
      ]);

      // When: the closure decision gives the final report „im März 2027“.
      const due = { kind: 'month', month: '2027-03' };
      t.clock.set('2027-01-15T09:00:00Z');
      await t.http
        .post('/api/decisions')
        .send({
          number: '2027/02-AL', issuer: 'AL-Runde', date: '2027-01-15', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Geordneter Abschluss',
          effects: [{ body: id, effect: 'closureInitiated', data: { finalReportDue: due } }],
        })
        .expect(201);
      const closing = await send(id, { type: 'closureInitiated', data: { finalReportDue: due }, decision: '2027/02-AL' }).expect(200);
      expect(closing.body.state.value).toMatchObject({ active: { reporting: 'upToDate', closure: 'closing' } });

      // Then: one Frist for the final report, the decision's, open, watched by reportDue at its day.
      expect(await finalReportFristen(id)).toEqual([
        expect.objectContaining({
          ref: 'r1',
          description: 'im März 2027 (Monatsende)',
          originalDate: '2027-03-31',
          effectiveDate: '2027-03-31',
          status: 'open',
          overdue: false,
          next: expect.objectContaining({ event: 'reportDue', dueAt: '2027-03-30T22:00:00.000Z' }),
        }),
      ]);
      // No reminder still waits on the old Frist.
      const pending = await t.app.get(Database).query<{ key: string }>(`SELECT key FROM timers WHERE body_id = ? AND status = 'pending' ORDER BY due_at`, [id]);
      expect(pending.map((r) => r.key.slice(id.length + 1)).filter((key) => key.includes('2026-11-30'))).toEqual([]);
      expect(pending.map((r) => r.key.slice(id.length + 1))).toEqual(expect.arrayContaining(['reminder/r1@2027-03-31-28d', 'reportDue/r1']));
      const { body: overdue } = await t.http.get('/api/deadlines?overdue=true').expect(200);
      expect(overdue.filter((d: Frist & { bodyId: string }) => d.bodyId === id)).toEqual([]);
      const history = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events;
      expect(history.at(-1)).toMatchObject({ type: 'closureInitiated', summary: 'Abschlussbericht an IT-Planungsrat: Frist im November 2026 → im März 2027' });
      expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
    });
  });

  describe('a body recorded under version 2', () => {
    let id: string;
    const v2 = machineVersion('body', 2)!;
    // The move goes to the newest version, which keeps what version 3 does with the closure's Frist.
    const newest = latestMachine().version;

    beforeAll(async () => {
      t.clock.set('2027-01-10T09:00:00Z');
      // Given: a stream as version 2 recorded it, with the Abschlussbericht „im November 2026“ overdue.
      const records = recordStream(
        [
          { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
          { type: 'approved', data: { approvedUntil: '2027-12-31', reports: [FINAL_REPORT] }, occurredAt: '2024-06-20T12:00:00.000Z', decision: decisionFacts('2024/09', '2024-06-20') },
          { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
          { type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2026-11-29T23:00:00.000Z' },
          { type: 'reportOverdue', data: { obligationId: 'r1' }, occurredAt: '2026-11-30T23:00:00.000Z' },
        ],
        { machine: v2, registration: registration({ expectedEnd: '2027-12-31' }) },
      );
      id = records[0].bodyId;
      await storeRecordedStream(t, records, v2);
    });

    test('it replays through version 2 as recorded', async () => {
      expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
    });

    test('moved to version 3, its closure moves the final report to the decision\'s Frist; replay crosses both versions and matches', async () => {
      const moved = await t.http.post(`/api/bodies/${id}/machine-upgrade`).send({}).expect(200);
      expect(moved.body.event).toMatchObject({ type: 'machineUpgraded', data: { fromVersion: 2, toVersion: newest } });
      expect(await finalReportFristen(id)).toEqual([expect.objectContaining({ ref: 'r1', effectiveDate: '2026-11-30', status: 'overdue' })]);

      t.clock.set('2027-01-15T09:00:00Z');
      await send(id, { type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2027-03-15' } } }).expect(200);
      expect(await finalReportFristen(id)).toEqual([
        expect.objectContaining({ ref: 'r1', description: 'bis 15.03.2027', effectiveDate: '2027-03-15', status: 'open', overdue: false }),
      ]);

      expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
      const history = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events;
      expect(history.map((e: { type: string; machine: { version: number } }) => `${e.type}@${e.machine.version}`).slice(-3)).toEqual([
        'reportOverdue@2',
        `machineUpgraded@${newest}`,
        `closureInitiated@${newest}`,
      ]);
    });
  });
});
