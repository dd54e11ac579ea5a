/**
 * The lifecycle's business rules, one function each: given the context and the event, the
 * reason (in German) why the event may not happen, or null when it may. The statechart's
 * `rulesHold` guard runs the rules of the event's type; `decide` reports their reasons.
 */
import type { BodyContext, ObligationState, ReportObligation } from './body.context';
import { findObligation, finalReportSettled, isOpenObligation, seriesOf } from './body.context';
import type { BodyEvent, BodyEventOf } from './body.events';
import { END_BEFORE_START, endAfterStart } from './body.events';
import { berlinDate, germanDate, type CivilDate } from './dates';
import { describeDeadline, resolveDeadline, sameDeadline } from './deadlines';
import { describeRecurrence } from './recurrence';
import { openRequests } from './requests';
import { describeTermEnd, termEndDate, type TermEnd } from './term-end';
import { EVENT_LABELS, fristOnDay, OBLIGATION_STATE_LABELS, obligationLabel, obligationStanding } from './labels';
import type { BodyEventType } from './vocabulary';
import { addresseeName, DECISION_EVENT_TYPES } from './vocabulary';

type Rule<K extends BodyEventType = BodyEventType> = (context: BodyContext, event: BodyEventOf<K>) => string | null;

const citesDecision: Rule = (_context, event) =>
  event.decision ? null : `„${EVENT_LABELS[event.type]}“ braucht den Beschluss, der es anordnet: bitte einen erfassten Beschluss nennen.`;

const decisionNotAfterEvent: Rule = (_context, event) => {
  if (!event.decision) return null;
  const on = berlinDate(event.occurredAt);
  return event.decision.date <= on
    ? null
    : `Beschluss ${event.decision.number} vom ${germanDate(event.decision.date)} liegt nach dem Ereignisdatum ${germanDate(on)}.`;
};

/** Exported for the decision register, which refuses such an effect where it is recorded. */
export const approvedUntilAfterDecision: Rule<'approved'> = (_context, event) => {
  const until = event.data.approvedUntil;
  const from = event.decision?.date ?? berlinDate(event.occurredAt);
  // Without a decision (itself refused) the term is measured from the event's date: named as such.
  const what = event.decision ? 'dem Beschluss' : 'dem Ereignisdatum';
  return until === undefined || termEndDate(until) >= from
    ? null
    : `Das Datum „befristet bis“ (${describeTermEnd(until)}) liegt vor ${what} (${germanDate(from)}).`;
};

const notBeforeApproval: Rule<'started'> = (context, event) => {
  const on = berlinDate(event.occurredAt);
  return context.approvedOn !== null && on >= context.approvedOn
    ? null
    : `Die Tätigkeit kann nicht vor dem Einrichtungsbeschluss beginnen (Beginn ${germanDate(on)}, Beschluss vom ${germanDate(context.approvedOn ?? on)}).`;
};

/**
 * For `extended` and `extensionRequested` alike: the new end lies after the current one. Exported
 * for the decision register, which refuses such an effect where it is recorded.
 */
export const extendsTerm = (context: BodyContext, event: { data: { approvedUntil: TermEnd } }): string | null =>
  context.approvedUntil === null || termEndDate(event.data.approvedUntil) > context.approvedUntil
    ? null
    : `Die Verlängerung muss nach dem bisherigen Ende liegen: neu ${describeTermEnd(event.data.approvedUntil)}, bisher ${germanDate(context.approvedUntil)}.`;

const termReachesEnd: Rule<'termExpired'> = (context, event) => {
  const on = berlinDate(event.occurredAt);
  return context.approvedUntil !== null && on > context.approvedUntil
    ? null
    : `Die Laufzeit endet erst mit dem ${germanDate(context.approvedUntil ?? on)}.`;
};

const termNotYetOver: Rule<'termExpiring'> = (context, event) => {
  const on = berlinDate(event.occurredAt);
  return context.approvedUntil !== null && on <= context.approvedUntil
    ? null
    : context.approvedUntil !== null
      ? `Die Laufzeit ist mit Ablauf des ${germanDate(context.approvedUntil)} abgelaufen (Ereignisdatum ${germanDate(on)}).`
      : `Die Laufzeit ist am ${germanDate(on)} bereits abgelaufen.`;
};

