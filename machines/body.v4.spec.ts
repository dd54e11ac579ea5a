/**
 * Version 4 of the chart: a transfer is an orderly closure (final report noted or waived), a
 * decision ends a recurring report from a day on, and an extension recorded after its new end
 * leaves the term expired at once. Version 3 keeps doing what it recorded.
 */
import {
  deriveDeadlines,
  deriveTimers,
  eventDataSchemas,
  lifecycleOf,
  notYetPossible,
  offeredEvents,
  stateLabel,
  summarizeEvent,
  type BodyEvent,
  type BodyMachineVersion,
  type DecisionFacts,
  type Deadline,
} from '.';
import {
  DECISION_2024_09_AL,
  closureInitiated,
  event,
  registered,
  reportAcknowledged,
  reportDue,
  reportOverdue,
  reportSubmitted,
  started,
  submitted,
  termExpired,
  termExpiring,
} from '../test/support/machine-events';

const decision = (number: string, date: string): DecisionFacts => ({ number, issuer: 'AL-Runde', date, type: 'Beschluss' });

/** given(events…) under a version of the chart; `.when(event)` gives the verdict and the next snapshot. */
function givenIn(version: BodyMachineVersion, ...events: BodyEvent[]) {
  const { begin, decide, evolve } = lifecycleOf(version);
  let snapshot = begin(registered());
  for (const e of events) {
    const verdict = decide(snapshot, e);
    if (!verdict.allowed) throw new Error(`Setup event ${e.type} refused: ${verdict.reason}`);
    snapshot = evolve(snapshot, e);
  }
  return { snapshot, when: (e: BodyEvent) => ({ verdict: decide(snapshot, e), next: evolve(snapshot, e) }) };
}

/** Approved until 31.03.2025 (r1: the registration's Zwischenbericht „im November 2024“), started. */
const ACTIVE = [submitted(), event('approved', { approvedUntil: '2025-03-31', reports: [] }, '2024-06-13', DECISION_2024_09_AL), started()];

describe('version 4: a transfer is an orderly closure', () => {
  /** Closure initiated on 01.07.2025: the Abschlussbericht r2 „bis 30.09.2025“ is owed. */
  const CLOSING = [...ACTIVE, closureInitiated('2025-07-01')];
  const TRANSFER_DECISION = decision('2025/30-AL', '2025-10-20');
  const transfer = (on = '2025-10-20') => event('transferred', { successor: { name: 'Kooperationsgruppe Register' } }, on, TRANSFER_DECISION);
  const RULE = 'Die Überführung in eine Nachfolgestruktur ist ein geordneter Abschluss und setzt wie dieser einen zur Kenntnis genommenen oder entfallenen Abschlussbericht voraus.';

  test('given the final report still open, a transfer is refused naming the report, and the body stays closing', () => {
    const { snapshot, when } = givenIn(4, ...CLOSING);
    const { verdict, next } = when(transfer());
    const reason = `${RULE} Offen ist: Abschlussbericht an AL-Runde (Frist 30.09.2025, offen) – erst einreichen und zur Kenntnis nehmen oder als entfallen erfassen.`;
    expect(verdict).toMatchObject({ allowed: false, reason, violations: [reason] });
    expect(next.value).toMatchObject({ active: { closure: 'closing' } });
    expect(next.context.successor).toBeNull();
    // Not offered while no data could make it possible, and told why.
    expect(offeredEvents(snapshot)).not.toContain('transferred');
    expect(notYetPossible(snapshot)).toContainEqual({ type: 'transferred', reason });
  });

  test('an overdue final report is named as overdue; one handed in but not yet noted is to be noted first', () => {
    const overdue = givenIn(4, ...CLOSING, reportDue('r2', '2025-09-30'), reportOverdue('r2', '2025-10-01')).when(transfer());
    expect(overdue.verdict).toMatchObject({ allowed: false, reason: expect.stringContaining('Abschlussbericht an AL-Runde (Frist 30.09.2025, überfällig seit 01.10.2025)') });
    const handedIn = givenIn(4, ...CLOSING, event('reportSubmitted', { obligationId: 'r2' }, '2025-09-15')).when(transfer());
    expect(handedIn.verdict).toMatchObject({
      allowed: false,
      reason: `${RULE} Offen ist: Abschlussbericht an AL-Runde (Frist 30.09.2025, eingereicht am 15.09.2025) – erst zur Kenntnis nehmen oder als entfallen erfassen.`,
    });
  });

  test('once the final report is noted, the transfer ends the body with its successor', () => {
    const { snapshot, when } = givenIn(4, ...CLOSING, reportSubmitted('r2', '2025-09-15'), reportAcknowledged('r2', '2025-10-01'));
    expect(offeredEvents(snapshot)).toEqual(expect.arrayContaining(['closed', 'transferred']));
    const { verdict, next } = when(transfer());
    expect(verdict.allowed).toBe(true);
    expect(next.value).toBe('transferred');
    expect(next.context).toMatchObject({ successor: { name: 'Kooperationsgruppe Register' }, endedOn: '2025-10-20' });
  });

  test('a final report waived (e.g. by the transfer decision itself) settles it as well', () => {
    const waived = event('reportWaived', { obligationId: 'r2', reason: 'Die Ergebnisse gehen in die Nachfolgestruktur ein.' }, '2025-10-20', TRANSFER_DECISION);
    const { verdict, next } = givenIn(4, ...CLOSING, waived).when(transfer());
    expect(verdict.allowed).toBe(true);
    expect(next.value).toBe('transferred');
  });

  test('version 3 transferred with the final report open, and replays so; it offers the transfer then', () => {
    const { snapshot, when } = givenIn(3, ...CLOSING);
    expect(offeredEvents(snapshot)).toContain('transferred');
    expect(notYetPossible(snapshot).map((n) => n.type)).not.toContain('transferred');
    const { verdict, next } = when(transfer());
    expect(verdict.allowed).toBe(true);
    expect(next.value).toBe('transferred');
  });
});

