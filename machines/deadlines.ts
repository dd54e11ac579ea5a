/**
 * Fristen: resolving a deadline (exact date, month, session, until further notice) to the civil
 * date in Europe/Berlin on which it falls, and moving it off weekends and public holidays.
 *
 * Pure: the sessions calendar and the calendar rules come in as arguments; nothing reads the
 * clock. Civil dates are handled as `YYYY-MM-DD` strings with UTC arithmetic, so the process's
 * own time zone never matters.
 */
import type Holidays from 'date-holidays';
import type { Deadline } from './body.events';
import { BUSINESS_DATES, beyondBusinessDates, germanDate, germanMonth, startOfBerlinDay, type CivilDate, type Instant } from './dates';

/** The German Länder by their ISO 3166-2 codes (without `DE-`), as date-holidays names them. */
export const LAENDER = ['BW', 'BY', 'BE', 'BB', 'HB', 'HE', 'HH', 'MV', 'NI', 'NW', 'RP', 'SL', 'SN', 'ST', 'SH', 'TH'] as const;
export type Land = (typeof LAENDER)[number];

export interface CalendarRules {
  /** Whose public holidays count: a Land, or null for the nationwide holidays only. */
  land: Land | null;
  /** § 193 BGB / § 31 Abs. 3 VwVfG: a deadline on a Saturday, Sunday or holiday moves to the next working day. */
  shiftToWorkingDay: boolean;
}

export const DEFAULT_CALENDAR_RULES: CalendarRules = { land: null, shiftToWorkingDay: true };

/** A session (Sitzung) of an issuing body, as the secretariat's sessions calendar knows it. */
export interface Session {
  issuer: string;
  number: number;
  date: CivilDate;
  /** When the calendar learnt this date (system time); absent: known all along. */
  recordedAt?: Instant;
  /** The days the session had before it was moved, oldest first, each with when it was recorded. */
  earlier?: ReadonlyArray<{ date: CivilDate; recordedAt: Instant }>;
}

export const WORKING_DAY_CITATION = '§ 193 BGB, § 31 Abs. 3 VwVfG';

/** Why a deadline moved: the days it skipped and the rule that skipped them. */
export interface WorkingDayShift {
  id: 'nextWorkingDay';
  citation: typeof WORKING_DAY_CITATION;
  skipped: Array<{ date: CivilDate; reason: string }>;
  /** German, e.g. `Samstag, 30.11.2024 → Montag, 02.12.2024 (§ 193 BGB, § 31 Abs. 3 VwVfG)`. */
  text: string;
}

/** Where the original date came from. */
export type DeadlineSource = 'date' | 'monthEnd' | 'monthSession' | 'session' | 'firstSession';

export interface ResolvedDeadline {
  resolved: true;
  source: DeadlineSource;
  /** The date the deadline names (or that its month or session stands for). */
  originalDate: CivilDate;
  /** The date it falls due after the working-day rule. */
  effectiveDate: CivilDate;
  /** The rule that moved it, or null when the original date stands. */
  rule: WorkingDayShift | null;
  /** The session it refers to, for session deadlines and months with a known session. */
  session: Session | null;
  /** German, e.g. `im November 2024 (Monatsende)`. */
  description: string;
}

export interface UnresolvedDeadline {
  resolved: false;
  /** `beyondBusinessDates`: the Frist names a day after 2100 (stored by an earlier release), which is never watched. */
  reason: 'untilFurtherNotice' | 'sessionUnknown' | 'beyondBusinessDates';
  description: string;
}

export type DeadlineResolution = ResolvedDeadline | UnresolvedDeadline;

export interface ResolveOptions {
  /** The sessions calendar. */
  sessions?: readonly Session[];
  /** Whose sessions count for a month deadline ("im November 2024" to the IT-PLR): the issuer id. */
  issuer?: string | null;
  rules?: CalendarRules;
}

const WEEKDAYS = ['Sonntag', 'Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag'];

/**
 * Resolves a deadline to its original and effective civil date.
 *
 * - `date`: that date.
 * - `month`: the date of the issuer's first known session in that month, else the month's last day.
 * - `session`: the date of that session, once the sessions calendar knows it; unresolved before.
 * - `firstSession`: the date of the issuer's earliest known session in that year; unresolved
 *   (never guessed) while the calendar knows none.
 * - `untilFurtherNotice`: never resolved.
 *
 * Month ends and exact dates then move to the next working day when the rule is on. A session
 * date is the day of the meeting itself and stays as it is: a report due "zur 45. Sitzung" that
 * moved past the session would miss it.
 *
 * The calendar counts as it was known when the Frist fell due: a session recorded or moved
 * (`recordedAt`, `earlier`) once the day the Frist then had has begun no longer moves it. Its
 * `reportDue` and `reportOverdue`, and the reminders before them, fell on that day, and the
 * Frist goes on saying so. Sessions recorded before still resolve it, held already or not.
 */
