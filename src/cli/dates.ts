import { berlinDateTime, isCivilDate } from '../../machines';
import { existingInstant } from '../common/time-input';
import { findDate } from '../registration-import/german-dates';
import { UsageError } from './errors';

/**
 * A date given on the command line: `2024-06-17`, `17.06.2024` or `17. Juni 2024` become the
 * civil date; an ISO instant with time zone (`2024-06-17T10:00:00Z`) that exists is kept as it is.
 */
export function dateOption(value: string, option: string, allowInstant = true): string {
  const date = civilOrInstant(value, allowInstant);
  if (date !== null) return date;
  throw new UsageError(
    allowInstant
      ? `„${value}“ ist kein Datum für ${option} (erwartet z. B. 2024-06-17, 17.06.2024, 17. Juni 2024 oder einen Zeitpunkt nach ISO 8601 mit Zeitzone wie 2024-06-17T10:00:07+02:00).`
      : `„${value}“ ist kein Datum für ${option} (erwartet z. B. 2024-06-17, 17.06.2024 oder 17. Juni 2024).`,
  );
}

/**
 * The limit of `--as-of` / `--as-known-at`: a date (the whole day, as the service reads it), an
 * ISO instant, or a Berlin time as the tables print it (`01.07.2024, 10:00:07`, comma and
 * seconds optional). That one means its whole second (without seconds its whole minute), as a
 * date means its whole day: an event the history shows as recorded at 10:00:07 is known at
 * „10:00:07“, though it was recorded at 10:00:07.480.
 */
export function timeLimitOption(value: string, option: string): string {
  const date = civilOrInstant(value, true) ?? berlinTimeThrough(value.trim(), option);
  if (date !== null) return date;
  throw new UsageError(
    `„${value}“ ist kein Datum und kein Zeitpunkt für ${option} (erwartet z. B. 2024-06-17, 17.06.2024, 17. Juni 2024, ` +
      'einen Zeitpunkt in Berliner Zeit wie 17.06.2024, 10:00:07 oder nach ISO 8601 mit Zeitzone wie 2024-06-17T10:00:07+02:00).',
  );
}

function civilOrInstant(value: string, allowInstant: boolean): string | null {
  const trimmed = value.trim();
  if (isCivilDate(trimmed)) return trimmed;
  if (allowInstant && existingInstant(trimmed) !== null) return trimmed;
  const found = findDate(trimmed);
  if (found?.date && found.index === 0 && found.raw.trim().length === trimmed.length) return found.date;
  return null;
}

const GERMAN_DATE_TIME = /^(\d{1,2})\.(\d{1,2})\.(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*Uhr)?$/;

/**
 * `01.07.2024, 10:00:07` as the last instant of that second in Berlin
 * (`2024-07-01T10:00:07.999+02:00`; without seconds, of that minute); null if it is written
 * otherwise or no such day or time exists. A time the clocks skip, or pass twice when they go
 * back, is a usage error naming what it could mean.
 */
function berlinTimeThrough(value: string, option: string): string | null {
  const match = GERMAN_DATE_TIME.exec(value);
  if (!match) return null;
  const [, day, month, year, hours, minutes, seconds] = match;
  const local = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}T${hours.padStart(2, '0')}:${minutes}:${seconds ?? '00'}`;
  // Berlin is UTC+1 or UTC+2: the offsets under which this wall time exists.
  const meant = ['+01:00', '+02:00'].map((offset) => `${local}${offset}`).filter((iso) => {
    const instant = existingInstant(iso);
    return instant !== null && berlinDateTime(instant) === iso;
  });
  if (meant.length === 2) {
    throw new UsageError(`„${value}“ gibt es in Berliner Zeit zweimal (die Uhren werden zurückgestellt): für ${option} bitte ${meant[1]} (Sommerzeit) oder ${meant[0]} (Winterzeit) angeben.`);
  }
  if (meant.length === 0) {
    if (existingInstant(`${local}Z`) === null) return null;
    throw new UsageError(`„${value}“ gibt es in Berliner Zeit nicht (die Uhren werden vorgestellt); bitte für ${option} eine andere Uhrzeit angeben.`);
  }
  const through = seconds === undefined ? ':59.999' : '.999';
  return `${local.slice(0, seconds === undefined ? -3 : undefined)}${through}${meant[0].slice(-6)}`;
}

export function positiveInteger(value: string, option: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new UsageError(`${option} erwartet eine positive ganze Zahl, nicht „${value}“.`);
  return Number(value);
}

/** A position counted from 0, e.g. `--index 0` for a decision's first effect. */
export function positionFromZero(value: string, option: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${option} erwartet eine ganze Zahl ab 0, nicht „${value}“.`);
  return Number(value);
}
