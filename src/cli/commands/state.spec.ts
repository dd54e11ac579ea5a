import type { ReplayStep, StateAt } from '../../audit/replay';
import { approved, givenFrom, registered, reportAcknowledged, reportDue, reportSubmitted, started, submitted } from '../../../test/support/machine-events';
import type { DeadlineRow } from './deadlines';
import { renderState } from './state';

describe('gremienlauf state', () => {
  test('every period of a titled recurring report is named by the series’ title, though the later ones have none of their own', () => {
    const yearly = registered('2024-06-03', {
      reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', title: 'Jährlicher Sachstandsbericht', due: { kind: 'month', month: '2024-11' }, recurrence: { everyMonths: 12 } }],
    });
    const { snapshot } = givenFrom(yearly, submitted(), approved(), started(), reportDue('r1', '2024-11-01'));
    const basedOn = { version: 5, type: 'reportDue', label: 'Bericht fällig', occurredAt: '2024-10-31T23:00:00.000Z', recordedAt: '2024-10-31T23:00:00.000Z' } as ReplayStep;
    const state: StateAt & { notYetRecorded: [] } = {
      asOf: '2024-11-01',
      asKnownAt: null,
      state: snapshot.value,
      stateLabel: 'Aktiv',
      statePaths: ['active'],
      context: snapshot.context,
      basedOn,
      excluded: 0,
      refused: [],
      notYetRecorded: [],
    };
    const lines = renderState(state, 'am 01.11.2024').split('\n').filter((line) => /^r[12] /.test(line));
    expect(lines).toEqual([
      expect.stringMatching(/^r1\s+Jährlicher Sachstandsbericht \(Zwischenbericht\)\s+im November 2024\s/),
      expect.stringMatching(/^r2\s+Jährlicher Sachstandsbericht \(Zwischenbericht\)\s+im November 2025\s/),
    ]);
  });

  test('a report handed in after its Frist says it came late, read against the Frist the report still has', () => {
    const { snapshot } = givenFrom(registered(), submitted(), approved(), started(), reportSubmitted('r1', '2024-12-05'), reportAcknowledged('r1', '2025-02-20'));
    const basedOn = { version: 6, type: 'reportAcknowledged', label: 'Bericht zur Kenntnis genommen', occurredAt: '2025-02-19T23:00:00.000Z', recordedAt: '2025-02-19T23:00:00.000Z' } as ReplayStep;
    const state: StateAt & { notYetRecorded: [] } = {
      asOf: '2025-03-01',
      asKnownAt: null,
      state: snapshot.value,
      stateLabel: 'Aktiv',
      statePaths: ['active'],
      context: snapshot.context,
      basedOn,
      excluded: 0,
      refused: [],
      notYetRecorded: [],
    };
    const frist = (deadline: DeadlineRow['deadline']) =>
      new Map([['r1', { ref: 'r1', kind: 'report', deadline, effectiveDate: '2024-12-02' } as DeadlineRow]]);
    const reportLine = (text: string) => text.split('\n').find((line) => line.startsWith('r1 '));
    expect(reportLine(renderState(state, 'am 01.03.2025', frist({ kind: 'month', month: '2024-11' })))).toMatch(/\(eingereicht am 05\.12\.2024, verspätet\)$/);
    // A Frist moved since is not the one the report had then.
    expect(reportLine(renderState(state, 'am 01.03.2025', frist({ kind: 'date', date: '2024-12-02' })))).toMatch(/\(eingereicht am 05\.12\.2024\)$/);
  });
});