/** The obligation states a report event may act on. */
export const OBLIGATION_EVENT_STATES = {
  reportDue: ['pending'],
  reportOverdue: ['pending', 'due'],
  reportSubmitted: ['pending', 'due', 'overdue'],
  reportAcknowledged: ['submitted'],
  reportRescheduled: ['pending', 'due', 'overdue'],
  reportWaived: ['pending', 'due', 'overdue'],
} as const satisfies Record<string, readonly ObligationState[]>;
export type ObligationEventType = keyof typeof OBLIGATION_EVENT_STATES;

/**
 * What the context must hold for an event of the type to be possible with any data at all: a
 * report open to submit, one submitted to acknowledge, an acknowledged final report to close or
 * transfer. Without it no data could satisfy the event's rules, so it is not offered; `lacking`
 * says why, for people looking for it (with `dueDates`, the effective days of the reports'
 * Fristen by obligation id, a Frist is named by the day it falls on). `since`: the version of the
 * chart that made it a condition (absent: every version).
 */
export const POSSIBLE_ONLY_IF: {
  [K in BodyEventType]?: { since?: number; possible(context: BodyContext): boolean; lacking(context: BodyContext, dueDates?: DueDates): string };
} = {
  reportSubmitted: {
    possible: (context) => anyObligationFor(context, 'reportSubmitted'),
    lacking: (context) => (context.obligations.length === 0 ? 'Das Gremium hat keine Berichtspflichten.' : 'Jeder festgelegte Bericht ist eingereicht.'),
  },
  reportAcknowledged: {
    possible: (context) => anyObligationFor(context, 'reportAcknowledged'),
    lacking: () => 'Kein eingereichter Bericht wartet darauf, zur Kenntnis genommen zu werden.',
  },
  reportRescheduled: { possible: (context) => anyObligationFor(context, 'reportRescheduled'), lacking: () => NO_REPORT_OWED },
  reportWaived: { possible: (context) => anyObligationFor(context, 'reportWaived'), lacking: () => NO_REPORT_OWED },
  extensionDeclined: { possible: hasOpenExtensionRequest, lacking: () => NO_OPEN_EXTENSION_REQUEST },
  reportSeriesEnded: { possible: (context) => runningSeries(context).length > 0, lacking: () => NO_RUNNING_SERIES },
  closed: { possible: finalReportSettled, lacking: (context, dueDates) => closureRefusal(CLOSURE_NEEDS_FINAL_REPORT, context, dueDates) },
  transferred: { since: 4, possible: finalReportSettled, lacking: (context, dueDates) => closureRefusal(TRANSFER_NEEDS_FINAL_REPORT, context, dueDates) },
};

/** The effective day of each report's Frist (after the calendar rules) by obligation id; null while unresolved. */
export type DueDates = ReadonlyMap<string, CivilDate | null>;

/** The condition an event of the type needs under the given version of the chart, if any. */
export function possibleOnlyIf(type: BodyEventType, version: number) {
  const condition = POSSIBLE_ONLY_IF[type];
  return condition && (condition.since ?? 0) <= version ? condition : undefined;
}

const NO_REPORT_OWED = 'Kein Bericht ist mehr offen (jeder ist eingereicht, zur Kenntnis genommen oder entfallen).';
const NO_OPEN_EXTENSION_REQUEST = 'Es liegt kein offener Verlängerungsantrag vor.';

function hasOpenExtensionRequest(context: BodyContext): boolean {
  return openRequests(context).some((request) => request.kind === 'extensionRequest');
}

const CLOSURE_NEEDS_FINAL_REPORT = 'Der geordnete Abschluss setzt einen zur Kenntnis genommenen oder entfallenen Abschlussbericht voraus.';
const TRANSFER_NEEDS_FINAL_REPORT =
  'Die Überführung in eine Nachfolgestruktur ist ein geordneter Abschluss und setzt wie dieser einen zur Kenntnis genommenen oder entfallenen Abschlussbericht voraus.';

/**
 * Why an orderly closure (or, since version 4, a transfer) cannot happen yet: the rule, then each
 * final report not yet settled with its Frist, how it stands and what settles it:
 * `… Offen ist: Abschlussbericht an AL-Runde (Frist im März 2027, überfällig seit 01.04.2027) –
 * erst einreichen und zur Kenntnis nehmen oder als entfallen erfassen.` The chart knows only the
 * Frist as set; given `dueDates`, each Frist is named by the day it falls on, as the Fristen
 * are: `(Frist 01.12.2025, verschoben von 30.11.2025; offen)`.
 */
