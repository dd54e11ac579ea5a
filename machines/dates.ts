/**
 * Civil-date helpers. Business dates are civil dates in Europe/Berlin (`YYYY-MM-DD`);
 * instants are ISO 8601 strings in UTC. Nothing here reads the clock.
 */

export type CivilDate = string;
export type Instant = string;

export const BERLIN = 'Europe/Berlin';

const CIVIL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const berlinParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: BERLIN,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function partsOf(instant: Date): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const part of berlinParts.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return parts;
}

/** True for a real calendar date written as `YYYY-MM-DD`. */
export function isCivilDate(value: string): boolean {
  const match = CIVIL_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Business dates lie in this range: from the day the Grundgesetz came into force to the end of
 * 2100. Anything outside is a typo (`0100-01-01`, `20245-01-01`), never a fact of the register.
 */
export const BUSINESS_DATES = { from: '1949-05-23', to: '2100-12-31' } as const;

/**
 * True for a day the register cannot watch: after BUSINESS_DATES (`2101-01-01`), or with a year
 * of more than four digits (`10000-01-31`), which as text sorts before every day and instant of
 * the register. Input never gives one; an earlier release took months and years beyond 2100, whose
 * Fristen and next periods stored in its logs fall on such days.
 */
export function beyondBusinessDates(date: string): boolean {
  return !/^\d{4}-/.test(date) || date > BUSINESS_DATES.to;
}

/** True for a real calendar date within BUSINESS_DATES. */
export function isBusinessDate(value: string): boolean {
  return isCivilDate(value) && value >= BUSINESS_DATES.from && value <= BUSINESS_DATES.to;
}

// Intl is slow, and deadline derivation and replay ask for the same dates again and again: both
// conversions are cached (pure functions of their argument; the caches stay small).
const HOUR_MS = 60 * 60 * 1000;
const berlinDates = new Map<number, CivilDate>();

/** The civil date in Europe/Berlin on which the given instant falls. */
export function berlinDate(instant: Instant): CivilDate {
  // Berlin's offsets from UTC are whole hours, and it changes them at whole hours: the date is
  // the same throughout each hour of UTC, so the cache is keyed by that hour (every event has
  // an instant of its own, but few hours).
  const time = new Date(instant).getTime();
  const hour = Math.floor(time / HOUR_MS);
  let date = berlinDates.get(hour);
  if (date === undefined) {
    const p = partsOf(new Date(time));
    date = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
    if (berlinDates.size >= 10_000) berlinDates.clear();
    berlinDates.set(hour, date);
  }
  return date;
}

const dayStarts = new Map<CivilDate, Instant>();

/** The instant at which the given civil date begins in Europe/Berlin (00:00 local time). */
export function startOfBerlinDay(date: CivilDate): Instant {
  let start = dayStarts.get(date);
  if (start === undefined) {
    start = computeStartOfBerlinDay(date);
    if (dayStarts.size >= 10_000) dayStarts.clear();
    dayStarts.set(date, start);
  }
  return start;
}

function computeStartOfBerlinDay(date: CivilDate): Instant {
  const [year, month, day] = date.split('-').map(Number);
  const utcMidnight = Date.UTC(year, month - 1, day);
  // Berlin is UTC+1 or UTC+2; the offset at local midnight is found by looking at that instant.
  let guess = utcMidnight - 60 * 60 * 1000;
  for (let i = 0; i < 2; i++) {
    const p = partsOf(new Date(guess));
    const localAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    guess = utcMidnight - (localAsUtc - guess);
  }
  return new Date(guess).toISOString();
}

/** Formats a civil date the German way: `31.03.2025`. */
export function germanDate(date: CivilDate): string {
  const [year, month, day] = date.split('-');
  return `${day}.${month}.${year}`;
}

export const GERMAN_MONTHS = [
  'Januar',
  'Februar',
  'März',
  'April',
  'Mai',
  'Juni',
  'Juli',
  'August',
  'September',
  'Oktober',
  'November',
  'Dezember',
] as const;

/** Names a month `YYYY-MM` the German way: `Juli 2011`. */
export function germanMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return `${GERMAN_MONTHS[m - 1]} ${year}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

const GERMAN_DATE_TIME = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', dateStyle: 'medium', timeStyle: 'short' });

/** An instant as people in Germany read it, in Berlin time: `03.12.2026, 17:49`. */
export function germanDateTime(instant: Instant | Date): string {
  return GERMAN_DATE_TIME.format(typeof instant === 'string' ? new Date(instant) : instant);
}

const BERLIN_ZONE_NAME = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', timeZoneName: 'short' });

/** Berlin's time zone at the instant as German readers name it: `MEZ` in winter, `MESZ` in summer. */
export function berlinZoneName(instant: Date): string {
  return BERLIN_ZONE_NAME.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? '';
}

/**
 * The instant as Europe/Berlin local time with its offset, to the second:
 * `2026-01-14T00:00:00+01:00` (the date-time form OParl prescribes, `yyyy-mm-ddThh:mm:ss±hh:mm`).
 */
export function berlinDateTime(instant: Instant): string {
  const date = new Date(instant);
  const p = partsOf(date);
  const offset = Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const abs = Math.abs(offset);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
