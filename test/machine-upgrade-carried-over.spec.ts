/**
 * What a move between statechart versions carries over besides the snapshot
 * (src/audit/machine-versions.ts `carriedOver`, `upgrade`): pure, on streams built with the charts.
 */
import { reportTitle, type Deadline } from '../machines';
import { hashEvent, type EventRecord } from '../src/event-log/event-hash';
import { carriedOver, machineVersion, upgrade } from '../src/audit/machine-versions';
import { replayRecords } from '../src/audit/replay';
import { decisionFacts, lead, recordStream, registration, secretariat, type Step } from './audit-builders';

const v1 = machineVersion('body', 1)!;
const v2 = machineVersion('body', 2)!;
const v3 = machineVersion('body', 3)!;
const v4 = machineVersion('body', 4)!;
const v5 = machineVersion('body', 5)!;
const CLOSURE_DUE: Deadline = { kind: 'month', month: '2027-03' };
const PLANNED: Deadline = { kind: 'month', month: '2026-11' };

const closing: Step[] = [
  { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
  {
    type: 'approved',
    data: { approvedUntil: '2027-12-31', reports: [{ kind: 'Abschlussbericht', addressee: 'IT-Planungsrat', due: PLANNED }] },
    occurredAt: '2024-06-20T12:00:00.000Z',
    decision: decisionFacts('2024/09', '2024-06-20'),
  },
  { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
  { type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2026-11-29T23:00:00.000Z' },
  { type: 'reportOverdue', data: { obligationId: 'r1' }, occurredAt: '2026-11-30T23:00:00.000Z' },
  { type: 'closureInitiated', data: { finalReportDue: CLOSURE_DUE }, occurredAt: '2027-01-15T10:00:00.000Z' },
];

/** The stream with a `machineUpgraded` record appended under `to`, its data as given. */
function moved(stream: readonly EventRecord[], to: number, data: object): EventRecord[] {
  const previous = stream.at(-1)!;
  const unhashed = {
    id: '00000000-0000-4000-8000-000000000099',
    bodyId: previous.bodyId,
    version: previous.version + 1,
    type: 'machineUpgraded',
    data,
    actor: secretariat,
    occurredAt: '2027-01-20T09:00:00.000Z',
    recordedAt: '2027-01-20T09:00:00.000Z',
    decision: null,
    machine: { id: 'body', version: to },
    prevHash: previous.hash,
  } as Omit<EventRecord, 'hash'>;
  return [...stream, { ...unhashed, hash: hashEvent(unhashed) }];
}

const finalSnapshot = (stream: readonly EventRecord[]) => {
  const { snapshot, failure } = replayRecords(stream);
  expect(failure).toBeNull();
  return snapshot!;
};

describe('what a move to version 3 carries over', () => {
  const stream = recordStream(closing, { machine: v2, registration: registration({ expectedEnd: '2027-12-31' }) });
  const closingV2 = finalSnapshot(stream);

  it('a body closing under version 2 with its final report open: the closure\'s Frist, for the report the closure found open', () => {
    expect(carriedOver(closingV2, v2, v3, stream)).toEqual({ finalReportDue: CLOSURE_DUE, obligationIds: ['r1'] });
  });

  it('nothing for a move that stays before version 3, for a body not closing, or for one whose final report already has the closure\'s Frist', () => {
    const v1Stream = recordStream(closing, { machine: v1, registration: registration({ expectedEnd: '2027-12-31' }) });
    expect(carriedOver(finalSnapshot(v1Stream), v1, v2, v1Stream)).toEqual({});
    expect(carriedOver(finalSnapshot(v1Stream), v1, v3, v1Stream)).toEqual({ finalReportDue: CLOSURE_DUE, obligationIds: ['r1'] });
    const operating = stream.slice(0, -1);
    expect(carriedOver(finalSnapshot(operating), v2, v3, operating)).toEqual({});
    const sameFrist = recordStream([...closing.slice(0, -1), { ...closing.at(-1)!, data: { finalReportDue: PLANNED } }], {
      machine: v2,
      registration: registration({ expectedEnd: '2027-12-31' }),
    });
    expect(carriedOver(finalSnapshot(sameFrist), v2, v3, sameFrist)).toEqual({});
  });

  it('replay applies what the move recorded: the report open again under the closure\'s Frist, the reporting region up to date', () => {
    const snapshot = finalSnapshot(moved(stream, 3, { fromVersion: 2, toVersion: 3, finalReportDue: CLOSURE_DUE, obligationIds: ['r1'] }));
    expect(snapshot.value).toMatchObject({ active: { reporting: 'upToDate', closure: 'closing' } });
    expect(snapshot.context.obligations).toEqual([expect.objectContaining({ id: 'r1', due: CLOSURE_DUE, state: 'pending', dueOn: null, overdueOn: null })]);
    expect(snapshot).toEqual(upgrade(closingV2, v2, v3, carriedOver(closingV2, v2, v3, stream)));
  });

  it('a move recorded without it (as every move before) replays as it was recorded: the planned Frist stays', () => {
    const snapshot = finalSnapshot(moved(stream, 3, { fromVersion: 2, toVersion: 3 }));
    expect(snapshot.value).toMatchObject({ active: { reporting: 'reportOverdue', closure: 'closing' } });
    expect(snapshot.context.obligations).toEqual([expect.objectContaining({ id: 'r1', due: PLANNED, state: 'overdue', overdueOn: '2026-12-01' })]);
  });
});

describe('what a move to version 5 carries over', () => {
  const yearly = { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', title: 'Sachstandsbericht', due: { kind: 'date', date: '2025-03-31' }, recurrence: { everyMonths: 12 } };
  const once = { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', title: 'Erster Bericht', due: { kind: 'date', date: '2025-05-31' } };
  const handedIn: Step[] = [
    { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
    { type: 'approved', data: { approvedUntil: '2026-12-31', reports: [yearly, once] }, occurredAt: '2024-06-20T12:00:00.000Z', decision: decisionFacts('2024/09', '2024-06-20') },
    { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
    { type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2025-03-31T22:00:00.000Z' },
    // Handed in under a title of its own: version 4 renames the series' first period, and so the series.
    { type: 'reportSubmitted', data: { obligationId: 'r1', title: 'Sachstandsbericht 2025' }, occurredAt: '2025-04-08T10:00:00.000Z', actor: lead },
    // Under the title it was owed under: nothing to carry.
    { type: 'reportSubmitted', data: { obligationId: 'r2', title: 'Erster Bericht' }, occurredAt: '2025-05-20T10:00:00.000Z', actor: lead },
  ];
  const stream = recordStream(handedIn, { machine: v4, registration: registration({ expectedEnd: '2026-12-31' }) });
  const v4Snapshot = finalSnapshot(stream);
  const carried = { reportTitles: [{ obligationId: 'r1', title: 'Sachstandsbericht', submittedTitle: 'Sachstandsbericht 2025' }] };

  it('a report an earlier version renamed when it was handed in: the title it was owed under, and the one it was handed in under', () => {
    expect(v4Snapshot.context.obligations.map((o) => [o.id, o.title])).toEqual([
      ['r1', 'Sachstandsbericht 2025'],
      ['r2', 'Erster Bericht'],
      ['r3', null],
    ]);
    expect(carriedOver(v4Snapshot, v4, v5, stream)).toEqual(carried);
    expect(carriedOver(v4Snapshot, v3, v4, stream)).toEqual({});
  });

  it('replay applies what the move recorded: the series named by its title again, the handed-in report by its own', () => {
    const snapshot = finalSnapshot(moved(stream, 5, { fromVersion: 4, toVersion: 5, ...carried }));
    const { obligations } = snapshot.context;
    expect(obligations.map((o) => [o.id, o.title, o.submittedTitle])).toEqual([
      ['r1', 'Sachstandsbericht', 'Sachstandsbericht 2025'],
      ['r2', 'Erster Bericht', undefined],
      ['r3', null, undefined],
    ]);
    expect(obligations.map((o) => reportTitle(o, obligations))).toEqual(['Sachstandsbericht 2025', 'Erster Bericht', 'Sachstandsbericht']);
    expect(snapshot).toEqual(upgrade(v4Snapshot, v4, v5, carriedOver(v4Snapshot, v4, v5, stream)));
  });
});
