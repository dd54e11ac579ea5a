/**
 * Since statechart version 6 a report recorded after it came in counts as handed in on the day it
 * came in (`reportSubmitted` with `receivedOn`); the day it was recorded stays beside it. The
 * event itself is recorded where it happens in the stream: after the overdue event, say. So for
 * an extension request; and a report taken note of by a decision was taken note of on the
 * decision's day.
 */
import { lifecycleOf, obligationStanding, openRequests, summarizeEvent, type BodyEvent, type BodyMachineVersion } from '.';
import { approved, DECISION_2025_03_AL, event, extended, registered, reportAcknowledged, reportDue, reportOverdue, started, submitted } from '../test/support/machine-events';

/** Registered 03.06.2024, a Zwischenbericht owed in November 2024 (r1). */
const REGISTERED = registered('2024-06-03');
const ACTIVE = [submitted('2024-06-05'), approved(), started('2024-06-17')];
const handedIn = (on: string, receivedOn?: string, obligationId = 'r1') =>
  event('reportSubmitted', { obligationId, ...(receivedOn ? { receivedOn } : {}) }, on);

function run(version: BodyMachineVersion, ...events: BodyEvent[]) {
  const { begin, decide, evolve } = lifecycleOf(version);
  let snapshot = begin(REGISTERED);
  for (const e of events) {
    const verdict = decide(snapshot, e);
    if (!verdict.allowed) return { snapshot, refused: verdict.violations };
    snapshot = evolve(snapshot, e);
  }
  return { snapshot, refused: null };
}

const r1 = (version: BodyMachineVersion, ...events: BodyEvent[]) => run(version, ...events).snapshot.context.obligations.find((o) => o.id === 'r1')!;