describe('version 4: a decision ends a recurring report from a day on (reportSeriesEnded)', () => {
  const JANUARY = (year: number): Deadline => ({ kind: 'month', month: `${year}-01` });
  /** A yearly report „im Januar 2025“ (r2), its first period fallen due: the 2026 period (r3) is owed. */
  const YEARLY = [...ACTIVE, event('reportRequested', { kind: 'Jahresbericht', addressee: 'IT-PLR', due: JANUARY(2025), recurrence: { everyMonths: 12 } }, '2024-07-01')];
  const YEARLY_DUE = [...YEARLY, reportDue('r2', '2025-01-31')];
  const ENDING = decision('2025/12-AL', '2025-06-12');
  const end = (obligationId: string, from: string, on = '2025-06-12', by: DecisionFacts | null = ENDING) =>
    event('reportSeriesEnded', { obligationId, from, reason: 'Der Jahresbericht ist nicht mehr erforderlich.' }, on, by ?? undefined);
  const periods = (snapshot: { context: { obligations: Array<{ id: string; state: string; due: Deadline }> } }) =>
    snapshot.context.obligations.slice(1).map((o) => [o.id, o.state, o.due]);

  test('ended from 01.01.2026: the 2026 period is owed no more, the 2025 one stays owed, and none opens after it', () => {
    const { snapshot, when } = givenIn(4, ...YEARLY_DUE);
    expect(offeredEvents(snapshot)).toContain('reportSeriesEnded');
    const { verdict, next } = when(end('r3', '2026-01-01'));
    expect(verdict.allowed).toBe(true);
    expect(periods(next)).toEqual([
      ['r2', 'due', JANUARY(2025)],
      ['r3', 'waived', JANUARY(2026)],
    ]);
    const ended = { from: '2026-01-01', on: '2025-06-12', reason: 'Der Jahresbericht ist nicht mehr erforderlich.', decision: '2025/12-AL' };
    expect(next.context.obligations[2]).toMatchObject({ waived: { on: '2025-06-12', decision: '2025/12-AL' }, seriesEnded: ended });
    expect(next.context.obligations[1]).toMatchObject({ seriesEnded: ended });
    expect(next.context.decisions.at(-1)).toEqual({ number: '2025/12-AL', issuer: 'AL-Runde', event: 'reportSeriesEnded', on: '2025-06-12' });
    expect(summarizeEvent('reportSeriesEnded', { obligationId: 'r3', from: '2026-01-01', reason: 'Der Jahresbericht ist nicht mehr erforderlich.' }, snapshot.context, next.context)).toBe(
      'Jahresbericht an IT-Planungsrat, jährlich: ab 01.01.2026 nicht mehr geschuldet; entfällt: Frist im Januar 2026; bleibt geschuldet: Frist im Januar 2025; ' +
        'Begründung: Der Jahresbericht ist nicht mehr erforderlich.',
    );
    // The dropped period has no Frist and no timers; the 2025 one keeps its own.
    const persisted = { value: next.value, context: next.context };
    expect(deriveDeadlines('b', persisted).map((d) => d.ref)).toEqual(['r1', 'r2', 'end']);
    expect(deriveTimers('b', persisted, { notBefore: end('r3', '2026-01-01').occurredAt }).filter((t) => t.ref.startsWith('r3'))).toEqual([]);
    // Handed in, the 2025 report opens nothing more; the series is no longer offered to end.
    const after = givenIn(4, ...YEARLY_DUE, end('r3', '2026-01-01'), reportSubmitted('r2', '2025-07-01'));
    expect(periods(after.snapshot)).toEqual([
      ['r2', 'submitted', JANUARY(2025)],
      ['r3', 'waived', JANUARY(2026)],
    ]);
    expect(offeredEvents(after.snapshot)).not.toContain('reportSeriesEnded');
  });

  test('ended from a later day: the periods before it still open when they fall due, the first on or after it never', () => {
    const { snapshot } = givenIn(4, ...YEARLY_DUE, end('r2', '2027-01-01'), reportDue('r3', '2026-01-31'));
    expect(periods(snapshot)).toEqual([
      ['r2', 'due', JANUARY(2025)],
      ['r3', 'due', JANUARY(2026)],
    ]);
    // A month's Frist falls on its last day: ended from 01.02.2026, „im Januar 2026“ (by 31.01.) is still owed.
    const february = givenIn(4, ...YEARLY_DUE).when(end('r2', '2026-02-01')).next;
    expect(periods(february)).toEqual([
      ['r2', 'due', JANUARY(2025)],
      ['r3', 'pending', JANUARY(2026)],
    ]);
    expect(periods(givenIn(4, ...YEARLY_DUE).when(end('r2', '2026-01-31')).next)).toContainEqual(['r3', 'waived', JANUARY(2026)]);
  });

  test('a report „zur ersten Sitzung“ of a year counts from 1 January of that year: ended from the year, its period is dropped; from later in it, not', () => {
    const firstSession = (year: number): Deadline => ({ kind: 'firstSession', issuer: 'IT-PLR', year });
    const series = [...ACTIVE, event('reportRequested', { kind: 'Jahresbericht', addressee: 'IT-PLR', due: firstSession(2025), recurrence: { everyMonths: 12 } }, '2024-07-01'), reportSubmitted('r2', '2025-02-01')];
    expect(periods(givenIn(4, ...series).when(end('r2', '2026-01-01')).next)).toEqual([
      ['r2', 'submitted', firstSession(2025)],
      ['r3', 'waived', firstSession(2026)],
    ]);
    expect(periods(givenIn(4, ...series).when(end('r2', '2026-03-01')).next)).toEqual([
      ['r2', 'submitted', firstSession(2025)],
      ['r3', 'pending', firstSession(2026)],
    ]);
  });

  test('the series may end before the body started, as the approval planned it', () => {
    const approvedWithYearly = event(
      'approved',
      { approvedUntil: '2026-12-31', reports: [{ kind: 'Jahresbericht', addressee: 'IT-PLR', due: JANUARY(2025), recurrence: { everyMonths: 12 } }] },
      '2024-06-13',
      DECISION_2024_09_AL,
    );
    const { verdict, next } = givenIn(4, submitted(), approvedWithYearly).when(end('r2', '2025-01-01', '2024-06-14', { ...ENDING, date: '2024-06-14' }));
    expect(verdict.allowed).toBe(true);
    expect(next.value).toBe('established');
    expect(periods(next)).toEqual([['r2', 'waived', JANUARY(2025)]]);
  });

  test.each([
    ['without a decision', end('r3', '2026-01-01', '2025-06-12', null), '„Wiederkehrende Berichtspflicht beendet“ braucht den Beschluss, der es anordnet: bitte einen erfassten Beschluss nennen.'],
    ['for an unknown obligation', end('r9', '2026-01-01'), 'Es gibt keine Berichtspflicht „r9“. In Frage kommt: r3 (Jahresbericht an IT-Planungsrat, jährlich).'],
    [
      'for a report owed once',
      end('r1', '2026-01-01'),
      'Die Berichtspflicht „r1“ (Zwischenbericht) ist nicht wiederkehrend; einen einzelnen Bericht hebt „Berichtspflicht entfallen“ auf. In Frage kommt: r3 (Jahresbericht an IT-Planungsrat, jährlich).',
    ],
  ])('is refused %s, with the reason, and changes nothing', (_case, e, reason) => {
    const { snapshot, when } = givenIn(4, ...YEARLY_DUE);
    const { verdict, next } = when(e);
    expect(verdict).toMatchObject({ allowed: false, reason });
    expect(next.context.obligations).toEqual(snapshot.context.obligations);
  });

  test('a series ended already is refused again, naming its end; the data needs the obligation and a real day', () => {
    const { verdict } = givenIn(4, ...YEARLY_DUE, end('r3', '2026-01-01')).when(end('r2', '2027-01-01', '2025-06-20'));
    expect(verdict).toMatchObject({
      allowed: false,
      reason: 'Die wiederkehrende Berichtspflicht „r2“ (Jahresbericht, jährlich) ist bereits ab dem 01.01.2026 beendet (Beschluss 2025/12-AL).',
    });
    expect(eventDataSchemas.reportSeriesEnded.safeParse({ obligationId: 'r2' }).success).toBe(false);
    expect(eventDataSchemas.reportSeriesEnded.safeParse({ obligationId: 'r2', from: '2026-02-30' }).success).toBe(false);
    expect(eventDataSchemas.reportSeriesEnded.safeParse({ obligationId: 'r2', from: '2026-01-01' }).success).toBe(true);
  });

  test('without a running series it is not offered, and told why', () => {
    const { snapshot } = givenIn(4, ...ACTIVE);
    expect(offeredEvents(snapshot)).not.toContain('reportSeriesEnded');
    expect(notYetPossible(snapshot)).toContainEqual({ type: 'reportSeriesEnded', reason: 'Das Gremium hat keine wiederkehrende Berichtspflicht, die noch läuft.' });
  });

  test('version 3 knows no such event', () => {
    const { verdict } = givenIn(3, ...YEARLY_DUE).when(end('r3', '2026-01-01'));
    expect(verdict).toMatchObject({ allowed: false, reason: expect.stringContaining('„Wiederkehrende Berichtspflicht beendet“ (reportSeriesEnded) ist im Zustand'), violations: [] });
  });
});

