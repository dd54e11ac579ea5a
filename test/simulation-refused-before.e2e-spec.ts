/**
 * The replay of days before today registers every body under the newest chart. An event that the
 * chart it was recorded under allowed and the newest refuses (version 3 transferred a body whose
 * final report was open, version 4 refuses that) is refused in the copy. Before the period such a
 * refusal is named apart (`refusedBefore`, and by the CLI): the period then starts from another
 * state than the recorded one.
 */
import { randomUUID } from 'node:crypto';
import { formatSimulation } from '../src/cli/commands/simulate';
import { machineVersion } from '../src/audit/machine-versions';
import { SCHEDULER_ACTOR } from '../src/lifecycle/lifecycle.service';
import type { SimulationResult } from '../src/simulation/simulation.service';
import { lead, recordStream, registration, secretariat, type Step } from './audit-builders';
import { deadlinesEnv } from './deadlines.support';
import { storeRecordedStream } from './support/stored-stream';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const APPROVAL = { number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-13', type: 'Beschluss' } as const;
const TRANSFER = { number: '2025/30-AL', issuer: 'AL-Runde', date: '2025-10-20', type: 'Beschluss' } as const;
const APPROVED = { approvedUntil: '2026-06-30', reports: [] };
const SUCCESSOR = { successor: { name: 'Kooperationsgruppe Register' } };

/** Approved, started, closing with its Abschlussbericht „bis 30.09.2025“ open, transferred on 20.10.2025 all the same (version 3). */
const TRANSFERRED_WITH_REPORT_OPEN: Step[] = [
  { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z' },
  { type: 'approved', data: APPROVED, occurredAt: '2024-06-13T12:00:00.000Z', decision: APPROVAL },
  { type: 'started', occurredAt: '2024-06-30T22:00:00.000Z', actor: SCHEDULER_ACTOR },
  { type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2025-09-30' } }, occurredAt: '2025-07-01T08:00:00.000Z' },
  { type: 'transferred', data: SUCCESSOR, occurredAt: '2025-10-20T10:00:00.000Z', decision: TRANSFER },
];

describe.each(testDatabaseKinds())('simulation: an event before the period that the replay refuses (%s)', (database) => {
  let restoreEnv: () => void;
  let t: TestApp;
  let bodyId: string;

  beforeEach(async () => {
    restoreEnv = deadlinesEnv();
    t = await startTestApp({ database, now: '2025-12-01T09:00:00Z' });
    bodyId = randomUUID();
    const v3 = machineVersion('body', 3)!;
    const records = recordStream(TRANSFERRED_WITH_REPORT_OPEN, { bodyId, machine: v3, registration: registration({ expectedEnd: '2026-06-30' }), actor: secretariat });
    // The register takes decisions on a body whose life has not ended: both are recorded before the transfer is stored.
    const closing = records.length - 1;
    await storeRecordedStream(t, records.slice(0, closing), v3);
    const decision = (facts: typeof APPROVAL | typeof TRANSFER, title: string, effect: string, data: unknown) =>
      t.http
        .post('/api/decisions')
        .send({ ...facts, procedure: 'Umlaufverfahren', title, effects: [{ body: bodyId, effect, data }] })
        .expect(201);
    await decision(APPROVAL, 'Einrichtung', 'approved', APPROVED);
    await decision(TRANSFER, 'Überführung', 'transferred', SUCCESSOR);
    await storeRecordedStream(t, records, v3, closing);
  });

  afterEach(async () => {
    await t.close();
    restoreEnv();
  });

  const simulate = async (from: string, to: string) => (await t.http.post('/api/simulations').send({ from, to }).expect(200)).body as SimulationResult;

  it('names the refused transfer apart, with the newest chart’s reason, and the CLI says the period starts from another state', async () => {
    const result = await simulate('2025-11-01', '2025-11-30');

    expect(result.refusedBefore).toEqual([
      expect.objectContaining({
        date: '2025-10-20',
        kind: 'recorded',
        bodyId,
        what: 'transferred',
        outcome: 'refused',
        detail: expect.stringContaining('Die Überführung in eine Nachfolgestruktur ist ein geordneter Abschluss'),
      }),
    ]);
    // Not an entry of the period, and not counted among its refusals.
    expect(result.entries.filter((e) => e.what === 'transferred')).toEqual([]);
    expect(result.summary.refused).toBe(0);
    const text = formatSimulation(result);
    expect(text).toContain('Vor dem Zeitraum konnte die Simulation nicht nachvollziehen (ab da weicht das Gremium in der Simulation vom erfassten ab):');
    expect(text).toMatch(/20\.10\.2025 {2}.*\(transferred\) – .*\(abgelehnt: Die Überführung in eine Nachfolgestruktur/);
  });

  it('lists the refusal in the period, not apart, when the period holds it', async () => {
    const result = await simulate('2025-10-01', '2025-10-31');

    expect(result.refusedBefore).toEqual([]);
    expect(result.entries.filter((e) => e.what === 'transferred')).toEqual([expect.objectContaining({ date: '2025-10-20', outcome: 'refused' })]);
    expect(result.summary.refused).toBe(1);
    expect(formatSimulation(result)).not.toContain('Vor dem Zeitraum');
  });

  it('refuses an event its actor’s role may no longer send like any other, and still answers', async () => {
    // Recorded under earlier rules: the lead registered a body of its own.
    const other = recordStream([{ type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z' }], { machine: machineVersion('body', 3)!, actor: lead });
    await storeRecordedStream(t, other, machineVersion('body', 3)!);

    const result = await simulate('2025-11-01', '2025-11-30');

    expect(result.refusedBefore).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ bodyId: other[0].bodyId, what: 'registered', outcome: 'refused', detail: expect.stringContaining('Als Federführung senden Sie nur') }),
      ]),
    );
  });
});
