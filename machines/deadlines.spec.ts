import { startOfBerlinDay, berlinDate } from './dates';
import {
  LAENDER,
  addDays,
  daysBetween,
  holidaysOf,
  isWorkingDay,
  lastDayOfMonth,
  nextWorkingDay,
  resolveDeadline,
  weekdayName,
  type Land,
} from './deadlines';
import { CALENDAR_CASES } from '../test/deadlines.fixtures';

describe('resolveDeadline', () => {
  it.each(CALENDAR_CASES)('$name: $original → $effective', (c) => {
    const result = resolveDeadline(c.deadline, { rules: c.rules, sessions: c.sessions, issuer: c.issuer });
    expect(result).toMatchObject({ resolved: true, originalDate: c.original, effectiveDate: c.effective });
  });

  it('moves the seed body’s interim report from Saturday 30.11.2024 to Monday 02.12.2024 and says why', () => {
    const result = resolveDeadline({ kind: 'month', month: '2024-11' });
    expect(result).toEqual({
      resolved: true,
      source: 'monthEnd',
      originalDate: '2024-11-30',
      effectiveDate: '2024-12-02',
      session: null,
      description: 'im November 2024 (Monatsende)',
      rule: {
        id: 'nextWorkingDay',
        citation: '§ 193 BGB, § 31 Abs. 3 VwVfG',
        skipped: [
          { date: '2024-11-30', reason: 'Samstag' },
          { date: '2024-12-01', reason: 'Sonntag' },
        ],
        text: 'Samstag, 30.11.2024 → Montag, 02.12.2024 (§ 193 BGB, § 31 Abs. 3 VwVfG)',
      },
    });
  });

  it('names the holidays it skips', () => {
    const result = resolveDeadline({ kind: 'date', date: '2025-12-25' });
    expect(result.resolved && result.rule?.skipped.map((s) => s.reason)).toEqual([
      'Feiertag: 1. Weihnachtstag',
      'Feiertag: 2. Weihnachtstag',
      'Samstag',
      'Sonntag',
    ]);
    expect(result.resolved && result.rule?.text).toBe(
      'Donnerstag, 25.12.2025 (1. Weihnachtstag) → Montag, 29.12.2025 (§ 193 BGB, § 31 Abs. 3 VwVfG)',
    );
  });

  it('takes the first session of the addressee in that month, and ignores other issuers', () => {
    const sessions = [
      { issuer: 'IT-PLR', number: 46, date: '2024-11-28' },
      { issuer: 'IT-PLR', number: 45, date: '2024-11-06' },
      { issuer: 'AL-Runde', number: 31, date: '2024-11-04' },
      { issuer: 'IT-PLR', number: 47, date: '2024-12-05' },
    ];
    const result = resolveDeadline({ kind: 'month', month: '2024-11' }, { sessions, issuer: 'IT-PLR' });
    expect(result).toMatchObject({ source: 'monthSession', originalDate: '2024-11-06', effectiveDate: '2024-11-06', rule: null });
    expect(result.resolved && result.session).toEqual({ issuer: 'IT-PLR', number: 45, date: '2024-11-06' });
  });

  it('falls back to the month end when no issuer is known for the addressee', () => {
    const sessions = [{ issuer: 'IT-PLR', number: 45, date: '2024-11-06' }];
    expect(resolveDeadline({ kind: 'month', month: '2024-11' }, { sessions, issuer: null })).toMatchObject({ source: 'monthEnd' });
  });

  it('leaves a session deadline unresolved until the session is in the calendar', () => {
    const deadline = { kind: 'session', issuer: 'IT-PLR', session: 45 } as const;
    expect(resolveDeadline(deadline, { sessions: [{ issuer: 'AL-Runde', number: 45, date: '2024-11-07' }] })).toEqual({
      resolved: false,
      reason: 'sessionUnknown',
      description: 'zur 45. Sitzung (IT-PLR), Termin noch nicht bekannt',
    });
    const known = resolveDeadline(deadline, { sessions: [{ issuer: 'IT-PLR', number: 45, date: '2024-11-21' }] });
    expect(known).toMatchObject({ resolved: true, source: 'session', originalDate: '2024-11-21', effectiveDate: '2024-11-21' });
  });

  it('does not move a session date, even on a Saturday: the report must be there for the meeting', () => {
    const result = resolveDeadline(
      { kind: 'session', issuer: 'IT-PLR', session: 50 },
      { sessions: [{ issuer: 'IT-PLR', number: 50, date: '2025-11-29' }] },
    );
    expect(result).toMatchObject({ originalDate: '2025-11-29', effectiveDate: '2025-11-29', rule: null });
  });

  it('never resolves „bis auf Weiteres“', () => {
    expect(resolveDeadline({ kind: 'untilFurtherNotice' })).toEqual({
      resolved: false,
      reason: 'untilFurtherNotice',
      description: 'bis auf Weiteres',
    });
  });
});

