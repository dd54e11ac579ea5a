import { obligationStanding } from './labels';

const overdue = { state: 'overdue' as const, dueOn: '2024-12-02', overdueOn: '2024-12-03', submittedOn: null, acknowledgedOn: null, waived: undefined };

describe('how a report obligation stands', () => {
  test('an open report of a body whose life ended says it stayed open, and since when the body ended', () => {
    expect(obligationStanding(overdue)).toBe('überfällig seit 03.12.2024');
    expect(obligationStanding(overdue, '2026-12-05')).toBe('überfällig seit 03.12.2024; offen geblieben, Gremium beendet am 05.12.2026');
    expect(obligationStanding({ ...overdue, state: 'pending', dueOn: null, overdueOn: null }, '2026-12-05')).toBe('offen geblieben, Gremium beendet am 05.12.2026');
  });

  test('a report settled before the end says nothing of the end', () => {
    expect(obligationStanding({ ...overdue, state: 'acknowledged', dueOn: null, overdueOn: null, submittedOn: '2024-11-28', acknowledgedOn: '2024-12-12' }, '2026-12-05')).toBe(
      'zur Kenntnis genommen am 12.12.2024 (eingereicht am 28.11.2024)',
    );
  });

  test('a report handed in after its Frist’s effective date says it came late, and one on that day does not', () => {
    const submitted = { ...overdue, state: 'submitted' as const, dueOn: null, overdueOn: null, submittedOn: '2025-01-15' };
    expect(obligationStanding(submitted, null, '2024-12-02')).toBe('eingereicht am 15.01.2025, verspätet');
    expect(obligationStanding({ ...submitted, state: 'acknowledged', acknowledgedOn: '2025-02-20' }, '2026-12-05', '2024-12-02')).toBe(
      'zur Kenntnis genommen am 20.02.2025 (eingereicht am 15.01.2025, verspätet)',
    );
    expect(obligationStanding({ ...submitted, submittedOn: '2024-12-02' }, null, '2024-12-02')).toBe('eingereicht am 02.12.2024');
  });

  test('without the Frist’s date, a report the chart had recorded as overdue before it came is late', () => {
    expect(obligationStanding({ ...overdue, state: 'submitted', submittedOn: '2024-12-10' })).toBe('eingereicht am 10.12.2024, verspätet');
    expect(obligationStanding({ ...overdue, state: 'submitted', overdueOn: null, submittedOn: '2024-12-02' })).toBe('eingereicht am 02.12.2024');
  });
});
