/**
 * Version 3 of the chart: the closure's Frist is the final report's, and a revision keeps the
 * expected end on or after the start. Versions 1 and 2 keep doing what they recorded.
 */
import { deriveDeadlines, deriveTimers, lifecycleOf, summarizeEvent, type BodyEvent, type BodyMachineVersion, type Deadline, type RegisteredEvent } from '.';
import { DECISION_2024_09_AL, closureInitiated, event, reportDue, reportOverdue, reportSubmitted, reportAcknowledged, registered, started, submitted } from '../test/support/machine-events';

const NOVEMBER_2026: Deadline = { kind: 'month', month: '2026-11' };
const MARCH_2027: Deadline = { kind: 'month', month: '2027-03' };

/** Approved until 2027 with an Abschlussbericht „im November 2026“ (r2; r1 is the registration's Zwischenbericht). */
const ACTIVE_WITH_FINAL_REPORT = [
  submitted(),
  event('approved', { approvedUntil: '2027-12-31', reports: [{ kind: 'Abschlussbericht', addressee: 'AL-Runde', due: NOVEMBER_2026 }] }, '2024-06-13', DECISION_2024_09_AL),
  started(),
];
const FINAL_REPORT_OVERDUE = [...ACTIVE_WITH_FINAL_REPORT, reportDue('r2', '2026-11-30'), reportOverdue('r2', '2026-12-01')];
const closingWith = (due: Deadline) => closureInitiated('2027-01-15', due);

/** given(events…) under a version of the chart; `.when(event)` gives the verdict and the next snapshot. */
function givenIn(version: BodyMachineVersion, ...events: BodyEvent[]) {
  return givenFromIn(version, registered(), ...events);
}

function givenFromIn(version: BodyMachineVersion, start: RegisteredEvent, ...events: BodyEvent[]) {
  const { begin, decide, evolve } = lifecycleOf(version);
  let snapshot = begin(start);
  for (const e of events) {
    const verdict = decide(snapshot, e);
    if (!verdict.allowed) throw new Error(`Setup event ${e.type} refused: ${verdict.reason}`);
    snapshot = evolve(snapshot, e);
  }
  return { snapshot, when: (e: BodyEvent) => ({ verdict: decide(snapshot, e), next: evolve(snapshot, e) }) };
}

