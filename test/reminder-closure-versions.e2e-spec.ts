/**
 * The decision an Abschlussbericht's reminder cites, for bodies recorded under statechart
 * version 2 and replayed as recorded: there the closure gives its Frist only to a final report
 * it adds itself; one owed already keeps its own Frist, set by the approval, and its reminder
 * must not name the closure. Written by the scheduler into the outbox, on a real database.
 */
import type { Deadline } from '../machines';
import { machineVersion } from '../src/audit/machine-versions';
import { Database } from '../src/database/database';
import { DeadlinesService } from '../src/deadlines/deadlines.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { OutboxStore } from '../src/outbox/outbox.store';
import { decisionFacts, lead, recordStream, registration, type Step } from './audit-builders';
import { deadlinesEnv } from './deadlines.support';
import { storeRecordedStream } from './support/stored-stream';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const CLOSURE_DUE: Deadline = { kind: 'month', month: '2027-03' };
const APPROVAL = decisionFacts('2024/09', '2024-06-20');
const CLOSURE = decisionFacts('2026/20', '2026-09-15');

/** Approved (with `reports`), started, closing by Beschluss 2026/20 with the closure's Frist `finalReportDue`. */
const closing = (reports: object[], finalReportDue: Deadline): Step[] => [
  { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
  { type: 'approved', data: { approvedUntil: '2027-12-31', reports }, occurredAt: '2024-06-20T12:00:00.000Z', decision: APPROVAL },
  { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
  { type: 'closureInitiated', data: { finalReportDue, reason: 'Auftrag erfüllt' }, occurredAt: '2026-09-15T10:00:00.000Z', decision: CLOSURE },
];

describe.each(testDatabaseKinds())('the Abschlussbericht reminder of a body closing under statechart version 2 (%s)', (database) => {
  let restoreEnv: () => void;
  let t: TestApp;
  const v2 = machineVersion('body', 2)!;

  beforeEach(async () => {
    restoreEnv = deadlinesEnv();
    t = await startTestApp({ database, now: '2026-09-20T09:00:00Z' });
  });
  afterEach(async () => {
    await t.close();
    restoreEnv();
  });

  /** The text of the reminder e-mail the scheduler writes on the given day for a body recorded under version 2. */
  async function reminderOn(steps: Step[], day: string): Promise<string> {
    const records = recordStream(steps, { machine: v2, registration: registration({ expectedEnd: '2027-12-31' }) });
    await storeRecordedStream(t, records, v2);
    await t.app.get(Database).transaction((tx) => t.app.get(DeadlinesService).rederiveAll(tx));
    t.clock.set(`${day}T06:00:00Z`);
    await t.app.get(SchedulerService).sweep();
    const [mail] = await t.app.get(OutboxStore).list({ bodyId: records[0].bodyId, channel: 'email' });
    return (mail.payload as { text: string }).text;
  }

  it('one owed before the closure keeps its Frist „im November 2026“ and cites the approval, not the closure', async () => {
    const text = await reminderOn(closing([{ kind: 'Abschlussbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2026-11' } }], CLOSURE_DUE), '2026-11-23');
    expect(text).toContain('Fällig am: Montag, 30.11.2026');
    expect(text).toContain('Beschluss: 2024/09 vom 20.06.2024 (IT-PLR)');
    expect(text).not.toContain('2026/20');
  });

  it('one the closure added with its own Frist cites the closure', async () => {
    const text = await reminderOn(closing([], { kind: 'date', date: '2026-11-30' }), '2026-11-23');
    expect(text).toContain('Fällig am: Montag, 30.11.2026');
    expect(text).toContain('Beschluss: 2026/20 vom 15.09.2026 (IT-PLR)');
  });
});
