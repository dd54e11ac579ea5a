import { effectMatches, type Effect } from './register';

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
