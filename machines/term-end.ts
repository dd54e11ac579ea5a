/**
 * The end of a term as a decision writes it: a day ("bis zum 31.03.2025"), a month ("zunächst bis
 * Juli 2011") or a year ("bis Ende 2025"). It is kept as written and resolved by one rule: a month
 * or a year ends with its last day (§ 192 BGB reads "Ende des Monats" as the month's last day), so
 * "bis Juli 2011" runs through 31.07.2011 and the term expires on 01.08.2011. Whether the resolved
 * day then moves off a weekend is the business of whoever uses it (report deadlines move, § 193 BGB;
 * the end of a term does not, as before).
 *
 * A quarter ("im 1. Quartal 2026", "bis Ende des 2. Quartals 2026") has no form of its own: the
 * form import reads it as the quarter's last month (2026-03, 2026-06), which this rule then
 * resolves to the quarter's last day (31.03.2026, 30.06.2026).
 *
 * Pure: no clock.
 */
import { germanDate, germanMonth, type CivilDate } from './dates';

export type TermEnd = CivilDate | { month: string } | { year: string };

/** A term end written coarser than a day; absent (`undefined`) for an exact day. */
export type CoarseTermEnd = Exclude<TermEnd, CivilDate>;

/** The last day the term covers. */
export function termEndDate(end: TermEnd): CivilDate {
  if (typeof end === 'string') return end;
  if ('month' in end) {
    const [year, month] = end.month.split('-').map(Number);
    const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return `${end.month}-${String(day).padStart(2, '0')}`;
  }
  return `${end.year}-12-31`;
}

/** As written, in German: `31.03.2025`, `Juli 2011`, `Ende 2025`. */
export function describeTermEnd(end: TermEnd): string {
  if (typeof end === 'string') return germanDate(end);
  if ('month' in end) return germanMonth(end.month);
  return `Ende ${end.year}`;
}

/** As written, with the resolved day where it is not a day already: `Juli 2011 (bis 31.07.2011)`. */
export function describeTermEndWithDay(end: TermEnd): string {
  return typeof end === 'string' ? germanDate(end) : `${describeTermEnd(end)} (bis ${germanDate(termEndDate(end))})`;
}

/** The coarse form to keep beside the resolved day, or undefined for a day. */
export function coarseTermEnd(end: TermEnd): CoarseTermEnd | undefined {
  return typeof end === 'string' ? undefined : end;
}
