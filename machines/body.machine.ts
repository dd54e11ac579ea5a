/**
 * The lifecycle of a body (Gremium) as one XState v5 statechart.
 *
 * Pure: no clock, no I/O. Every event carries its business time (`occurredAt`) and, where the
 * lifecycle needs one, the facts of the decision it cites. Changing what this chart does with an
 * already stored event changes replay, and needs a new BODY_MACHINE_VERSION.
 *
 * Versions: 1 is the first release. 2 adds `reclassified` (kind and parent by decision) and
 * refuses a full-replace `leadsChanged` that silently drops contact persons. 3 makes the Frist of
 * `closureInitiated` the final report's: an open Abschlussbericht moves to it (and is open
 * again), one already handed in must be named with its own Frist; and it refuses a `revised`
 * whose expected end lies before the start, as registration does; the secretariat moves a report's
 * Frist (`reportRescheduled`), waives a report (`reportWaived`) and declines an extension request
 * (`extensionDeclined`). 4 makes the transfer an orderly closure: `transferred` needs the final
 * report noted or waived, as `closed` does; an `extended` whose new end lies before the event's
 * day (a decision recorded after the fact) leaves the term expired at once instead of running
 * until the scheduler finds it over; and a decision ends a recurring report from a day on
 * (`reportSeriesEnded`). 5 keeps a report's title when it is handed in under one of its own:
 * that title is the handed-in report's (`submittedTitle`), so the later periods of a series are
 * named by the title the series was owed under, not by what one period was handed in as
 * („Sachstandsbericht 2025“); and a report requested (`reportRequested`) records its request
 * (`requested`: day, note, decision), so that the Beschlusskontrolle follows the very report a
 * decision asked for, also where the body owes another of the same kind and Frist. 6 takes the
 * day a report came in (`reportSubmitted` with `receivedOn`) where the Geschäftsstelle records it
 * after events since (its Frist's overdue event, say): the report counts as handed in on that day
 * (`submittedOn`), the day it was recorded is kept beside it (`submissionRecordedOn`), and so for
 * an extension request (`extensionRequested` with `receivedOn`: its `on`, `recordedOn`); and a
 * report taken note of by a decision was taken note of on the decision's day (`acknowledgedOn`),
 * not on the later day its event was recorded. All are built from this one chart
 * (`createBodyMachine(version)`); the earlier versions stay for replaying their events.
 */
import { and, assign, not, setup, type AnyStateMachine } from 'xstate';
import type { BodyContext, ExtensionRequest, ObligationChange, ReportObligation } from './body.context';
import { findObligation, initialContext, isOpenObligation, newObligation, nextObligationId, seriesOf } from './body.context';
import type { BodyEvent, BodyEventOf, RegisteredEvent } from './body.events';
import { berlinDate, type CivilDate } from './dates';
import { sameDeadline } from './deadlines';
import { violations } from './body.rules';
import { dueOnOrAfter, nextDue } from './recurrence';
import { coarseTermEnd, termEndDate, type TermEnd } from './term-end';

export const BODY_MACHINE_ID = 'body';
export const BODY_MACHINE_VERSIONS = [1, 2, 3, 4, 5, 6] as const;
export type BodyMachineVersion = (typeof BODY_MACHINE_VERSIONS)[number];
export const BODY_MACHINE_VERSION: BodyMachineVersion = 6;

const on = (event: BodyEvent) => berlinDate(event.occurredAt);

/** Since version 6: the day a report or a request came in (`receivedOn`), where it lies before the event's day; else null. */
const receivedEarlier = (event: BodyEvent, receivedOn: CivilDate | undefined): CivilDate | null => (receivedOn !== undefined && receivedOn < on(event) ? receivedOn : null);

function cite(context: BodyContext, event: BodyEvent): BodyContext['decisions'] {
  if (!event.decision) return context.decisions;
  const { number, issuer } = event.decision;
  return [...context.decisions, { number, issuer, event: event.type, on: on(event) }];
}

function updateObligation(
  context: BodyContext,
  id: string,
  change: (obligation: ReportObligation) => Partial<ReportObligation>,
): ReportObligation[] {
  return context.obligations.map((o) => (o.id === id ? { ...o, ...change(o) } : o));
}

