/**
 * Recurring report obligations: when one period is submitted, the next one is owed. Pure.
 */
import type { Deadline, Recurrence } from './body.events';
import type { CivilDate } from './dates';
import { lastDayOfMonth } from './deadlines';

/**
 * The deadline of the next period: a day so many months later (a month's last day stays the last
 * day: 31.01. → 28.02. → 31.03.), a month so many months later, or the first session of the year
 * so many years later. Other deadlines do not recur (the schema refuses them).
 */
export function nextDue(due: Deadline, recurrence: Recurrence): Deadline {
  const n = recurrence.everyMonths;
  switch (due.kind) {
    case 'date': {
      const [year, month, day] = due.date.split('-').map(Number);
      const [y, m] = addMonths(year, month, n);
      const lastDay = Number(lastDayOfMonth(y, m).slice(8));
      const d = due.date === lastDayOfMonth(year, month) ? lastDay : Math.min(day, lastDay);
      return { kind: 'date', date: `${y}-${pad(m)}-${pad(d)}` };
    }
    case 'month': {
      const [year, month] = due.month.split('-').map(Number);
      const [y, m] = addMonths(year, month, n);
      return { kind: 'month', month: `${y}-${pad(m)}` };
    }
    case 'firstSession':
      return { kind: 'firstSession', issuer: due.issuer, year: due.year + Math.max(1, Math.round(n / 12)) };
    default:
      return due;
  }
}

/**
 * Whether a Frist certainly falls on or after the day, as far as the chart knows without the
 * sessions calendar: a date on itself, a month on its last day ("im Januar 2026": by 31.01.2026),
 * the first session of a year no earlier than 1 January of that year. A session not yet in the
 * calendar or "bis auf Weiteres" falls on no known day: not certainly.
 */
export function dueOnOrAfter(due: Deadline, day: CivilDate): boolean {
  switch (due.kind) {
    case 'date':
      return due.date >= day;
    case 'month': {
      const [year, month] = due.month.split('-').map(Number);
      return lastDayOfMonth(year, month) >= day;
    }
    case 'firstSession':
      return `${due.year}-01-01` >= day;
    default:
      return false;
  }
}

/** German: `jährlich`, `halbjährlich`, `vierteljährlich`, `alle 2 Jahre`, `alle 4 Monate`. */
export function describeRecurrence(recurrence: Recurrence): string {
  const n = recurrence.everyMonths;
  if (n === 12) return 'jährlich';
  if (n === 6) return 'halbjährlich';
  if (n === 3) return 'vierteljährlich';
  if (n === 1) return 'monatlich';
  if (n % 12 === 0) return `alle ${n / 12} Jahre`;
  return `alle ${n} Monate`;
}

function addMonths(year: number, month: number, n: number): [number, number] {
  const index = year * 12 + (month - 1) + n;
  return [Math.floor(index / 12), (index % 12) + 1];
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
