import { obligationStanding } from './labels';

const overdue = { state: 'overdue' as const, dueOn: '2024-12-02', overdueOn: '2024-12-03', submittedOn: null, acknowledgedOn: null, waived: undefined };

describe('how a report obligation stands', () => {
  test('an open report of a body whose life ended says it stayed open, and since when the body ended', () => {
    expect(obligationStanding(overdue)).toBe('überfällig seit 03.12.2024');
    expect(obligationStanding(overdue, '2026-12-05')).toBe('überfällig seit 03.12.2024; offen geblieben, Gremium beendet am 05.12.2026');
    expect(obligationStanding({ ...overdue, state: 'pending', dueOn: null, overdueOn: null }, '2026-12-05')).toBe('offen geblieben, Gremium beendet am 05.12.2026');
  });

  test('a report settled before the end says nothing of the end', () => {
    expect(obligationStanding({ ...overdue, state: 'acknowledged', submittedOn: '2024-12-10', acknowledgedOn: '2024-12-12' }, '2026-12-05')).toBe(
      'zur Kenntnis genommen am 12.12.2024 (eingereicht am 10.12.2024)',
    );
  });
});
