import { newObligation, type BodyContext, type ReportObligation } from '../machines/body.context';
import { startOfBerlinDay } from '../machines/dates';
import { addDays } from '../machines/deadlines';
import type { ReminderTimer } from '../machines/timers';
import { reminderMessage, type ReminderFacts } from '../src/deadlines/reminder-message';

const PROFILE = { title: 'PG Register', shortName: null, kind: 'Projektgruppe', parent: 'AL-Runde', leads: ['Hessen'], contactIds: [] };
const APPROVAL = { number: '2025/10-AL', issuer: 'AL-Runde', date: '2025-01-20', event: 'approved' };

function timerFor(subject: 'report' | 'term', deadlineOn: string, offsetDays: number, obligationId: string | null): ReminderTimer {
  const series = subject === 'term' ? `term@${deadlineOn}` : `${obligationId}@${deadlineOn}`;
  const dueOn = addDays(deadlineOn, offsetDays);
  return {
    key: `b/reminder/${series}${offsetDays >= 0 ? '+' : ''}${offsetDays}d`,
    bodyId: 'b',
    kind: 'reminder',
    ref: series,
    dueOn,
    dueAt: startOfBerlinDay(dueOn),
    deadlineKey: subject === 'term' ? 'b/term/end' : `b/report/${obligationId}`,
    reminder: {
      subject,
      phase: subject === 'term' ? (offsetDays > 0 ? 'termExpired' : 'termEnding') : offsetDays < 0 ? 'before' : 'onTheDay',
      obligationId,
      deadlineOn,
      offsetDays,
      escalate: subject === 'term',
      series,
    },
  };
}

function message(timer: ReminderTimer, context: Partial<BodyContext>, decisions: ReminderFacts['decisions'], writtenOn: string, closure: ReminderFacts['closure'] = null) {
  const full = { profile: PROFILE, obligations: [], decisions: [], closureInitiatedOn: null, approvedUntil: null, ...context } as unknown as BodyContext;
  return reminderMessage({ timer, bodyId: 'b', context: full, decisions, closure, deadline: null, now: startOfBerlinDay(writtenOn), link: 'https://gremienlauf.example/gremien/b' });
}

function finalReport(changes: Partial<ReportObligation> = {}): ReportObligation {
  return { ...newObligation('r2', { kind: 'Abschlussbericht', addressee: 'AL-Runde', due: { kind: 'date', date: '2026-09-30' } }), ...changes };
}

