/**
 * A body whose yearly report version 4 renamed when the lead handed its first period in under a
 * title of its own („Sachstandsbericht 2025“), moved to the newest version (5 or later): the series is named by the
 * title it was owed under again (the open period's Frist and the list of reports), the handed-in
 * report keeps the title it came under; the move records what it carried over, so replay and
 * verify agree with the stored state.
 */
import { BODY_MACHINE_VERSION } from '../machines';
import { machineVersion } from '../src/audit/machine-versions';
import { decisionFacts, lead, recordStream, registration } from './audit-builders';
import { storeRecordedStream } from './support/stored-stream';
import { startTestApp, type TestApp } from './support/test-app';

describe('moving a body whose report version 4 renamed on submission to the newest version', () => {
  let t: TestApp;
  let id: string;
  const yearly = { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', title: 'Sachstandsbericht', due: { kind: 'date', date: '2026-03-31' }, recurrence: { everyMonths: 12 } };
  const labels = async () => ((await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body as Array<{ ref: string; label: string }>).map((d) => [d.ref, d.label]);

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-05-04T09:00:00Z' });
    const v4 = machineVersion('body', 4)!;
    const records = recordStream(
      [
        { type: 'submitted', occurredAt: '2025-05-10T09:00:00.000Z', actor: lead },
        { type: 'approved', data: { permanent: true, reports: [yearly] }, occurredAt: '2025-06-20T12:00:00.000Z', decision: decisionFacts('2025/12', '2025-06-20') },
        { type: 'started', occurredAt: '2025-07-01T07:00:00.000Z' },
        { type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2026-03-30T22:00:00.000Z' },
        { type: 'reportSubmitted', data: { obligationId: 'r1', title: 'Sachstandsbericht 2025' }, occurredAt: '2026-03-31T10:00:00.000Z', actor: lead },
      ],
      { machine: v4, registration: registration({ expectedEnd: null, start: '2025-07-01' }) },
    );
    await storeRecordedStream(t, records, v4);
    id = records[0].bodyId;
  }, 60_000);
  afterAll(() => t.close());

  test('before the move the next year’s report bears the title the first was handed in under', async () => {
    // Read back from the stored rows: a first write brings the Fristen in line.
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportAcknowledged', data: { obligationId: 'r1' }, occurredAt: '2026-04-15' }).expect(200);
    expect(await labels()).toEqual([
      ['r1', 'Sachstandsbericht 2025 (Zwischenbericht) an IT-Planungsrat'],
      ['r2', 'Sachstandsbericht 2025 (Zwischenbericht) an IT-Planungsrat'],
    ]);
  });

  test('the move carries the titles over: the series named as it was owed, the report handed in by its own title; replay and verify agree', async () => {
    const moved = (await t.http.post(`/api/bodies/${id}/machine-upgrade`).send({}).expect(200)).body;
    expect(moved.event).toMatchObject({
      type: 'machineUpgraded',
      data: { fromVersion: 4, toVersion: BODY_MACHINE_VERSION, reportTitles: [{ obligationId: 'r1', title: 'Sachstandsbericht', submittedTitle: 'Sachstandsbericht 2025' }] },
    });
    const obligations = (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.obligations as Array<{ id: string; title: string | null; submittedTitle?: string }>;
    expect(obligations.map((o) => [o.id, o.title, o.submittedTitle ?? null])).toEqual([
      ['r1', 'Sachstandsbericht', 'Sachstandsbericht 2025'],
      ['r2', null, null],
    ]);
    expect(await labels()).toEqual([
      ['r1', 'Sachstandsbericht 2025 (Zwischenbericht) an IT-Planungsrat'],
      ['r2', 'Sachstandsbericht (Zwischenbericht) an IT-Planungsrat'],
    ]);
    expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
    expect((await t.http.get(`/api/audit/verify?body=${id}`).expect(200)).body.intact).toBe(true);
  });
});
