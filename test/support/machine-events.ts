/**
 * Builders of statechart events and registrations for tests and benchmarks: each returns a
 * valid event; tests override what they are about.
 */
import type { BodyEvent, BodyEventType, DecisionFacts, Deadline, EventData, Registration, RegisteredEvent } from '../../machines';
import { begin, decide, evolve, startOfBerlinDay } from '../../machines';

export const DECISION_2024_09_AL: DecisionFacts = { number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-13', type: 'Beschluss' };
export const DECISION_2025_03_AL: DecisionFacts = { number: '2025/03-AL', issuer: 'AL-Runde', date: '2025-03-20', type: 'Beschluss' };
export const DECISION_2025_14: DecisionFacts = { number: '2025/14', issuer: 'IT-PLR', date: '2025-07-10', type: 'Beschluss' };

export function registration(overrides: Partial<Registration> = {}): Registration {
  return {
    title: 'Weiterentwicklung Struktur OZG Föderal',
    shortName: null,
    kind: 'Projektgruppe',
    permanent: false,
    parent: 'AL-Runde',
    focusTopic: 'Digitale Anwendungen',
    leads: ['Hessen', 'Bremen', 'Bund (BMI)'],
    contactIds: [],
    participants: ['Hessen', 'Bayern'],
    start: '2024-06-17',
    expectedEnd: '2024-12-31',
    objective: 'Ordnungsstrukturen für die föderale Zusammenarbeit erarbeiten.',
    goals: ['Kriterien für den geordneten Abschluss festlegen'],
    fmkRelation: '',
    reportingPlan: 'Erster Zwischenbericht an den IT-Planungsrat im November 2024.',
    reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2024-11' } }],
    resources: 'Nein.',
    ...overrides,
  };
}

export function registered(at = '2024-06-03', overrides: Partial<Registration> = {}): RegisteredEvent {
  return { occurredAt: startOfBerlinDay(at), data: registration(overrides) };
}

/** Any event, on a civil date (start of day in Berlin), with an optional decision. */
export function event<K extends BodyEventType>(type: K, data: EventData[K], on: string, decision?: DecisionFacts): BodyEvent {
  return { type, data, occurredAt: startOfBerlinDay(on), ...(decision ? { decision } : {}) } as BodyEvent;
}

export const submitted = (on = '2024-06-05') => event('submitted', {}, on);
export const approved = (approvedUntil = '2025-03-31', decision = DECISION_2024_09_AL, on = decision.date) =>
  event('approved', { approvedUntil, reports: [] }, on, decision);
export const approvedPermanently = (decision = DECISION_2024_09_AL) =>
  event('approved', { permanent: true, reports: [] }, decision.date, decision);
export const started = (on = '2024-06-17') => event('started', {}, on);
export const reportDue = (obligationId = 'r1', on = '2024-11-01') => event('reportDue', { obligationId }, on);
export const reportOverdue = (obligationId = 'r1', on = '2024-12-03') => event('reportOverdue', { obligationId }, on);
export const reportSubmitted = (obligationId = 'r1', on = '2024-11-20') =>
  event('reportSubmitted', { obligationId, title: 'Erster Zwischenbericht' }, on);
export const reportAcknowledged = (obligationId = 'r1', on = '2024-11-28', decision?: DecisionFacts) =>
  event('reportAcknowledged', { obligationId }, on, decision);
export const extended = (approvedUntil = '2025-12-31', decision = DECISION_2025_03_AL, on = decision.date) =>
  event('extended', { approvedUntil }, on, decision);
export const termExpiring = (on = '2025-01-01') => event('termExpiring', {}, on);
export const termExpired = (on = '2025-04-01') => event('termExpired', {}, on);
export const closureInitiated = (on = '2025-07-01', due: Deadline = { kind: 'date', date: '2025-09-30' }) =>
  event('closureInitiated', { finalReportDue: due }, on);
export const transferred = (name = 'Föderale Digitalstrategie – Umsetzungsgruppe', decision = DECISION_2025_14, on = decision.date) =>
  event('transferred', { successor: { name } }, on, decision);

/** given(events…).when(event) → the verdict and the next snapshot. Setup events must be allowed. */
export function given(...events: BodyEvent[]) {
  return givenFrom(registered(), ...events);
}

/** given, from a registration of one's own. */
export function givenFrom(start: RegisteredEvent, ...events: BodyEvent[]) {
  let snapshot = begin(start);
  for (const e of events) {
    const verdict = decide(snapshot, e);
    if (!verdict.allowed) throw new Error(`Setup event ${e.type} refused: ${verdict.reason}`);
    snapshot = evolve(snapshot, e);
  }
  return {
    snapshot,
    when(e: BodyEvent) {
      const verdict = decide(snapshot, e);
      return { verdict, next: evolve(snapshot, e) };
    },
  };
}
