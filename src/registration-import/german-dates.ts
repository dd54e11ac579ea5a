/**
 * Dates as German forms write them: `17.06.2024`, `17.6.24`, `17. Juni 2024`, `2024-06-17`,
 * months like `im November 2024`, and quarters like `im 1. Quartal 2026` or `bis Ende des
 * 2. Quartals 2026`. A quarter is read as its last month (`2026-03`, `2026-06`): a deadline or
 * term "im 1. Quartal" runs through the quarter's last day, which is how the month rule
 * (machines/term-end.ts) resolves that month. Pure; nothing here reads the clock.
 */
import { isCivilDate, type CivilDate } from '../../machines';

const MONTH_NAMES: Record<string, number> = {
  januar: 1,
  jänner: 1,
  jaenner: 1,
  jan: 1,
  februar: 2,
  feber: 2,
  feb: 2,
  märz: 3,
  maerz: 3,
  marz: 3,
  mär: 3,
  mrz: 3,
  april: 4,
  apr: 4,
  mai: 5,
  juni: 6,
  jun: 6,
  juli: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sept: 9,
  sep: 9,
  oktober: 10,
  okt: 10,
  november: 11,
  nov: 11,
  dezember: 12,
  dez: 12,
};

/** Longest names first, so that `März` is not read as `Mär` followed by a stray `z`. */
const MONTH = `(${Object.keys(MONTH_NAMES)
  .sort((a, b) => b.length - a.length)
  .join('|')})\\.?(?!\\p{L})`;

const NUMERIC_DATE = /(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})(?!\d)/u;
const NAMED_DATE = new RegExp(`(?<![\\d.])(\\d{1,2})\\.?\\s*${MONTH}\\s*(\\d{4})(?!\\d)`, 'iu');
const ISO_DATE = /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/u;
const NAMED_MONTH = new RegExp(`(?<!\\d\\.?\\s{0,3})(?<!\\p{L})${MONTH}\\s*(\\d{4})(?!\\d)`, 'iu');
const NUMERIC_MONTH = /(?<![\d.])(\d{1,2})\s?[./]\s?(\d{4})(?![\d.])/u;
/** `1. Quartal 2026`, `Ende des 2. Quartals 2026`, `Q3/2026`, `Q4 2026`. */
const QUARTER = /(?<![\p{L}\d])(?:Ende\s+des\s+)?(?:(\d)\.\s*Quartals?|Q(\d))\s*(?:\/\s*)?(\d{4})(?!\d)/iu;

/** A date found in a text: where it stands, what it said, and the civil date or why it is not one. */
export interface FoundDate {
  index: number;
  raw: string;
  date: CivilDate | null;
}

/** The first date written in the text, in any of the German forms; null when there is none. */
export function findDate(text: string): FoundDate | null {
  const candidates: FoundDate[] = [];
  const numeric = NUMERIC_DATE.exec(text);
  if (numeric) candidates.push(found(numeric, Number(fullYear(numeric[3])), Number(numeric[2]), Number(numeric[1])));
  const named = NAMED_DATE.exec(text);
  if (named) candidates.push(found(named, Number(named[3]), MONTH_NAMES[named[2].toLowerCase()], Number(named[1])));
  const iso = ISO_DATE.exec(text);
  if (iso) candidates.push(found(iso, Number(iso[1]), Number(iso[2]), Number(iso[3])));
  candidates.sort((a, b) => a.index - b.index);
  return candidates[0] ?? null;
}

/** A month found in a text (`November 2024`, `11/2024`), as `YYYY-MM`. */
export interface FoundMonth {
  index: number;
  raw: string;
  month: string | null;
}

/**
 * The first month-and-year in the text that is not part of a full date; null when there is none.
 * A quarter counts as its last month.
 */
export function findMonth(text: string): FoundMonth | null {
  const candidates: FoundMonth[] = [];
  const quarter = QUARTER.exec(text);
  if (quarter) {
    const q = Number(quarter[1] ?? quarter[2]);
    candidates.push(q >= 1 && q <= 4 ? foundMonth(quarter, Number(quarter[3]), q * 3) : { index: quarter.index, raw: quarter[0], month: null });
  }
  const named = NAMED_MONTH.exec(text);
  if (named) candidates.push(foundMonth(named, Number(named[2]), MONTH_NAMES[named[1].toLowerCase()]));
  const numeric = NUMERIC_MONTH.exec(text);
  if (numeric) candidates.push(foundMonth(numeric, Number(numeric[2]), Number(numeric[1])));
  candidates.sort((a, b) => a.index - b.index);
  return candidates[0] ?? null;
}

function found(match: RegExpExecArray, year: number, month: number, day: number): FoundDate {
  const date = `${year}-${pad(month)}-${pad(day)}`;
  return { index: match.index, raw: match[0], date: isCivilDate(date) ? date : null };
}

function foundMonth(match: RegExpExecArray, year: number, month: number): FoundMonth {
  const valid = month >= 1 && month <= 12 && year >= 1000;
  return { index: match.index, raw: match[0], month: valid ? `${year}-${pad(month)}` : null };
}

function fullYear(year: string): string {
  return year.length === 2 ? `20${year}` : year;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