describe('version 3: the closure decision sets the final report\'s Frist', () => {
  test('given an Abschlussbericht „im November 2026“ overdue, when closure is initiated with „im März 2027“, the report is open again with that Frist', () => {
    const { verdict, next } = givenIn(3, ...FINAL_REPORT_OVERDUE).when(closingWith(MARCH_2027));
    expect(verdict.allowed).toBe(true);
    expect(next.context.obligations).toHaveLength(2);
    expect(next.context.obligations[1]).toMatchObject({ id: 'r2', kind: 'Abschlussbericht', due: MARCH_2027, state: 'pending', dueOn: null, overdueOn: null });
    expect(next.value).toEqual({ active: { term: 'running', reporting: 'upToDate', closure: 'closing' } });
    // The history's line and the record now name the same Frist.
    expect(summarizeEvent('closureInitiated', { finalReportDue: MARCH_2027 }, null, next.context)).toBe('Abschlussbericht im März 2027');
  });

  test('then the Fristen show the final report due in March 2027, open, and its timers watch that Frist', () => {
    const { next } = givenIn(3, ...FINAL_REPORT_OVERDUE).when(closingWith(MARCH_2027));
    const persisted = { value: next.value, context: next.context };
    const report = deriveDeadlines('b', persisted).find((d) => d.ref === 'r2');
    expect(report).toMatchObject({ deadline: MARCH_2027, status: 'open', resolution: { originalDate: '2027-03-31', effectiveDate: '2027-03-31' } });
    const timers = deriveTimers('b', persisted, { notBefore: closingWith(MARCH_2027).occurredAt }).filter((timer) => timer.ref === 'r2');
    expect(timers.map((timer) => `${timer.kind} ${timer.dueOn}`)).toEqual(['reportDue 2027-03-31', 'reportOverdue 2027-04-01']);
  });

  test('given an Abschlussbericht due, when closure gives another Frist, it is open again with that Frist', () => {
    const { next } = givenIn(3, ...ACTIVE_WITH_FINAL_REPORT, reportDue('r2', '2026-11-30')).when(closingWith(MARCH_2027));
    expect(next.context.obligations[1]).toMatchObject({ due: MARCH_2027, state: 'pending', dueOn: null });
    expect(next.value).toMatchObject({ active: { reporting: 'upToDate' } });
  });

  test('given an overdue Abschlussbericht, when closure names its own Frist again, it stays overdue', () => {
    const { verdict, next } = givenIn(3, ...FINAL_REPORT_OVERDUE).when(closingWith(NOVEMBER_2026));
    expect(verdict.allowed).toBe(true);
    expect(next.context.obligations[1]).toMatchObject({ due: NOVEMBER_2026, state: 'overdue', overdueOn: '2026-12-01' });
    expect(next.value).toMatchObject({ active: { reporting: 'reportOverdue', closure: 'closing' } });
  });

  test('given an Abschlussbericht already submitted, a closure with another Frist is refused with the reason; with its own Frist it closes on it', () => {
    const handedIn = givenIn(3, ...FINAL_REPORT_OVERDUE, reportSubmitted('r2', '2026-12-10'));
    const { verdict, next } = handedIn.when(closingWith(MARCH_2027));
    expect(verdict).toMatchObject({
      allowed: false,
      reason:
        'Der Abschlussbericht „r2“ ist bereits eingereicht (Frist im November 2026); die Frist im März 2027 gälte für keinen Bericht. ' +
        'Als Frist im November 2026 angeben oder einen weiteren Abschlussbericht zuerst als Berichtspflicht festlegen.',
    });
    expect(next.value).toMatchObject({ active: { closure: 'operating' } });

    const own = handedIn.when(closingWith(NOVEMBER_2026));
    expect(own.verdict.allowed).toBe(true);
    expect(own.next.context.obligations).toEqual(handedIn.snapshot.context.obligations);
  });

  test('given an Abschlussbericht acknowledged, the refusal says so', () => {
    const { verdict } = givenIn(3, ...ACTIVE_WITH_FINAL_REPORT, reportSubmitted('r2', '2026-10-20'), reportAcknowledged('r2', '2026-11-05')).when(
      closingWith({ kind: 'date', date: '2027-03-31' }),
    );
    expect(verdict).toMatchObject({ allowed: false, reason: expect.stringContaining('ist bereits zur Kenntnis genommen (Frist im November 2026); die Frist 31.03.2027') });
  });

  test('given a further Abschlussbericht requested after one was handed in, the closure moves the open one', () => {
    const requested = event('reportRequested', { kind: 'Abschlussbericht', addressee: 'AL-Runde', due: { kind: 'month', month: '2027-06' } }, '2026-12-20');
    const { verdict, next } = givenIn(3, ...ACTIVE_WITH_FINAL_REPORT, reportSubmitted('r2', '2026-10-20'), requested).when(closingWith(MARCH_2027));
    expect(verdict.allowed).toBe(true);
    expect(next.context.obligations.map((o) => [o.id, o.state, o.due])).toEqual([
      ['r1', 'pending', { kind: 'month', month: '2024-11' }],
      ['r2', 'submitted', NOVEMBER_2026],
      ['r3', 'pending', MARCH_2027],
    ]);
  });

  test('without a final report, the closure\'s Frist is that of a new one, as before', () => {
    const { next } = givenIn(3, submitted(), event('approved', { approvedUntil: '2027-12-31', reports: [] }, '2024-06-13', DECISION_2024_09_AL), started()).when(
      closingWith(MARCH_2027),
    );
    expect(next.context.obligations.map((o) => [o.id, o.kind, o.state, o.due])).toEqual([
      ['r1', 'Zwischenbericht', 'pending', { kind: 'month', month: '2024-11' }],
      ['r2', 'Abschlussbericht', 'pending', MARCH_2027],
    ]);
  });

  test.each([1, 2] as const)('version %i keeps the planned Frist and ignores the closure\'s, as it recorded', (version) => {
    const { verdict, next } = givenIn(version, ...FINAL_REPORT_OVERDUE).when(closingWith(MARCH_2027));
    expect(verdict.allowed).toBe(true);
    expect(next.context.obligations[1]).toMatchObject({ due: NOVEMBER_2026, state: 'overdue' });
    const handedIn = givenIn(version, ...FINAL_REPORT_OVERDUE, reportSubmitted('r2', '2026-12-10'));
    expect(handedIn.when(closingWith(MARCH_2027)).verdict.allowed).toBe(true);
  });
});

describe('version 3: a revision keeps the expected end on or after the start', () => {
  const END_BEFORE_START = 'Das voraussichtliche Ende liegt vor dem Beginn der Tätigkeit.';
  const revised = (data: object) => event('revised', data as never, '2024-06-04');

  test('given a draft starting 17.06.2024, a revised expected end before it is refused with the registration\'s reason', () => {
    const { verdict, next } = givenIn(3).when(revised({ expectedEnd: '2024-05-31' }));
    expect(verdict).toMatchObject({ allowed: false, reason: END_BEFORE_START, violations: [END_BEFORE_START] });
    expect(next.context.profile.expectedEnd).toBe('2024-12-31');
  });

  test('a start moved after the expected end is refused, and so is both given the wrong way round; a month counts to its last day', () => {
    expect(givenIn(3).when(revised({ start: '2025-01-02' })).verdict).toMatchObject({ allowed: false, reason: END_BEFORE_START });
    expect(givenIn(3).when(revised({ start: '2025-02-01', expectedEnd: { month: '2025-01' } })).verdict).toMatchObject({ allowed: false, reason: END_BEFORE_START });
    expect(givenIn(3).when(revised({ start: '2025-01-15', expectedEnd: { month: '2025-01' } })).verdict.allowed).toBe(true);
  });

  test('a revision that leaves both in order, or removes the expected end, is allowed', () => {
    const { verdict, next } = givenIn(3).when(revised({ start: '2024-07-01', expectedEnd: '2025-06-30' }));
    expect(verdict.allowed).toBe(true);
    expect(next.context.profile).toMatchObject({ start: '2024-07-01', expectedEnd: '2025-06-30' });
    expect(givenIn(3).when(revised({ start: '2025-07-01', expectedEnd: null })).verdict.allowed).toBe(true);
  });

  test.each([1, 2] as const)('version %i accepted such a revision, and replays it as recorded', (version) => {
    const { verdict, next } = givenIn(version).when(revised({ expectedEnd: '2024-05-31' }));
    expect(verdict.allowed).toBe(true);
    expect(next.context.profile.expectedEnd).toBe('2024-05-31');
  });
});