/**
 * A recurring obligation's next period, once this one is handed in or waived (since version 3
 * also once it falls due: a yearly report is owed every year, whether last year's came in or
 * not), and only once: its Frist follows the planned one. A series a decision ended (since
 * version 4) opens no period whose Frist falls on or after its end; one before it still opens,
 * and knows the end.
 */
function nextPeriod(current: ReportObligation, obligations: ReportObligation[]): ReportObligation[] {
  if (!current.recurrence) return obligations;
  const series = current.series ?? current.id;
  const period = current.period ?? 1;
  if (obligations.some((o) => (o.series ?? o.id) === series && (o.period ?? 1) > period)) return obligations;
  const planned = current.rescheduled?.[0]?.from ?? current.due;
  const due = nextDue(planned, current.recurrence);
  const ended = current.seriesEnded;
  if (ended && dueOnOrAfter(due, ended.from)) return obligations;
  const next = newObligation(
    nextObligationId(obligations),
    { kind: current.kind, addressee: current.addressee, due, recurrence: current.recurrence },
    { series: current.series ?? current.id, period: (current.period ?? 1) + 1 },
  );
  return [...obligations, ended ? { ...next, seriesEnded: ended } : next];
}

/**
 * The obligation `reportSubmitted` names handed in, its title as `titled` says, and (a recurring
 * one) its next period opened. Handed in on the event's day, or (`received`, since version 6) on
 * the day the report came in, where that was earlier.
 */
function submitted(
  context: BodyContext,
  event: BodyEvent,
  titled: (title: string | undefined, obligation: ReportObligation) => Partial<ReportObligation>,
  received = false,
): ReportObligation[] {
  const { obligationId, title, documentRef, receivedOn } = (event as BodyEventOf<'reportSubmitted'>).data;
  const earlier = received ? receivedEarlier(event, receivedOn) : null;
  const obligations = updateObligation(context, obligationId, (o) => ({
    state: 'submitted',
    submittedOn: earlier ?? on(event),
    ...titled(title, o),
    documentRef: documentRef ?? null,
    ...(earlier ? { submissionRecordedOn: on(event) } : {}),
  }));
  // A recurring obligation: submitting this period opens the next.
  const current = context.obligations.find((o) => o.id === obligationId);
  return current ? nextPeriod(current, obligations) : obligations;
}

/**
 * The extension request `extensionRequested` makes: on the event's day, or (`received`, since
 * version 6) on the day it came in, where that was earlier, with the day it was recorded.
 */
function extensionRequest(event: BodyEvent, received: boolean): ExtensionRequest {
  const { approvedUntil, justification, receivedOn } = (event as BodyEventOf<'extensionRequested'>).data;
  const asWritten = coarseTermEnd(approvedUntil);
  const earlier = received ? receivedEarlier(event, receivedOn) : null;
  return {
    approvedUntil: termEndDate(approvedUntil),
    ...(asWritten ? { asWritten } : {}),
    justification,
    on: earlier ?? on(event),
    ...(earlier ? { recordedOn: on(event) } : {}),
  };
}

/** Since version 5: a title given on handing in is the handed-in report's own (`submittedTitle`). */
const ownTitle = (title: string | undefined): Partial<ReportObligation> => (title ? { submittedTitle: title } : {});

/** The obligation the event names changed so, and (a recurring one) its next period opened. */
function changedOpeningNext(context: BodyContext, event: BodyEvent, changed: Partial<ReportObligation>): ReportObligation[] {
  const { obligationId } = (event as BodyEventOf<'reportDue'>).data;
  const current = context.obligations.find((o) => o.id === obligationId);
  const obligations = updateObligation(context, obligationId, () => changed);
  return current ? nextPeriod(current, obligations) : obligations;
}

/** Who changed an obligation or answered a request, when and why. */
function change(event: BodyEvent): ObligationChange {
  return { on: on(event), reason: reasonOf(event), decision: event.decision?.number ?? null };
}

const reasonOf = (event: BodyEvent) => ('reason' in event.data ? (event.data.reason ?? null) : null);

/** The resolved day, and the coarse form kept beside it (undefined for a day, so the key vanishes). */
function term(end: TermEnd): Pick<BodyContext, 'approvedUntil' | 'approvedUntilAsWritten'> {
  return { approvedUntil: termEndDate(end), approvedUntilAsWritten: coarseTermEnd(end) };
}