export function resolveDeadline(deadline: Deadline, options: ResolveOptions = {}): DeadlineResolution {
  if (namesDayBeyondBusinessDates(deadline)) return beyondTheRegister(describeDeadline(deadline));
  let resolution = resolveAgainst(deadline, [], options);
  const known = new Map<number, Session>();
  for (const version of sessionVersions(deadline, options.sessions ?? [], options.issuer ?? null)) {
    if (resolution.resolved && version.recordedAt >= startOfBerlinDay(resolution.effectiveDate)) break;
    known.set(version.number, version);
    resolution = resolveAgainst(deadline, [...known.values()], options);
  }
  return resolution;
}

/** A Frist on a day after BUSINESS_DATES, as described (`im Januar 10000`), resolved to none and never watched. */
export function beyondTheRegister(described: string): UnresolvedDeadline {
  return {
    resolved: false,
    reason: 'beyondBusinessDates',
    description: `${described}: liegt nach dem ${germanDate(BUSINESS_DATES.to)}, dem letzten Tag, den das Register kennt; die Frist wird nicht überwacht`,
  };
}

/**
 * Whether the Frist names a day, month or year after BUSINESS_DATES (see `beyondBusinessDates`):
 * a report due „im Dezember 9999“ that an earlier release took, or a later period of it
 * (`10000-01`). Such a Frist resolves to no day, so that nothing watching it ever falls due.
 */
function namesDayBeyondBusinessDates(deadline: Deadline): boolean {
  switch (deadline.kind) {
    case 'date':
      return beyondBusinessDates(deadline.date);
    case 'month':
      return beyondBusinessDates(`${deadline.month}-01`);
    case 'firstSession':
      return beyondBusinessDates(`${deadline.year}-01-01`);
    default:
      return false;
  }
}

/** One date a session had, and since when the calendar knew it ('' for known all along). */
interface SessionVersion extends Session {
  recordedAt: Instant;
}

/**
 * Every date the calendar gave a session that could decide the deadline, in the order the
 * calendar learnt them: of the sessions of its issuer that have, or once had, their day in the
 * deadline's month or year (for `session`: that session).
 */
function sessionVersions(deadline: Deadline, sessions: readonly Session[], monthIssuer: string | null): SessionVersion[] {
  let issuer: string | null;
  let counts: (session: Session) => boolean;
  switch (deadline.kind) {
    case 'session':
      issuer = deadline.issuer;
      counts = (s) => s.number === deadline.session;
      break;
    case 'firstSession':
      issuer = deadline.issuer;
      counts = (s) => hadDayIn(s, `${deadline.year}-`);
      break;
    case 'month':
      issuer = monthIssuer;
      counts = (s) => hadDayIn(s, `${deadline.month}-`);
      break;
    default:
      return [];
  }
  const versions: SessionVersion[] = [];
  for (const s of sessions) {
    if (s.issuer !== issuer || !counts(s)) continue;
    for (const e of s.earlier ?? []) versions.push({ issuer: s.issuer, number: s.number, date: e.date, recordedAt: e.recordedAt });
    versions.push({ issuer: s.issuer, number: s.number, date: s.date, recordedAt: s.recordedAt ?? '' });
  }
  // Stable: the days of one session stay in their order.
  return versions.length > 1 ? versions.sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0)) : versions;
}

/** Whether the session has, or once had, its day in the year or month (`2025-`, `2024-11-`). */
function hadDayIn(session: Session, prefix: string): boolean {
  return session.date.startsWith(prefix) || (session.earlier?.some((e) => e.date.startsWith(prefix)) ?? false);
}