function closureRefusal(rule: string, context: BodyContext, dueDates?: DueDates): string {
  const unsettled = context.obligations.filter((o) => o.kind === 'Abschlussbericht' && o.state !== 'acknowledged' && o.state !== 'waived');
  if (unsettled.length === 0) return rule;
  const named = unsettled.map((o) => {
    const settles = o.state === 'submitted' ? 'erst zur Kenntnis nehmen' : 'erst einreichen und zur Kenntnis nehmen';
    const frist = dueDates ? fristOnDay(o.due, dueDates.get(o.id) ?? null) : `Frist ${describeDeadline(o.due)}`;
    const then = frist.includes(',') ? ';' : ',';
    return `${obligationLabel(o, context.obligations)} an ${addresseeName(o.addressee)} (${frist}${then} ${obligationStanding(o)}) – ${settles} oder als entfallen erfassen`;
  });
  return `${rule} Offen ist: ${named.join('; ')}.`;
}

/**
 * The refusal of a closure or transfer with each open final report's Frist named by the day it
 * falls on (`dueDates`), beside the one the chart's rule gives (`planned`), so that the write
 * path can put the one in place of the other. Null for other events and when nothing is missing.
 */
export function closureRefusalOnDueDates(type: BodyEventType, context: BodyContext, version: number, dueDates: DueDates): { planned: string; onDueDates: string } | null {
  if (type !== 'closed' && type !== 'transferred') return null;
  const condition = possibleOnlyIf(type, version);
  if (!condition || condition.possible(context)) return null;
  return { planned: condition.lacking(context), onDueDates: condition.lacking(context, dueDates) };
}

const NO_RUNNING_SERIES = 'Das Gremium hat keine wiederkehrende Berichtspflicht, die noch läuft.';

/** The latest period of each recurring series not yet ended, in the order the series began. */
export function runningSeries(context: BodyContext): ReportObligation[] {
  const latest = new Map<string, ReportObligation>();
  for (const o of context.obligations) {
    const series = seriesOf(o);
    if (series !== null && !o.seriesEnded) latest.set(series, o);
  }
  return [...latest.values()];
}

/** Which recurring series a `reportSeriesEnded` could name now, in German: `In Frage kommt: r4 (Jahresbericht an IT-Planungsrat, jährlich).` */
export function seriesChoices(context: BodyContext): string {
  const running = runningSeries(context);
  if (running.length === 0) return `${NO_RUNNING_SERIES}`;
  const named = running.map((o) => `${o.id} (${obligationLabel(o, context.obligations)} an ${addresseeName(o.addressee)}, ${describeRecurrence(o.recurrence!)})`);
  return `In Frage ${running.length === 1 ? 'kommt' : 'kommen'}: ${named.join(', ')}.`;
}

/** Whether an event of this type could name any obligation now (asked with every write's answer: it stops at the first). */
function anyObligationFor(context: BodyContext, type: ObligationEventType): boolean {
  return context.obligations.some(fitsEvent(type));
}

/** Whether an obligation is in a state an event of this type may act on. */
function fitsEvent(type: ObligationEventType): (obligation: ReportObligation) => boolean {
  const states: readonly ObligationState[] = OBLIGATION_EVENT_STATES[type];
  return (obligation) => states.includes(obligation.state);
}

/** The report obligations an event of this type could name now. */
function obligationsFor(context: BodyContext, type: ObligationEventType): ReportObligation[] {
  return context.obligations.filter(fitsEvent(type));
}

/** What an event of each type is told when the body has report obligations but none it could act on. */
const NONE_FITS: Record<ObligationEventType, string> = {
  reportDue: 'Keine Berichtspflicht ist mehr offen, die fällig werden könnte.',
  reportOverdue: 'Keine Berichtspflicht ist mehr offen oder fällig, die überfällig werden könnte.',
  reportSubmitted: 'Kein Bericht ist mehr einzureichen.',
  reportAcknowledged: 'Kein eingereichter Bericht wartet auf Kenntnisnahme.',
  reportRescheduled: 'Kein Bericht ist mehr offen, dessen Frist sich ändern ließe.',
  reportWaived: 'Kein Bericht ist mehr offen, der entfallen könnte.',
};

/** An obligation's states in the order a report passes through them; `waived` ends it like an acknowledgement. */
const OBLIGATION_STATE_ORDER: readonly ObligationState[] = ['pending', 'due', 'overdue', 'submitted', 'acknowledged', 'waived'];

