/**
 * Durable timers, derived from a body's persisted snapshot.
 *
 * XState's `after` timers live in memory and die with the process. Instead, after every event
 * the service derives from the new snapshot the deadlines (Fristen) the body has and the timers
 * that watch them: the system events the scheduler sends (`started`, `reportDue`,
 * `reportOverdue`, `termExpiring`, `termExpired`) and the reminders it writes to the outbox.
 * Each has a deterministic key `<bodyId>/<kind>/<ref>`, so deriving twice gives the same rows
 * and a transition that makes a timer obsolete simply no longer derives it.
 *
 * Pure: the sessions calendar, the calendar rules and the reminder policy come in as arguments.
 */
import type { BodyContext, ReportObligation } from './body.context';
import type { Deadline } from './body.events';
import { berlinDate, beyondBusinessDates, germanDate, startOfBerlinDay, type CivilDate, type Instant } from './dates';
import {
  addDays,
  beyondTheRegister,
  resolveDeadline,
  DEFAULT_CALENDAR_RULES,
  type CalendarRules,
  type DeadlineResolution,
  type Session,
} from './deadlines';
import { obligationLabel, reportTitle } from './labels';
import { addresseeName } from './vocabulary';
import type { PersistedBody } from './lifecycle';

/**
 * The label of a report's Frist: its title (a later period's is its series') and its addressee by
 * name, „Abschlussbericht an IT-Planungsrat“ also where the obligation stores `IT-PLR`.
 */
export function reportFristLabel(obligation: Pick<ReportObligation, 'kind' | 'addressee'>, title: string | null): string {
  return `${obligationLabel({ kind: obligation.kind, title })} an ${addresseeName(obligation.addressee)}`;
}

/** When reminders go out, in days relative to a deadline's effective date (negative: before). */
export interface ReminderPolicy {
  report: {
    /** Days before the effective date, e.g. [28, 7]. */
    daysBefore: number[];
    onTheDay: boolean;
    /** While a report is overdue: a reminder every so many days after the deadline (0: none) … */
    overdueEveryDays: number;
    /** … at most this many times. */
    overdueMaxReminders: number;
  };
  term: {
    /** Days before the approved-until date, e.g. [90, 30, 7]. */
    daysBefore: number[];
    /** One reminder the day after the term ended without an extension. */
    onExpiry: boolean;
  };
  /** How many days before the approved-until date the term counts as ending soon (`termExpiring`). */
  termExpiringDays: number;
}

/**
 * True while the policy reminds of overdue reports: every so many days
 * (REMINDER_REPORT_OVERDUE_EVERY_DAYS), at most so many times (REMINDER_REPORT_OVERDUE_MAX),
 * neither of them 0.
 */
export const remindsOfOverdueReports = ({ report }: Pick<ReminderPolicy, 'report'>): boolean => report.overdueEveryDays > 0 && report.overdueMaxReminders > 0;

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  report: { daysBefore: [28, 7], onTheDay: true, overdueEveryDays: 7, overdueMaxReminders: 12 },
  term: { daysBefore: [90, 30, 7], onExpiry: true },
  termExpiringDays: 90,
};

export interface TimerOptions {
  sessions?: readonly Session[];
  rules?: CalendarRules;
  policy?: ReminderPolicy;
  /** Maps a report's addressee (`IT-Planungsrat`, `AL-Runde`, …) to the issuer whose sessions count. */
  issuerOf?: (addressee: string) => string | null;
  /**
   * The business time of the body's last event. The write path refuses an event dated before
   * it, so no system event falls due earlier (reminders, which are no events, may).
   */
  notBefore?: Instant;
}

/** A Frist of a body, with its resolution. */
export interface BodyDeadline {
  key: string;
  bodyId: string;
  kind: 'start' | 'report' | 'termEnd';
  /** The obligation id for reports (`r1`), `begin` for the start, `end` for the term end. */
  ref: string;
  /**
   * German, e.g. `Zwischenbericht an IT-Planungsrat`; a report with a title (its own, or a later
   * period's its series') names it first: `Jährlicher Sachstandsbericht (Zwischenbericht) an IT-Planungsrat`.
   */
  label: string;
  deadline: Deadline;
  resolution: DeadlineResolution;
  status: 'open' | 'due' | 'overdue' | 'met';
  /** The day it was met (a report: the day it was submitted), or null while it is not. */
  metOn: CivilDate | null;
  obligationId: string | null;
}

