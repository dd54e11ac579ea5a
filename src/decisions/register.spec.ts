import { datedAfterDecision, effectMatches, type Effect } from './register';

describe('an event matches a decision effect', () => {
  const extendUntilMarch: Effect = { body: 'b1', effect: 'extended', data: { approvedUntil: '2027-03-31' } } as Effect;

  it('when body, type and every named parameter are the same', () => {
    expect(effectMatches(extendUntilMarch, 'b1', 'extended', { approvedUntil: '2027-03-31', note: 'x' })).toBe(true);
    expect(effectMatches(extendUntilMarch, 'b2', 'extended', { approvedUntil: '2027-03-31' })).toBe(false);
    expect(effectMatches(extendUntilMarch, 'b1', 'madePermanent', { approvedUntil: '2027-03-31' })).toBe(false);
  });

  it('when a term end written as a month resolves to the day the decision names, and not otherwise', () => {
    expect(effectMatches(extendUntilMarch, 'b1', 'extended', { approvedUntil: { month: '2027-03' } })).toBe(true);
    expect(effectMatches(extendUntilMarch, 'b1', 'extended', { approvedUntil: { month: '2027-04' } })).toBe(false);
    expect(effectMatches(extendUntilMarch, 'b1', 'extended', { approvedUntil: '2027-03-30' })).toBe(false);
    const untilEnd2027 = { ...extendUntilMarch, data: { approvedUntil: { year: '2027' } } } as Effect;
    expect(effectMatches(untilEnd2027, 'b1', 'extended', { approvedUntil: '2027-12-31' })).toBe(true);
    expect(effectMatches(untilEnd2027, 'b1', 'extended', { approvedUntil: { month: '2027-12' } })).toBe(true);
  });
});

describe('an event dated after the decision it cites', () => {
  test('is told with both days; one on the decision’s own Berlin day is not', () => {
    expect(datedAfterDecision('2025-03-20', '2026-12-04T19:18:22.867Z')).toBe('mit Datum 04.12.2026, der Beschluss ist vom 20.03.2025');
    // 20.03.2025, 00:30 in Berlin is still the decision's day.
    expect(datedAfterDecision('2025-03-20', '2025-03-19T23:30:00.000Z')).toBeNull();
    expect(datedAfterDecision('2025-03-20', '2025-03-19T22:59:00.000Z')).toBeNull();
  });
});