/** `ist bereits eingereicht` where the obligation is past every state the event acts on, else `ist fällig`. */
function obligationStateText(obligation: ReportObligation, states: readonly ObligationState[]): string {
  const past = states.every((state) => OBLIGATION_STATE_ORDER.indexOf(obligation.state) > OBLIGATION_STATE_ORDER.indexOf(state));
  return `ist ${past ? 'bereits ' : ''}${OBLIGATION_STATE_LABELS[obligation.state]}`;
}

/**
 * Which report obligations the event could name now, in German:
 * `In Frage kommt: r1 (Erster Zwischenbericht (Zwischenbericht), überfällig).`
 */
export function obligationChoices(context: BodyContext, type: ObligationEventType): string {
  const fitting = obligationsFor(context, type);
  if (fitting.length === 0) {
    return context.obligations.length === 0 ? 'Das Gremium hat keine Berichtspflichten.' : NONE_FITS[type];
  }
  return `In Frage ${fitting.length === 1 ? 'kommt' : 'kommen'}: ${fitting.map((o) => `${o.id} (${obligationLabel(o, context.obligations)}, ${OBLIGATION_STATE_LABELS[o.state]})`).join(', ')}.`;
}

function obligationIn<K extends ObligationEventType>(type: K): Rule<K> {
  const states: readonly ObligationState[] = OBLIGATION_EVENT_STATES[type];
  return (context, event) => {
    const { obligationId } = (event as BodyEventOf<'reportDue'>).data;
    const obligation = findObligation(context, obligationId);
    if (!obligation) return `Es gibt keine Berichtspflicht „${obligationId}“. ${obligationChoices(context, type)}`;
    return states.includes(obligation.state)
      ? null
      : `Die Berichtspflicht „${obligation.id}“ (${obligation.kind}) ${obligationStateText(obligation, states)}. ${obligationChoices(context, type)}`;
  };
}

const closureCriteria: Rule<'closed'> = (context) => (finalReportSettled(context) ? null : closureRefusal(CLOSURE_NEEDS_FINAL_REPORT, context));

/** Since version 4: a transfer is an orderly closure, with its criteria (final report noted or waived). */
const transferCriteria: Rule<'transferred'> = (context) => (finalReportSettled(context) ? null : closureRefusal(TRANSFER_NEEDS_FINAL_REPORT, context));

/** Since version 4: the obligation named is a period of a recurring series that has not ended yet. */
const seriesToEnd: Rule<'reportSeriesEnded'> = (context, event) => {
  const { obligationId } = event.data;
  const obligation = findObligation(context, obligationId);
  if (!obligation) return `Es gibt keine Berichtspflicht „${obligationId}“. ${seriesChoices(context)}`;
  if (!obligation.recurrence) {
    return (
      `Die Berichtspflicht „${obligation.id}“ (${obligationLabel(obligation, context.obligations)}) ist nicht wiederkehrend; ` +
      `einen einzelnen Bericht hebt „${EVENT_LABELS.reportWaived}“ auf. ${seriesChoices(context)}`
    );
  }
  const ended = obligation.seriesEnded;
  return ended
    ? `Die wiederkehrende Berichtspflicht „${obligation.id}“ (${obligationLabel(obligation, context.obligations)}, ${describeRecurrence(obligation.recurrence)}) ` +
        `ist bereits ab dem ${germanDate(ended.from)} beendet${ended.decision ? ` (Beschluss ${ended.decision})` : ''}.`
    : null;
};

/** A new Frist must differ from the one the report has. */
const changesDue: Rule<'reportRescheduled'> = (context, event) => {
  const obligation = findObligation(context, event.data.obligationId);
  return obligation && sameDeadline(obligation.due, event.data.due)
    ? `Die Berichtspflicht „${obligation.id}“ (${obligation.kind}) hat bereits die Frist ${describeDeadline(obligation.due)}.`
    : null;
};

/** A Frist moved to a day already past when it is moved would only be overdue at once. */
const dueNotBeforeEvent: Rule<'reportRescheduled'> = (context, event) => {
  const on = berlinDate(event.occurredAt);
  const resolution = resolveDeadline(event.data.due);
  const obligation = findObligation(context, event.data.obligationId);
  // The same Frist is refused as such (changesDue).
  return !resolution.resolved || resolution.originalDate >= on || (obligation && sameDeadline(obligation.due, event.data.due))
    ? null
    : `Die neue Frist (${describeDeadline(event.data.due)}) liegt vor dem Ereignisdatum (${germanDate(on)}).`;
};

const extensionRequestOpen: Rule<'extensionDeclined'> = (context) => (hasOpenExtensionRequest(context) ? null : NO_OPEN_EXTENSION_REQUEST);

