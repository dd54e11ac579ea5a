/**
 * A Frist relative to sessions is resolved against the sessions calendar as it was known when the
 * Frist fell due: sessions recorded or moved later do not move it, those recorded before do.
 */
import type { Deadline } from './body.events';
import { resolveDeadline, type ResolvedDeadline, type Session } from './deadlines';

const NOVEMBER: Deadline = { kind: 'month', month: '2024-11' };
const FIRST_2025: Deadline = { kind: 'firstSession', issuer: 'IT-PLR', year: 2025 };
const SESSION_46: Deadline = { kind: 'session', issuer: 'IT-PLR', session: 46 };

const itPlr = (number: number, date: string, recordedAt?: string, earlier?: Session['earlier']): Session => ({
  issuer: 'IT-PLR',
  number,
  date,
  ...(recordedAt ? { recordedAt } : {}),
  ...(earlier ? { earlier } : {}),
});
const resolved = (deadline: Deadline, sessions: Session[]) => {
  const resolution = resolveDeadline(deadline, { sessions, issuer: 'IT-PLR' });
  return resolution.resolved ? `${resolution.effectiveDate} ${resolution.description}` : resolution.description;
};

describe('a session-relative Frist as the calendar knew it when it fell due', () => {
  it('a calendar that does not say when it learnt its sessions resolves as always', () => {
    expect(resolved(NOVEMBER, [itPlr(45, '2024-11-21'), itPlr(44, '2024-11-05')])).toBe('2024-11-05 im November 2024 (44. Sitzung am 05.11.2024)');
    expect(resolved(SESSION_46, [itPlr(46, '2025-03-20')])).toBe('2025-03-20 zur 46. Sitzung (IT-PLR) am 20.03.2025');
  });

  it('„im November 2024“ (month end: Monday 02.12.2024) takes a session recorded before that day began, not one recorded on it or after', () => {
    expect(resolved(NOVEMBER, [itPlr(45, '2024-11-21', '2024-12-01T22:59:59.999Z')])).toBe('2024-11-21 im November 2024 (45. Sitzung am 21.11.2024)');
    expect(resolved(NOVEMBER, [itPlr(45, '2024-11-21', '2024-12-01T23:00:00.000Z')])).toBe('2024-12-02 im November 2024 (Monatsende)');
    expect(resolved(NOVEMBER, [itPlr(45, '2024-11-21', '2024-12-10T10:00:00.000Z')])).toBe('2024-12-02 im November 2024 (Monatsende)');
  });

  it('once a session decides it, a session recorded after that session\'s day does not, even an earlier one', () => {
    const sessions = [itPlr(45, '2024-11-21', '2024-07-01T10:00:00.000Z'), itPlr(44, '2024-11-05', '2024-11-25T10:00:00.000Z')];
    expect(resolved(NOVEMBER, sessions)).toBe('2024-11-21 im November 2024 (45. Sitzung am 21.11.2024)');
    // Recorded while the 21st was still ahead, the 5th decides (a day already past: the Frist has passed, as the calendar now says).
    expect(resolved(NOVEMBER, [sessions[0], itPlr(44, '2024-11-05', '2024-11-20T10:00:00.000Z')])).toBe('2024-11-05 im November 2024 (44. Sitzung am 05.11.2024)');
  });

  it('„zur ersten Sitzung 2025“ keeps the session it fell due at when an earlier one of the year is recorded later', () => {
    const known = itPlr(46, '2025-03-20', '2024-09-02T10:00:00.000Z');
    expect(resolved(FIRST_2025, [known, itPlr(45, '2025-01-30', '2025-04-01T10:00:00.000Z')])).toBe('2025-03-20 zur ersten Sitzung 2025 (IT-PLR): 46. Sitzung am 20.03.2025');
    expect(resolved(FIRST_2025, [known, itPlr(45, '2025-01-30', '2025-01-10T10:00:00.000Z')])).toBe('2025-01-30 zur ersten Sitzung 2025 (IT-PLR): 45. Sitzung am 30.01.2025');
  });

  it('a Frist without a known day waits for one, however late it is recorded', () => {
    expect(resolved(SESSION_46, [itPlr(46, '2025-03-20', '2026-01-01T10:00:00.000Z')])).toBe('2025-03-20 zur 46. Sitzung (IT-PLR) am 20.03.2025');
    expect(resolved(FIRST_2025, [itPlr(45, '2025-01-30', '2026-01-01T10:00:00.000Z')])).toBe('2025-01-30 zur ersten Sitzung 2025 (IT-PLR): 45. Sitzung am 30.01.2025');
  });

  it('a moved session: moved before the Frist fell due, the Frist follows; moved after, it keeps the day it fell due on', () => {
    const first = { date: '2025-03-13', recordedAt: '2024-09-02T10:00:00.000Z' };
    expect(resolved(SESSION_46, [itPlr(46, '2025-03-20', '2025-02-01T10:00:00.000Z', [first])])).toBe('2025-03-20 zur 46. Sitzung (IT-PLR) am 20.03.2025');
    const moved = itPlr(46, '2025-03-27', '2025-04-01T10:00:00.000Z', [first, { date: '2025-03-20', recordedAt: '2025-02-01T10:00:00.000Z' }]);
    const resolution = resolveDeadline(SESSION_46, { sessions: [moved] }) as ResolvedDeadline;
    expect(resolution).toMatchObject({ effectiveDate: '2025-03-20', description: 'zur 46. Sitzung (IT-PLR) am 20.03.2025' });
    // The resolution names the session as it stood, not the calendar's bookkeeping.
    expect(resolution.session).toEqual({ issuer: 'IT-PLR', number: 46, date: '2025-03-20' });
  });

  it('a session moved out of the month before the Frist fell due no longer counts for it', () => {
    const out = itPlr(45, '2024-12-12', '2024-10-01T10:00:00.000Z', [{ date: '2024-11-21', recordedAt: '2024-07-01T10:00:00.000Z' }]);
    expect(resolved(NOVEMBER, [out])).toBe('2024-12-02 im November 2024 (Monatsende)');
    const afterDue = itPlr(45, '2024-12-12', '2024-11-25T10:00:00.000Z', [{ date: '2024-11-21', recordedAt: '2024-07-01T10:00:00.000Z' }]);
    expect(resolved(NOVEMBER, [afterDue])).toBe('2024-11-21 im November 2024 (45. Sitzung am 21.11.2024)');
  });

  it('sessions of another issuer, or a month Frist to an addressee without sessions, are not looked at', () => {
    const alRunde: Session = { issuer: 'AL-Runde', number: 12, date: '2024-11-14', recordedAt: '2024-07-01T10:00:00.000Z' };
    expect(resolved(NOVEMBER, [alRunde])).toBe('2024-12-02 im November 2024 (Monatsende)');
    const resolution = resolveDeadline(NOVEMBER, { sessions: [itPlr(45, '2024-11-21', '2024-07-01T10:00:00.000Z')] });
    expect(resolution).toMatchObject({ effectiveDate: '2024-12-02', source: 'monthEnd' });
  });
});