export type SystemEventType = 'started' | 'reportDue' | 'reportOverdue' | 'termExpiring' | 'termExpired';

interface TimerBase {
  /** `<bodyId>/<kind>/<ref>`. */
  key: string;
  bodyId: string;
  ref: string;
  /** The civil date on which the timer fires, and the instant that day begins in Berlin (UTC). */
  dueOn: CivilDate;
  dueAt: Instant;
  /** The Frist the timer watches. */
  deadlineKey: string;
}

export interface EventTimer extends TimerBase {
  kind: SystemEventType;
  event: { type: SystemEventType; data: Record<string, string> };
}

export type ReminderPhase = 'before' | 'onTheDay' | 'overdue' | 'termEnding' | 'termExpired';

export interface ReminderTimer extends TimerBase {
  kind: 'reminder';
  reminder: {
    subject: 'report' | 'term';
    phase: ReminderPhase;
    obligationId: string | null;
    /** The effective date of the watched deadline. */
    deadlineOn: CivilDate;
    /** Days from the deadline to the nominal reminder date (negative: before). */
    offsetDays: number;
    /** Also to the secretariat, not only to the body's leads. */
    escalate: boolean;
    /** `<obligationId>@<deadlineOn>` or `term@<deadlineOn>`: a later reminder of a series supersedes the earlier ones still unsent. */
    series: string;
  };
}

export type Timer = EventTimer | ReminderTimer;

interface ActiveRegions {
  term: string;
  reporting: string;
  closure: string;
}

function activeRegions(persisted: PersistedBody): ActiveRegions | null {
  const value = persisted.value;
  if (typeof value !== 'object' || value === null || !('active' in value)) return null;
  return value.active as unknown as ActiveRegions;
}

const isEstablished = (persisted: PersistedBody) => persisted.value === 'established';

/** The date a body in `established` starts: its planned start, but never before the approval. */
export function plannedStartDate(context: BodyContext): CivilDate | null {
  if (!context.approvedOn) return null;
  return context.profile.start > context.approvedOn ? context.profile.start : context.approvedOn;
}

/** A Frist of a body with the timers that watch it: what the service brings in line together. */
export interface DeadlineUnit {
  /** The Frist's key (`<bodyId>/report/r1`), which its timers name as `deadlineKey`. */
  key: string;
  deadline: BodyDeadline;
  timers: readonly Timer[];
}

/**
 * The Fristen of a body that is established or active, each with its timers: its start (while it
 * has not started), every report obligation not waived, and the end of its term (unless
 * permanent). Other states have none.
 *
 * A report obligation's Frist and timers are computed once per obligation object and calendar
 * (sessions, rules, policy and issuers compared by identity) and then reused: the reducers
 * replace only the obligations an event changes, so two consecutive snapshots share the units of
 * every other obligation (the very same objects) unless the floor (`notBefore`) reaches them.
 */
export function deriveUnits(bodyId: string, persisted: PersistedBody, options: TimerOptions = {}): DeadlineUnit[] {
  const calendar = [options.sessions, options.rules, options.issuerOf, options.policy];
  const known = derivedUnits.get(persisted.context);
  if (known && known.bodyId === bodyId && known.notBefore === options.notBefore && sameParts(known.calendar, calendar) && sameValue(known.value, persisted.value)) {
    return known.units;
  }
  const units = unitsOf(bodyId, persisted, options);
  derivedUnits.set(persisted.context, { bodyId, value: persisted.value, notBefore: options.notBefore, calendar, units });
  return units;
}

/**
 * The last derivation per context object. A write derives the snapshot before its event and the
 * one after it; the one before is the previous write's after, the very same context object (the
 * reducers never change a context in place), so it is derived only once.
 */
const derivedUnits = new WeakMap<BodyContext, { bodyId: string; value: unknown; notBefore: Instant | undefined; calendar: readonly unknown[]; units: DeadlineUnit[] }>();

