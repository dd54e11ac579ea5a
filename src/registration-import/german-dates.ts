/**
 * Dates as German forms write them: `17.06.2024`, `17.6.24`, `17. Juni 2024`, `2024-06-17`,
 * months like `im November 2024`, and periods like `im 1. Quartal 2026`, `bis Ende des
 * 2. Quartals 2026`, `im 2. Halbjahr 2026` or `Ende 2026`. A period is read as its last month
 * (`2026-03`, `2026-06`, `2026-12`): a deadline or term "im 1. Quartal" runs through the
 * quarter's last day, which is how the month rule (machines/term-end.ts) resolves that month.
 * Words that name no exact period (`Mitte 2026`, `im Herbst 2026`) are read the same way, as the
 * last month they can mean, and marked `approximate`, so that the reader can say so. A winter
 * spans two years and is not read. Pure; nothing here reads the clock.
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
/** `1. Halbjahr 2026`, `Ende des 2. Halbjahres 2026`, `H2/2026`. */
const HALF_YEAR = /(?<![\p{L}\d])(?:Ende\s+des\s+)?(?:(\d)\.\s*Halbjahr(?:es|s)?|H(\d))\s*(?:\/\s*)?(\d{4})(?!\d)/iu;
/** `Ende 2026`, `Ende des Jahres 2026`, `Jahresende 2026`; `Mitte 2026`, `Jahresmitte 2026`. */
const PART_OF_YEAR = /(?<![\p{L}])(?:(Ende|Mitte)\s+(?:des\s+Jahres\s+)?|Jahres(ende|mitte)\s+)(\d{4})(?!\d)/iu;
/** `Frühjahr 2026`, `im Sommer 2026`, `Herbst 2026`: the season's last month (meteorological: May, August, November). */
const SEASON = /(?<![\p{L}])(Frühjahr|Frühling|Sommer|Herbst)(?:es|s)?\s+(?:des\s+Jahres\s+)?(\d{4})(?!\d)/iu;
const SEASON_END: Record<string, number> = { frühjahr: 5, frühling: 5, sommer: 8, herbst: 11 };

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

/**
 * A day or a month of the year without its year (`zum 31.12.`, `jeweils zum 30. Juni`,
 * `jährlich im November`), as a recurring report names it; `day` is null for a month.
 */
export interface FoundInYear {
  index: number;
  raw: string;
  month: number;
  day: number | null;
}

const ABBREVIATED = new Set(['jan', 'feb', 'mär', 'mrz', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'okt', 'nov', 'dez']);
const NUMERIC_DAY_OF_YEAR = /(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.(?!\s?\d)/u;
const NAMED_DAY_OF_YEAR = new RegExp(`(?<![\\d.])(\\d{1,2})\\.?\\s*${MONTH}(?!\\s*\\d)`, 'iu');
const MONTH_OF_YEAR = new RegExp(`(?<!\\d\\.?\\s{0,3})(?<!\\p{L})${MONTH}(?!\\s*\\d)`, 'iu');

/** The first day-and-month or month in the text that has no year; null when there is none. */
export function findInYear(text: string): FoundInYear | null {
  const candidates: FoundInYear[] = [];
  const numeric = NUMERIC_DAY_OF_YEAR.exec(text);
  if (numeric) candidates.push({ index: numeric.index, raw: numeric[0], month: Number(numeric[2]), day: Number(numeric[1]) });
  const named = NAMED_DAY_OF_YEAR.exec(text);
  if (named) candidates.push({ index: named.index, raw: withoutFullStop(named[0], named[2]), month: MONTH_NAMES[named[2].toLowerCase()], day: Number(named[1]) });
  const month = MONTH_OF_YEAR.exec(text);
  if (month) candidates.push({ index: month.index, raw: withoutFullStop(month[0], month[1]), month: MONTH_NAMES[month[1].toLowerCase()], day: null });
  candidates.sort((a, b) => a.index - b.index);
  return candidates[0] ?? null;
}

/** A day or month without year placed in a year: `2025-03-31`, or `2025-11` for a month. */
export function inYear(found: FoundInYear, year: number): string {
  return `${year}-${pad(found.month)}${found.day === null ? '' : `-${pad(found.day)}`}`;
}

/** `Dez.` keeps the dot of its abbreviation; in `zum 31. März.` the dot ends the sentence. */
function withoutFullStop(raw: string, monthName: string): string {
  return ABBREVIATED.has(monthName.toLowerCase()) ? raw : raw.replace(/\.$/u, '');
}

/** A month found in a text (`November 2024`, `11/2024`, `2. Halbjahr 2024`), as `YYYY-MM`. */
export interface FoundMonth {
  index: number;
  raw: string;
  month: string | null;
  /** What was written: a month, or the period read as its last month. */
  unit: 'Monat' | 'Quartal' | 'Halbjahr' | 'Jahresabschnitt' | 'Jahreszeit';
  /** The words name no exact period (`Mitte 2026`, `Herbst 2026`): the month is the last they can mean. */
  approximate: boolean;
}

/**
 * The first month-and-year in the text that is not part of a full date; null when there is none.
 * A period counts as its last month.
 */
export function findMonth(text: string): FoundMonth | null {
  const candidates: FoundMonth[] = [];
  const quarter = QUARTER.exec(text);
  if (quarter) candidates.push(nthPart(quarter, 'Quartal', 4));
  const half = HALF_YEAR.exec(text);
  if (half) candidates.push(nthPart(half, 'Halbjahr', 2));
  const part = PART_OF_YEAR.exec(text);
  if (part) {
    const middle = /mitte/iu.test(part[1] ?? part[2]);
    candidates.push(foundMonth(part, Number(part[3]), middle ? 6 : 12, 'Jahresabschnitt', middle));
  }
  const season = SEASON.exec(text);
  if (season) candidates.push(foundMonth(season, Number(season[2]), SEASON_END[season[1].toLowerCase()], 'Jahreszeit', true));
  const named = NAMED_MONTH.exec(text);
  if (named) candidates.push(foundMonth(named, Number(named[2]), MONTH_NAMES[named[1].toLowerCase()]));
  const numeric = NUMERIC_MONTH.exec(text);
  if (numeric) candidates.push(foundMonth(numeric, Number(numeric[2]), Number(numeric[1])));
  candidates.sort((a, b) => a.index - b.index);
  return candidates[0] ?? null;
}

/** The n-th of `count` equal parts of a year (a quarter, a half-year), as its last month. */
function nthPart(match: RegExpExecArray, unit: 'Quartal' | 'Halbjahr', count: number): FoundMonth {
  const n = Number(match[1] ?? match[2]);
  const month = n >= 1 && n <= count ? n * (12 / count) : 0;
  return foundMonth(match, Number(match[3]), month, unit);
}

function found(match: RegExpExecArray, year: number, month: number, day: number): FoundDate {
  const date = `${year}-${pad(month)}-${pad(day)}`;
  return { index: match.index, raw: match[0], date: isCivilDate(date) ? date : null };
}

function foundMonth(match: RegExpExecArray, year: number, month: number, unit: FoundMonth['unit'] = 'Monat', approximate = false): FoundMonth {
  const valid = month >= 1 && month <= 12 && year >= 1000;
  return { index: match.index, raw: match[0], month: valid ? `${year}-${pad(month)}` : null, unit, approximate };
}

function fullYear(year: string): string {
  return year.length === 2 ? `20${year}` : year;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