/** A list with the removed names taken out and the added ones appended (each once). */
function changeList(list: string[], added: string[] = [], removed: string[] = []): string[] {
  const kept = list.filter((item) => !removed.includes(item));
  return [...kept, ...added.filter((item) => !kept.includes(item))];
}

const lifecycle = (version: BodyMachineVersion) => setup({
  types: {
    context: {} as BodyContext,
    events: {} as BodyEvent,
    input: {} as RegisteredEvent,
  },
  guards: {
    rulesHold: ({ context, event }) => violations(context, event, version).length === 0,
    isPermanent: ({ context }) => context.permanent,
    hasOverdueReport: ({ context }) => context.obligations.some((o) => o.state === 'overdue'),
    hasDueReport: ({ context }) => context.obligations.some((o) => o.state === 'due'),
    /** Since version 4: an extension whose new end lies before the event's day (recorded after the fact). */
    endsBeforeEvent: ({ event }) => termEndDate((event as BodyEventOf<'extended'>).data.approvedUntil) < on(event),
  },
  actions: {
    revise: assign(({ context, event }) => {
      const { note: _note, ...changes } = (event as BodyEventOf<'revised'>).data;
      const profile = { ...context.profile, ...changes };
      // Before approval the title is not yet official: the name history starts anew.
      return { profile, nameHistory: [{ title: profile.title, shortName: profile.shortName, since: context.registeredOn }] };
    }),
    recordReason: assign({ lastReason: ({ event }) => reasonOf(event) }),
    citeDecision: assign({ decisions: ({ context, event }) => cite(context, event) }),
    approve: assign(({ context, event }) => {
      const { data } = event as BodyEventOf<'approved'>;
      let obligations = context.obligations;
      for (const report of data.reports) obligations = [...obligations, newObligation(nextObligationId(obligations), report)];
      return {
        approvedOn: on(event),
        ...(data.approvedUntil === undefined ? { approvedUntil: null } : term(data.approvedUntil)),
        permanent: data.permanent === true,
        obligations,
        decisions: cite(context, event),
      };
    }),
    start: assign({ startedOn: ({ event }) => on(event) }),
    end: assign({ endedOn: ({ event }) => on(event), lastReason: ({ event }) => reasonOf(event) }),
    extend: assign(({ context, event }) => ({
      ...term((event as BodyEventOf<'extended'>).data.approvedUntil),
      decisions: cite(context, event),
    })),
    makePermanent: assign(({ context, event }) => ({
      permanent: true,
      approvedUntil: null,
      approvedUntilAsWritten: undefined,
      decisions: cite(context, event),
    })),
    rename: assign(({ context, event }) => {
      const { title, shortName } = (event as BodyEventOf<'renamed'>).data;
      const next = { title, shortName: shortName === undefined ? context.profile.shortName : shortName };
      return {
        profile: { ...context.profile, ...next },
        nameHistory: [...context.nameHistory, { ...next, since: on(event) }],
        decisions: cite(context, event),
      };
    }),
    changeLeads: assign(({ context, event }) => {
      const { leads, added, removed, contactIds, removedContactIds } = (event as BodyEventOf<'leadsChanged'>).data;
      const { profile } = context;
      const next = leads
        ? { leads, contactIds }
        : {
            leads: changeList(profile.leads, added, removed),
            contactIds: changeList(profile.contactIds, contactIds, removedContactIds),
          };
      return { profile: { ...profile, ...next }, decisions: cite(context, event) };
    }),
    changeParticipants: assign(({ context, event }) => {
      const { participants, added, removed } = (event as BodyEventOf<'participantsChanged'>).data;
      const next = participants ?? changeList(context.profile.participants, added, removed);
      return { profile: { ...context.profile, participants: next }, decisions: cite(context, event) };
    }),
    reclassify: assign(({ context, event }) => {
      const { kind, parent } = (event as BodyEventOf<'reclassified'>).data;
      const { profile } = context;
      const since = on(event);
      const decision = event.decision?.number ?? null;
      const kindHistory = context.kindHistory ?? [{ kind: profile.kind, since: context.registeredOn, decision: null }];
      const parentHistory = context.parentHistory ?? [{ parent: profile.parent, since: context.registeredOn, decision: null }];
      return {
        profile: { ...profile, kind: kind ?? profile.kind, parent: parent ?? profile.parent },
        kindHistory: kind && kind !== profile.kind ? [...kindHistory, { kind, since, decision }] : kindHistory,
        parentHistory: parent && parent !== profile.parent ? [...parentHistory, { parent, since, decision }] : parentHistory,
        decisions: cite(context, event),
      };
    }),
    requestReport: assign({
      obligations: ({ context, event }) => {
        const { note: _note, ...report } = (event as BodyEventOf<'reportRequested'>).data;
        return [...context.obligations, newObligation(nextObligationId(context.obligations), report)];
      },
    }),
    /** Since version 5: the report requested knows its request (day, note, decision), so that the very report a decision asked for is found. */
    requestReportRecordingRequest: assign({
      obligations: ({ context, event }) => {
        const { note, ...report } = (event as BodyEventOf<'reportRequested'>).data;
        const requested = { on: on(event), reason: note ?? null, decision: event.decision?.number ?? null };
        return [...context.obligations, { ...newObligation(nextObligationId(context.obligations), report), requested }];
      },
    }),
    markReportDue: assign({
      obligations: ({ context, event }) =>
        updateObligation(context, (event as BodyEventOf<'reportDue'>).data.obligationId, () => ({ state: 'due', dueOn: on(event) })),
    }),
    markReportOverdue: assign({
      obligations: ({ context, event }) =>
        updateObligation(context, (event as BodyEventOf<'reportOverdue'>).data.obligationId, () => ({
          state: 'overdue',
          overdueOn: on(event),
        })),
    }),
    /** Since version 3: a recurring report falling due (or overdue) opens its next period, so that one's Frist runs on time. */
    markReportDueOpeningNext: assign({
      obligations: ({ context, event }) => changedOpeningNext(context, event, { state: 'due', dueOn: on(event) }),
    }),
    markReportOverdueOpeningNext: assign({
      obligations: ({ context, event }) => changedOpeningNext(context, event, { state: 'overdue', overdueOn: on(event) }),
    }),
    /** Versions 1 to 4: a title given on handing in replaces the report's (and so, for a series' first period, the series'). */
    markReportSubmitted: assign({
      obligations: ({ context, event }) => submitted(context, event, (title, o) => ({ title: title ?? o.title })),
    }),
    /** Since version 5: a title given on handing in is the handed-in report's own; the title it was owed under stays. */
    markReportSubmittedUnderOwnTitle: assign({
      obligations: ({ context, event }) => submitted(context, event, ownTitle),
    }),
    /** Since version 6: as version 5, and handed in on the day it came in (`receivedOn`), where the event is recorded later. */
    markReportSubmittedWhenReceived: assign({
      obligations: ({ context, event }) => submitted(context, event, ownTitle, true),
    }),
    /** Since version 3: another Frist, and the report open again until it; the former Frist is kept. */
    rescheduleReport: assign(({ context, event }) => {
      const { obligationId, due } = (event as BodyEventOf<'reportRescheduled'>).data;
      const obligations = updateObligation(context, obligationId, (o) => ({
        due,
        state: 'pending',
        dueOn: null,
        overdueOn: null,
        rescheduled: [...(o.rescheduled ?? []), { from: o.due, ...change(event) }],
      }));
      return { obligations, decisions: cite(context, event) };
    }),
    /** Since version 3: no longer owed. A recurring obligation's next period opens, as on submission. */
    waiveReport: assign(({ context, event }) => {
      const { obligationId } = (event as BodyEventOf<'reportWaived'>).data;
      const obligations = updateObligation(context, obligationId, () => ({ state: 'waived', waived: change(event) }));
      const current = context.obligations.find((o) => o.id === obligationId);
      return { obligations: current ? nextPeriod(current, obligations) : obligations, decisions: cite(context, event) };
    }),
    /**
     * Since version 4: every period of the series knows its end; those still open whose Frist
     * falls on or after it are owed no more (waived, with the decision), and no later one opens.
     */
    endReportSeries: assign(({ context, event }) => {
      const { obligationId, from } = (event as BodyEventOf<'reportSeriesEnded'>).data;
      const named = findObligation(context, obligationId);
      const series = named ? seriesOf(named) : null;
      const ended = { from, ...change(event) };
      const obligations = context.obligations.map((o) => {
        if (series === null || seriesOf(o) !== series) return o;
        const dropped = isOpenObligation(o) && dueOnOrAfter(o.due, from);
        return dropped ? { ...o, state: 'waived' as const, waived: change(event), seriesEnded: ended } : { ...o, seriesEnded: ended };
      });
      return { obligations, decisions: cite(context, event) };
    }),
    markReportAcknowledged: assign(({ context, event }) => ({
      obligations: updateObligation(context, (event as BodyEventOf<'reportAcknowledged'>).data.obligationId, () => ({
        state: 'acknowledged',
        acknowledgedOn: on(event),
        acknowledgedBy: event.decision?.number ?? null,
      })),
      decisions: cite(context, event),
    })),
    /**
     * Since version 6: a report taken note of by a decision was taken note of on the decision's
     * day, also where the event is recorded later (after events since); on the event's day where
     * that day lies before the report was handed in, as recorded.
     */
    markReportAcknowledgedOnDecisionDay: assign(({ context, event }) => ({
      obligations: updateObligation(context, (event as BodyEventOf<'reportAcknowledged'>).data.obligationId, (o) => ({
        state: 'acknowledged',
        acknowledgedOn: event.decision && event.decision.date >= (o.submittedOn ?? event.decision.date) ? event.decision.date : on(event),
        acknowledgedBy: event.decision?.number ?? null,
      })),
      decisions: cite(context, event),
    })),
    /** Versions 1 and 2: any final report, open or handed in, keeps its Frist; the closure's applies only to a new one. */
    initiateClosure: assign(({ context, event }) => {
      const { finalReportDue, reason } = (event as BodyEventOf<'closureInitiated'>).data;
      const hasOpenFinalReport = context.obligations.some((o) => o.kind === 'Abschlussbericht');
      const obligations = hasOpenFinalReport
        ? context.obligations
        : [
            ...context.obligations,
            newObligation(nextObligationId(context.obligations), {
              kind: 'Abschlussbericht',
              addressee: context.profile.parent,
              due: finalReportDue,
            }),
          ];
      return { closureInitiatedOn: on(event), obligations, lastReason: reason ?? null, decisions: cite(context, event) };
    }),
    /**
     * Since version 3: the closure's Frist is the final report's. Every open final report whose
     * Frist differs takes it and is open again (`reportDue` and `reportOverdue` follow from the
     * new Frist); without any final report a new one is owed. One already handed in keeps its
     * Frist, which the rules make the closure name.
     */
    initiateClosureSettingFinalReportDue: assign(({ context, event }) => {
      const { finalReportDue, reason } = (event as BodyEventOf<'closureInitiated'>).data;
      const moves = (o: ReportObligation) => o.kind === 'Abschlussbericht' && isOpenObligation(o) && !sameDeadline(o.due, finalReportDue);
      // A waived final report is owed no more: then the closure's Frist is that of a new one.
      const obligations = context.obligations.some((o) => o.kind === 'Abschlussbericht' && o.state !== 'waived')
        ? context.obligations.map((o) => (moves(o) ? { ...o, due: finalReportDue, state: 'pending' as const, dueOn: null, overdueOn: null } : o))
        : [
            ...context.obligations,
            newObligation(nextObligationId(context.obligations), { kind: 'Abschlussbericht', addressee: context.profile.parent, due: finalReportDue }),
          ];
      return { closureInitiatedOn: on(event), obligations, lastReason: reason ?? null, decisions: cite(context, event) };
    }),
    close: assign(({ context, event }) => {
      const { successor, noSuccessorReason } = (event as BodyEventOf<'closed'>).data;
      return {
        successor: successor ?? null,
        noSuccessorReason: noSuccessorReason ?? null,
        endedOn: on(event),
        decisions: cite(context, event),
      };
    }),
    recordExtensionRequest: assign({
      extensionRequests: ({ context, event }) => [...(context.extensionRequests ?? []), extensionRequest(event, false)],
    }),
    /** Since version 6: as before, made on the day it came in (`receivedOn`), where the event is recorded later. */
    recordExtensionRequestWhenReceived: assign({
      extensionRequests: ({ context, event }) => [...(context.extensionRequests ?? []), extensionRequest(event, true)],
    }),
    /** Since version 3: the latest request is answered no, and leaves the secretariat's to-dos. */
    declineExtension: assign(({ context, event }) => {
      const requests = context.extensionRequests ?? [];
      return {
        extensionRequests: requests.map((request, i) => (i === requests.length - 1 ? { ...request, declined: change(event) } : request)),
        decisions: cite(context, event),
      };
    }),
    transfer: assign(({ context, event }) => ({
      successor: (event as BodyEventOf<'transferred'>).data.successor,
      endedOn: on(event),
      decisions: cite(context, event),
    })),
  },
});