describe('version 4: an extension recorded after its new end leaves the term expired at once', () => {
  /** Approved until 31.03.2025, expired on 01.04.2025. */
  const EXPIRED = [...ACTIVE, termExpiring('2025-01-01'), termExpired('2025-04-01')];
  const LATE = decision('2025/05-AL', '2025-03-25');
  const extendedOn = (until: string, on: string, by: DecisionFacts = LATE) => event('extended', { approvedUntil: until }, on, by);

  test('given the term expired, an extension until 30.06.2025 recorded on 10.07.2025 is recorded, and the term is expired again at once', () => {
    const { snapshot, when } = givenIn(4, ...EXPIRED);
    const { verdict, next } = when(extendedOn('2025-06-30', '2025-07-10'));
    expect(verdict.allowed).toBe(true);
    expect(next.value).toMatchObject({ active: { term: 'expired' } });
    expect(stateLabel(next)).toBe('Aktiv (Laufzeit abgelaufen, Berichte aktuell, In Arbeit)');
    expect(next.context).toMatchObject({ approvedUntil: '2025-06-30' });
    expect(next.context.decisions.at(-1)).toEqual({ number: '2025/05-AL', issuer: 'AL-Runde', event: 'extended', on: '2025-07-10' });
    // The history says what it means: another decision is needed.
    expect(summarizeEvent('extended', { approvedUntil: '2025-06-30' }, snapshot.context, next.context)).toBe(
      'befristet bis 31.03.2025 → 30.06.2025; das neue Ende lag am 10.07.2025 schon zurück: die Laufzeit ist abgelaufen und braucht einen weiteren Beschluss',
    );
    // A decision is what it waits for: an extension or Entfristung is offered, no expiry is left to the scheduler.
    expect(offeredEvents(next)).toEqual(expect.arrayContaining(['extended', 'madePermanent']));
    const persisted = { value: next.value, context: next.context };
    const timers = deriveTimers('b', persisted, { notBefore: extendedOn('2025-06-30', '2025-07-10').occurredAt }).filter((t) => t.deadlineKey === 'b/term/end');
    expect(timers.map((t) => (t.kind === 'reminder' ? `reminder ${t.reminder.phase}` : t.kind))).toEqual(['reminder termExpired']);
    expect(deriveDeadlines('b', persisted).find((d) => d.ref === 'end')).toMatchObject({ status: 'overdue', deadline: { kind: 'date', date: '2025-06-30' } });
  });

  test('while the term still ran (no expiry recorded yet), such an extension expires it at once too', () => {
    const { next } = givenIn(4, ...ACTIVE, termExpiring('2025-01-01')).when(extendedOn('2025-04-30', '2025-05-02'));
    expect(next.value).toMatchObject({ active: { term: 'expired' } });
  });

  test('an extension ending on the day it is recorded, or later, runs', () => {
    expect(givenIn(4, ...EXPIRED).when(extendedOn('2025-07-10', '2025-07-10')).next.value).toMatchObject({ active: { term: 'running' } });
    expect(givenIn(4, ...EXPIRED).when(extendedOn('2025-12-31', '2025-07-10')).next.value).toMatchObject({ active: { term: 'running' } });
    expect(summarizeEvent('extended', { approvedUntil: '2025-12-31' }, givenIn(4, ...EXPIRED).snapshot.context, givenIn(4, ...EXPIRED).when(extendedOn('2025-12-31', '2025-07-10')).next.context)).toBe(
      'befristet bis 31.03.2025 → 31.12.2025',
    );
  });

  test('a further decision then extends it into the future: running again', () => {
    const { next } = givenIn(4, ...EXPIRED, extendedOn('2025-06-30', '2025-07-10')).when(extendedOn('2026-06-30', '2025-07-20', decision('2025/14-AL', '2025-07-20')));
    expect(next.value).toMatchObject({ active: { term: 'running' } });
    expect(next.context.approvedUntil).toBe('2026-06-30');
  });

  test('an extension that is not later than the current end is still refused', () => {
    const { verdict } = givenIn(4, ...EXPIRED).when(extendedOn('2025-03-31', '2025-07-10'));
    expect(verdict).toMatchObject({ allowed: false, reason: 'Die Verlängerung muss nach dem bisherigen Ende liegen: neu 31.03.2025, bisher 31.03.2025.' });
  });

  test('version 3 let the term run until the scheduler recorded the expiry, and replays so', () => {
    const { next } = givenIn(3, ...EXPIRED).when(extendedOn('2025-06-30', '2025-07-10'));
    expect(next.value).toMatchObject({ active: { term: 'running' } });
  });
});