function sameParts(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function unitsOf(bodyId: string, persisted: PersistedBody, options: TimerOptions): DeadlineUnit[] {
  const { context } = persisted;
  const active = activeRegions(persisted);
  if (!active && !isEstablished(persisted)) return [];
  const policy = options.policy ?? DEFAULT_REMINDER_POLICY;
  const units: DeadlineUnit[] = [];
  if (!active) {
    const start = plannedStartDate(context);
    if (start) {
      const key = `${bodyId}/start/begin`;
      units.push({
        key,
        deadline: {
          key,
          bodyId,
          kind: 'start',
          ref: 'begin',
          label: 'Beginn der Tätigkeit',
          deadline: { kind: 'date', date: start },
          resolution: exactly(start, start === context.profile.start ? 'geplanter Beginn' : 'Beginn mit dem Einrichtungsbeschluss'),
          status: 'open',
          metOn: null,
          obligationId: null,
        },
        timers: [eventTimer(bodyId, 'started', start, start, floorOf(start, options.notBefore), {}, key)],
      });
    }
  }
  // Reports and the term are watched once the body has started.
  const floor = active && context.startedOn ? floorOf(context.startedOn, options.notBefore) : null;
  for (const unit of reportUnits(bodyId, context.obligations, options, policy, floor)) units.push(unit);
  if (!context.permanent && context.approvedUntil) {
    const term = termDerivation(bodyId, context.approvedUntil, active?.term ?? null, policy);
    units.push({ key: term.deadline.key, deadline: term.deadline, timers: floor && active ? term.timersFrom(floor) : NO_TIMERS });
  }
  return units;
}

/** True when two derivations of a Frist give the same rows. */
export function sameUnit(a: DeadlineUnit, b: DeadlineUnit): boolean {
  return a.key === b.key && sameJson(a.deadline, b.deadline) && sameJson(a.timers, b.timers);
}

/**
 * True when both values write the same JSON: the same keys in the same order with the same
 * values (derivations build their objects in one order; comparing them directly spares writing
 * both out on every write).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
  return keysA.every((key, i) => key === keysB[i] && sameJson(x[key], y[key]));
}

/** The Fristen of a body (see `deriveUnits`). */
export function deriveDeadlines(bodyId: string, persisted: PersistedBody, options: TimerOptions = {}): BodyDeadline[] {
  return deriveUnits(bodyId, persisted, options).map((unit) => unit.deadline);
}

/**
 * The timers of a body: the system events the scheduler will send and the reminders it will
 * write, each due at the start of its day in Berlin. A timer never falls before the day the
 * body entered the state that handles it (its approval for `started`, its start for the rest):
 * what would have been due earlier falls due on that day, and of the reminders only the latest
 * of those is kept.
 */
export function deriveTimers(bodyId: string, persisted: PersistedBody, options: TimerOptions = {}): Timer[] {
  return deriveUnits(bodyId, persisted, options)
    .flatMap((unit) => unit.timers)
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.key.localeCompare(b.key));
}

const NO_TIMERS: readonly Timer[] = Object.freeze([]);

/** Before every instant: with it, each timer falls due on its own day. */
const NO_FLOOR: Floor = { on: '0000-01-01', at: '', entered: { on: '0000-01-01', at: '' } };

/** The report units of one list of obligations, for one calendar and floor. */
interface ReportUnits {
  bodyId: string;
  calendar: readonly unknown[];
  floor: Floor | null;
  /**
   * The units hold for every later floor before this instant (the earliest of their timers at or
   * after the floor): none of them moves until a floor passes one. Null when a system event lies
   * below the floor (it falls due at the floor itself): then they hold for that floor only.
   */
  holdUntil: Instant | null;
  obligations: readonly ReportObligation[];
  derivations: readonly ReportDerivation[];
  units: readonly DeadlineUnit[];
}

/**
 * The report units per obligations list. An event that changes no obligation leaves the very
 * same list in the next context, so while the floor does not pass a timer of theirs the units
 * are reused as a whole instead of being looked up obligation by obligation (hundreds on some
 * bodies): each event moves the floor to its own time.
 */
const reportUnitsByList = new WeakMap<readonly ReportObligation[], ReportUnits>();

