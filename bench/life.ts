/** What the benchmarks drive: the seed body's life after registration, and the decisions it cites. */
import type { BodyCommand } from '../src/lifecycle/lifecycle.service';

/**
 * Ten transitions: the seed body from submission to its transfer into a successor structure (since
 * statechart version 4 a transfer needs the final report settled: the transfer decision waives it).
 */
export function lifeOf(bodyId: string): BodyCommand[] {
  return [
    { bodyId, type: 'submitted', occurredAt: '2024-06-05' },
    { bodyId, type: 'approved', data: { approvedUntil: '2025-03-31' }, decision: '2024/09-AL' },
    { bodyId, type: 'started', occurredAt: '2024-06-17' },
    // „im November 2024“: due on Saturday 30.11., moved to Monday 02.12.2024 (recorded by hand on its day, as the scheduler would).
    { bodyId, type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2024-12-02' },
    { bodyId, type: 'reportSubmitted', data: { obligationId: 'r1' }, occurredAt: '2024-12-02T14:00:00Z' },
    { bodyId, type: 'reportAcknowledged', data: { obligationId: 'r1' }, occurredAt: '2024-12-05' },
    { bodyId, type: 'extended', data: { approvedUntil: '2025-12-31' }, decision: '2025/03-AL' },
    { bodyId, type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2025-11-30' } }, occurredAt: '2025-09-01' },
    { bodyId, type: 'reportWaived', data: { obligationId: 'r2', reason: 'Die Ergebnisse gehen in die Nachfolgestruktur ein.' }, decision: '2025/20' },
    { bodyId, type: 'transferred', data: { successor: { name: 'Nachfolgestruktur' } }, decision: '2025/20' },
  ];
}

export const TRANSITIONS_PER_LIFE = 10;

export const DECISIONS = [
  { number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-13', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung' },
  { number: '2025/03-AL', issuer: 'AL-Runde', date: '2025-03-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Verlängerung' },
  { number: '2025/20', issuer: 'IT-PLR', date: '2025-10-15', procedure: 'Sitzung', session: 48, type: 'Beschluss', title: 'Überführung' },
];

/** The decisions, each naming its effect on every one of the bodies (a decision decides). */
export function decisionsFor(bodyIds: readonly string[]) {
  return DECISIONS.map((decision) => ({
    ...decision,
    effects: bodyIds.flatMap((bodyId) =>
      lifeOf(bodyId)
        .filter((command) => command.decision === decision.number)
        .map((command) => ({ body: bodyId, effect: command.type, data: command.data })),
    ),
  }));
}

/** The p-th percentile (0..100) of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