/** Asking for an extension (a lead) and deciding on it: while the term runs, ends soon or has expired. */
const termDecisions = {
  extensionRequested: { guard: 'rulesHold', actions: 'recordExtensionRequest' },
  extended: { guard: 'rulesHold', target: 'running', actions: 'extend' },
  madePermanent: { guard: 'rulesHold', target: 'permanent', actions: 'makePermanent' },
} as const;

/** Since version 3: declining the open request as well. */
const termDecisionsSince3 = { ...termDecisions, extensionDeclined: { guard: 'rulesHold', actions: 'declineExtension' } } as const;

/**
 * Since version 4: an extension recorded after the new end has passed leaves the term expired at
 * once (it needs another decision), instead of running until the scheduler records the expiry.
 */
const termDecisionsSince4 = {
  ...termDecisionsSince3,
  extended: [
    { guard: and(['rulesHold', 'endsBeforeEvent']), target: 'expired', actions: 'extend' },
    { guard: 'rulesHold', target: 'running', actions: 'extend' },
  ],
} as const;

/** Since version 6: a request recorded after it came in was made on the day it came in. */
const termDecisionsSince6 = { ...termDecisionsSince4, extensionRequested: { guard: 'rulesHold', actions: 'recordExtensionRequestWhenReceived' } } as const;

