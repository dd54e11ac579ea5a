/** Plain-text output for people: tables, German dates, labelled fields. */
import { berlinDate, eventLabel, germanDate, isCivilDate } from '../../machines';

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  /** Cut longer values with „…“. */
  max?: number;
}

/** A table with a header row and columns padded to their widest cell. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => clip(oneLine(column.value(row)), column.max)));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) =>
    values
      .map((value, i) => (i === values.length - 1 ? value : value.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)].join('\n');
}

/** `Label:   value` lines, labels padded to the longest; empty values are left out. */
export function fields(entries: ReadonlyArray<[string, string | null | undefined]>): string {
  const shown = entries.filter((entry): entry is [string, string] => entry[1] !== null && entry[1] !== undefined && entry[1] !== '');
  const width = Math.max(0, ...shown.map(([label]) => label.length)) + 1;
  return shown
    .map(([label, value]) => {
      const [first, ...rest] = value.split('\n');
      return [`${`${label}:`.padEnd(width)}  ${first}`, ...rest.map((l) => `${' '.repeat(width)}  ${l}`)].join('\n');
    })
    .join('\n');
}

/** `17.06.2024` for a civil date; `17.06.2024, 14:05` (Berlin time) for an instant; `–` for none. */
export function date(value: string | null | undefined): string {
  if (!value) return '–';
  if (isCivilDate(value)) return germanDate(value);
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return value;
  const clock = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit' }).format(time);
  return `${germanDate(berlinDate(value))}, ${clock}`;
}

const TO_THE_SECOND = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * `05.12.2026, 00:51:07` (Berlin time) for an instant, a civil date as `date` gives it: where
 * several events may fall in one minute and the second tells which of them a time includes
 * (when an event was recorded, an `--as-known-at`).
 */
export function toTheSecond(value: string | null | undefined): string {
  if (!value || isCivilDate(value)) return date(value);
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return value;
  return `${germanDate(berlinDate(value))}, ${TO_THE_SECOND.format(time)}`;
}

/** The business date (Berlin) of an instant, German. */
export function day(instant: string | null | undefined): string {
  return instant ? germanDate(berlinDate(instant)) : '–';
}

export function yesNo(value: boolean): string {
  return value ? 'ja' : 'nein';
}

export function list(values: readonly string[] | null | undefined): string {
  return values && values.length > 0 ? values.join(', ') : '–';
}

export function numbered(values: readonly string[]): string {
  return values.map((value, i) => `${i + 1}. ${value}`).join('\n');
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function clip(value: string, max: number | undefined): string {
  return max !== undefined && value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

/** An event in German with its type, which `send` takes: `Bericht fällig (reportDue)`; a type without a label as it is. */
export function eventName(type: string): string {
  const label = eventLabel(type);
  return label === type ? type : `${label} (${type})`;
}

/** Events a body may take next, each with its label and the type `send` takes: `Tätigkeit begonnen (started), …`. */
export function allowedEventsText(types: readonly string[]): string {
  return types.length ? types.map(eventName).join(', ') : 'keine';
}
