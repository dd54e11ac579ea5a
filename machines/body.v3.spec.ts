/**
 * Version 3 of the chart: the closure's Frist is the final report's, a revision keeps the
 * expected end on or after the start, a report's Frist can be moved and a report waived, and an
 * extension request declined. Versions 1 and 2 keep doing what they recorded.
 */
import {
  deriveDeadlines,
  deriveTimers,
  eventDataSchemas,
  lifecycleOf,
  obligationStanding,
  offeredEvents,
  openRequests,
  summarizeEvent,
  type BodyEvent,
  type BodyMachineVersion,
  type Deadline,
  type RegisteredEvent,
} from '.';
import {
  DECISION_2024_09_AL,
  DECISION_2025_03_AL,
  closureInitiated,
  event,
  extended,
  reportDue,
  reportOverdue,
  reportSubmitted,
  reportAcknowledged,
  registered,
  started,
  submitted,
  termExpiring,
} from '../test/support/machine-events';

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
    const { snapshot, when } = givenIn(3, ...FINAL_REPORT_OVERDUE);
    const { verdict, next } = when(closingWith(MARCH_2027));
    expect(verdict.allowed).toBe(true);
    expect(next.context.obligations).toHaveLength(2);
    expect(next.context.obligations[1]).toMatchObject({ id: 'r2', kind: 'Abschlussbericht', due: MARCH_2027, state: 'pending', dueOn: null, overdueOn: null });
    expect(next.value).toEqual({ active: { term: 'running', reporting: 'upToDate', closure: 'closing' } });
    // The history's line and the record now name the same Frist.
    expect(summarizeEvent('closureInitiated', { finalReportDue: MARCH_2027 }, snapshot.context, next.context)).toBe('Abschlussbericht an AL-Runde: Frist im November 2026 → im März 2027');
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