describe('the decision a reminder cites', () => {
  it('an extension recorded after its new end: the expiry reminder names the extension instead of saying none was decided', () => {
    // Decided on 20.06.2026 (bis 31.10.2026), recorded only on 12.11.2026: the term is expired at once.
    const extension = { number: '2026/25-AL', issuer: 'AL-Runde', date: '2026-06-20', event: 'extended' };
    const text = message(
      timerFor('term', '2026-10-31', 1, null),
      {
        approvedUntil: '2026-10-31',
        decisions: [
          { number: APPROVAL.number, issuer: APPROVAL.issuer, event: 'approved', on: '2025-01-20' },
          { number: extension.number, issuer: extension.issuer, event: 'extended', on: '2026-11-12' },
        ],
      },
      [APPROVAL, extension],
      '2026-11-12',
    ).text;
    expect(text).toContain('Beschluss: 2026/25-AL vom 20.06.2026 (AL-Runde)');
    expect(text).toContain('Die mit Beschluss 2026/25-AL bis 31.10.2026 verlängerte Laufzeit ist abgelaufen; ein weiterer Beschluss ist nötig');
    expect(text).not.toContain('ohne dass eine Verlängerung beschlossen wurde');
  });

  it('a term that expired as approved still says no extension was decided', () => {
    const text = message(
      timerFor('term', '2026-10-31', 1, null),
      { approvedUntil: '2026-10-31', decisions: [{ number: APPROVAL.number, issuer: APPROVAL.issuer, event: 'approved', on: '2025-01-20' }] },
      [APPROVAL],
      '2026-11-01',
    ).text;
    expect(text).toContain('Die Laufzeit ist abgelaufen, ohne dass eine Verlängerung beschlossen wurde.');
  });

  it('the Abschlussbericht reminder cites the closure decision that set its Frist, not the approval', () => {
    const closure = { number: '2026/30-AL', issuer: 'AL-Runde', date: '2026-06-15', event: 'closureInitiated' };
    const text = message(
      timerFor('report', '2026-09-30', -7, 'r2'),
      {
        obligations: [finalReport()],
        closureInitiatedOn: '2026-06-16',
        decisions: [
          { number: APPROVAL.number, issuer: APPROVAL.issuer, event: 'approved', on: '2025-01-20' },
          { number: closure.number, issuer: closure.issuer, event: 'closureInitiated', on: '2026-06-16' },
        ],
      },
      [APPROVAL, closure],
      '2026-09-23',
      { finalReportDue: { kind: 'date', date: '2026-09-30' } },
    ).text;
    expect(text).toContain('Beschluss: 2026/30-AL vom 15.06.2026 (AL-Runde)');
  });

  it('an Abschlussbericht that kept a Frist of its own through the closure (statechart versions 1 and 2) cites the approval, not the closure', () => {
    const closure = { number: '2026/30-AL', issuer: 'AL-Runde', date: '2026-06-15', event: 'closureInitiated' };
    const context = {
      obligations: [finalReport()],
      closureInitiatedOn: '2026-06-16',
      decisions: [
        { number: APPROVAL.number, issuer: APPROVAL.issuer, event: 'approved' as const, on: '2025-01-20' },
        { number: closure.number, issuer: closure.issuer, event: 'closureInitiated' as const, on: '2026-06-16' },
      ],
    };
    const text = message(timerFor('report', '2026-09-30', -7, 'r2'), context, [APPROVAL, closure], '2026-09-23', { finalReportDue: { kind: 'month', month: '2026-12' } }).text;
    expect(text).toContain('Beschluss: 2025/10-AL vom 20.01.2025 (AL-Runde)');
    expect(text).not.toContain('2026/30-AL');
  });

  it('a report whose Frist a decision moved cites that decision; one moved later without a decision cites none', () => {
    const moving = { number: '2026/12-AL', issuer: 'AL-Runde', date: '2026-03-02', event: 'reportRescheduled' };
    const cited = [
      { number: APPROVAL.number, issuer: APPROVAL.issuer, event: 'approved' as const, on: '2025-01-20' },
      { number: moving.number, issuer: moving.issuer, event: 'reportRescheduled' as const, on: '2026-03-03' },
    ];
    const moved = { from: { kind: 'date' as const, date: '2026-06-30' }, on: '2026-03-03', reason: null, decision: moving.number };
    const report = finalReport({ id: 'r1', kind: 'Zwischenbericht', rescheduled: [moved] });
    expect(message(timerFor('report', '2026-09-30', -7, 'r1'), { obligations: [report], decisions: cited }, [APPROVAL, moving], '2026-09-23').text).toContain(
      'Beschluss: 2026/12-AL vom 02.03.2026 (AL-Runde)',
    );
    // This used to fall back to the approval, which set neither the Frist now owed nor the one
    // before it: no decision set the current Frist, and the reminder says so (who moved it needs
    // the request facts, which this call leaves out).
    const again = { ...report, rescheduled: [moved, { ...moved, on: '2026-04-01', decision: null }] };
    const text = message(timerFor('report', '2026-09-30', -7, 'r1'), { obligations: [again], decisions: cited }, [APPROVAL, moving], '2026-09-23').text;
    expect(text).toContain('Beschluss: keiner (Frist am 01.04.2026 verschoben)');
    expect(text).not.toContain('2025/10-AL');
  });
});

