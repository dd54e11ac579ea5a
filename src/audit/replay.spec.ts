import { BODY_MACHINE_VERSION } from '../../machines';
import { decisionFacts, recordStream, rehash, typicalLifecycle } from '../../test/audit-builders';
import type { EventRecord } from '../event-log/event-hash';
import { describeLimit, replayRecords, replayVerdict, stateAt, type StoredProjection } from './replay';

const projectionOf = (records: EventRecord[]): StoredProjection => {
  const { snapshot } = replayRecords(records);
  return { version: records.length, machineVersion: BODY_MACHINE_VERSION, state: snapshot!.value, context: JSON.parse(JSON.stringify(snapshot!.context)) };
};

describe('replay for auditors', () => {
  const records = recordStream(typicalLifecycle);

  it('shows every step with its German label, actor, decision and the state after it', () => {
    const { steps } = replayRecords(records);
    expect(steps.map((s) => [s.label, s.actor.role, s.decision?.number ?? null, s.stateLabelAfter])).toEqual([
      ['Registriert', 'lead', null, 'Entwurf'],
      ['Zur Beschlussfassung eingereicht', 'lead', null, 'Eingereicht'],
      ['Eingerichtet (Beschluss)', 'secretariat', '2024/09', 'Eingerichtet (Tätigkeit noch nicht begonnen)'],
      ['Tätigkeit begonnen', 'secretariat', null, 'Aktiv (Laufzeit läuft, Berichte aktuell, In Arbeit)'],
      ['Verlängert', 'secretariat', '2025/03', 'Aktiv (Laufzeit läuft, Berichte aktuell, In Arbeit)'],
    ]);
  });

  it('says "matches" when the stored projection is what the events give', () => {
    expect(replayVerdict(records, projectionOf(records))).toMatchObject({ verdict: 'matches', events: 5, machine: { id: 'body', version: BODY_MACHINE_VERSION } });
  });

  it('names the first field where the stored projection differs', () => {
    const projection = projectionOf(records);
    const tampered = { ...projection, context: { ...(projection.context as object), approvedUntil: '2026-12-31' } };
    expect(replayVerdict(records, tampered)).toMatchObject({
      verdict: 'diverges',
      divergence: { version: 5, label: 'Verlängert', path: 'context.approvedUntil', expected: '2025-12-31', found: '2026-12-31' },
    });
  });

  it('names a list element or a field that only the stored projection has', () => {
    const projection = projectionOf(records);
    const context = projection.context as { decisions: unknown[] };
    expect(context.decisions).toHaveLength(2);
    const extraElement = { ...projection, context: { ...context, decisions: [...context.decisions, context.decisions[0]] } };
    expect(replayVerdict(records, extraElement)).toMatchObject({
      verdict: 'diverges',
      divergence: { path: 'context.decisions[2]', expected: undefined, found: context.decisions[0] },
    });
    const extraField = { ...projection, context: { ...context, addedByHand: 1 } };
    const verdict = replayVerdict(records, extraField);
    expect(verdict).toMatchObject({ verdict: 'diverges', divergence: { path: 'context.addedByHand', found: 1 } });
    expect(verdict.verdict === 'diverges' && verdict.divergence.message).toContain('erwartet null, gespeichert 1');
  });

  it('reports a projection ahead of the log, as after a cut-off tail', () => {
    const verdict = replayVerdict(records.slice(0, 3), projectionOf(records));
    expect(verdict).toMatchObject({ verdict: 'diverges', divergence: { path: 'version', expected: 3, found: 5 } });
    if (verdict.verdict === 'diverges') expect(verdict.divergence.message).toContain('Ereignisse fehlen');
  });

  it('names an event the chart would not have allowed at its point', () => {
    // Forged: "started" without an approval before it, chained and numbered consistently.
    const forged = rehash([records[0], records[1], { ...records[3], version: 3 }]);
    const verdict = replayVerdict(forged, projectionOf(records.slice(0, 2)));
    expect(verdict).toMatchObject({ verdict: 'diverges', divergence: { version: 3, path: 'event', found: 'started' } });
    if (verdict.verdict === 'diverges') expect(verdict.divergence.message).toContain('nicht zulässig');
  });

  it('refuses to guess with a machine version it does not know', () => {
    const forged = rehash([records[0], { ...records[1], machine: { id: 'body', version: 99 } }]);
    expect(replayVerdict(forged, null)).toMatchObject({ verdict: 'diverges', divergence: { version: 2, path: 'event' } });
  });
});

describe('time travel', () => {
  const records = recordStream([
    ...typicalLifecycle,
    { type: 'renamed', data: { title: 'OZG-föderal 2.0' }, occurredAt: '2025-01-15T10:00:00.000Z', recordedAt: '2025-04-01T08:00:00.000Z', decision: decisionFacts('2025/01', '2025-01-15') },
  ]);

  it('gives the state as of a business date, standing on the last event up to that day', () => {
    const at = stateAt(records, { asOf: '2024-06-30' })!;
    expect(at).toMatchObject({ stateLabel: 'Eingerichtet (Tätigkeit noch nicht begonnen)', basedOn: { version: 3, label: 'Eingerichtet (Beschluss)' }, excluded: 3 });
    expect(at.context.approvedUntil).toBe('2025-03-31');
  });

  it('includes events that occurred on the given day itself', () => {
    expect(stateAt(records, { asOf: '2024-07-01' })!.statePaths).toContain('active');
  });

  it('gives the state as known at a system time: a late-recorded event is not yet known', () => {
    const known = stateAt(records, { asKnownAt: '2024-07-01T12:00:00.000Z' })!;
    expect(known.stateLabel).toBe('Eingerichtet (Tätigkeit noch nicht begonnen)');
    // As of 1 February 2025 the body was renamed, but on 1 March 2025 nobody had recorded it yet.
    expect(stateAt(records, { asOf: '2025-02-01' })!.context.profile.title).toBe('OZG-föderal 2.0');
    const both = stateAt(records, { asOf: '2025-02-01', asKnownAt: '2025-03-01T00:00:00.000Z' })!;
    expect(both.context.profile.title).toBe('Weiterentwicklung der Struktur OZG-föderal');
    expect(both.basedOn.version).toBe(4);
  });

  it('answers null before the body was registered', () => {
    expect(stateAt(records, { asOf: '2024-05-01' })).toBeNull();
  });
});

describe('a limit as the messages name it', () => {
  it('is a German date for a day and Berlin local time for an instant, never ISO', () => {
    expect(describeLimit('2025-03-31')).toBe('31.03.2025');
    expect(describeLimit('2026-12-04T21:16:00Z')).toBe('04.12.2026, 22:16');
  });
});