/** Since version 3: moving a report's Frist or waiving the report, before the start as after it. */
const obligationChanges = {
  reportRescheduled: { guard: 'rulesHold', actions: 'rescheduleReport' },
  reportWaived: { guard: 'rulesHold', actions: 'waiveReport' },
} as const;

/** Since version 4: ending a recurring report by decision as well. */
const obligationChangesSince4 = { ...obligationChanges, reportSeriesEnded: { guard: 'rulesHold', actions: 'endReportSeries' } } as const;

/** The version each chart was built as (see `chartVersion`). */
const chartVersions = new WeakMap<AnyStateMachine, BodyMachineVersion>();

/** The version a chart built by `createBodyMachine` was built as (a snapshot's: `chartVersion(snapshot.machine)`). */
export function chartVersion(machine: AnyStateMachine): BodyMachineVersion | undefined {
  return chartVersions.get(machine);
}

/** The chart of the given version; an earlier version lacks what a later one added. */
export function createBodyMachine(version: BodyMachineVersion) {
  const since2 = <T extends object>(transitions: T): T | object => (version >= 2 ? transitions : {});
  const reclassify = since2({ reclassified: { guard: 'rulesHold', actions: 'reclassify' } } as const);
  const since3 = <T extends object>(transitions: T): T | object => (version >= 3 ? transitions : {});
  const initiateClosure = version >= 3 ? 'initiateClosureSettingFinalReportDue' : 'initiateClosure';
  const terms = version >= 6 ? termDecisionsSince6 : version >= 4 ? termDecisionsSince4 : version >= 3 ? termDecisionsSince3 : termDecisions;
  const changeObligations = version >= 4 ? obligationChangesSince4 : since3(obligationChanges);
  const requestReport = version >= 5 ? 'requestReportRecordingRequest' : 'requestReport';
  const submitReport = version >= 6 ? 'markReportSubmittedWhenReceived' : version >= 5 ? 'markReportSubmittedUnderOwnTitle' : 'markReportSubmitted';
  const machine = lifecycle(version).createMachine({
  id: BODY_MACHINE_ID,
  context: ({ input }) => initialContext(input),
  initial: 'draft',
  states: {
    draft: {
      on: {
        revised: { guard: 'rulesHold', actions: 'revise' },
        submitted: { guard: 'rulesHold', target: 'submitted' },
        withdrawn: { guard: 'rulesHold', target: 'withdrawn', actions: 'end' },
      },
    },
    submitted: {
      on: {
        returnedForRevision: { guard: 'rulesHold', target: 'draft', actions: 'recordReason' },
        approved: { guard: 'rulesHold', target: 'established', actions: 'approve' },
        rejected: { guard: 'rulesHold', target: 'rejected', actions: ['citeDecision', 'end'] },
        withdrawn: { guard: 'rulesHold', target: 'withdrawn', actions: 'end' },
      },
    },
    established: {
      on: {
        started: { guard: 'rulesHold', target: 'active', actions: 'start' },
        reportRequested: { guard: 'rulesHold', actions: requestReport },
        ...changeObligations,
        renamed: { guard: 'rulesHold', actions: 'rename' },
        leadsChanged: { guard: 'rulesHold', actions: 'changeLeads' },
        participantsChanged: { guard: 'rulesHold', actions: 'changeParticipants' },
        ...reclassify,
        dissolved: { guard: 'rulesHold', target: 'dissolved', actions: ['citeDecision', 'end'] },
      },
    },
    active: {
      type: 'parallel',
      on: {
        renamed: { guard: 'rulesHold', actions: 'rename' },
        leadsChanged: { guard: 'rulesHold', actions: 'changeLeads' },
        participantsChanged: { guard: 'rulesHold', actions: 'changeParticipants' },
        ...reclassify,
        dissolved: { guard: 'rulesHold', target: 'dissolved', actions: ['citeDecision', 'end'] },
      },
      states: {
        term: {
          initial: 'running',
          states: {
            running: {
              always: { guard: 'isPermanent', target: 'permanent' },
              on: {
                termExpiring: { guard: 'rulesHold', target: 'expiring' },
                termExpired: { guard: 'rulesHold', target: 'expired' },
                ...terms,
              },
            },
            expiring: {
              on: { termExpired: { guard: 'rulesHold', target: 'expired' }, ...terms },
            },
            expired: { on: terms },
            permanent: {},
          },
        },
        reporting: {
          initial: 'upToDate',
          states: {
            upToDate: {
              always: [
                { guard: 'hasOverdueReport', target: 'reportOverdue' },
                { guard: 'hasDueReport', target: 'reportDue' },
              ],
            },
            reportDue: {
              always: [
                { guard: 'hasOverdueReport', target: 'reportOverdue' },
                { guard: not('hasDueReport'), target: 'upToDate' },
              ],
            },
            reportOverdue: {
              always: { guard: not('hasOverdueReport'), target: 'reportDue' },
            },
          },
          on: {
            reportRequested: { guard: 'rulesHold', actions: requestReport },
            reportDue: { guard: 'rulesHold', actions: version >= 3 ? 'markReportDueOpeningNext' : 'markReportDue' },
            reportOverdue: { guard: 'rulesHold', actions: version >= 3 ? 'markReportOverdueOpeningNext' : 'markReportOverdue' },
            reportSubmitted: { guard: 'rulesHold', actions: submitReport },
            reportAcknowledged: { guard: 'rulesHold', actions: version >= 6 ? 'markReportAcknowledgedOnDecisionDay' : 'markReportAcknowledged' },
            ...changeObligations,
          },
        },
        closure: {
          initial: 'operating',
          states: {
            operating: {
              on: { closureInitiated: { guard: 'rulesHold', target: 'closing', actions: initiateClosure } },
            },
            closing: {
              on: {
                closed: { guard: 'rulesHold', target: '#body.closed', actions: 'close' },
                transferred: { guard: 'rulesHold', target: '#body.transferred', actions: 'transfer' },
              },
            },
          },
        },
      },
    },
    rejected: { type: 'final' },
    withdrawn: { type: 'final' },
    closed: { type: 'final' },
    transferred: { type: 'final' },
    dissolved: { type: 'final' },
  },
  });
  chartVersions.set(machine as AnyStateMachine, version);
  return machine;
}

export type BodyMachine = ReturnType<typeof createBodyMachine>;

/** The current version's chart. */
export const bodyMachine: BodyMachine = createBodyMachine(BODY_MACHINE_VERSION);
