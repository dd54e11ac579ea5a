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

  it('a report whose Frist a decision moved cites that decision; one moved later without a decision falls back to the approval', () => {
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
    const again = { ...report, rescheduled: [moved, { ...moved, on: '2026-04-01', decision: null }] };
    expect(message(timerFor('report', '2026-09-30', -7, 'r1'), { obligations: [again], decisions: cited }, [APPROVAL, moving], '2026-09-23').text).toContain(
      'Beschluss: 2025/10-AL vom 20.01.2025 (AL-Runde)',
    );
  });
});
