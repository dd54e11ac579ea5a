import { z } from 'zod';
import { timeOrderedId } from './time-ordered-id';

describe('timeOrderedId', () => {
  it('is a version 7 UUID whose first 48 bits are the milliseconds given', () => {
    const at = Date.parse('2026-12-04T09:45:00.123Z');
    const id = timeOrderedId(at);
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('sorts ids of later milliseconds after earlier ones, and never repeats within one', () => {
    const at = Date.parse('2026-12-04T09:45:00Z');
    const ids = Array.from({ length: 1000 }, (_, i) => timeOrderedId(at + i));
    expect([...ids].sort()).toEqual(ids);
    const same = Array.from({ length: 10_000 }, () => timeOrderedId(at));
    expect(new Set(same).size).toBe(same.length);
  });

  it('orders across the change of a leading digit (no shorter text for small times)', () => {
    expect(timeOrderedId(0).slice(0, 13)).toBe('00000000-0000');
    expect(timeOrderedId(0xfff) < timeOrderedId(0x1000)).toBe(true);
  });
});