/** Since version 2: the full-replace form drops a contact person only when `removedContactIds` names it. */
const keepsContacts: Rule<'leadsChanged'> = (context, event) => {
  const { leads, contactIds, removedContactIds = [] } = event.data;
  if (!leads) return null;
  const dropped = context.profile.contactIds.filter((id) => !contactIds.includes(id) && !removedContactIds.includes(id));
  return dropped.length === 0
    ? null
    : `Die Änderung der Federführung würde ${dropped.length === 1 ? 'die Ansprechperson' : 'die Ansprechpersonen'} ${dropped.join(', ')} entfernen, ohne sie zu nennen: in „contactIds“ behalten oder in „removedContactIds“ ausdrücklich entfernen (oder „added“/„removed“ verwenden).`;
};

/** The add/remove form: removed leads and contacts are there, added leads are not, one lead stays. */
const leadChangeFits: Rule<'leadsChanged'> = (context, event) => {
  const { leads, added = [], removed = [], removedContactIds = [] } = event.data;
  if (leads) return null;
  const { profile } = context;
  const unknown = removed.filter((name) => !profile.leads.includes(name));
  if (unknown.length > 0) return `Nicht in der Federführung: ${unknown.join(', ')} (bisher: ${profile.leads.join(', ')}).`;
  const present = added.filter((name) => profile.leads.includes(name));
  if (present.length > 0) return `Bereits in der Federführung: ${present.join(', ')}.`;
  if (profile.leads.filter((name) => !removed.includes(name)).length + added.length === 0) return 'Die Federführung kann nicht leer werden.';
  const strangers = removedContactIds.filter((id) => !profile.contactIds.includes(id));
  return strangers.length === 0 ? null : `Keine Ansprechperson dieses Gremiums: ${strangers.join(', ')}.`;
};

const participantChangeFits: Rule<'participantsChanged'> = (context, event) => {
  const { participants, added = [], removed = [] } = event.data;
  if (participants) return null;
  const unknown = removed.filter((name) => !context.profile.participants.includes(name));
  if (unknown.length > 0) return `Nicht in der Mitwirkung: ${unknown.join(', ')}.`;
  const present = added.filter((name) => context.profile.participants.includes(name));
  return present.length === 0 ? null : `Bereits in der Mitwirkung: ${present.join(', ')}.`;
};

const changesClassification: Rule<'reclassified'> = (context, event) => {
  const { kind, parent } = event.data;
  const { profile } = context;
  return (kind !== undefined && kind !== profile.kind) || (parent !== undefined && parent !== profile.parent)
    ? null
    : `Keine Änderung: das Gremium ist bereits ${profile.kind} unter ${profile.parent}.`;
};

/** Since version 3: a revision leaves the expected end on or after the start, as the registration must. */
const revisionEndsAfterStart: Rule<'revised'> = (context, event) => {
  const { start = context.profile.start, expectedEnd } = event.data;
  return endAfterStart({ start, expectedEnd: expectedEnd === undefined ? context.profile.expectedEnd : expectedEnd }) ? null : END_BEFORE_START;
};

/**
 * Since version 3: the Frist a closure gives is the final report's. An open final report takes it
 * (see the chart); one already handed in keeps its own, so the closure must name that one: any
 * other Frist would apply to no report.
 */
const finalReportDueApplies: Rule<'closureInitiated'> = (context, event) => {
  // A waived one is owed no more: the closure's Frist is that of a new one (see the chart).
  const finalReports = context.obligations.filter((o) => o.kind === 'Abschlussbericht' && o.state !== 'waived');
  const given = event.data.finalReportDue;
  if (finalReports.length === 0 || finalReports.some(isOpenObligation) || finalReports.some((o) => sameDeadline(o.due, given))) return null;
  const last = finalReports[finalReports.length - 1];
  return (
    `Der Abschlussbericht „${last.id}“ ist bereits ${OBLIGATION_STATE_LABELS[last.state]} (Frist ${describeDeadline(last.due)}); ` +
    `die Frist ${describeDeadline(given)} gälte für keinen Bericht. Als Frist ${describeDeadline(last.due)} angeben ` +
    'oder einen weiteren Abschlussbericht zuerst als Berichtspflicht festlegen.'
  );
};

/** The events that may name the day they came in (`receivedOn`, since version 6). */
type ReceivedType = 'reportSubmitted' | 'extensionRequested';

