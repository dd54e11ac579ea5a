import { berlinDate, berlinDateTime, berlinZoneName } from './dates';

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

describe('berlinDate', () => {
  /** The date as Intl gives it for the instant itself, without any cache. */
  const reference = (time: number) => new Date(time).toLocaleDateString('sv-SE', { timeZone: 'Europe/Berlin' });

  it('gives the Berlin date of every instant around midnights and clock changes, each hour asked thrice', () => {
    // Each hour of 1949 (summer time began and ended at other hours then) and of 2026: 1 ms before
    // it, at it and within it; the first answer of an hour fills the cache, the later ones read it.
    for (const [from, to] of [
      ['1949-01-01T00:00:00Z', '1950-01-01T00:00:00Z'],
      ['2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    ]) {
      for (let hour = Date.parse(from); hour < Date.parse(to); hour += 3_600_000) {
        for (const time of [hour - 1, hour, hour + 1_799_999]) expect(berlinDate(new Date(time).toISOString())).toBe(reference(time));
      }
    }
  });

  it('reads an instant written with an offset as that instant', () => {
    expect(berlinDate('2026-03-28T23:30:00Z')).toBe('2026-03-29');
    expect(berlinDate('2026-03-29T00:30:00+01:00')).toBe('2026-03-29');
    expect(berlinDate('2026-03-29T00:30:00+02:00')).toBe('2026-03-28');
    expect(berlinDate('2026-10-24T22:30:00.000Z')).toBe('2026-10-25');
    expect(berlinDate('2026-10-24T21:59:59.999Z')).toBe('2026-10-24');
  });

  it('refuses what is no instant', () => {
    expect(() => berlinDate('kein Datum')).toThrow(RangeError);
  });
});

describe('berlinZoneName', () => {
  it('names winter time MEZ and summer time MESZ, changing on the last Sundays of March and October', () => {
    expect(berlinZoneName(new Date('2026-12-05T09:15:00Z'))).toBe('MEZ');
    expect(berlinZoneName(new Date('2026-07-05T09:15:00Z'))).toBe('MESZ');
    expect(berlinZoneName(new Date('2026-03-29T00:59:59Z'))).toBe('MEZ');
    expect(berlinZoneName(new Date('2026-03-29T01:00:00Z'))).toBe('MESZ');
    expect(berlinZoneName(new Date('2026-10-25T00:59:59Z'))).toBe('MESZ');
    expect(berlinZoneName(new Date('2026-10-25T01:00:00Z'))).toBe('MEZ');
  });
});
