import type { CivilDate, Instant } from './dates';
import type { BodyProfile, Deadline, Recurrence, RegisteredEvent, Successor } from './body.events';
import type { CoarseTermEnd, TermEnd } from './term-end';
import { berlinDate } from './dates';
import type { BodyEventType, ReportKind } from './vocabulary';

/** `waived` (since version 3): no longer owed (Berichtspflicht entfallen). */
export type ObligationState = 'pending' | 'due' | 'overdue' | 'submitted' | 'acknowledged' | 'waived';

/** Who changed or dropped an obligation, when and why (since version 3). */
export interface ObligationChange {
  on: CivilDate;
  reason: string | null;
  /** The number of the decision cited, if any. */
  decision: string | null;
}

/** A Berichtspflicht: one report the body owes, and how far it has come. */
export interface ReportObligation {
  id: string;
  kind: ReportKind;
  addressee: string;
  title: string | null;
  due: Deadline;
  state: ObligationState;
  dueOn: CivilDate | null;
  overdueOn: CivilDate | null;
  submittedOn: CivilDate | null;
  documentRef: string | null;
  acknowledgedOn: CivilDate | null;
  acknowledgedBy: string | null;
  /** Only on recurring obligations: the rule, the first obligation of the series and the period's number (1, 2, …). */
  recurrence?: Recurrence;
  series?: string;
  period?: number;
  /** Absent until its Frist is first moved (`reportRescheduled`): each former Frist, oldest first. */
  rescheduled?: Array<ObligationChange & { from: Deadline }>;
  /** Only on a waived obligation (`reportWaived`; since version 4 also a period dropped when its series ended). */
  waived?: ObligationChange;
  /**
   * Since version 4, on every period of a recurring series that a decision ended
   * (`reportSeriesEnded`): periods whose Frist falls on or after `from` are owed no more.
   */
  seriesEnded?: SeriesEnd;
  /**
   * Since version 5, on a report handed in under a title of its own (`reportSubmitted` with
   * `title`): that title, the report's name from then on. `title` stays the one it was owed under,
   * which names a series' later periods.
   */
  submittedTitle?: string;
  /** Since version 5, on a report a `reportRequested` asked for: when, with which note (`reason`) and by which decision. */
  requested?: ObligationChange;
  /**
   * Since version 6, on a report recorded after the day it came in (`reportSubmitted` with
   * `receivedOn` before the event's day): the day it was recorded. `submittedOn` is the day it came in.
   */
  submissionRecordedOn?: CivilDate;
}

/** How a recurring series ended: from which day on its periods are owed no more, when, why, by which decision. */
export interface SeriesEnd extends ObligationChange {
  from: CivilDate;
}

/** A lead's request for a longer term; the decision on it is a separate `extended` event. */
export interface ExtensionRequest {
  /** The resolved last day; `asWritten` keeps a month or year as the lead wrote it. */
  approvedUntil: CivilDate;
  asWritten?: CoarseTermEnd;
  justification: string;
  /** The day it was made: since version 6 the day it came in (`receivedOn`) where it was recorded later. */
  on: CivilDate;
  /** Since version 6, on a request recorded after the day it came in: the day it was recorded. */
  recordedOn?: CivilDate;
  /** Since version 3, once the secretariat records the answer no (`extensionDeclined`). */
  declined?: ObligationChange;
}

/** A decision the body's history cites, and for what. */
export interface CitedDecision {
  number: string;
  issuer: string;
  event: BodyEventType;
  on: CivilDate;
}

export interface BodyContext {
  profile: BodyProfile;
  registeredOn: CivilDate;
  nameHistory: Array<{ title: string; shortName: string | null; since: CivilDate }>;
  decisions: CitedDecision[];
  approvedOn: CivilDate | null;
  /** The last day of the term, resolved; a month or year as the decision wrote it is in `approvedUntilAsWritten`. */
  approvedUntil: CivilDate | null;
  /** Absent for an exact day (and in snapshots from before month precision). */
  approvedUntilAsWritten?: CoarseTermEnd;
  permanent: boolean;
  startedOn: CivilDate | null;
  obligations: ReportObligation[];
  closureInitiatedOn: CivilDate | null;
  successor: Successor | null;
  noSuccessorReason: string | null;
  endedOn: CivilDate | null;
  lastReason: string | null;
  /** Absent until the first request, so that snapshots of earlier streams stay as they were. */
  extensionRequests?: ExtensionRequest[];
  /** Absent until the first reclassification; then from the registration on. */
  kindHistory?: Array<{ kind: BodyProfile['kind']; since: CivilDate; decision: string | null }>;
  parentHistory?: Array<{ parent: string; since: CivilDate; decision: string | null }>;
}

/** The term as written: the coarse form if the decision gave one, else the day. */
export function approvedUntilAsWritten(context: BodyContext): TermEnd | null {
  return context.approvedUntilAsWritten ?? context.approvedUntil;
}

export function initialContext({ occurredAt, data }: RegisteredEvent): BodyContext {
  const { reports, ...profile } = data;
  const registeredOn = berlinDate(occurredAt);
  return {
    profile,
    registeredOn,
    nameHistory: [{ title: profile.title, shortName: profile.shortName, since: registeredOn }],
    decisions: [],
    approvedOn: null,
    approvedUntil: null,
    permanent: false,
    startedOn: null,
    obligations: reports.map((report, i) => newObligation(`r${i + 1}`, report)),
    closureInitiatedOn: null,
    successor: null,
    noSuccessorReason: null,
    endedOn: null,
    lastReason: null,
  };
}

export function newObligation(
  id: string,
  report: { kind: ReportKind; addressee: string; due: Deadline; title?: string; recurrence?: Recurrence },
  period?: { series: string; period: number },
): ReportObligation {
  const recurring = report.recurrence ? { recurrence: report.recurrence, series: period?.series ?? id, period: period?.period ?? 1 } : {};
  return {
    id,
    kind: report.kind,
    addressee: report.addressee,
    title: report.title ?? null,
    due: report.due,
    state: 'pending',
    dueOn: null,
    overdueOn: null,
    submittedOn: null,
    documentRef: null,
    acknowledgedOn: null,
    acknowledgedBy: null,
    ...recurring,
  };
}

export function nextObligationId(obligations: ReportObligation[]): string {
  return `r${obligations.length + 1}`;
}

export function findObligation(context: BodyContext, id: string): ReportObligation | undefined {
  return context.obligations.find((o) => o.id === id);
}

/** The series a recurring obligation belongs to (its first period's id); null for a report owed once. */
export function seriesOf(obligation: ReportObligation): string | null {
  return obligation.recurrence ? (obligation.series ?? obligation.id) : null;
}

/** Not yet handed in: pending, due or overdue. */
export function isOpenObligation(obligation: ReportObligation): boolean {
  return obligation.state === 'pending' || obligation.state === 'due' || obligation.state === 'overdue';
}

export function finalReportAcknowledged(context: BodyContext): boolean {
  return context.obligations.some((o) => o.kind === 'Abschlussbericht' && o.state === 'acknowledged');
}

/**
 * What the orderly closure needs of the final report: one acknowledged, or (since version 3,
 * which alone can waive one) one waived while no other is still open or awaiting Kenntnisnahme.
 */
export function finalReportSettled(context: BodyContext): boolean {
  if (finalReportAcknowledged(context)) return true;
  const finalReports = context.obligations.filter((o) => o.kind === 'Abschlussbericht');
  return finalReports.some((o) => o.state === 'waived') && finalReports.every((o) => o.state === 'waived' || o.state === 'acknowledged');
}