/**
 * Since version 6: the day a report or an extension request came in (`receivedOn`) lies on or
 * before the day it is recorded, and not before the body was registered (a report: not before the
 * request that asked for it).
 */
function receivedBeforeRecorded<K extends ReceivedType>(context: BodyContext, received: BodyEventOf<K>): string | null {
  const event = received as BodyEventOf<ReceivedType>;
  const { receivedOn } = event.data;
  if (receivedOn === undefined) return null;
  const what = event.type === 'reportSubmitted' ? 'des Berichts' : 'des Antrags';
  const on = berlinDate(event.occurredAt);
  if (receivedOn > on) return `Der Eingang ${what} (${germanDate(receivedOn)}) liegt nach dem Ereignisdatum ${germanDate(on)}; erfasst wird, was eingegangen ist.`;
  const requested = event.type === 'reportSubmitted' ? findObligation(context, event.data.obligationId)?.requested?.on : undefined;
  const since = requested ?? context.registeredOn;
  return receivedOn >= since
    ? null
    : `Der Eingang ${what} (${germanDate(receivedOn)}) liegt vor dem ${germanDate(since)}, an dem ${requested ? 'er gefordert wurde' : 'das Gremium registriert wurde'}.`;
}

/** Versions 1 to 5 know no day a report or a request came in other than the event's. */
function noReceivedOn<K extends ReceivedType>(_context: BodyContext, event: BodyEventOf<K>): string | null {
  return (event as BodyEventOf<ReceivedType>).data.receivedOn === undefined
    ? null
    : 'Ein Eingangsdatum (receivedOn) kennt erst Version 6 des Lebenslaufs; das Gremium zuerst auf die neueste Version umstellen oder ohne Eingangsdatum erfassen.';
}

const rules: { [K in BodyEventType]?: Rule<K>[] } = {
  approved: [approvedUntilAfterDecision],
  started: [notBeforeApproval],
  extended: [extendsTerm],
  extensionRequested: [extendsTerm],
  termExpiring: [termNotYetOver],
  termExpired: [termReachesEnd],
  reportDue: [obligationIn('reportDue')],
  reportOverdue: [obligationIn('reportOverdue')],
  reportSubmitted: [obligationIn('reportSubmitted')],
  reportAcknowledged: [obligationIn('reportAcknowledged')],
  // Since version 3 (earlier charts have no such transition).
  reportRescheduled: [obligationIn('reportRescheduled'), changesDue, dueNotBeforeEvent],
  reportWaived: [obligationIn('reportWaived')],
  extensionDeclined: [extensionRequestOpen],
  closed: [closureCriteria],
  leadsChanged: [leadChangeFits],
  participantsChanged: [participantChangeFits],
  reclassified: [changesClassification],
};

/** Rules a later version of the chart added, by the version that added them. */
const rulesSince: Record<number, { [K in BodyEventType]?: Rule<K>[] }> = {
  2: { leadsChanged: [keepsContacts] },
  3: { revised: [revisionEndsAfterStart], closureInitiated: [finalReportDueApplies] },
  4: { transferred: [transferCriteria], reportSeriesEnded: [seriesToEnd] },
  6: { reportSubmitted: [receivedBeforeRecorded], extensionRequested: [receivedBeforeRecorded] },
};

/** Rules of the earlier versions that a later one dropped, by the last version that has them. */
const rulesUntil: Record<number, { [K in BodyEventType]?: Rule<K>[] }> = {
  5: { reportSubmitted: [noReceivedOn], extensionRequested: [noReceivedOn] },
};

/**
 * Every rule the event breaks in the given context, as German sentences (empty: allowed), by the
 * rules of the given version of the chart (default: the newest).
 */
export function violations(context: BodyContext, event: BodyEvent, version = Infinity): string[] {
  const later = Object.entries(rulesSince)
    .filter(([since]) => Number(since) <= version)
    .flatMap(([, added]) => (added[event.type] ?? []) as Rule[]);
  const earlier = Object.entries(rulesUntil)
    .filter(([until]) => version <= Number(until))
    .flatMap(([, kept]) => (kept[event.type] ?? []) as Rule[]);
  const own = [...((rules[event.type] ?? []) as Rule[]), ...later, ...earlier];
  const decisionRules = DECISION_EVENT_TYPES.includes(event.type) ? [citesDecision, decisionNotAfterEvent] : [decisionNotAfterEvent];
  return [...decisionRules, ...own].map((rule) => rule(context, event)).filter((reason) => reason !== null);
}