describe('holidays of a configured Land', () => {
  const years = [2024, 2025, 2026];

  it('knows the Land-specific holidays', () => {
    const names = (land: Land | null, year: number) => holidaysOf(year, land).map((h) => h.name);
    expect(names(null, 2025)).toHaveLength(9);
    expect(names('BY', 2025)).toEqual(expect.arrayContaining(['Heilige Drei Könige', 'Fronleichnam', 'Allerheiligen']));
    expect(names('BE', 2025)).toContain('Internationaler Frauentag');
    expect(names('SN', 2025)).toContain('Buß- und Bettag');
    expect(names('TH', 2025)).toContain('Weltkindertag');
    expect(names(null, 2025)).not.toContain('Allerheiligen');
    expect(holidaysOf(2025, 'SN').find((h) => h.name === 'Buß- und Bettag')?.date).toBe('2025-11-19');
  });

  it.each([...LAENDER, null])('every 2024–2026 holiday of %s moves to the next working day', (land) => {
    const holidays = years.flatMap((year) => holidaysOf(year, land));
    expect(holidays.length).toBeGreaterThanOrEqual(27);
    for (const { date, name } of holidays) {
      const result = resolveDeadline({ kind: 'date', date }, { rules: { land, shiftToWorkingDay: true } });
      if (!result.resolved) throw new Error('unresolved');
      expect([date, result.effectiveDate > date]).toEqual([date, true]);
      expect(isWorkingDay(result.effectiveDate, land)).toBe(true);
      for (let day = date; day < result.effectiveDate; day = addDays(day, 1)) expect(isWorkingDay(day, land)).toBe(false);
      expect(result.rule?.skipped[0]).toEqual({ date, reason: `Feiertag: ${name}` });
    }
  });

  it('knows every public holiday of Berlin in 2025, the one-off Tag der Befreiung included', () => {
    // The Berliner Feiertagsgesetz and the one-off holiday law for the 80th anniversary.
    expect(holidaysOf(2025, 'BE').map((h) => h.date)).toEqual([
      '2025-01-01', // Neujahr
      '2025-03-08', // Internationaler Frauentag
      '2025-04-18', // Karfreitag
      '2025-04-21', // Ostermontag
      '2025-05-01', // Tag der Arbeit
      '2025-05-08', // Tag der Befreiung (80. Jahrestag), only in 2025 (and 2020)
      '2025-05-29', // Christi Himmelfahrt
      '2025-06-09', // Pfingstmontag
      '2025-10-03', // Tag der Deutschen Einheit
      '2025-12-25', // 1. Weihnachtstag
      '2025-12-26', // 2. Weihnachtstag
    ]);
    expect(holidaysOf(2020, 'BE').map((h) => h.date)).toContain('2020-05-08');
    expect(holidaysOf(2026, 'BE').map((h) => h.date)).not.toContain('2026-05-08');
  });

  it('moves a Berlin deadline on Thursday 08.05.2025 to Friday, and a nationwide one not', () => {
    const berlin = resolveDeadline({ kind: 'date', date: '2025-05-08' }, { rules: { land: 'BE', shiftToWorkingDay: true } });
    const nationwide = resolveDeadline({ kind: 'date', date: '2025-05-08' }, { rules: { land: null, shiftToWorkingDay: true } });
    expect(berlin.resolved && berlin.effectiveDate).toBe('2025-05-09');
    expect(berlin.resolved && berlin.rule?.skipped).toEqual([{ date: '2025-05-08', reason: 'Feiertag: Tag der Befreiung (80. Jahrestag)' }]);
    expect(nationwide.resolved && nationwide.effectiveDate).toBe('2025-05-08');
  });

  it('counts state-wide holidays only: municipal ones move no deadline', () => {
    expect(nextWorkingDay('2025-08-08', 'BY')).toBe('2025-08-08'); // Augsburger Friedensfest, Augsburg only
    expect(nextWorkingDay('2025-08-15', 'BY')).toBe('2025-08-15'); // Mariä Himmelfahrt, Catholic municipalities only
    expect(nextWorkingDay('2025-08-15', 'SL')).toBe('2025-08-18'); // Mariä Himmelfahrt state-wide in the Saarland
  });

  it('does not move a Land holiday under the nationwide calendar', () => {
    expect(nextWorkingDay('2025-06-19', 'BY')).toBe('2025-06-20'); // Fronleichnam
    expect(nextWorkingDay('2025-06-19', null)).toBe('2025-06-19');
    expect(nextWorkingDay('2025-06-19', 'BE')).toBe('2025-06-19');
  });
});

describe('civil-date arithmetic around the clock changes', () => {
  it('starts the Berlin day at the right UTC instant on and around the DST days', () => {
    expect(startOfBerlinDay('2025-03-29')).toBe('2025-03-28T23:00:00.000Z');
    expect(startOfBerlinDay('2025-03-30')).toBe('2025-03-29T23:00:00.000Z');
    expect(startOfBerlinDay('2025-03-31')).toBe('2025-03-30T22:00:00.000Z');
    expect(startOfBerlinDay('2025-10-26')).toBe('2025-10-25T22:00:00.000Z');
    expect(startOfBerlinDay('2025-10-27')).toBe('2025-10-26T23:00:00.000Z');
  });

  it('round-trips every day of 2024 to 2026 through startOfBerlinDay and berlinDate', () => {
    for (let day = '2024-01-01'; day <= '2026-12-31'; day = addDays(day, 1)) {
      expect(berlinDate(startOfBerlinDay(day))).toBe(day);
    }
  });

  it('counts the DST days as one day each', () => {
    expect(addDays('2025-03-29', 1)).toBe('2025-03-30');
    expect(addDays('2025-03-30', 1)).toBe('2025-03-31');
    expect(addDays('2025-10-26', -1)).toBe('2025-10-25');
    expect(daysBetween('2025-03-01', '2025-04-01')).toBe(31);
    expect(daysBetween('2025-10-01', '2025-11-01')).toBe(31);
    expect(daysBetween('2025-04-01', '2025-03-01')).toBe(-31);
  });

  it('knows month ends and weekdays', () => {
    expect(lastDayOfMonth(2024, 2)).toBe('2024-02-29');
    expect(lastDayOfMonth(2025, 2)).toBe('2025-02-28');
    expect(lastDayOfMonth(2024, 12)).toBe('2024-12-31');
    expect(weekdayName('2025-03-30')).toBe('Sonntag');
    expect(weekdayName('2024-11-30')).toBe('Samstag');
  });
});
