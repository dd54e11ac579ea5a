import { approved, given, started, submitted } from '../../../test/support/machine-events';
import type { ReplayStep } from '../../audit/replay';
import { renderState } from './state';

/** The answer of `GET /api/bodies/ID/state` for a body approved until 31.03.2025, ended on `endedOn` when given. */
function answer(endedOn: string | null) {
  const { snapshot } = given(submitted(), approved(), started());
  const basedOn = { version: 4, type: 'started', label: 'Tätigkeit begonnen', occurredAt: '2024-06-17T10:00:00Z', recordedAt: '2024-06-17T10:00:00Z' } as ReplayStep;
  return {
    asOf: '2024-12-01',
    asKnownAt: null,
    state: snapshot.value,
    stateLabel: endedOn ? 'Aufgelöst' : 'Aktiv (Laufzeit läuft, Berichte aktuell, In Arbeit)',
    statePaths: [],
    context: { ...snapshot.context, endedOn },
    basedOn,
    excluded: 0,
    refused: [],
    notYetRecorded: [],
  };
}

describe('gremienlauf state: the term and the end of a life', () => {
  test('a body whose life had ended shows its term as approved and, apart from it, the day it ended, as show and the web pages do', () => {
    const text = renderState(answer('2024-10-15'), 'am 01.12.2024');
    expect(text).toMatch(/\nBefristet bis:\s+31\.03\.2025\n/);
    expect(text).toMatch(/\nBeendet am:\s+15\.10\.2024\n/);
  });

  test('a body still alive has no end day', () => {
    expect(renderState(answer(null), 'am 01.12.2024')).not.toContain('Beendet am');
  });
});