/** The deadline against exactly these sessions. */
function resolveAgainst(deadline: Deadline, sessions: readonly Session[], options: ResolveOptions): DeadlineResolution {
  const rules = options.rules ?? DEFAULT_CALENDAR_RULES;
  switch (deadline.kind) {
    case 'untilFurtherNotice':
      return { resolved: false, reason: 'untilFurtherNotice', description: 'bis auf Weiteres' };
    case 'session': {
      const session = sessions.find((s) => s.issuer === deadline.issuer && s.number === deadline.session);
      const description = `zur ${deadline.session}. Sitzung (${deadline.issuer})`;
      if (!session) {
        return { resolved: false, reason: 'sessionUnknown', description: `${description}, Termin noch nicht bekannt` };
      }
      return atSession('session', session, `${description} am ${germanDate(session.date)}`);
    }
    case 'firstSession': {
      const session = sessions
        .filter((s) => s.issuer === deadline.issuer && s.date.startsWith(`${deadline.year}-`))
        .sort((a, b) => a.date.localeCompare(b.date) || a.number - b.number)[0];
      const description = `zur ersten Sitzung ${deadline.year} (${deadline.issuer})`;
      if (!session) {
        return { resolved: false, reason: 'sessionUnknown', description: `${description}, Termin noch nicht bekannt` };
      }
      return atSession('firstSession', session, `${description}: ${session.number}. Sitzung am ${germanDate(session.date)}`);
    }
    case 'month': {
      const [year, month] = deadline.month.split('-').map(Number);
      const monthName = germanMonth(deadline.month);
      const session = options.issuer
        ? sessions
            .filter((s) => s.issuer === options.issuer && s.date.startsWith(`${deadline.month}-`))
            .sort((a, b) => a.date.localeCompare(b.date) || a.number - b.number)[0]
        : undefined;
      if (session) {
        return atSession('monthSession', session, `im ${monthName} (${session.number}. Sitzung am ${germanDate(session.date)})`);
      }
      return onDate('monthEnd', lastDayOfMonth(year, month), `im ${monthName} (Monatsende)`, rules);
    }
    case 'date':
      return onDate('date', deadline.date, `bis ${germanDate(deadline.date)}`, rules);
  }
}

/**
 * A Frist as people say it, without resolving it: `31.03.2025`, `im November 2024`,
 * `zur 45. Sitzung (IT-PLR)`, `zur ersten Sitzung 2026 (IT-PLR)`, `bis auf Weiteres`.
 */
export function describeDeadline(deadline: Deadline): string {
  switch (deadline.kind) {
    case 'date':
      return germanDate(deadline.date);
    case 'month':
      return `im ${germanMonth(deadline.month)}`;
    case 'session':
      return `zur ${deadline.session}. Sitzung (${deadline.issuer})`;
    case 'firstSession':
      return `zur ersten Sitzung ${deadline.year} (${deadline.issuer})`;
    case 'untilFurtherNotice':
      return 'bis auf Weiteres';
  }
}

/** Whether two Fristen are the same as written (`im März 2027` is not `31.03.2027`). */
export function sameDeadline(a: Deadline, b: Deadline): boolean {
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  const fields = a as Record<string, unknown>;
  const other = b as Record<string, unknown>;
  return keysA.length === keysB.length && keysA.every((key) => fields[key] === other[key]);
}

/** A Frist after what is due, as the forms write it: `zum 31.03.2025`, `im November 2024`, `zur 45. Sitzung (IT-PLR)`. */
export function describeDue(deadline: Deadline): string {
  return deadline.kind === 'date' ? `zum ${germanDate(deadline.date)}` : describeDeadline(deadline);
}

function atSession(source: DeadlineSource, session: Session, description: string): ResolvedDeadline {
  return {
    resolved: true,
    source,
    originalDate: session.date,
    effectiveDate: session.date,
    rule: null,
    session: { issuer: session.issuer, number: session.number, date: session.date },
    description,
  };
}

function onDate(source: DeadlineSource, date: CivilDate, description: string, rules: CalendarRules): ResolvedDeadline {
  const rule = rules.shiftToWorkingDay ? workingDayShift(date, rules.land) : null;
  return {
    resolved: true,
    source,
    originalDate: date,
    effectiveDate: rule ? addDays(date, rule.skipped.length) : date,
    rule,
    session: null,
    description,
  };
}

const shifts = new Map<string, WorkingDayShift | null>();

/** The shift § 193 BGB asks for, or null when the date is a working day already. */
export function workingDayShift(date: CivilDate, land: Land | null): WorkingDayShift | null {
  // Pure and asked for the same few dates again and again (every report obligation, every
  // write): computed once per date and Land. The shift is shared: nobody changes it.
  const key = `${date}/${land ?? 'DE'}`;
  let shift = shifts.get(key);
  if (shift === undefined) {
    shift = computeWorkingDayShift(date, land);
    if (shifts.size >= 10_000) shifts.clear();
    shifts.set(key, shift);
  }
  return shift;
}

function computeWorkingDayShift(date: CivilDate, land: Land | null): WorkingDayShift | null {
  const skipped: Array<{ date: CivilDate; reason: string }> = [];
  let day = date;
  for (let reason = nonWorkingReason(day, land); reason !== null; reason = nonWorkingReason(day, land)) {
    skipped.push({ date: day, reason });
    day = addDays(day, 1);
  }
  if (skipped.length === 0) return null;
  return {
    id: 'nextWorkingDay',
    citation: WORKING_DAY_CITATION,
    skipped,
    text: `${describeDay(date, land)} → ${weekdayName(day)}, ${germanDate(day)} (${WORKING_DAY_CITATION})`,
  };
}

