/**
 * The lifecycle's business rules, one function each: given the context and the event, the
 * reason (in German) why the event may not happen, or null when it may. The statechart's
 * `rulesHold` guard runs the rules of the event's type; `decide` reports their reasons.
 */
import type { BodyContext, ObligationState } from './body.context';
import { findObligation, finalReportAcknowledged } from './body.context';
import type { BodyEvent, BodyEventOf } from './body.events';
import { berlinDate, germanDate } from './dates';
import type { BodyEventType } from './vocabulary';
import { DECISION_EVENT_TYPES } from './vocabulary';

type Rule<K extends BodyEventType = BodyEventType> = (context: BodyContext, event: BodyEventOf<K>) => string | null;

const citesDecision: Rule = (_context, event) =>
  event.decision ? null : `„${event.type}“ muss einen erfassten Beschluss nennen (Feld „decision“).`;

const decisionNotAfterEvent: Rule = (_context, event) => {
  if (!event.decision) return null;
  const on = berlinDate(event.occurredAt);
  return event.decision.date <= on
    ? null
    : `Beschluss ${event.decision.number} vom ${germanDate(event.decision.date)} liegt nach dem Ereignisdatum ${germanDate(on)}.`;
};

const approvedUntilAfterDecision: Rule<'approved'> = (_context, event) => {
  const until = event.data.approvedUntil;
  const from = event.decision?.date ?? berlinDate(event.occurredAt);
  return until === undefined || until >= from
    ? null
    : `Das Datum „befristet bis“ (${germanDate(until)}) liegt vor dem Beschluss (${germanDate(from)}).`;
};

const notBeforeApproval: Rule<'started'> = (context, event) => {
  const on = berlinDate(event.occurredAt);
  return context.approvedOn !== null && on >= context.approvedOn
    ? null
    : `Die Tätigkeit kann nicht vor dem Einrichtungsbeschluss beginnen (Beginn ${germanDate(on)}, Beschluss vom ${germanDate(context.approvedOn ?? on)}).`;
};

/** For `extended` and `extensionRequested` alike: the new end lies after the current one. */
const extendsTerm = (context: BodyContext, event: { data: { approvedUntil: string } }): string | null =>
  context.approvedUntil === null || event.data.approvedUntil > context.approvedUntil
    ? null
    : `Die Verlängerung muss nach dem bisherigen Ende liegen: neu ${germanDate(event.data.approvedUntil)}, bisher ${germanDate(context.approvedUntil)}.`;

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
    : `Die Laufzeit ist am ${germanDate(on)} bereits abgelaufen.`;
};

function obligationIn<K extends 'reportDue' | 'reportOverdue' | 'reportSubmitted' | 'reportAcknowledged'>(
  ...states: ObligationState[]
): Rule<K> {
  return (context, event) => {
    const { obligationId } = (event as BodyEventOf<'reportDue'>).data;
    const obligation = findObligation(context, obligationId);
    if (!obligation) return `Es gibt keine Berichtspflicht „${obligationId}“.`;
    return states.includes(obligation.state)
      ? null
      : `Die Berichtspflicht „${obligation.id}“ (${obligation.kind}) ist im Stand „${obligation.state}“.`;
  };
}

const closureCriteria: Rule<'closed'> = (context) =>
  finalReportAcknowledged(context)
    ? null
    : 'Der geordnete Abschluss setzt einen zur Kenntnis genommenen Abschlussbericht voraus.';

const rules: { [K in BodyEventType]?: Rule<K>[] } = {
  approved: [approvedUntilAfterDecision],
  started: [notBeforeApproval],
  extended: [extendsTerm],
  extensionRequested: [extendsTerm],
  termExpiring: [termNotYetOver],
  termExpired: [termReachesEnd],
  reportDue: [obligationIn('pending')],
  reportOverdue: [obligationIn('pending', 'due')],
  reportSubmitted: [obligationIn('pending', 'due', 'overdue')],
  reportAcknowledged: [obligationIn('submitted')],
  closed: [closureCriteria],
};

/** Every rule the event breaks in the given context, as German sentences (empty: allowed). */
export function violations(context: BodyContext, event: BodyEvent): string[] {
  const own = (rules[event.type] ?? []) as Rule[];
  const decisionRules = DECISION_EVENT_TYPES.includes(event.type) ? [citesDecision, decisionNotAfterEvent] : [decisionNotAfterEvent];
  return [...decisionRules, ...own].map((rule) => rule(context, event)).filter((reason) => reason !== null);
}
