/** The words of the domain that the statechart, the API and the stored events share. */

export const BODY_KINDS = [
  'Projektgruppe',
  'Arbeitsgruppe',
  'Kooperationsgruppe',
  'Arbeitsgremium',
  'Steuerungsprojekt',
  'Produkt',
  'Sonstiges Format',
] as const;
export type BodyKind = (typeof BODY_KINDS)[number];

export const FOCUS_TOPICS = [
  'Digitale Transformation',
  'Digitale Infrastruktur',
  'Digitale Anwendungen',
  'Datennutzung',
  'Informationssicherheit',
] as const;
export type FocusTopic = (typeof FOCUS_TOPICS)[number];

export const REPORT_KINDS = ['Zwischenbericht', 'Abschlussbericht', 'Jahresbericht'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** How report obligations name the issuer they go to: the IT-PLR by its full name, others by their id. */
const ADDRESSEE_NAMES: Readonly<Record<string, string>> = { 'IT-PLR': 'IT-Planungsrat' };

/** The addressee of a report to `issuer`: `IT-PLR` → `IT-Planungsrat`, `AL-Runde` stays. */
export function addresseeName(issuer: string): string {
  return ADDRESSEE_NAMES[issuer] ?? issuer;
}

export const DECISION_TYPES = ['Beschluss', 'Empfehlung', 'Kenntnisnahme', 'Auftrag'] as const;
export type DecisionType = (typeof DECISION_TYPES)[number];

/** Events a person (the secretariat or a lead) sends. */
export const COMMAND_EVENT_TYPES = [
  'revised',
  'submitted',
  'returnedForRevision',
  'withdrawn',
  'approved',
  'rejected',
  'started',
  'reportRequested',
  'reportSubmitted',
  'reportAcknowledged',
  'reportRescheduled',
  'reportWaived',
  'reportSeriesEnded',
  'extensionRequested',
  'extended',
  'extensionDeclined',
  'madePermanent',
  'renamed',
  'leadsChanged',
  'participantsChanged',
  'reclassified',
  'closureInitiated',
  'closed',
  'transferred',
  'dissolved',
] as const;

/** Events the scheduler sends when a deadline falls due. */
export const SYSTEM_EVENT_TYPES = ['termExpiring', 'termExpired', 'reportDue', 'reportOverdue'] as const;

/** Every event type after the first; `registered` opens each stream and is the machine's input. */
export const EVENT_TYPES = [...COMMAND_EVENT_TYPES, ...SYSTEM_EVENT_TYPES] as const;
export type BodyEventType = (typeof EVENT_TYPES)[number];

/**
 * What a stream holds: the statechart's events, `registered` (the machine's input) and
 * `machineUpgraded` (the body moves to a newer version of the chart; replay carries the snapshot
 * over instead of sending it to the chart).
 */
export type StoredEventType = BodyEventType | 'registered' | 'machineUpgraded';

/**
 * Event types that must cite a recorded decision: those that change a body's approval status,
 * reclassification (kind or parent body) and the end of a recurring report (a reporting rule
 * the decisions set, e.g. the yearly report). The one list of them.
 */
export const DECISION_EVENT_TYPES: readonly BodyEventType[] = [
  'approved',
  'rejected',
  'extended',
  'madePermanent',
  'reclassified',
  'reportSeriesEnded',
  'closed',
  'transferred',
  'dissolved',
];

/**
 * The events a decision can bring about — its effects (Wirkungen) on a body — and so the only
 * events that may cite one: those that must (DECISION_EVENT_TYPES) and those a decision may
 * order (rename, new leads or participants, a report requested, acknowledged, rescheduled or
 * waived, an extension declined, closure initiated). An event citing a decision must match one
 * of the decision's effects for its body.
 */
export const DECISION_EFFECT_TYPES: readonly BodyEventType[] = [
  ...DECISION_EVENT_TYPES,
  'renamed',
  'leadsChanged',
  'participantsChanged',
  'reportRequested',
  'reportAcknowledged',
  'reportRescheduled',
  'reportWaived',
  'extensionDeclined',
  'closureInitiated',
];
