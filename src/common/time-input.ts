import { z } from 'zod';
import { BUSINESS_DATES, berlinDate, isBusinessDate, isCivilDate, startOfBerlinDay } from '../../machines';

const OUT_OF_RANGE = 'out of range';
const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * A business time as users give it: a civil date (`2024-06-17`, taken as the start of that day
 * in Europe/Berlin) or an ISO 8601 instant with a time zone. Always becomes a UTC instant.
 * Nothing rolls over: `2024-02-30T10:00:00Z` and `24:00` are refused, not moved to the next
 * day; the day in Berlin lies within BUSINESS_DATES.
 */
export const businessTimeSchema = z.string().transform((raw, ctx) => {
  const instant = isCivilDate(raw) ? (isBusinessDate(raw) ? startOfBerlinDay(raw) : OUT_OF_RANGE) : existingInstant(raw);
  if (instant === null) {
    ctx.addIssue({ code: 'custom', message: 'Erwartet ein existierendes Datum (JJJJ-MM-TT) oder einen Zeitpunkt nach ISO 8601 mit Zeitzone.' });
    return z.NEVER;
  }
  if (instant === OUT_OF_RANGE || !isBusinessDate(berlinDate(instant))) {
    ctx.addIssue({ code: 'custom', message: `Das Datum liegt außerhalb des zulässigen Bereichs (${BUSINESS_DATES.from} bis ${BUSINESS_DATES.to}).` });
    return z.NEVER;
  }
  return instant;
});

/**
 * An ISO 8601 instant with a time zone (`2024-06-17T10:00:00+02:00`, seconds and fractions
 * optional) as a UTC instant, or null when it is written otherwise or does not exist: no day
 * 2024-02-30, no hour 24, nothing rolls over as `Date.parse` would let it.
 */
export function existingInstant(raw: string): string | null {
  const match = INSTANT.exec(raw);
  if (!match) return null;
  const [, date, hours, minutes, seconds = '00', offsetHours = '00', offsetMinutes = '00'] = match;
  if (!isCivilDate(date) || +hours > 23 || +minutes > 59 || +seconds > 59 || +offsetHours > 23 || +offsetMinutes > 59) return null;
  const time = new Date(raw);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

const OFFSET_AS_SPACE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?) (\d{2}:\d{2})$/;

/**
 * An instant whose `+` before the time zone arrived as a space, as an unencoded `+` in a query
 * does (`?asOf=2025-06-01T12:00:00+02:00` decodes to `…T12:00:00 02:00`), with its `+` back.
 * Nothing else can stand there, so the reading is unambiguous. Any other text stays as it is.
 */
export function restoreOffsetPlus(value: string): string {
  const match = OFFSET_AS_SPACE.exec(value);
  return match ? `${match[1]}+${match[2]}` : value;
}