describe('the decision a reminder cites for a report a decision requested', () => {
  const requesting = { number: '2026/42-AL', issuer: 'AL-Runde', date: '2026-11-05', event: 'reportRequested' };
  const due = { kind: 'date' as const, date: '2026-12-09' };
  const planned = newObligation('r1', { kind: 'Zwischenbericht', addressee: 'AL-Runde', due });
  const requested = newObligation('r2', { kind: 'Zwischenbericht', addressee: 'AL-Runde', due, title: 'Sachstand Registermodernisierung' });
  const cited = [{ number: APPROVAL.number, issuer: APPROVAL.issuer, event: 'approved' as const, on: '2025-01-20' }];

  function reminderFor(obligationId: string, obligations: ReportObligation[], requests: ReminderFacts['requests']) {
    const full = { profile: PROFILE, obligations, decisions: cited, closureInitiatedOn: null, approvedUntil: null } as unknown as BodyContext;
    return reminderMessage({
      timer: timerFor('report', '2026-12-09', -7, obligationId),
      bodyId: 'b',
      context: full,
      decisions: [APPROVAL, requesting],
      requests,
      deadline: null,
      now: startOfBerlinDay('2026-12-02'),
      link: 'https://gremienlauf.example/gremien/b',
    });
  }

  const byDecision = { planned: 1, requests: [{ report: { kind: 'Zwischenbericht' as const, addressee: 'AL-Runde', due }, decision: requesting }] };

  it('cites the decision of the request that created the report, not the approval', () => {
    const message = reminderFor('r2', [planned, requested], byDecision);
    expect(message.text).toContain('Beschluss: 2026/42-AL vom 05.11.2026 (AL-Runde)');
    expect(message.webhook.decision).toEqual({ number: '2026/42-AL', issuer: 'AL-Runde', date: '2026-11-05', event: 'reportRequested' });
  });

  it('a report the approval planned with the same kind and Frist still cites the approval', () => {
    expect(reminderFor('r1', [planned, requested], byDecision).text).toContain('Beschluss: 2025/10-AL vom 20.01.2025 (AL-Runde)');
  });

  it('a report requested without a decision does not take the decision of another request', () => {
    const other = newObligation('r3', { kind: 'Zwischenbericht', addressee: 'AL-Runde', due });
    // r2 was requested without a decision, r3 by 2026/42-AL: the requests come in the order of their reports.
    const requests = { planned: 1, requests: [{ report: byDecision.requests[0].report, decision: null }, byDecision.requests[0]] };
    expect(reminderFor('r2', [planned, requested, other], requests).text).not.toContain('2026/42-AL');
    expect(reminderFor('r3', [planned, requested, other], requests).text).toContain('Beschluss: 2026/42-AL vom 05.11.2026 (AL-Runde)');
  });

  it('a report requested without a decision cites none, not the approval, and says when and by whom it was set', () => {
    const requests = { planned: 1, requests: [{ report: byDecision.requests[0].report, decision: null, on: '2026-11-05', by: 'secretariat' }] };
    const message = reminderFor('r2', [planned, requested], requests);
    expect(message.text).toContain('Beschluss: keiner (Berichtspflicht am 05.11.2026 festgelegt von: Geschäftsstelle)');
    expect(message.text).not.toContain('2025/10-AL');
    expect(message.webhook.decision).toBeNull();
  });

  it('a requested report whose Frist was moved without a decision cites none, not the approval', () => {
    const moved = { ...requested, rescheduled: [{ on: '2026-11-20', reason: null, decision: null, from: due }] };
    const text = reminderFor('r2', [planned, moved], byDecision).text;
    expect(text).toContain('Beschluss: keiner (Frist am 20.11.2026 verschoben)');
    expect(text).not.toContain('2025/10-AL');
  });

  it('a later period of a series a decision requested cites that decision too', () => {
    const yearly = { kind: 'Jahresbericht' as const, addressee: 'AL-Runde', due: { kind: 'date' as const, date: '2025-12-09' }, recurrence: { everyMonths: 12 } };
    const first = { ...newObligation('r2', { ...yearly, title: 'Jährlicher Sachstand' }), state: 'submitted' as const };
    const second = newObligation('r3', { ...yearly, due }, { series: 'r2', period: 2 });
    const message = reminderFor('r3', [planned, first, second], { planned: 1, requests: [{ report: yearly, decision: requesting }] });
    expect(message.text).toContain('Beschluss: 2026/42-AL vom 05.11.2026 (AL-Runde)');
    expect(message.subject).toBe('Erinnerung: Jährlicher Sachstand fällig am 09.12.2026 (noch 7 Tage) – PG Register');
  });
});