/** The next working day on or after the date. */
export function nextWorkingDay(date: CivilDate, land: Land | null): CivilDate {
  return addDays(date, workingDayShift(date, land)?.skipped.length ?? 0);
}

export function isWorkingDay(date: CivilDate, land: Land | null): boolean {
  return nonWorkingReason(date, land) === null;
}

/** Why the date is no working day (`Samstag`, `Sonntag`, `Feiertag: Tag der Deutschen Einheit`), or null. */
export function nonWorkingReason(date: CivilDate, land: Land | null): string | null {
  const holiday = holidaysOf(Number(date.slice(0, 4)), land).find((h) => h.date === date);
  if (holiday) return `Feiertag: ${holiday.name}`;
  const weekday = weekdayOf(date);
  if (weekday === 6) return 'Samstag';
  if (weekday === 0) return 'Sonntag';
  return null;
}

function describeDay(date: CivilDate, land: Land | null): string {
  const holiday = holidaysOf(Number(date.slice(0, 4)), land).find((h) => h.date === date);
  return `${weekdayName(date)}, ${germanDate(date)}${holiday ? ` (${holiday.name})` : ''}`;
}

const holidayCache = new Map<string, ReadonlyArray<{ date: CivilDate; name: string }>>();
const calendars = new Map<string, Holidays>();

/**
 * The public holidays of a year: those of the whole Land, or the nationwide ones for null.
 *
 * The data is date-holidays' (state level, type `public` only). Holidays that only some
 * municipalities keep — Mariä Himmelfahrt in Bavaria's Catholic municipalities, the Augsburger
 * Friedensfest, Fronleichnam in parts of Saxony and Thuringia — are observances at state level
 * there and move no deadline. One-off state holidays count (Berlin: 08.05.2020 and 08.05.2025,
 * Tag der Befreiung). date-holidays gives each day as a civil `YYYY-MM-DD hh:mm:ss` string in the
 * country's time zone, so the process's own time zone never matters.
 */
export function holidaysOf(year: number, land: Land | null): ReadonlyArray<{ date: CivilDate; name: string }> {
  const cacheKey = `${year}/${land ?? 'DE'}`;
  let holidays = holidayCache.get(cacheKey);
  if (!holidays) {
    holidays = calendarOf(land)
      .getHolidays(year)
      .filter((h) => h.type === 'public')
      .map((h) => ({ date: h.date.slice(0, 10) as CivilDate, name: h.name }));
    holidayCache.set(cacheKey, holidays);
  }
  return holidays;
}

function calendarOf(land: Land | null): Holidays {
  const key = land ?? 'DE';
  let calendar = calendars.get(key);
  if (!calendar) {
    // Loaded on first use: its data for every country would otherwise be read at every start.
    const Calendar: typeof Holidays = require('date-holidays');
    calendar = land ? new Calendar('DE', land, { languages: ['de'] }) : new Calendar('DE', { languages: ['de'] });
    calendars.set(key, calendar);
  }
  return calendar;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: CivilDate): number {
  return toUtc(date).getUTCDay();
}

export function weekdayName(date: CivilDate): string {
  return WEEKDAYS[weekdayOf(date)];
}

const shiftedDays = new Map<string, CivilDate>();

export function addDays(date: CivilDate, days: number): CivilDate {
  // Every derivation of reminders asks for the same offsets of the same dates: computed once.
  const key = `${date}${days < 0 ? '' : '+'}${days}`;
  let shifted = shiftedDays.get(key);
  if (shifted === undefined) {
    shifted = computeAddDays(date, days);
    if (shiftedDays.size >= 10_000) shiftedDays.clear();
    shiftedDays.set(key, shifted);
  }
  return shifted;
}

function computeAddDays(date: CivilDate, days: number): CivilDate {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return civil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** A report due on `due` is overdue from the next day on: „überfällig seit“ names that day. */
export function overdueSince(due: CivilDate): CivilDate {
  return addDays(due, 1);
}

/** A term approved until `lastDay` runs through that day and has expired on the next one. */
export function expiredOn(lastDay: CivilDate): CivilDate {
  return addDays(lastDay, 1);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CivilDate, to: CivilDate): number {
  return Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / 86_400_000);
}

export function lastDayOfMonth(year: number, month: number): CivilDate {
  return civil(year, month, new Date(Date.UTC(year, month, 0)).getUTCDate());
}

function toUtc(date: CivilDate): Date {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day));
}

function civil(year: number, month: number, day: number): CivilDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