/**
 * The report units derived last. An event that changes an obligation replaces that one object in
 * a new list; the next list derived (mostly the same body's, e.g. each event of a catch-up) takes
 * the derivations of every obligation still in its place from here instead of looking each up.
 */
let latestReportUnits: ReportUnits | null = null;

function unitsHold(known: ReportUnits, floor: Floor | null): boolean {
  if (!known.floor || !floor) return known.floor === floor;
  if (known.floor.entered.at !== floor.entered.at) return false;
  if (known.floor.at === floor.at) return true;
  return known.holdUntil !== null && known.floor.at <= floor.at && floor.at < known.holdUntil;
}

/** See `ReportUnits.holdUntil`. */
function holdUntil(derivations: readonly ReportDerivation[], floor: Floor): Instant | null {
  let next = '\uffff';
  for (const derivation of derivations) {
    const held = derivation.timersFrom.heldUntil(floor.at);
    if (held === null) return null;
    if (held < next) next = held;
  }
  return next;
}

function reportUnits(
  bodyId: string,
  obligations: readonly ReportObligation[],
  options: TimerOptions,
  policy: ReminderPolicy,
  floor: Floor | null,
): readonly DeadlineUnit[] {
  const calendar = [options.sessions, options.rules, options.issuerOf, policy];
  const known = reportUnitsByList.get(obligations);
  if (known && known.bodyId === bodyId && sameParts(known.calendar, calendar) && unitsHold(known, floor)) return known.units;
  const latest = latestReportUnits?.bodyId === bodyId && sameParts(latestReportUnits.calendar, calendar) ? latestReportUnits : null;
  const derivations = obligations.map((obligation, i) => {
    // A later period of a series is named by the series' title: it changes with another obligation.
    const title = reportTitle(obligation, obligations);
    const reused = latest?.obligations[i] === obligation ? latest.derivations[i] : undefined;
    return reused?.title === title ? reused : reportDerivation(bodyId, obligation, title, calendar, options, policy);
  });
  // A waived report is owed no more: it has no Frist (and so no timers) at all.
  const units = derivations.flatMap((derivation, i) => (obligations[i].state === 'waived' ? [] : [derivation.unitFrom(floor)]));
  latestReportUnits = { bodyId, calendar, floor, holdUntil: floor && holdUntil(derivations, floor), obligations, derivations, units };
  reportUnitsByList.set(obligations, latestReportUnits);
  return units;
}

/** A report obligation's Frist and timers, for one calendar. */
interface ReportDerivation {
  bodyId: string;
  /** The report's title, its own or its series' (`reportTitle`), which its Frist's label names. */
  title: string | null;
  calendar: readonly unknown[];
  deadline: BodyDeadline;
  /** Its timers as of the floor (the same array for every floor that reaches none of them). */
  timersFrom: FlooredTimers;
  /** Its unit as of the floor (none: not yet watched), the same object while its timers stay the same. */
  unitFrom(floor: Floor | null): DeadlineUnit;
}

const reportDerivations = new WeakMap<ReportObligation, ReportDerivation>();

function reportDerivation(
  bodyId: string,
  obligation: ReportObligation,
  title: string | null,
  calendar: readonly unknown[],
  options: TimerOptions,
  policy: ReminderPolicy,
): ReportDerivation {
  const known = reportDerivations.get(obligation);
  if (known && known.bodyId === bodyId && known.title === title && sameParts(known.calendar, calendar)) return known;
  const resolution = resolveReport(obligation, options);
  const key = `${bodyId}/report/${obligation.id}`;
  const derivation: ReportDerivation = {
    bodyId,
    title,
    calendar,
    deadline: {
      key,
      bodyId,
      kind: 'report',
      ref: obligation.id,
      label: reportFristLabel(obligation, title),
      deadline: obligation.due,
      resolution,
      status: reportStatus(obligation),
      metOn: reportStatus(obligation) === 'met' ? obligation.submittedOn : null,
      obligationId: obligation.id,
    },
    timersFrom: flooredTimers((floor) => reportTimers(bodyId, key, obligation, resolution, floor, policy)),
    unitFrom: (floor) => {
      const timers = floor ? derivation.timersFrom(floor) : NO_TIMERS;
      if (unit?.timers !== timers) unit = { key, deadline: derivation.deadline, timers };
      return unit;
    },
  };
  let unit: DeadlineUnit | null = null;
  reportDerivations.set(obligation, derivation);
  return derivation;
}