describe('version 3: a yearly report is owed every year, whether last year\'s came in or not', () => {
  const yearly = event('reportRequested', { kind: 'Jahresbericht', addressee: 'IT-PLR', due: { kind: 'month', month: '2024-10' }, recurrence: { everyMonths: 12 } }, '2024-07-01');
  const periods = (snapshot: { context: { obligations: Array<{ id: string; state: string; due: Deadline; period?: number }> } }) =>
    snapshot.context.obligations.slice(2).map((o) => [o.id, o.state, o.due, o.period]);

  test('given the 2024 report, when it falls due, the 2025 report is owed from then on; its own Frist runs on time', () => {
    const { verdict, next } = givenIn(3, ...ACTIVE_WITH_FINAL_REPORT, yearly).when(reportDue('r3', '2024-10-31'));
    expect(verdict.allowed).toBe(true);
    expect(periods(next)).toEqual([
      ['r3', 'due', { kind: 'month', month: '2024-10' }, 1],
      ['r4', 'pending', { kind: 'month', month: '2025-10' }, 2],
    ]);
    expect(summarizeEvent('reportDue', { obligationId: 'r3' }, givenIn(3, ...ACTIVE_WITH_FINAL_REPORT, yearly).snapshot.context, next.context)).toBe(
      'Jahresbericht an IT-Planungsrat, Frist im Oktober 2024; nächster Jahresbericht im Oktober 2025',
    );
    // The 2024 report handed in late, after the 2025 one fell due: it opens nothing; 2025 opened when 2024 fell due, 2026 when 2025 did.
    const late = givenIn(3, ...ACTIVE_WITH_FINAL_REPORT, yearly, reportDue('r3', '2024-10-31'), reportOverdue('r3', '2024-11-01'), reportDue('r4', '2025-10-31'));
    expect(periods(late.when(reportSubmitted('r3', '2025-12-10')).next)).toEqual([
      ['r3', 'submitted', { kind: 'month', month: '2024-10' }, 1],
      ['r4', 'due', { kind: 'month', month: '2025-10' }, 2],
      ['r5', 'pending', { kind: 'month', month: '2026-10' }, 3],
    ]);
  });

  test('a report handed in before its Frist opens the next period then, and falling due later opens nothing more', () => {
    const early = givenIn(3, ...ACTIVE_WITH_FINAL_REPORT, yearly, reportSubmitted('r3', '2024-09-20'));
    expect(periods(early.snapshot)).toEqual([
      ['r3', 'submitted', { kind: 'month', month: '2024-10' }, 1],
      ['r4', 'pending', { kind: 'month', month: '2025-10' }, 2],
    ]);
  });

  test('versions 1 and 2 open the next period on submission only, as they recorded', () => {
    for (const version of [1, 2] as const) {
      const { next } = givenIn(version, ...ACTIVE_WITH_FINAL_REPORT, yearly).when(reportDue('r3', '2024-10-31'));
      expect(periods(next)).toEqual([['r3', 'due', { kind: 'month', month: '2024-10' }, 1]]);
    }
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

/**
 * The domain tester's case (D6): approved until 31.03.2025 with an Abschlussbericht „im März 2025“
 * (r2), extended on 31.03.2025 until 30.09.2025; the report went overdue on 01.04.2025.
 */
const MARCH_2025: Deadline = { kind: 'month', month: '2025-03' };
const SEPTEMBER_2025: Deadline = { kind: 'month', month: '2025-09' };
const EXTENDED_WITH_FINAL_REPORT = [
  submitted(),
  event('approved', { approvedUntil: '2025-03-31', reports: [{ kind: 'Abschlussbericht', addressee: 'AL-Runde', due: MARCH_2025 }] }, '2024-06-13', DECISION_2024_09_AL),
  started(),
  reportSubmitted('r1', '2024-11-20'),
  termExpiring('2025-01-01'),
  reportDue('r2', '2025-03-31'),
  extended('2025-09-30', DECISION_2025_03_AL, '2025-03-31'),
];
const FINAL_REPORT_OVERDUE_AFTER_EXTENSION = [...EXTENDED_WITH_FINAL_REPORT, reportOverdue('r2', '2025-04-01')];
const rescheduled = (obligationId: string, due: Deadline, on = '2025-04-02', data: object = { reason: 'Laufzeit verlängert bis 30.09.2025' }) =>
  event('reportRescheduled', { obligationId, due, ...data }, on, on >= DECISION_2025_03_AL.date ? DECISION_2025_03_AL : undefined);
const waived = (obligationId: string, on = '2025-04-02', reason = 'Ergebnisse fließen in die Nachfolgestruktur ein') =>
  event('reportWaived', { obligationId, reason }, on);
const declined = (on = '2025-04-10', reason = 'Der Auftrag ist erfüllt.') => event('extensionDeclined', { reason }, on);

describe('version 3: the secretariat moves a report\'s Frist (reportRescheduled)', () => {
  test('given the extended body\'s Abschlussbericht „im März 2025“ overdue, when it is moved to „im September 2025“, it is open again with that Frist and the reporting region is up to date', () => {
    const { verdict, next } = givenIn(3, ...FINAL_REPORT_OVERDUE_AFTER_EXTENSION).when(rescheduled('r2', SEPTEMBER_2025));
    expect(verdict.allowed).toBe(true);
    expect(next.context.obligations[1]).toMatchObject({
      id: 'r2',
      due: SEPTEMBER_2025,
      state: 'pending',
      dueOn: null,
      overdueOn: null,
      rescheduled: [{ from: MARCH_2025, on: '2025-04-02', reason: 'Laufzeit verlängert bis 30.09.2025', decision: '2025/03-AL' }],
    });
    expect(next.value).toEqual({ active: { term: 'running', reporting: 'upToDate', closure: 'operating' } });
    expect(next.context.decisions.at(-1)).toEqual({ number: '2025/03-AL', issuer: 'AL-Runde', event: 'reportRescheduled', on: '2025-04-02' });
    expect(summarizeEvent('reportRescheduled', { obligationId: 'r2', due: SEPTEMBER_2025, reason: 'Laufzeit verlängert bis 30.09.2025' }, null, next.context)).toBe(
      'Abschlussbericht an AL-Runde: Frist im März 2025 → im September 2025; Begründung: Laufzeit verlängert bis 30.09.2025',
    );
  });

  test('then its Frist is the new one, open, and its timers watch only that one: no weekly „überfällig“ reminders', () => {
    const event = rescheduled('r2', SEPTEMBER_2025);
    const { next } = givenIn(3, ...FINAL_REPORT_OVERDUE_AFTER_EXTENSION).when(event);
    const persisted = { value: next.value, context: next.context };
    expect(deriveDeadlines('b', persisted).find((d) => d.ref === 'r2')).toMatchObject({ deadline: SEPTEMBER_2025, status: 'open', resolution: { effectiveDate: '2025-09-30' } });
    const timers = deriveTimers('b', persisted, { notBefore: event.occurredAt }).filter((t) => t.ref === 'r2' || t.ref.startsWith('r2@'));
    expect(timers.map((t) => `${t.kind} ${t.dueOn}`)).toEqual(['reminder 2025-09-02', 'reminder 2025-09-23', 'reminder 2025-09-30', 'reportDue 2025-09-30', 'reportOverdue 2025-10-01']);
    expect(timers.filter((t) => t.kind === 'reminder' && t.reminder.phase === 'overdue')).toEqual([]);
  });

  test('given a report due, when its Frist moves, it is pending again; before the start too', () => {
    const due = givenIn(3, ...EXTENDED_WITH_FINAL_REPORT).when(rescheduled('r2', SEPTEMBER_2025));
    expect(due.next.context.obligations[1]).toMatchObject({ state: 'pending', dueOn: null, due: SEPTEMBER_2025 });
    expect(due.next.value).toMatchObject({ active: { reporting: 'upToDate' } });
    const established = givenIn(3, submitted(), event('approved', { approvedUntil: '2025-03-31', reports: [] }, '2024-06-13', DECISION_2024_09_AL)).when(
      rescheduled('r1', { kind: 'month', month: '2025-01' }, '2024-06-14', {}),
    );
    expect(established.verdict.allowed).toBe(true);
    expect(established.next.context.obligations[0]).toMatchObject({ due: { kind: 'month', month: '2025-01' }, rescheduled: [{ from: { kind: 'month', month: '2024-11' }, on: '2024-06-14', reason: null, decision: null }] });
  });

  test.each([
    ['an unknown obligation', 'r9', SEPTEMBER_2025, 'Es gibt keine Berichtspflicht „r9“. In Frage kommt: r2 (Abschlussbericht, überfällig).'],
    ['a report already submitted', 'r1', SEPTEMBER_2025, 'Die Berichtspflicht „r1“ (Zwischenbericht) ist bereits eingereicht. In Frage kommt: r2 (Abschlussbericht, überfällig).'],
    ['the same Frist', 'r2', MARCH_2025, 'Die Berichtspflicht „r2“ (Abschlussbericht) hat bereits die Frist im März 2025.'],
    ['a Frist before the event', 'r2', { kind: 'date', date: '2025-04-01' } as Deadline, 'Die neue Frist (01.04.2025) liegt vor dem Ereignisdatum (02.04.2025).'],
  ])('is refused for %s, with the reason', (_case, obligationId, due, reason) => {
    const { verdict, next } = givenIn(3, ...FINAL_REPORT_OVERDUE_AFTER_EXTENSION).when(rescheduled(obligationId, due));
    expect(verdict).toMatchObject({ allowed: false, reason });
    expect(next.context.obligations[1]).toMatchObject({ due: MARCH_2025, state: 'overdue' });
  });

  test('a report acknowledged or waived keeps its Frist', () => {
    const acknowledged = givenIn(3, ...FINAL_REPORT_OVERDUE_AFTER_EXTENSION, reportAcknowledged('r1', '2025-04-02')).when(rescheduled('r1', SEPTEMBER_2025, '2025-04-03'));
    expect(acknowledged.verdict).toMatchObject({ allowed: false, reason: expect.stringContaining('„r1“ (Zwischenbericht) ist bereits zur Kenntnis genommen.') });
    const dropped = givenIn(3, ...FINAL_REPORT_OVERDUE_AFTER_EXTENSION, waived('r2')).when(rescheduled('r2', SEPTEMBER_2025, '2025-04-03'));
    expect(dropped.verdict).toMatchObject({ allowed: false, reason: expect.stringContaining('„r2“ (Abschlussbericht) ist bereits entfallen.') });
  });

  test('a recurring report moved for one period keeps its rhythm: the next period follows the planned Frist', () => {
    const yearly = event('reportRequested', { kind: 'Jahresbericht', addressee: 'IT-PLR', due: { kind: 'month', month: '2025-01' }, recurrence: { everyMonths: 12 } }, '2024-07-01');
    const { snapshot } = givenIn(3, ...ACTIVE_WITH_FINAL_REPORT, yearly, rescheduled('r3', { kind: 'month', month: '2025-03' }, '2024-12-01', {}), reportSubmitted('r3', '2025-03-10'));
    expect(snapshot.context.obligations.map((o) => [o.id, o.state, o.due])).toEqual([
      ['r1', 'pending', { kind: 'month', month: '2024-11' }],
      ['r2', 'pending', NOVEMBER_2026],
      ['r3', 'submitted', { kind: 'month', month: '2025-03' }],
      ['r4', 'pending', { kind: 'month', month: '2026-01' }],
    ]);
  });

  test('the data: a Frist is required, a reason and a note optional', () => {
    expect(eventDataSchemas.reportRescheduled.safeParse({ obligationId: 'r2' }).success).toBe(false);
    expect(eventDataSchemas.reportRescheduled.safeParse({ obligationId: 'r2', due: SEPTEMBER_2025 }).success).toBe(true);
  });
});

describe('version 3: the secretariat waives a report (reportWaived)', () => {
  test('given the overdue Abschlussbericht, when it is waived, it is no longer owed: shown as „entfallen“, no Frist, no timers, the reporting region up to date', () => {
    const { verdict, next } = givenIn(3, ...FINAL_REPORT_OVERDUE_AFTER_EXTENSION).when(waived('r2'));
    expect(verdict.allowed).toBe(true);
    expect(next.context.obligations[1]).toMatchObject({
      id: 'r2',
      state: 'waived',
      due: MARCH_2025,
      waived: { on: '2025-04-02', reason: 'Ergebnisse fließen in die Nachfolgestruktur ein', decision: null },
    });
    expect(obligationStanding(next.context.obligations[1])).toBe('entfallen am 02.04.2025');
    expect(next.value).toMatchObject({ active: { reporting: 'upToDate' } });
    const persisted = { value: next.value, context: next.context };
    expect(deriveDeadlines('b', persisted).map((d) => d.ref)).toEqual(['r1', 'end']);
    expect(deriveTimers('b', persisted, { notBefore: waived('r2').occurredAt }).filter((t) => t.ref.startsWith('r2'))).toEqual([]);
    expect(summarizeEvent('reportWaived', { obligationId: 'r2', reason: 'Ergebnisse fließen in die Nachfolgestruktur ein' }, null, next.context)).toBe(
      'Abschlussbericht an AL-Runde, Frist im März 2025, entfällt; Begründung: Ergebnisse fließen in die Nachfolgestruktur ein',
    );
    expect(offeredEvents(next)).not.toContain('reportSubmitted');
  });

  test('the reporting region stays overdue while another report is', () => {
    const { next } = givenIn(3, ...ACTIVE_WITH_FINAL_REPORT, reportDue('r1', '2024-11-30'), reportOverdue('r1', '2024-12-03'), reportDue('r2', '2026-11-30')).when(waived('r2', '2026-12-01'));
    expect(next.value).toMatchObject({ active: { reporting: 'reportOverdue' } });
    const { next: due } = givenIn(3, ...ACTIVE_WITH_FINAL_REPORT, reportDue('r1', '2024-11-30'), reportDue('r2', '2026-11-30')).when(waived('r2', '2026-12-01'));
    expect(due.value).toMatchObject({ active: { reporting: 'reportDue' } });
  });

  test.each([
    ['an unknown obligation', 'r9', 'Es gibt keine Berichtspflicht „r9“.'],
    ['a report already submitted', 'r1', 'Die Berichtspflicht „r1“ (Zwischenbericht) ist bereits eingereicht.'],
  ])('is refused for %s, with the reason', (_case, obligationId, reason) => {
    expect(givenIn(3, ...FINAL_REPORT_OVERDUE_AFTER_EXTENSION).when(waived(obligationId)).verdict).toMatchObject({ allowed: false, reason: expect.stringContaining(reason) });
  });

  test('a report waived already is refused again, and a reason is required', () => {
    expect(givenIn(3, ...FINAL_REPORT_OVERDUE_AFTER_EXTENSION, waived('r2')).when(waived('r2', '2025-04-03')).verdict).toMatchObject({
      allowed: false,
      reason: 'Die Berichtspflicht „r2“ (Abschlussbericht) ist bereits entfallen. Kein Bericht ist mehr offen, der entfallen könnte.',
    });
    expect(eventDataSchemas.reportWaived.safeParse({ obligationId: 'r2' }).success).toBe(false);
    expect(eventDataSchemas.reportWaived.safeParse({ obligationId: 'r2', reason: ' ' }).success).toBe(false);
  });

  test('a recurring report waived for one period: the next period opens, as on submission', () => {
    const yearly = event('reportRequested', { kind: 'Jahresbericht', addressee: 'IT-PLR', due: { kind: 'month', month: '2025-01' }, recurrence: { everyMonths: 12 } }, '2024-07-01');
    const { next } = givenIn(3, ...ACTIVE_WITH_FINAL_REPORT, yearly).when(waived('r3', '2024-12-01', 'Abschlussbericht folgt'));
    expect(next.context.obligations.slice(2).map((o) => [o.id, o.state, o.due, o.period])).toEqual([
      ['r3', 'waived', { kind: 'month', month: '2025-01' }, 1],
      ['r4', 'pending', { kind: 'month', month: '2026-01' }, 2],
    ]);
    expect(summarizeEvent('reportWaived', { obligationId: 'r3', reason: 'Abschlussbericht folgt' }, null, next.context)).toBe(
      'Jahresbericht an IT-Planungsrat, Frist im Januar 2025, entfällt; Begründung: Abschlussbericht folgt; nächster Jahresbericht im Januar 2026',
    );
  });

  test('closure after a waived Abschlussbericht owes a new one with the closure\'s Frist; closing needs it acknowledged or waived as well', () => {
    const closing = givenIn(3, ...FINAL_REPORT_OVERDUE, waived('r2', '2026-12-05'), closingWith(MARCH_2027));
    expect(closing.snapshot.context.obligations.map((o) => [o.id, o.kind, o.state, o.due])).toEqual([
      ['r1', 'Zwischenbericht', 'pending', { kind: 'month', month: '2024-11' }],
      ['r2', 'Abschlussbericht', 'waived', NOVEMBER_2026],
      ['r3', 'Abschlussbericht', 'pending', MARCH_2027],
    ]);
    const decision = { ...DECISION_2025_03_AL, number: '2027/05-AL', date: '2027-02-01' };
    const close = event('closed', { noSuccessorReason: 'Auftrag erfüllt.' }, '2027-02-01', decision);
    expect(closing.when(close).verdict).toMatchObject({
      allowed: false,
      reason:
        'Der geordnete Abschluss setzt einen zur Kenntnis genommenen oder entfallenen Abschlussbericht voraus. ' +
        'Offen ist: Abschlussbericht an AL-Runde (Frist im März 2027, offen) – erst einreichen und zur Kenntnis nehmen oder als entfallen erfassen.',
    });
    const bothWaived = givenIn(3, ...FINAL_REPORT_OVERDUE, waived('r2', '2026-12-05'), closingWith(MARCH_2027), event('reportWaived', { obligationId: 'r3', reason: 'Kein Bericht laut Beschluss' }, '2027-02-01', decision));
    expect(offeredEvents(bothWaived.snapshot)).toContain('closed');
    const { verdict, next } = bothWaived.when(close);
    expect(verdict.allowed).toBe(true);
    expect(next.value).toBe('closed');
  });
});

describe('version 3: the secretariat declines an extension request (extensionDeclined)', () => {
  const requested = event('extensionRequested', { approvedUntil: '2025-12-31', justification: 'Auftrag noch offen.' }, '2025-02-01');

  test('given an open request, when it is declined, it leaves the to-dos; the term and the state stay', () => {
    const given = givenIn(3, submitted(), event('approved', { approvedUntil: '2025-03-31', reports: [] }, '2024-06-13', DECISION_2024_09_AL), started(), requested);
    expect(openRequests(given.snapshot.context).map((r) => r.kind)).toEqual(['extensionRequest']);
    const { verdict, next } = given.when(event('extensionDeclined', { reason: 'Der Auftrag ist erfüllt.' }, '2025-03-20', DECISION_2025_03_AL));
    expect(verdict.allowed).toBe(true);
    expect(openRequests(next.context)).toEqual([]);
    expect(next.value).toEqual(given.snapshot.value);
    expect(next.context.approvedUntil).toBe('2025-03-31');
    expect(next.context.extensionRequests).toEqual([
      { approvedUntil: '2025-12-31', justification: 'Auftrag noch offen.', on: '2025-02-01', declined: { on: '2025-03-20', reason: 'Der Auftrag ist erfüllt.', decision: '2025/03-AL' } },
    ]);
    expect(summarizeEvent('extensionDeclined', { reason: 'Der Auftrag ist erfüllt.' }, null, next.context)).toBe(
      'Verlängerung bis 31.12.2025 (beantragt am 01.02.2025) abgelehnt; Begründung: Der Auftrag ist erfüllt.',
    );
  });

  test('is refused without an open request: none made, or one already declined or answered by an extension', () => {
    const active = [submitted(), event('approved', { approvedUntil: '2025-03-31', reports: [] }, '2024-06-13', DECISION_2024_09_AL), started()];
    const reason = 'Es liegt kein offener Verlängerungsantrag vor.';
    expect(givenIn(3, ...active).when(declined()).verdict).toMatchObject({ allowed: false, reason });
    expect(givenIn(3, ...active, requested, declined('2025-03-01')).when(declined()).verdict).toMatchObject({ allowed: false, reason });
    expect(givenIn(3, ...active, requested, extended('2025-12-31')).when(declined()).verdict).toMatchObject({ allowed: false, reason });
    expect(offeredEvents(givenIn(3, ...active).snapshot)).not.toContain('extensionDeclined');
    expect(eventDataSchemas.extensionDeclined.safeParse({}).success).toBe(false);
  });

  test('a new request after a decline is open again, and may be declined in turn', () => {
    const active = [submitted(), event('approved', { approvedUntil: '2025-03-31', reports: [] }, '2024-06-13', DECISION_2024_09_AL), started()];
    const again = event('extensionRequested', { approvedUntil: '2026-06-30', justification: 'Neuer Auftrag.' }, '2025-03-05');
    const { snapshot, when } = givenIn(3, ...active, requested, declined('2025-03-01'), again);
    expect(openRequests(snapshot.context).map((r) => r.text)).toEqual(['Verlängerung beantragt bis 30.06.2026: Neuer Auftrag.']);
    expect(when(declined('2025-03-06')).verdict.allowed).toBe(true);
  });
});

describe.each([1, 2] as const)('version %i knows none of the events version 3 added', (version) => {
  test.each([
    ['reportRescheduled', () => rescheduled('r2', SEPTEMBER_2025), 'Berichtsfrist geändert'],
    ['reportWaived', () => waived('r2'), 'Berichtspflicht entfallen'],
    ['extensionDeclined', () => declined(), 'Verlängerung abgelehnt'],
  ] as const)('%s is refused as not allowed in this state', (type, make, label) => {
    const requested = event('extensionRequested', { approvedUntil: '2025-12-31', justification: 'Auftrag noch offen.' }, '2025-04-01');
    const { verdict } = givenIn(version, ...FINAL_REPORT_OVERDUE_AFTER_EXTENSION, requested).when(make());
    expect(verdict).toMatchObject({
      allowed: false,
      reason: `„${label}“ (${type}) ist im Zustand „Aktiv (Laufzeit läuft, Bericht überfällig, In Arbeit)“ nicht zulässig.`,
      violations: [],
    });
  });
});
