import { resolveDeadline } from './deadlines';
import { persist } from './lifecycle';
import { deriveDeadlines, deriveTimers } from './timers';
import { DECISION_2024_09_AL, event, givenFrom, registered, started, submitted } from '../test/support/machine-events';

const NOT_WATCHED = 'liegt nach dem 31.12.2100, dem letzten Tag, den das Register kennt; die Frist wird nicht überwacht';

describe('Fristen beyond the business dates, as an earlier release took them, resolve to no day', () => {
  test('a month, a day or a first session after 2100 (also of a year of five digits) is unresolved and says why', () => {
    expect(resolveDeadline({ kind: 'month', month: '10000-01' })).toEqual({ resolved: false, reason: 'beyondBusinessDates', description: `im Januar 10000: ${NOT_WATCHED}` });
    expect(resolveDeadline({ kind: 'month', month: '9999-12' })).toEqual({ resolved: false, reason: 'beyondBusinessDates', description: `im Dezember 9999: ${NOT_WATCHED}` });
    expect(resolveDeadline({ kind: 'date', date: '2101-01-01' })).toMatchObject({ resolved: false, reason: 'beyondBusinessDates' });
    expect(resolveDeadline({ kind: 'firstSession', issuer: 'IT-PLR', year: 2101 })).toMatchObject({ resolved: false, reason: 'beyondBusinessDates' });
  });

  test('the last month and day of the business dates resolve as before', () => {
    expect(resolveDeadline({ kind: 'month', month: '2100-12' }, { rules: { land: null, shiftToWorkingDay: false } })).toMatchObject({ resolved: true, effectiveDate: '2100-12-31' });
    expect(resolveDeadline({ kind: 'date', date: '2100-12-31' }, { rules: { land: null, shiftToWorkingDay: false } })).toMatchObject({ resolved: true, effectiveDate: '2100-12-31' });
  });

  test('a monthly report due in December 9999, handed in, has no timers for either period; a term until 9999 none either', () => {
    const report = { kind: 'Zwischenbericht', addressee: 'IT-PLR', due: { kind: 'month', month: '9999-12' }, recurrence: { everyMonths: 1 } };
    const body = givenFrom(
      registered('2024-06-03', { reports: [] }),
      submitted(),
      event('approved', { approvedUntil: '9999-12-31', reports: [report] } as never, '2024-06-13', DECISION_2024_09_AL),
      started('2024-06-17'),
      event('reportSubmitted', { obligationId: 'r1' }, '2024-11-20'),
    ).snapshot;
    const persisted = persist(body);
    expect(persisted.context.obligations.map((o) => [o.id, o.due])).toEqual([
      ['r1', { kind: 'month', month: '9999-12' }],
      ['r2', { kind: 'month', month: '10000-01' }],
    ]);
    expect(deriveTimers('b', persisted)).toEqual([]);
    expect(deriveDeadlines('b', persisted).map((d) => [d.ref, d.resolution.description])).toEqual([
      ['r1', `im Dezember 9999: ${NOT_WATCHED}`],
      ['r2', `im Januar 10000: ${NOT_WATCHED}`],
      ['end', `befristet bis 31.12.9999: ${NOT_WATCHED}`],
    ]);
  });
});
