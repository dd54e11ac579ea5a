import { getAdjacencyMap } from 'xstate/graph';
import { getMicrosteps, getNextTransitions, type AnyStateNode } from 'xstate';
import {
  BODY_MACHINE_VERSIONS,
  allowedEvents,
  begin,
  decide,
  evolve,
  lifecycleOf,
  notYetPossible,
  offeredEvents,
  openRequests,
  persist,
  replay,
  restore,
  stateLabel,
  type BodyEvent,
  type BodySnapshot,
} from '.';
import {
  DECISION_2024_09_AL,
  DECISION_2025_03_AL,
  DECISION_2025_14,
  approved,
  approvedPermanently,
  closureInitiated,
  event,
  extended,
  given,
  registered,
  reportAcknowledged,
  reportDue,
  reportOverdue,
  reportSubmitted,
  started,
  submitted,
  termExpired,
  termExpiring,
  transferred,
} from '../test/support/machine-events';

const ACTIVE = [submitted(), approved(), started()];
/** The closure's final report (r2, „bis 30.09.2025“) handed in and noted: what an orderly end needs. */
const FINAL_REPORT_NOTED = [reportSubmitted('r2', '2025-09-15'), reportAcknowledged('r2', '2025-10-01')];

describe('the body lifecycle', () => {
  test('a registered body starts as a draft that can be revised, submitted or withdrawn', () => {
    const { snapshot } = given();
    expect(snapshot.value).toBe('draft');
    expect(allowedEvents(snapshot)).toEqual(['revised', 'submitted', 'withdrawn']);
    expect(snapshot.context.obligations).toEqual([expect.objectContaining({ id: 'r1', kind: 'Zwischenbericht', state: 'pending' })]);
  });

  test('approval needs a recorded decision', () => {
    const { verdict, next } = given(submitted()).when(event('approved', { approvedUntil: '2025-03-31', reports: [] }, '2024-06-13'));
    expect(verdict).toMatchObject({ allowed: false, reason: expect.stringContaining('Beschluss') });
    expect(next.value).toBe('submitted');
  });

  test('approval records the decision and the approved-until date', () => {
    const { verdict, next } = given(submitted()).when(approved('2025-03-31'));
    expect(verdict.allowed).toBe(true);
    expect(next.value).toBe('established');
    expect(next.context).toMatchObject({ approvedOn: '2024-06-13', approvedUntil: '2025-03-31', permanent: false });
    expect(next.context.decisions).toEqual([{ number: '2024/09-AL', issuer: 'AL-Runde', event: 'approved', on: '2024-06-13' }]);
  });

  test('an approved-until date before the decision is refused, measured from the event date where no decision is cited', () => {
    const early = given(submitted()).when(approved('2024-05-31'));
    expect(early.verdict).toMatchObject({ allowed: false, reason: 'Das Datum „befristet bis“ (31.05.2024) liegt vor dem Beschluss (13.06.2024).' });
    const { verdict } = given(submitted()).when(event('approved', { approvedUntil: '2025-03-31', reports: [] }, '2026-12-03'));
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed === false && verdict.violations).toEqual([
      '„Eingerichtet (Beschluss)“ braucht den Beschluss, der es anordnet: bitte einen erfassten Beschluss nennen.',
      'Das Datum „befristet bis“ (31.03.2025) liegt vor dem Ereignisdatum (03.12.2026).',
    ]);
  });

  test('an event may not happen before the decision it cites', () => {
    const { verdict } = given(submitted()).when(approved('2025-03-31', DECISION_2024_09_AL, '2024-06-12'));
    expect(verdict).toMatchObject({ allowed: false, reason: expect.stringContaining('liegt nach dem Ereignisdatum') });
  });

  test('the work cannot start before the approval', () => {
    const { verdict, next } = given(submitted(), approved()).when(started('2024-06-12'));
    expect(verdict).toMatchObject({ allowed: false, reason: expect.stringContaining('nicht vor dem Einrichtungsbeschluss') });
    expect(next.value).toBe('established');
  });

  test('a started body is active with a running term, reports up to date and no closure', () => {
    const { snapshot } = given(...ACTIVE);
    expect(snapshot.value).toEqual({ active: { term: 'running', reporting: 'upToDate', closure: 'operating' } });
    expect(stateLabel(snapshot)).toBe('Aktiv (Laufzeit läuft, Berichte aktuell, In Arbeit)');
    expect(snapshot.context.startedOn).toBe('2024-06-17');
  });

  test('a body approved until further notice starts with a permanent term', () => {
    const { snapshot } = given(submitted(), approvedPermanently(), started());
    expect(snapshot.value).toMatchObject({ active: { term: 'permanent' } });
    expect(allowedEvents(snapshot)).not.toContain('extended');
  });

  test('reports go due, overdue, submitted and acknowledged, and the reporting region follows', () => {
    const due = given(...ACTIVE).when(reportDue());
    expect(due.next.value).toMatchObject({ active: { reporting: 'reportDue' } });
    const overdue = given(...ACTIVE, reportDue()).when(reportOverdue());
    expect(overdue.next.value).toMatchObject({ active: { reporting: 'reportOverdue' } });
    const submittedLate = given(...ACTIVE, reportDue(), reportOverdue()).when(reportSubmitted('r1', '2024-12-05'));
    expect(submittedLate.next.value).toMatchObject({ active: { reporting: 'upToDate' } });
    const acknowledged = given(...ACTIVE, reportDue(), reportSubmitted()).when(reportAcknowledged('r1', '2024-12-10', DECISION_2024_09_AL));
    expect(acknowledged.next.context.obligations[0]).toMatchObject({
      state: 'acknowledged',
      submittedOn: '2024-11-20',
      acknowledgedOn: '2024-12-10',
      acknowledgedBy: '2024/09-AL',
    });
  });

  test('a report cannot be acknowledged before it is submitted, nor can an unknown one be submitted', () => {
    expect(given(...ACTIVE, reportDue()).when(reportAcknowledged()).verdict).toMatchObject({
      allowed: false,
      reason: 'Die Berichtspflicht „r1“ (Zwischenbericht) ist fällig. Kein eingereichter Bericht wartet auf Kenntnisnahme.',
    });
    expect(given(...ACTIVE).when(reportSubmitted('r9')).verdict).toMatchObject({
      allowed: false,
      reason: 'Es gibt keine Berichtspflicht „r9“. In Frage kommt: r1 (Zwischenbericht, offen).',
    });
  });

  test('an extension must lie after the current approved-until date', () => {
    const { verdict, next } = given(...ACTIVE).when(extended('2025-03-31'));
    expect(verdict).toMatchObject({ allowed: false, reason: expect.stringContaining('nach dem bisherigen Ende') });
    expect(next.context.approvedUntil).toBe('2025-03-31');
  });

  test('an extension brings an expiring or expired term back to running', () => {
    for (const before of [[termExpiring()], [termExpired()]]) {
      const { verdict, next } = given(...ACTIVE, ...before).when(extended('2025-12-31', { ...DECISION_2025_03_AL, date: '2025-04-02' }));
      expect(verdict.allowed).toBe(true);
      expect(next.value).toMatchObject({ active: { term: 'running' } });
      expect(next.context.approvedUntil).toBe('2025-12-31');
    }
  });

  test('a lead asks for an extension: recorded, the state stays; the request must lie after the current end', () => {
    const request = (until: string) => event('extensionRequested', { approvedUntil: until, justification: 'Auftrag noch offen.' }, '2025-02-01');
    for (const before of [[], [termExpiring()], [termExpired()]]) {
      const { snapshot } = given(...ACTIVE, ...before);
      const { verdict, next } = given(...ACTIVE, ...before).when(request('2025-12-31'));
      expect(verdict.allowed).toBe(true);
      expect(next.value).toEqual(snapshot.value);
      expect(next.context.approvedUntil).toBe(snapshot.context.approvedUntil);
      expect(next.context.extensionRequests).toEqual([{ approvedUntil: '2025-12-31', justification: 'Auftrag noch offen.', on: '2025-02-01' }]);
    }
    expect(given(...ACTIVE).when(request('2025-03-31')).verdict).toMatchObject({ allowed: false, reason: expect.stringContaining('nach dem bisherigen Ende') });
    expect(given(submitted(), approved()).when(request('2025-12-31')).verdict.allowed).toBe(false);
  });

  test('the term expires only after the approved-until date, and warns only before it', () => {
    expect(given(...ACTIVE).when(termExpired('2025-03-31')).verdict).toMatchObject({ allowed: false });
    expect(given(...ACTIVE).when(termExpired('2025-04-01')).next.value).toMatchObject({ active: { term: 'expired' } });
    expect(given(...ACTIVE).when(termExpiring('2025-04-01')).verdict).toMatchObject({ allowed: false });
  });

  test('an expired term stays expired until a decision: nothing closes silently', () => {
    const { snapshot } = given(...ACTIVE, termExpired());
    expect(snapshot.status).toBe('active');
    expect(allowedEvents(snapshot)).toEqual(expect.arrayContaining(['extended', 'madePermanent', 'closureInitiated', 'dissolved']));
  });

  test('making a body permanent ends its term dates', () => {
    const { next } = given(...ACTIVE, termExpiring()).when(event('madePermanent', {}, '2025-02-01', { ...DECISION_2025_03_AL, date: '2025-02-01' }));
    expect(next.value).toMatchObject({ active: { term: 'permanent' } });
    expect(next.context).toMatchObject({ permanent: true, approvedUntil: null });
  });

  test('closing needs the final report acknowledged and a successor or a reason for none', () => {
    const closing = [...ACTIVE, closureInitiated()];
    const close = (data: object) => event('closed', data as never, '2025-10-20', { ...DECISION_2025_14, date: '2025-10-20' });
    const openFinalReport =
      'Der geordnete Abschluss setzt einen zur Kenntnis genommenen oder entfallenen Abschlussbericht voraus. ' +
      'Offen ist: Abschlussbericht an AL-Runde (Frist 30.09.2025, offen) – erst einreichen und zur Kenntnis nehmen oder als entfallen erfassen.';
    expect(given(...closing).when(close({ noSuccessorReason: 'Auftrag erfüllt.' })).verdict).toMatchObject({ allowed: false, reason: openFinalReport });
    const withReport = given(...closing, reportSubmitted('r2', '2025-09-15'), reportAcknowledged('r2', '2025-10-01'));
    // Offered only once it could be: the state handles it before, the rule refuses it whatever the data.
    expect(allowedEvents(given(...closing).snapshot)).toContain('closed');
    expect(offeredEvents(given(...closing).snapshot)).not.toContain('closed');
    expect(offeredEvents(withReport.snapshot)).toContain('closed');
    // What is left out is told with why.
    const noRequest = { type: 'extensionDeclined', reason: 'Es liegt kein offener Verlängerungsantrag vor.' };
    const noSeries = { type: 'reportSeriesEnded', reason: 'Das Gremium hat keine wiederkehrende Berichtspflicht, die noch läuft.' };
    expect(notYetPossible(given(...closing).snapshot)).toEqual([
      { type: 'reportAcknowledged', reason: 'Kein eingereichter Bericht wartet darauf, zur Kenntnis genommen zu werden.' },
      noSeries,
      noRequest,
      { type: 'closed', reason: openFinalReport },
      { type: 'transferred', reason: expect.stringMatching(/^Die Überführung in eine Nachfolgestruktur ist ein geordneter Abschluss .* Offen ist: Abschlussbericht/) },
    ]);
    // r1 is still open to submit; none waits to be acknowledged.
    expect(notYetPossible(withReport.snapshot)).toEqual([
      { type: 'reportAcknowledged', reason: 'Kein eingereichter Bericht wartet darauf, zur Kenntnis genommen zu werden.' },
      noSeries,
      noRequest,
    ]);
    expect(withReport.snapshot.context.obligations[1]).toMatchObject({ kind: 'Abschlussbericht', addressee: 'AL-Runde' });
    const { verdict, next } = withReport.when(close({ noSuccessorReason: 'Auftrag erfüllt.' }));
    expect(verdict.allowed).toBe(true);
    expect(next.value).toBe('closed');
    expect(next.status).toBe('done');
    expect(next.context).toMatchObject({ noSuccessorReason: 'Auftrag erfüllt.', endedOn: '2025-10-20' });
  });

  test('a transfer needs closure initiated and names the successor', () => {
    expect(given(...ACTIVE).when(transferred()).verdict).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('nicht zulässig'),
    });
    const { next } = given(...ACTIVE, closureInitiated(), ...FINAL_REPORT_NOTED).when(transferred('Nachfolgegruppe'));
    expect(next.value).toBe('transferred');
    expect(next.context.successor).toEqual({ name: 'Nachfolgegruppe' });
  });

  test('a report event is offered only while an obligation could take it: one open to submit, one submitted to acknowledge', () => {
    const reportEvents = (...events: BodyEvent[]) => offeredEvents(given(...events).snapshot).filter((type) => type.startsWith('report'));
    // The state handles them throughout; which are offered follows the obligation r1.
    const owed = ['reportRequested', 'reportSubmitted', 'reportRescheduled', 'reportWaived'];
    expect(reportEvents(...ACTIVE)).toEqual(owed);
    expect(reportEvents(...ACTIVE, reportSubmitted())).toEqual(['reportRequested', 'reportAcknowledged']);
    expect(reportEvents(...ACTIVE, reportSubmitted(), reportAcknowledged())).toEqual(['reportRequested']);
    expect(allowedEvents(given(...ACTIVE, reportSubmitted(), reportAcknowledged()).snapshot)).toEqual(
      expect.arrayContaining(['reportSubmitted', 'reportAcknowledged', 'reportRescheduled', 'reportWaived']),
    );
    // The final report asked for on closure is open again to submit.
    expect(reportEvents(...ACTIVE, reportSubmitted(), reportAcknowledged(), closureInitiated())).toEqual(owed);
  });

  test('a finished body accepts no event any more', () => {
    const { snapshot } = given(...ACTIVE, closureInitiated(), ...FINAL_REPORT_NOTED, transferred());
    expect(allowedEvents(snapshot)).toEqual([]);
    const { verdict } = given(...ACTIVE, closureInitiated(), ...FINAL_REPORT_NOTED, transferred()).when(extended('2030-01-01'));
    expect(verdict).toMatchObject({ allowed: false, reason: expect.stringContaining('beendet') });
  });

  test('a refused event names the events the state allows', () => {
    const { verdict } = given().when(started());
    expect(verdict).toEqual({
      allowed: false,
      reason: '„Tätigkeit begonnen“ (started) ist im Zustand „Entwurf“ nicht zulässig.',
      violations: [],
      allowedEvents: ['revised', 'submitted', 'withdrawn'],
    });
  });

  test('replay folds the events to the same snapshot as evolving one by one, and restore round-trips', () => {
    const events = [...ACTIVE, reportDue(), reportSubmitted(), extended(), closureInitiated(), ...FINAL_REPORT_NOTED, transferred()];
    const { snapshot } = given(...events);
    const replayed = replay(registered(), events);
    expect(persist(replayed)).toEqual(persist(snapshot));
    const restored = restore(JSON.parse(JSON.stringify(persist(snapshot))));
    expect(restored.status).toBe('done');
    expect(persist(restored)).toEqual(persist(snapshot));
  });
});

