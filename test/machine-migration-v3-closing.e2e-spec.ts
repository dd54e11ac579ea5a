/**
 * A body recorded under version 2 that is already closing, moved to version 3: version 2 kept the
 * planned Frist of an Abschlussbericht the closure found open and applied the closure's nowhere;
 * version 3 gives the open final report the closure's Frist. Moved over, the body owes its final
 * report by the closure's Frist, as if the closure had been recorded under version 3, and the
 * machineUpgraded event says so, so that replay carries exactly that over.
 */
import type { Deadline } from '../machines';
import { latestMachine, machineVersion } from '../src/audit/machine-versions';
import { Database } from '../src/database/database';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { decisionFacts, lead, recordStream, registration, type Step } from './audit-builders';
import { deadlinesEnv } from './deadlines.support';
import { storeRecordedStream } from './support/stored-stream';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

interface Frist {
  ref: string;
  label: string;
  description: string;
  effectiveDate: string | null;
  status: string;
  overdue: boolean;
  next: { event: string; dueAt: string } | null;
}

const FINAL_REPORT = { kind: 'Abschlussbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2026-11' } };
const CLOSURE_DUE: Deadline = { kind: 'month', month: '2027-03' };

/** Approved with the Abschlussbericht „im November 2026“, started, the report due and overdue, then closing with „im März 2027“. */
const closingWithOverdueFinalReport: Step[] = [
  { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
  { type: 'approved', data: { approvedUntil: '2027-12-31', reports: [FINAL_REPORT] }, occurredAt: '2024-06-20T12:00:00.000Z', decision: decisionFacts('2024/09', '2024-06-20') },
  { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
  { type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2026-11-29T23:00:00.000Z' },
  { type: 'reportOverdue', data: { obligationId: 'r1' }, occurredAt: '2026-11-30T23:00:00.000Z' },
  { type: 'closureInitiated', data: { finalReportDue: CLOSURE_DUE, reason: 'Auftrag erfüllt' }, occurredAt: '2027-01-15T10:00:00.000Z', decision: decisionFacts('2027/02', '2027-01-15') },
];

describe.each(testDatabaseKinds())('a closing body moved from version 2 to 3, on %s', (database) => {
  let restoreEnv: () => void;
  let t: TestApp;
  const v2 = machineVersion('body', 2)!;
  // The move goes to the newest version, which keeps what version 3 does with the closure's Frist.
  const newest = latestMachine().version;

  const reportFristen = async (id: string) =>
    ((await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body as Frist[]).filter((d) => d.label.startsWith('Abschlussbericht'));
  const pendingTimers = async (id: string) =>
    (await t.app.get(Database).query<{ key: string }>(`SELECT key FROM timers WHERE body_id = ? AND status = 'pending' ORDER BY due_at, key`, [id])).map((r) =>
      r.key.slice(id.length + 1),
    );
  const bodyOf = async (id: string) => (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
  const recorded = async (steps: Step[]) => {
    const records = recordStream(steps, { machine: v2, registration: registration({ expectedEnd: '2027-12-31' }) });
    await storeRecordedStream(t, records, v2);
    return records[0].bodyId;
  };

  beforeAll(async () => {
    restoreEnv = deadlinesEnv();
    t = await startTestApp({ database, now: '2027-01-20T09:00:00Z' });
  });
  afterAll(async () => {
    await t.close();
    restoreEnv();
  });

  test('its overdue Abschlussbericht takes the closure\'s Frist „im März 2027“ and is open again; the Fristen, timers and replay follow', async () => {
    t.clock.set('2027-01-20T09:00:00Z');
    const id = await recorded(closingWithOverdueFinalReport);
    // Given: version 2 kept the planned Frist, overdue since 01.12.2026.
    expect((await bodyOf(id)).context.obligations).toEqual([expect.objectContaining({ id: 'r1', due: FINAL_REPORT.due, state: 'overdue', overdueOn: '2026-12-01' })]);

    const moved = await t.http.post(`/api/bodies/${id}/machine-upgrade`).send({}).expect(200);

    expect(await reportFristen(id)).toEqual([
      expect.objectContaining({
        ref: 'r1',
        description: 'im März 2027 (Monatsende)',
        effectiveDate: '2027-03-31',
        status: 'open',
        overdue: false,
        next: expect.objectContaining({ event: 'reportDue', dueAt: '2027-03-30T22:00:00.000Z' }),
      }),
    ]);
    const pending = await pendingTimers(id);
    expect(pending.filter((key) => key.includes('2026-11-30'))).toEqual([]);
    expect(pending).toEqual(expect.arrayContaining(['reminder/r1@2027-03-31-28d', 'reportDue/r1', 'reportOverdue/r1']));
    expect((await t.http.get('/api/deadlines?overdue=true').expect(200)).body.filter((d: { bodyId: string }) => d.bodyId === id)).toEqual([]);
    expect(moved.body.state.value).toMatchObject({ active: { reporting: 'upToDate', closure: 'closing' } });
    expect((await bodyOf(id)).context.obligations).toEqual([
      expect.objectContaining({ id: 'r1', kind: 'Abschlussbericht', due: CLOSURE_DUE, state: 'pending', dueOn: null, overdueOn: null }),
    ]);
    // The event records what the move carried over besides the versions.
    expect(moved.body.event).toMatchObject({
      type: 'machineUpgraded',
      data: { fromVersion: 2, toVersion: newest, finalReportDue: CLOSURE_DUE, obligationIds: ['r1'] },
    });

    // Replay crosses both versions and reaches the stored state; the log says what happened.
    expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
    const history = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events;
    expect(history.map((e: { type: string; machine: { version: number } }) => `${e.type}@${e.machine.version}`).slice(-2)).toEqual([
      'closureInitiated@2',
      `machineUpgraded@${newest}`,
    ]);
  });

  test('an Abschlussbericht requested after the closure keeps its own Frist, as under version 3', async () => {
    t.clock.set('2027-01-20T09:00:00Z');
    const ownDue = { kind: 'date', date: '2027-06-30' };
    const id = await recorded([
      ...closingWithOverdueFinalReport,
      { type: 'reportRequested', data: { kind: 'Abschlussbericht', addressee: 'IT-Planungsrat', due: ownDue, title: 'Abschlussbericht Teil B' }, occurredAt: '2027-01-18T10:00:00.000Z' },
    ]);

    const moved = await t.http.post(`/api/bodies/${id}/machine-upgrade`).send({}).expect(200);

    expect((await bodyOf(id)).context.obligations.map((o: { id: string; due: unknown; state: string }) => [o.id, o.due, o.state])).toEqual([
      ['r1', CLOSURE_DUE, 'pending'],
      ['r2', ownDue, 'pending'],
    ]);
    expect(moved.body.event.data).toEqual({ fromVersion: 2, toVersion: newest, finalReportDue: CLOSURE_DUE, obligationIds: ['r1'] });
    expect((await reportFristen(id)).map((d) => [d.ref, d.effectiveDate, d.status])).toEqual([
      ['r1', '2027-03-31', 'open'],
      ['r2', '2027-06-30', 'open'],
    ]);
    expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
  });

  test('a final report handed in keeps the Frist it was handed in against, and the upgrade carries nothing else over', async () => {
    t.clock.set('2027-01-20T09:00:00Z');
    const id = await recorded([
      ...closingWithOverdueFinalReport,
      { type: 'reportSubmitted', data: { obligationId: 'r1', documentRef: 'DMS-0815' }, occurredAt: '2027-01-19T10:00:00.000Z', actor: lead },
    ]);

    const moved = await t.http.post(`/api/bodies/${id}/machine-upgrade`).send({}).expect(200);

    expect(moved.body.event.data).toEqual({ fromVersion: 2, toVersion: newest });
    expect((await bodyOf(id)).context.obligations).toEqual([
      expect.objectContaining({ id: 'r1', due: FINAL_REPORT.due, state: 'submitted', submittedOn: '2027-01-19' }),
    ]);
    expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
  });

  test('a closure whose Frist has passed by the upgrade: the report falls due and overdue at the move, under the closure\'s Frist', async () => {
    t.clock.set('2027-04-05T09:00:00Z');
    const id = await recorded(closingWithOverdueFinalReport);

    await t.http.post(`/api/bodies/${id}/machine-upgrade`).send({}).expect(200);
    // The sweep fires what the closure's Frist makes due, dated at the move (no event precedes the body's last).
    t.clock.set('2027-04-05T09:01:00Z');
    await t.app.get(SchedulerService).sweep();

    const history = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events as Array<{ type: string; occurredAt: string }>;
    expect(history.slice(-3).map((e) => `${e.type} ${e.occurredAt}`)).toEqual([
      'machineUpgraded 2027-04-05T09:00:00.000Z',
      'reportDue 2027-04-05T09:00:00.000Z',
      'reportOverdue 2027-04-05T09:00:00.000Z',
    ]);
    expect(await reportFristen(id)).toEqual([expect.objectContaining({ ref: 'r1', description: 'im März 2027 (Monatsende)', effectiveDate: '2027-03-31', status: 'overdue' })]);
    expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
  });
});