describe('the decision a reminder cites for a Frist set without one', () => {
  const approvedOnly = [{ number: APPROVAL.number, issuer: APPROVAL.issuer, event: 'approved' as const, on: '2025-01-20' }];
  const september = { kind: 'date' as const, date: '2026-09-30' };
  const closingWithout = { finalReportDue: september, decision: null, on: '2026-06-16', by: 'secretariat' };

  function reminderFor(obligations: ReportObligation[], facts: Pick<ReminderFacts, 'requests' | 'closure'>, cited: BodyContext['decisions'] = approvedOnly, known: ReminderFacts['decisions'] = [APPROVAL]) {
    const context = { profile: PROFILE, obligations, decisions: cited, closureInitiatedOn: facts.closure ? '2026-06-16' : null, approvedUntil: null } as unknown as BodyContext;
    const id = obligations[obligations.length - 1].id;
    return reminderMessage({
      timer: timerFor('report', '2026-09-30', -7, id),
      bodyId: 'b',
      context,
      decisions: known,
      ...facts,
      deadline: null,
      now: startOfBerlinDay('2026-09-23'),
      link: 'https://gremienlauf.example/gremien/b',
    });
  }

  it('a planned report moved without a decision cites none, not the approval, and says when and by whom it was moved', () => {
    const report = finalReport({ id: 'r1', kind: 'Zwischenbericht', rescheduled: [{ from: { kind: 'date', date: '2026-06-30' }, on: '2026-04-01', reason: null, decision: null }] });
    const message = reminderFor([report], { requests: { planned: 1, requests: [], plannedDue: [{ kind: 'date', date: '2026-06-30' }], movedBy: { r1: 'secretariat' } } });
    expect(message.text).toContain('Beschluss: keiner (Frist am 01.04.2026 verschoben von: Geschäftsstelle)');
    expect(message.text).not.toContain('2025/10-AL');
    expect(message.webhook.decision).toBeNull();
  });

  it('a report moved without a decision and then by one cites that decision', () => {
    const moving = { number: '2026/12-AL', issuer: 'AL-Runde', date: '2026-05-04', event: 'reportRescheduled' };
    const report = finalReport({
      id: 'r1',
      kind: 'Zwischenbericht',
      rescheduled: [
        { from: { kind: 'date', date: '2026-06-30' }, on: '2026-04-01', reason: null, decision: null },
        { from: { kind: 'date', date: '2026-07-31' }, on: '2026-05-05', reason: null, decision: moving.number },
      ],
    });
    const cited = [...approvedOnly, { number: moving.number, issuer: moving.issuer, event: 'reportRescheduled' as const, on: '2026-05-05' }];
    const message = reminderFor([report], { requests: { planned: 1, requests: [], movedBy: { r1: 'secretariat' } } }, cited, [APPROVAL, moving]);
    expect(message.text).toContain('Beschluss: 2026/12-AL vom 04.05.2026 (AL-Runde)');
    expect(message.webhook.decision).toEqual({ number: '2026/12-AL', issuer: 'AL-Runde', date: '2026-05-04', event: 'reportRescheduled' });
  });

  it('a final report a closure without a decision added cites none, not the approval, and says when and by whom its Frist was set', () => {
    const interim = newObligation('r1', { kind: 'Zwischenbericht', addressee: 'AL-Runde', due: { kind: 'date', date: '2026-03-31' } });
    const message = reminderFor([{ ...interim, state: 'submitted' }, finalReport()], { requests: { planned: 1, requests: [], plannedDue: [interim.due] }, closure: closingWithout });
    expect(message.text).toContain('Beschluss: keiner (Frist am 16.06.2026 mit Einleitung des geordneten Abschlusses festgelegt von: Geschäftsstelle)');
    expect(message.text).not.toContain('2025/10-AL');
    expect(message.webhook.decision).toBeNull();
  });

  it('a planned final report a closure without a decision moved to its Frist (statechart version 3 on) cites none either', () => {
    const requests = { planned: 1, requests: [], plannedDue: [{ kind: 'month' as const, month: '2026-12' }] };
    const text = reminderFor([finalReport({ id: 'r1' })], { requests, closure: closingWithout }).text;
    expect(text).toContain('Beschluss: keiner (Frist am 16.06.2026 mit Einleitung des geordneten Abschlusses festgelegt von: Geschäftsstelle)');
  });

  it('a final report the approval planned with the Frist a closure without a decision named again still cites the approval', () => {
    const text = reminderFor([finalReport({ id: 'r1' })], { requests: { planned: 1, requests: [], plannedDue: [september] }, closure: closingWithout }).text;
    expect(text).toContain('Beschluss: 2025/10-AL vom 20.01.2025 (AL-Runde)');
  });

  it('a final report a closure without a decision added and a decision then moved cites that decision', () => {
    const moving = { number: '2026/31-AL', issuer: 'AL-Runde', date: '2026-07-01', event: 'reportRescheduled' };
    const moved = finalReport({ rescheduled: [{ from: { kind: 'date', date: '2026-08-31' }, on: '2026-07-02', reason: null, decision: moving.number }] });
    const cited = [...approvedOnly, { number: moving.number, issuer: moving.issuer, event: 'reportRescheduled' as const, on: '2026-07-02' }];
    const closure = { ...closingWithout, finalReportDue: { kind: 'date' as const, date: '2026-08-31' } };
    const text = reminderFor([moved], { requests: { planned: 0, requests: [], plannedDue: [] }, closure }, cited, [APPROVAL, moving]).text;
    expect(text).toContain('Beschluss: 2026/31-AL vom 01.07.2026 (AL-Runde)');
  });
});