describe.each(BODY_MACHINE_VERSIONS)('coverage of the statechart version %i (xstate/graph)', (version) => {
  const { machine, decide } = lifecycleOf(version);

  /** A valid event of every type the state handles, with data that fits the context. */
  function candidates(snapshot: BodySnapshot): BodyEvent[] {
    const { context } = snapshot;
    const until = context.approvedUntil ?? '2025-03-31';
    const nextYear = `${Number(until.slice(0, 4)) + 1}${until.slice(4)}`;
    const decision = (date: string) => ({ ...DECISION_2025_03_AL, date });
    // A recurring report's later periods are left alone: each period acted on opens the next, without end.
    const firstIn = (...states: string[]) => context.obligations.find((o) => states.includes(o.state) && (o.period ?? 1) === 1)?.id;
    const out: BodyEvent[] = [];
    for (const type of allowedEvents(snapshot)) {
      switch (type) {
        case 'revised': out.push(event('revised', { title: 'Neuer Titel' }, '2024-06-04')); break;
        case 'submitted': out.push(submitted()); break;
        case 'returnedForRevision': out.push(event('returnedForRevision', { reason: 'Ziele schärfen' }, '2024-06-06')); break;
        case 'withdrawn': out.push(event('withdrawn', {}, '2024-06-06')); break;
        case 'approved': out.push(approved(), approvedPermanently()); break;
        case 'rejected': out.push(event('rejected', {}, '2024-06-13', DECISION_2024_09_AL)); break;
        case 'started': out.push(started()); break;
        case 'reportRequested':
          // Since version 4 a yearly report, recurring, so that its series can be ended (only its first period is acted on below).
          if (context.obligations.length < 2) {
            const due = version >= 4 ? { kind: 'month' as const, month: '2025-01' } : { kind: 'untilFurtherNotice' as const };
            out.push(event('reportRequested', { kind: 'Jahresbericht', addressee: 'IT-PLR', due, ...(version >= 4 ? { recurrence: { everyMonths: 12 } } : {}) }, '2024-07-01'));
          }
          break;
        case 'reportSeriesEnded': {
          const running = context.obligations.find((o) => o.recurrence && !o.seriesEnded);
          if (running) out.push(event('reportSeriesEnded', { obligationId: running.id, from: '2025-01-01' }, '2024-07-01', decision('2024-07-01')));
          break;
        }
        case 'reportDue': { const id = firstIn('pending'); if (id) out.push(reportDue(id)); break; }
        case 'reportOverdue': { const id = firstIn('pending', 'due'); if (id) out.push(reportOverdue(id)); break; }
        case 'reportSubmitted': { const id = firstIn('pending', 'due', 'overdue'); if (id) out.push(reportSubmitted(id, '2024-12-05')); break; }
        case 'reportAcknowledged': { const id = firstIn('submitted'); if (id) out.push(reportAcknowledged(id, '2024-12-10')); break; }
        case 'reportRescheduled': {
          const o = context.obligations.find((x) => ['pending', 'due', 'overdue'].includes(x.state));
          const due = o?.due.kind === 'month' && o.due.month === '2026-06' ? { kind: 'month' as const, month: '2026-09' } : { kind: 'month' as const, month: '2026-06' };
          if (o) out.push(event('reportRescheduled', { obligationId: o.id, due }, '2024-07-01'));
          break;
        }
        case 'reportWaived': { const id = firstIn('pending', 'due', 'overdue'); if (id) out.push(event('reportWaived', { obligationId: id, reason: 'Entfällt laut Beschluss.' }, '2024-07-01')); break; }
        case 'extensionDeclined': out.push(event('extensionDeclined', { reason: 'Auftrag erfüllt.' }, '2024-07-01')); break;
        case 'extended': out.push(extended(nextYear, decision('2024-07-01'), '2024-07-01')); break;
        case 'extensionRequested': out.push(event('extensionRequested', { approvedUntil: nextYear, justification: 'Auftrag noch offen.' }, '2024-07-01')); break;
        case 'madePermanent': out.push(event('madePermanent', {}, '2024-07-01', decision('2024-07-01'))); break;
        case 'renamed': out.push(event('renamed', { title: 'Umbenannt' }, '2024-07-01')); break;
        case 'leadsChanged': out.push(event('leadsChanged', { leads: ['Bayern'], contactIds: [] }, '2024-07-01')); break;
        case 'participantsChanged': out.push(event('participantsChanged', { participants: ['Berlin'] }, '2024-07-01')); break;
        case 'reclassified': out.push(event('reclassified', { kind: 'Arbeitsgruppe' }, '2024-07-01', decision('2024-07-01'))); break;
        case 'closureInitiated': out.push(closureInitiated('2024-07-01')); break;
        case 'closed': out.push(event('closed', { noSuccessorReason: 'Auftrag erfüllt.' }, '2024-12-20', decision('2024-12-20'))); break;
        case 'transferred': out.push(transferred('Nachfolger', decision('2024-12-20'))); break;
        case 'dissolved': out.push(event('dissolved', {}, '2024-07-01', decision('2024-07-01'))); break;
        case 'termExpiring': out.push(termExpiring(until)); break;
        case 'termExpired': out.push(event('termExpired', {}, nextDay(until))); break;
      }
    }
    return out;
  }

  function nextDay(date: string): string {
    const d = new Date(`${date}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }

  const graph = getAdjacencyMap(machine, {
    input: registered(),
    events: candidates,
    // States differ by where they are and how far their reports are, not by dates or names.
    serializeState: (s) =>
      JSON.stringify([s.value, s.context.permanent, s.context.obligations.map((o) => `${o.kind}:${o.state}`), openRequests(s.context).length]),
  });

  function allStateNodes(node: AnyStateNode): AnyStateNode[] {
    return [node, ...Object.values(node.states).flatMap(allStateNodes)];
  }

  test('every state of the statechart is reached', () => {
    const reached = new Set<string>();
    for (const { state } of Object.values(graph)) for (const node of state._nodes) reached.add(node.id);
    const all = allStateNodes(machine.root).map((n) => n.id);
    expect(all.filter((id) => !reached.has(id))).toEqual([]);
    expect(all.length).toBeGreaterThan(20);
  });

  test('every transition of the statechart is taken', () => {
    const declared = new Set<string>();
    for (const node of allStateNodes(machine.root)) {
      for (const [eventType, transitions] of node.transitions) if (transitions.length > 0) declared.add(`${node.id} ${eventType}`);
      if (node.always?.length) for (const t of node.always) declared.add(`${node.id} always→${t.target?.[0]?.id}`);
    }
    const taken = new Set<string>();
    for (const { state, transitions } of Object.values(graph)) {
      for (const { event } of Object.values(transitions) as Array<{ event: BodyEvent }>) {
        if (!decide(state, event).allowed) continue;
        taken.add(`${getNextTransitions(state).find((t) => t.eventType === event.type)!.source.id} ${event.type}`);
        // The microsteps after the event show the eventless transitions it set off.
        let previous = state;
        for (const [next] of getMicrosteps(machine, state, event)) {
          for (const node of previous._nodes) {
            for (const t of node.always ?? []) {
              const target = t.target?.[0];
              if (target && next._nodes.includes(target) && !previous._nodes.includes(target)) taken.add(`${node.id} always→${target.id}`);
            }
          }
          previous = next;
        }
      }
    }
    expect([...declared].filter((t) => !taken.has(t)).sort()).toEqual([]);
  });
});