/** The end of a body's term: its Frist and timers, for one term region and reminder policy. */
interface TermDerivation {
  policy: ReminderPolicy;
  deadline: BodyDeadline;
  timersFrom: FlooredTimers;
}

/**
 * Term derivations by body, term end and region: consecutive snapshots of a body whose term did
 * not change share the very same Frist and timers, so comparing them costs nothing.
 */
const termDerivations = new Map<string, TermDerivation>();

function termDerivation(bodyId: string, until: CivilDate, term: string | null, policy: ReminderPolicy): TermDerivation {
  const cacheKey = `${bodyId}|${until}|${term}`;
  const known = termDerivations.get(cacheKey);
  if (known && known.policy === policy) return known;
  const key = `${bodyId}/term/end`;
  // A term „bis Ende 9999“ an earlier release took: its end is never watched (see resolveDeadline).
  const beyond = beyondBusinessDates(until);
  const derivation: TermDerivation = {
    policy,
    deadline: {
      key,
      bodyId,
      kind: 'termEnd',
      ref: 'end',
      label: 'Ende der Laufzeit (befristet bis)',
      deadline: { kind: 'date', date: until },
      // The end of a term is not a deadline for an action: it does not move off weekends.
      resolution: beyond ? beyondTheRegister(`befristet bis ${germanDate(until)}`) : exactly(until, `befristet bis ${germanDate(until)}`),
      status: term === 'expired' ? 'overdue' : term === 'expiring' ? 'due' : 'open',
      metOn: null,
      obligationId: null,
    },
    timersFrom: flooredTimers((floor) => (term === null || beyond ? [] : termTimers(bodyId, until, term, floor, policy))),
  };
  if (termDerivations.size >= 10_000) termDerivations.clear();
  termDerivations.set(cacheKey, derivation);
  return derivation;
}

/**
 * Timers as of a floor, computed once without one: a floor at or before the earliest of them
 * moves none, so every such floor gets the same array. A later floor computes them again only
 * when it changes them: when it passes another reminder's own day, or while a system event lies
 * below it (that one falls due at the floor itself). An idle body's overdue obligations, whose
 * only timer below the floor is their latest reminder, thus keep the same array from one event
 * to the next (kept for the last such floor).
 */
type FlooredTimers = ((floor: Floor) => readonly Timer[]) & {
  /**
   * The earliest of the timers at or after the instant (none: '\uffff'), before which a later
   * floor moves none of them; null when a system event lies below it.
   */
  heldUntil(at: Instant): Instant | null;
};

function flooredTimers(compute: (floor: Floor) => readonly Timer[]): FlooredTimers {
  const unfloored = compute(NO_FLOOR);
  // Each timer's own day, once: the reminders' in order, the system events' earliest. A floor at
  // or before the earliest of all moves none of them.
  const reminderDays = unfloored.filter((timer) => timer.kind === 'reminder').map((timer) => timer.dueAt).sort();
  const firstEvent = unfloored.reduce((min, timer) => (timer.kind !== 'reminder' && timer.dueAt < min ? timer.dueAt : min), '\uffff');
  const earliest = reminderDays.length > 0 && reminderDays[0] < firstEvent ? reminderDays[0] : firstEvent;
  // Kept for the last floor: the timers are the same for every floor that entered on the same
  // day and passed as many reminders, unless a system event lies below it (then it falls due at
  // exactly that floor).
  let floored: { entered: Instant; late: number; exactly: Instant | null; timers: readonly Timer[] } | null = null;
  const timersFrom = (floor: Floor) => {
    if (floor.at <= earliest) return unfloored;
    const exactly = firstEvent < floor.at ? floor.at : null;
    const late = exactly === null ? remindersBefore(reminderDays, floor.at) : -1;
    if (floored?.entered !== floor.entered.at || floored.late !== late || floored.exactly !== exactly) {
      floored = { entered: floor.entered.at, late, exactly, timers: compute(floor) };
    }
    return floored.timers;
  };
  const heldUntil = (at: Instant): Instant | null => {
    if (firstEvent < at) return null;
    const next = reminderDays[remindersBefore(reminderDays, at)];
    return next !== undefined && next < firstEvent ? next : firstEvent;
  };
  return Object.assign(timersFrom, { heldUntil });
}

