/**
 * Test fixtures shared by the calendar specs: the seed body's year and a battery of calendar
 * cases with hand-checked results. The time-zone specs run the same battery in a process whose
 * TZ is UTC or America/New_York and must get exactly these results.
 */
import type { Deadline, DecisionFacts, Registration } from '../machines/body.events';
import { begin, evolve, persist, type BodySnapshot, type PersistedBody } from '../machines/lifecycle';
import { startOfBerlinDay, type CivilDate, type Instant } from '../machines/dates';
import { resolveDeadline, type CalendarRules, type Session } from '../machines/deadlines';
import { deriveTimers, type TimerOptions } from '../machines/timers';
import { registration } from './support/machine-events';

export const SEED_BODY_ID = '0b5e3c1e-7f0a-4c39-9d55-1e2f3a4b5c6d';

/** The seed body's registration, as far as its deadlines are concerned. */
export const seedRegistration = (overrides: Partial<Registration> = {}): Registration =>
  registration({ participants: ['Hessen', 'Bayern', 'Hamburg', 'Schleswig-Holstein', 'Bremen', 'Berlin', 'Bund/BMI', 'FITKO'], goals: [], ...overrides });

export const seedDecision: DecisionFacts = { number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-12', type: 'Beschluss' };

type Step = Parameters<typeof evolve>[1];

/** Builds a body snapshot from a registration and a list of events; fails loudly on a refused event. */
export function bodyAfter(registration: Registration, registeredAt: Instant, steps: Step[]): BodySnapshot {
  let snapshot = begin({ occurredAt: registeredAt, data: registration });
  for (const step of steps) {
    if (!snapshot.can(step)) throw new Error(`fixture: ${step.type} at ${step.occurredAt} is refused in ${JSON.stringify(snapshot.value)}`);
    snapshot = evolve(snapshot, step);
  }
  return snapshot;
}

export const seedSteps = {
  submitted: { type: 'submitted', data: {}, occurredAt: '2024-06-05T08:00:00.000Z' } as Step,
  approved: {
    type: 'approved',
    data: { approvedUntil: '2025-03-31', reports: [] },
    occurredAt: '2024-06-12T10:00:00.000Z',
    decision: seedDecision,
  } as Step,
  started: { type: 'started', data: {}, occurredAt: startOfBerlinDay('2024-06-17') } as Step,
};

/** The seed body approved (until 31.03.2025) and, unless `established` is asked for, started on 17.06.2024. */
export function seedBody(stage: 'established' | 'active' = 'active', extra: Step[] = []): PersistedBody {
  const steps = [seedSteps.submitted, seedSteps.approved, ...(stage === 'active' ? [seedSteps.started] : []), ...extra];
  return persist(bodyAfter(seedRegistration(), '2024-06-03T09:00:00.000Z', steps));
}

/** The seed body whose interim report r1 (due 02.12.2024) fell due and then overdue, each when its timer fired. */
export function overdueSeedBody(): PersistedBody {
  return seedBody('active', [
    { type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: startOfBerlinDay('2024-12-02') } as Step,
    { type: 'reportOverdue', data: { obligationId: 'r1' }, occurredAt: startOfBerlinDay('2024-12-03') } as Step,
  ]);
}

export const issuerOf = (addressee: string): string | null =>
  ({ 'IT-Planungsrat': 'IT-PLR', 'IT-PLR': 'IT-PLR', 'AL-Runde': 'AL-Runde' })[addressee] ?? null;

export interface CalendarCase {
  name: string;
  deadline: Deadline;
  rules?: CalendarRules;
  sessions?: Session[];
  issuer?: string;
  original: CivilDate;
  effective: CivilDate;
}

const nationwide: CalendarRules = { land: null, shiftToWorkingDay: true };

/** Hand-checked: each `effective` was read off a 2024–2026 calendar. */
export const CALENDAR_CASES: CalendarCase[] = [
  { name: 'seed interim report „im November 2024“', deadline: { kind: 'month', month: '2024-11' }, original: '2024-11-30', effective: '2024-12-02' },
  { name: 'a working day stays', deadline: { kind: 'date', date: '2025-03-31' }, original: '2025-03-31', effective: '2025-03-31' },
  { name: 'spring DST Sunday', deadline: { kind: 'date', date: '2025-03-30' }, original: '2025-03-30', effective: '2025-03-31' },
  { name: 'autumn DST Sunday', deadline: { kind: 'date', date: '2025-10-26' }, original: '2025-10-26', effective: '2025-10-27' },
  { name: 'Saturday before autumn DST', deadline: { kind: 'date', date: '2025-10-25' }, original: '2025-10-25', effective: '2025-10-27' },
  { name: 'Easter 2025 from Good Friday', deadline: { kind: 'date', date: '2025-04-18' }, original: '2025-04-18', effective: '2025-04-22' },
  { name: 'Christmas 2025', deadline: { kind: 'date', date: '2025-12-25' }, original: '2025-12-25', effective: '2025-12-29' },
  { name: 'month end February 2024 (leap year)', deadline: { kind: 'month', month: '2024-02' }, original: '2024-02-29', effective: '2024-02-29' },
  { name: 'month end May 2026 (Sunday)', deadline: { kind: 'month', month: '2026-05' }, original: '2026-05-31', effective: '2026-06-01' },
  { name: 'Tag der Deutschen Einheit 2025 (Friday)', deadline: { kind: 'date', date: '2025-10-03' }, original: '2025-10-03', effective: '2025-10-06' },
  {
    name: 'Allerheiligen 2024 counts in Bayern',
    deadline: { kind: 'date', date: '2024-11-01' },
    rules: { land: 'BY', shiftToWorkingDay: true },
    original: '2024-11-01',
    effective: '2024-11-04',
  },
  { name: 'Allerheiligen 2024 is no nationwide holiday', deadline: { kind: 'date', date: '2024-11-01' }, rules: nationwide, original: '2024-11-01', effective: '2024-11-01' },
  {
    name: 'Reformationstag 2024 counts in Sachsen',
    deadline: { kind: 'date', date: '2024-10-31' },
    rules: { land: 'SN', shiftToWorkingDay: true },
    original: '2024-10-31',
    effective: '2024-11-01',
  },
  {
    name: 'rule switched off',
    deadline: { kind: 'month', month: '2024-11' },
    rules: { land: null, shiftToWorkingDay: false },
    original: '2024-11-30',
    effective: '2024-11-30',
  },
  {
    name: 'month with a session of the addressee',
    deadline: { kind: 'month', month: '2024-11' },
    sessions: [
      { issuer: 'AL-Runde', number: 31, date: '2024-11-07' },
      { issuer: 'IT-PLR', number: 45, date: '2024-11-21' },
    ],
    issuer: 'IT-PLR',
    original: '2024-11-21',
    effective: '2024-11-21',
  },
  {
    name: 'session deadline',
    deadline: { kind: 'session', issuer: 'IT-PLR', session: 46 },
    sessions: [{ issuer: 'IT-PLR', number: 46, date: '2025-03-27' }],
    original: '2025-03-27',
    effective: '2025-03-27',
  },
];

/** The battery's results, in a form to compare whole. */
export function runCalendarCases(): Array<{ name: string; original: string | null; effective: string | null }> {
  return CALENDAR_CASES.map((c) => {
    const r = resolveDeadline(c.deadline, { rules: c.rules, sessions: c.sessions, issuer: c.issuer });
    return { name: c.name, original: r.resolved ? r.originalDate : null, effective: r.resolved ? r.effectiveDate : null };
  });
}

export const seedTimerOptions: TimerOptions = { issuerOf };

/**
 * The seed body's timers over its year as `key → dueAt`, the way the scheduler will see them:
 * those derived from the started body, and the reminders planned once its report is overdue.
 */
export function seedTimerSchedule(): Array<[string, string]> {
  const schedule = new Map<string, string>();
  for (const body of [seedBody(), overdueSeedBody()]) {
    for (const timer of deriveTimers(SEED_BODY_ID, body, seedTimerOptions)) schedule.set(timer.key.slice(SEED_BODY_ID.length + 1), timer.dueAt);
  }
  return [...schedule].sort(([keyA, atA], [keyB, atB]) => atA.localeCompare(atB) || keyA.localeCompare(keyB));
}

/** Hand-checked; CET is UTC+1, CEST (from 30.03.2025) UTC+2. */
export const SEED_TIMER_SCHEDULE: Array<[string, string]> = [
  ['reminder/r1@2024-12-02-28d', '2024-11-03T23:00:00.000Z'],
  ['reminder/r1@2024-12-02-7d', '2024-11-24T23:00:00.000Z'],
  ['reminder/r1@2024-12-02+0d', '2024-12-01T23:00:00.000Z'],
  ['reportDue/r1', '2024-12-01T23:00:00.000Z'],
  ['reportOverdue/r1', '2024-12-02T23:00:00.000Z'],
  ['reminder/r1@2024-12-02+7d', '2024-12-08T23:00:00.000Z'],
  ['reminder/r1@2024-12-02+14d', '2024-12-15T23:00:00.000Z'],
  ['reminder/r1@2024-12-02+21d', '2024-12-22T23:00:00.000Z'],
  ['reminder/r1@2024-12-02+28d', '2024-12-29T23:00:00.000Z'],
  ['reminder/term@2025-03-31-90d', '2024-12-30T23:00:00.000Z'],
  ['termExpiring/2025-03-31', '2024-12-30T23:00:00.000Z'],
  ['reminder/r1@2024-12-02+35d', '2025-01-05T23:00:00.000Z'],
  ['reminder/r1@2024-12-02+42d', '2025-01-12T23:00:00.000Z'],
  ['reminder/r1@2024-12-02+49d', '2025-01-19T23:00:00.000Z'],
  ['reminder/r1@2024-12-02+56d', '2025-01-26T23:00:00.000Z'],
  ['reminder/r1@2024-12-02+63d', '2025-02-02T23:00:00.000Z'],
  ['reminder/r1@2024-12-02+70d', '2025-02-09T23:00:00.000Z'],
  ['reminder/r1@2024-12-02+77d', '2025-02-16T23:00:00.000Z'],
  ['reminder/r1@2024-12-02+84d', '2025-02-23T23:00:00.000Z'],
  ['reminder/term@2025-03-31-30d', '2025-02-28T23:00:00.000Z'],
  ['reminder/term@2025-03-31-7d', '2025-03-23T23:00:00.000Z'],
  ['reminder/term@2025-03-31+1d', '2025-03-31T22:00:00.000Z'],
  ['termExpired/2025-03-31', '2025-03-31T22:00:00.000Z'],
];
