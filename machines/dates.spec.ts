import { berlinDateTime } from './dates';

describe('berlinDateTime', () => {
  it('writes an instant as Berlin local time with its offset, to the second, in winter and in summer', () => {
    expect(berlinDateTime('2026-01-13T23:00:00.000Z')).toBe('2026-01-14T00:00:00+01:00');
    expect(berlinDateTime('2026-04-01T12:00:00.999Z')).toBe('2026-04-01T14:00:00+02:00');
  });

  it('takes the offset of the instant itself on either side of a clock change', () => {
    // 29.03.2026: at 01:00 UTC Berlin moves from 02:00 CET to 03:00 CEST.
    expect(berlinDateTime('2026-03-29T00:59:59.000Z')).toBe('2026-03-29T01:59:59+01:00');
    expect(berlinDateTime('2026-03-29T01:00:00.000Z')).toBe('2026-03-29T03:00:00+02:00');
    // 25.10.2026: 02:30 happens twice, first in summer time, then in winter time.
    expect(berlinDateTime('2026-10-25T00:30:00.000Z')).toBe('2026-10-25T02:30:00+02:00');
    expect(berlinDateTime('2026-10-25T01:30:00.000Z')).toBe('2026-10-25T02:30:00+01:00');
  });
});
