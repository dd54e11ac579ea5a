import { randomUUID } from 'node:crypto';

/**
 * A UUID whose first 48 bits are the milliseconds since 1970 (version 7, RFC 9562 § 5.7), the
 * other 74 random: ids made one after the other sort roughly in time, so an index over them grows
 * at its end instead of touching a page at random for every new row. The random part comes from
 * `randomUUID` (version 4), whose entropy is drawn ahead in batches. It reads the wall clock, not
 * the service's `Clock`: an id is no fact of the record (the event's times are), and ids of a
 * frozen or replayed clock would no longer grow at the index's end.
 */
export function timeOrderedId(now = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
}