describe('a report recorded after it came in (statechart version 6)', () => {
  test('counts as handed in on the day it came in, after an overdue event; the day it was recorded is kept', () => {
    const o = r1(6, ...ACTIVE, reportDue('r1', '2024-11-30'), reportOverdue('r1', '2024-12-01'), handedIn('2024-12-03', '2024-11-28'));
    expect(o).toMatchObject({ state: 'submitted', overdueOn: '2024-12-01', submittedOn: '2024-11-28', submissionRecordedOn: '2024-12-03' });
    // Within its Frist (30.11.): not late, both days named.
    expect(obligationStanding(o, null, '2024-11-30')).toBe('eingereicht am 28.11.2024 (erfasst am 03.12.2024)');
    // Without the Frist's day, the overdue event after the day it came in does not make it late either.
    expect(obligationStanding(o)).toBe('eingereicht am 28.11.2024 (erfasst am 03.12.2024)');
    const noted = r1(6, ...ACTIVE, reportOverdue('r1', '2024-12-01'), handedIn('2024-12-03', '2024-11-28'), reportAcknowledged('r1', '2024-12-12'));
    expect(obligationStanding(noted, null, '2024-11-30')).toBe('zur Kenntnis genommen am 12.12.2024 (eingereicht am 28.11.2024, erfasst am 03.12.2024)');
  });

  test('one that came in late says so, and both days', () => {
    const o = r1(6, ...ACTIVE, reportOverdue('r1', '2024-12-01'), handedIn('2024-12-10', '2024-12-05'));
    expect(obligationStanding(o, null, '2024-11-30')).toBe('eingereicht am 05.12.2024, verspätet (erfasst am 10.12.2024)');
  });

  test('the day of the event itself, or none, is the usual submission: nothing recorded beside it', () => {
    for (const receivedOn of ['2024-11-20', undefined]) {
      const o = r1(6, ...ACTIVE, handedIn('2024-11-20', receivedOn));
      expect(o.submittedOn).toBe('2024-11-20');
      expect(o).not.toHaveProperty('submissionRecordedOn');
    }
  });

  test('a day after the event, before the registration or before the request that asked for the report is refused', () => {
    expect(run(6, ...ACTIVE, handedIn('2024-11-20', '2024-11-21')).refused).toEqual([
      'Der Eingang des Berichts (21.11.2024) liegt nach dem Ereignisdatum 20.11.2024; erfasst wird, was eingegangen ist.',
    ]);
    expect(run(6, ...ACTIVE, handedIn('2024-11-20', '2024-06-02')).refused).toEqual([
      'Der Eingang des Berichts (02.06.2024) liegt vor dem 03.06.2024, an dem das Gremium registriert wurde.',
    ]);
    const requested = event('reportRequested', { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2024-12' } }, '2024-09-10');
    expect(run(6, ...ACTIVE, requested, handedIn('2024-11-20', '2024-09-09', 'r2')).refused).toEqual([
      'Der Eingang des Berichts (09.09.2024) liegt vor dem 10.09.2024, an dem er gefordert wurde.',
    ]);
    expect(run(6, ...ACTIVE, requested, handedIn('2024-11-20', '2024-09-10', 'r2')).refused).toBeNull();
  });

  test.each([1, 2, 3, 4, 5] as const)('version %i knows no such day and refuses it', (version) => {
    expect(run(version, ...ACTIVE, handedIn('2024-12-03', '2024-11-28')).refused).toEqual([
      'Ein Eingangsdatum (receivedOn) kennt erst Version 6 des Lebenslaufs; das Gremium zuerst auf die neueste Version umstellen oder ohne Eingangsdatum erfassen.',
    ]);
  });

  test('the history names the day it came in', () => {
    const before = run(6, ...ACTIVE).snapshot.context;
    const after = run(6, ...ACTIVE, handedIn('2024-12-03', '2024-11-28')).snapshot.context;
    expect(summarizeEvent('reportSubmitted', { obligationId: 'r1', receivedOn: '2024-11-28' }, before, after)).toContain('eingegangen am 28.11.2024');
  });
});

describe('a report taken note of by a decision recorded later (statechart version 6)', () => {
  const decision = { ...DECISION_2025_03_AL, number: '2024/33', date: '2024-12-10' };
  const noted = (on: string) => event('reportAcknowledged', { obligationId: 'r1' }, on, decision);

  test('was taken note of on the decision’s day; version 5 took the day the event was recorded', () => {
    const events = [...ACTIVE, handedIn('2024-11-20'), noted('2024-12-12')];
    expect(r1(6, ...events)).toMatchObject({ state: 'acknowledged', acknowledgedOn: '2024-12-10', acknowledgedBy: '2024/33' });
    expect(r1(5, ...events)).toMatchObject({ state: 'acknowledged', acknowledgedOn: '2024-12-12', acknowledgedBy: '2024/33' });
  });

  test('a decision dated before the report was handed in (as recorded) leaves the event’s day; none, the event’s day too', () => {
    expect(r1(6, ...ACTIVE, handedIn('2024-12-11'), noted('2024-12-12')).acknowledgedOn).toBe('2024-12-12');
    expect(r1(6, ...ACTIVE, handedIn('2024-12-11'), reportAcknowledged('r1', '2024-12-12')).acknowledgedOn).toBe('2024-12-12');
    // Handed in on the day it came in, before the decision: the decision's day again.
    expect(r1(6, ...ACTIVE, handedIn('2024-12-11', '2024-12-09'), noted('2024-12-12')).acknowledgedOn).toBe('2024-12-10');
  });
});

describe('an extension request recorded after it came in (statechart version 6)', () => {
  const requested = (on: string, receivedOn?: string) =>
    event('extensionRequested', { approvedUntil: '2025-12-31', justification: 'Die Umsetzung dauert an.', ...(receivedOn ? { receivedOn } : {}) }, on);
  const requestOf = (version: BodyMachineVersion, ...events: BodyEvent[]) => run(version, ...events).snapshot.context.extensionRequests?.at(-1);

  test('was made on the day it came in; the day it was recorded is kept; the Verlauf names it', () => {
    expect(requestOf(6, ...ACTIVE, requested('2025-04-03', '2025-03-20'))).toEqual({
      approvedUntil: '2025-12-31',
      justification: 'Die Umsetzung dauert an.',
      on: '2025-03-20',
      recordedOn: '2025-04-03',
    });
    expect(requestOf(6, ...ACTIVE, requested('2025-03-20', '2025-03-20'))).not.toHaveProperty('recordedOn');
    const before = run(6, ...ACTIVE).snapshot.context;
    const after = run(6, ...ACTIVE, requested('2025-04-03', '2025-03-20')).snapshot.context;
    expect(summarizeEvent('extensionRequested', { approvedUntil: '2025-12-31', justification: 'x', receivedOn: '2025-03-20' }, before, after)).toContain('eingegangen am 20.03.2025');
  });

  test('an extension decided after it came in and recorded before it answers it: no open request is left', () => {
    // Came in on 10.03., decided on 20.03. (recorded then), the request recorded on 25.03.
    const events = [...ACTIVE, extended('2025-12-31', { ...DECISION_2025_03_AL, date: '2025-03-20' }, '2025-03-20')];
    const { snapshot } = run(6, ...events, event('extensionRequested', { approvedUntil: '2026-06-30', justification: 'x', receivedOn: '2025-03-10' }, '2025-03-25'));
    expect(openRequests(snapshot.context).filter((r) => r.kind === 'extensionRequest')).toEqual([]);
  });

  test('a day after the event or before the registration is refused; versions before 6 refuse the day', () => {
    expect(run(6, ...ACTIVE, requested('2025-03-20', '2025-03-21')).refused).toEqual([
      'Der Eingang des Antrags (21.03.2025) liegt nach dem Ereignisdatum 20.03.2025; erfasst wird, was eingegangen ist.',
    ]);
    expect(run(6, ...ACTIVE, requested('2025-03-20', '2024-06-01')).refused).toEqual(['Der Eingang des Antrags (01.06.2024) liegt vor dem 03.06.2024, an dem das Gremium registriert wurde.']);
    expect(run(5, ...ACTIVE, requested('2025-03-20', '2025-03-10')).refused).toEqual([
      'Ein Eingangsdatum (receivedOn) kennt erst Version 6 des Lebenslaufs; das Gremium zuerst auf die neueste Version umstellen oder ohne Eingangsdatum erfassen.',
    ]);
  });
});