/** How many of the sorted days lie before the instant. */
function remindersBefore(days: readonly Instant[], at: Instant): number {
  let low = 0;
  let high = days.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (days[middle] < at) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The timers of one report obligation while it is open: reportDue, reportOverdue and its reminders. */
function reportTimers(
  bodyId: string,
  deadlineKey: string,
  obligation: ReportObligation,
  resolution: DeadlineResolution,
  floor: Floor,
  policy: ReminderPolicy,
): Timer[] {
  if (!['pending', 'due', 'overdue'].includes(obligation.state) || !resolution.resolved) return [];
  const timers: Timer[] = [];
  const due = resolution.effectiveDate;
  const data = { obligationId: obligation.id };
  if (obligation.state === 'pending') {
    timers.push(eventTimer(bodyId, 'reportDue', obligation.id, due, floor, data, deadlineKey));
  }
  if (obligation.state !== 'overdue') {
    // A deadline runs to the end of its day (§ 188 BGB): overdue from the next day on.
    timers.push(eventTimer(bodyId, 'reportOverdue', obligation.id, addDays(due, 1), floor, data, deadlineKey));
  }
  const series = `${obligation.id}@${due}`;
  const nominal: Array<{ offset: number; phase: ReminderPhase; escalate: boolean }> = [
    ...policy.report.daysBefore.map((days) => ({ offset: -days, phase: 'before' as const, escalate: false })),
    ...(policy.report.onTheDay ? [{ offset: 0, phase: 'onTheDay' as const, escalate: false }] : []),
  ];
  // The weekly reminders of an overdue report are planned once the machine has it overdue (reportOverdue):
  // a report handed in on time never writes their rows.
  if (obligation.state === 'overdue' && policy.report.overdueEveryDays > 0) {
    for (let i = 1; i <= policy.report.overdueMaxReminders; i++) {
      nominal.push({ offset: i * policy.report.overdueEveryDays, phase: 'overdue', escalate: true });
    }
  }
  timers.push(
    ...reminders(bodyId, series, deadlineKey, due, floor, nominal, (n) => ({
      subject: 'report',
      obligationId: obligation.id,
      ...n,
    })),
  );
  return timers;
}

/** The timers of the term's end while the term runs, ends soon or has expired. */
function termTimers(bodyId: string, until: CivilDate, term: string, floor: Floor, policy: ReminderPolicy): Timer[] {
  if (!['running', 'expiring', 'expired'].includes(term)) return [];
  const timers: Timer[] = [];
  const deadlineKey = `${bodyId}/term/end`;
  const expiringOn = addDays(until, -Math.max(0, policy.termExpiringDays));
  if (term === 'running' && clamp(expiringOn, floor.on) <= until) {
    timers.push(eventTimer(bodyId, 'termExpiring', until, expiringOn, floor, {}, deadlineKey));
  }
  if (term !== 'expired') timers.push(eventTimer(bodyId, 'termExpired', until, addDays(until, 1), floor, {}, deadlineKey));
  // The reminder on expiry outlives `termExpired`, which falls due at the same instant; once
  // sent it stays recorded under its key, so deriving it again sends nothing.
  const nominal: Array<{ offset: number; phase: ReminderPhase; escalate: boolean }> = [
    ...(term === 'expired' ? [] : policy.term.daysBefore.map((days) => ({ offset: -days, phase: 'termEnding' as const, escalate: true }))),
    ...(policy.term.onExpiry ? [{ offset: 1, phase: 'termExpired' as const, escalate: true }] : []),
  ];
  timers.push(
    ...reminders(bodyId, `term@${until}`, deadlineKey, until, floor, nominal, (n) => ({
      subject: 'term',
      obligationId: null,
      ...n,
    })),
  );
  return timers;
}

function reminders(
  bodyId: string,
  series: string,
  deadlineKey: string,
  deadlineOn: CivilDate,
  floor: Floor,
  nominal: Array<{ offset: number; phase: ReminderPhase; escalate: boolean }>,
  details: (n: { phase: ReminderPhase; offsetDays: number; escalate: boolean }) => Pick<
    ReminderTimer['reminder'],
    'subject' | 'obligationId' | 'phase' | 'offsetDays' | 'escalate'
  >,
): ReminderTimer[] {
  const all = [...new Map(nominal.map((n) => [n.offset, n])).values()].sort((a, b) => a.offset - b.offset);
  const isLate = (n: { offset: number }) => startOfBerlinDay(addDays(deadlineOn, n.offset)) < floor.at;
  const kept = [...all.filter(isLate).slice(-1), ...all.filter((n) => !isLate(n))];
  return kept.map((n) => {
    const ref = `${series}${n.offset >= 0 ? '+' : ''}${n.offset}d`;
    return {
      key: `${bodyId}/reminder/${ref}`,
      bodyId,
      kind: 'reminder',
      ref,
      // A reminder is no event of the body: the latest of those that fell before the floor keeps
      // its own day (or the day the body entered its state), so later events do not move it.
      ...dueAfter(addDays(deadlineOn, n.offset), floor.entered),
      deadlineKey,
      reminder: { ...details({ phase: n.phase, offsetDays: n.offset, escalate: n.escalate }), deadlineOn, series },
    };
  });
}

/**
 * The earliest a system event may fall due: a civil date, and possibly a later instant on that
 * day (the body's last event, which the write path would refuse to precede). Reminders only stay
 * at or after the day the body entered the state that handles them (`entered`).
 */
interface Floor {
  on: CivilDate;
  at: Instant;
  entered: { on: CivilDate; at: Instant };
}

function floorOf(date: CivilDate, notBefore: Instant | undefined): Floor {
  const entered = { on: date, at: startOfBerlinDay(date) };
  if (!notBefore || notBefore <= entered.at) return { ...entered, entered };
  return { on: berlinDate(notBefore), at: notBefore, entered };
}

/** The start of the day in Berlin, or the floor when that is later. */
function dueAfter(date: CivilDate, floor: { on: CivilDate; at: Instant }): { dueOn: CivilDate; dueAt: Instant } {
  const start = startOfBerlinDay(date);
  return start >= floor.at ? { dueOn: date, dueAt: start } : { dueOn: floor.on, dueAt: floor.at };
}

function eventTimer(
  bodyId: string,
  type: SystemEventType,
  ref: string,
  dueOn: CivilDate,
  floor: Floor,
  data: Record<string, string>,
  deadlineKey: string,
): EventTimer {
  return { key: `${bodyId}/${type}/${ref}`, bodyId, kind: type, ref, ...dueAfter(dueOn, floor), deadlineKey, event: { type, data } };
}

/**
 * The effective date of each report's Frist (after the calendar rules), by obligation id, as its
 * Frist's row has it for the same calendar; null while it is unresolved. Also for a body whose
 * life ended, which has no Fristen any more: whether a report came late is read against it.
 */
export function reportDueDates(obligations: readonly ReportObligation[], options: TimerOptions = {}): Map<string, CivilDate | null> {
  return new Map(
    obligations.map((o) => {
      const resolution = resolveReport(o, options);
      return [o.id, resolution.resolved ? resolution.effectiveDate : null];
    }),
  );
}

function resolveReport(obligation: ReportObligation, options: TimerOptions): DeadlineResolution {
  return resolveDeadline(obligation.due, {
    sessions: options.sessions,
    issuer: options.issuerOf?.(obligation.addressee) ?? null,
    rules: options.rules ?? DEFAULT_CALENDAR_RULES,
  });
}

function reportStatus(obligation: ReportObligation): BodyDeadline['status'] {
  switch (obligation.state) {
    case 'pending':
      return 'open';
    case 'due':
      return 'due';
    case 'overdue':
      return 'overdue';
    default:
      return 'met';
  }
}

function exactly(date: CivilDate, description: string): DeadlineResolution {
  return { resolved: true, source: 'date', originalDate: date, effectiveDate: date, rule: null, session: null, description };
}

function clamp(date: CivilDate, notBefore: CivilDate): CivilDate {
  return date < notBefore ? notBefore : date;
}
