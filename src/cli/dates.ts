import { isCivilDate } from '../../machines';
import { existingInstant } from '../common/time-input';
import { findDate } from '../registration-import/german-dates';
import { UsageError } from './errors';

/**
 * A date given on the command line: `2024-06-17`, `17.06.2024` or `17. Juni 2024` become the
 * civil date; an ISO instant with time zone (`2024-06-17T10:00:00Z`) that exists is kept as it is.
 */
export function dateOption(value: string, option: string, allowInstant = true): string {
  const trimmed = value.trim();
  if (isCivilDate(trimmed)) return trimmed;
  if (allowInstant && existingInstant(trimmed) !== null) return trimmed;
  const found = findDate(trimmed);
  if (found?.date && found.index === 0 && found.raw.trim().length === trimmed.length) return found.date;
  throw new UsageError(`„${value}“ ist kein Datum für ${option} (erwartet z. B. 2024-06-17, 17.06.2024 oder 17. Juni 2024).`);
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
