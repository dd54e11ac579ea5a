/**
 * The rules of the German wording that are rules: singular and plural, the day a report is
 * overdue since and the day a term expired on, how system actors and report obligations are
 * named, the words for a Frist's standing, and which events are offered to people at all.
 */
import {
  SYSTEM_EVENT_TYPES,
  addresseeName,
  begin,
  countOf,
  evolve,
  expiredOn,
  obligationChoices,
  obligationLabel,
  offeredEvents,
  overdueSince,
  stateLabel,
  type BodySnapshot,
  type BodyEvent,
} from '../machines';
import { actorLabel } from '../src/auth/roles';
import { UsageError } from '../src/cli/errors';
import { statePath } from '../src/cli/commands/list';
import { formatSimulation } from '../src/cli/commands/simulate';
import type { SimulationResult } from '../src/simulation/simulation.service';
import { timelineSvg, type TimelineBody } from '../src/web/timeline';
import { deadlineState } from '../src/deadlines/deadline-state';
import { termText, transitionRows } from '../src/web/web.service';
import { approved, approvedPermanently, registered, reportDue, reportOverdue, started, submitted, termExpiring } from './support/machine-events';

const life = (...events: BodyEvent[]): BodySnapshot => events.reduce((snapshot, event) => evolve(snapshot, event), begin(registered()));

describe('singular and plural', () => {
  test('one thing is named in the singular, none and several in the plural', () => {
    expect(countOf(1, 'späteres Ereignis', 'spätere Ereignisse')).toBe('1 späteres Ereignis');
    expect(countOf(0, 'späteres Ereignis', 'spätere Ereignisse')).toBe('0 spätere Ereignisse');
    expect(countOf(2, 'späteres Ereignis', 'spätere Ereignisse')).toBe('2 spätere Ereignisse');
  });

  test('the simulation summary counts in the singular where there is one', () => {
    const result: SimulationResult = {
      from: '2024-06-01',
      to: '2024-06-30',
      entries: [],
      summary: { systemEvents: 1, reminders: 1, recordedEvents: 2, refused: 0 },
      refusedBefore: [],
    };
    expect(formatSimulation(result)).toContain('Zeitraum 01.06.2024 bis 30.06.2024: 1 Systemereignis, 1 Erinnerung, 2 erfasste Ereignisse.');
  });
});

describe('days of a Frist', () => {
  test('a report due on a day is overdue since the next day', () => {
    expect(overdueSince('2024-12-02')).toBe('2024-12-03');
    expect(overdueSince('2024-12-31')).toBe('2025-01-01');
  });

  test('a term approved until its last day has expired on the day after', () => {
    expect(expiredOn('2025-03-31')).toBe('2025-04-01');
    expect(expiredOn('2028-02-28')).toBe('2028-02-29');
  });

  test('a term past its end is „abgelaufen“, a late report „überfällig“, a met Frist „erledigt“ or, where known, when (and whether late)', () => {
    expect(deadlineState({ kind: 'termEnd', status: 'open', overdue: true })).toBe('abgelaufen');
    expect(deadlineState({ kind: 'report', status: 'overdue', overdue: true })).toBe('überfällig');
    expect(deadlineState({ kind: 'report', status: 'met', overdue: false })).toBe('erledigt');
    // With the day it was met: on time, or after the Frist's day.
    expect(deadlineState({ kind: 'report', status: 'met', overdue: false, metOn: '2024-12-02', effectiveDate: '2024-12-02' })).toBe('eingereicht am 02.12.2024');
    expect(deadlineState({ kind: 'report', status: 'met', overdue: false, metOn: '2024-12-03', effectiveDate: '2024-12-02' })).toBe('eingereicht am 03.12.2024, verspätet');
    expect(deadlineState({ kind: 'report', status: 'due', overdue: false })).toBe('fällig');
    expect(deadlineState({ kind: 'start', status: 'open', overdue: false })).toBe('offen');
  });

  test('„Befristet bis“ is the term as approved, also once the body’s life has ended (the day it ended is told apart)', () => {
    expect(termText({ approvedUntil: '2029-06-30', permanent: false })).toBe('30.06.2029');
    expect(termText({ approvedUntil: { month: '2029-07' }, permanent: false })).toBe('Juli 2029 (bis 31.07.2029)');
    expect(termText({ approvedUntil: null, permanent: true })).toBe('dauerhaft (entfristet)');
    expect(termText({ approvedUntil: null, permanent: false })).toBe('–');
  });
});

describe('names', () => {
  test('a system actor is named by what it is, a person by name and role', () => {
    expect(actorLabel({ id: 'system:scheduler', role: 'scheduler' })).toBe('Fristenüberwachung (System)');
    expect(actorLabel({ id: 'gs', role: 'secretariat' })).toBe('gs (Geschäftsstelle)');
  });

  test('a report obligation names its kind once, and in brackets only after a title of its own', () => {
    expect(obligationLabel({ kind: 'Zwischenbericht', title: 'Zwischenbericht' })).toBe('Zwischenbericht');
    expect(obligationLabel({ kind: 'Zwischenbericht', title: null })).toBe('Zwischenbericht');
    expect(obligationLabel({ kind: 'Zwischenbericht', title: 'Erster Zwischenbericht' })).toBe('Erster Zwischenbericht (Zwischenbericht)');
  });

  test('reports to the IT-PLR go to „IT-Planungsrat“, as in the registration forms', () => {
    expect(addresseeName('IT-PLR')).toBe('IT-Planungsrat');
    expect(addresseeName('AL-Runde')).toBe('AL-Runde');
  });

  test('a state label never nests brackets: a detail goes without its own bracketed addition', () => {
    const permanent = life(submitted(), approvedPermanently(), started());
    expect(permanent.context.permanent).toBe(true);
    expect(stateLabel(permanent)).toBe('Aktiv (Dauerhaft eingerichtet, Berichte aktuell, In Arbeit)');
    expect(stateLabel(life(submitted(), approved(), started()))).toBe('Aktiv (Laufzeit läuft, Berichte aktuell, In Arbeit)');
    expect(stateLabel(life(submitted(), approved()))).toBe('Eingerichtet (Tätigkeit noch nicht begonnen)');
  });

  test('the automatic branch to a permanent term is not explained by the reports', () => {
    const rows = transitionRows().filter((row) => row.event.startsWith('automatisch'));
    expect(rows.find((row) => row.to === 'Dauerhaft eingerichtet (entfristet)')?.event).toBe('automatisch (dauerhaft eingerichtet)');
    expect(rows.filter((row) => row.event === 'automatisch (folgt aus den Berichtspflichten)').length).toBe(rows.length - 1);
  });

  test('the command line takes German state names as well as paths, and names the valid ones for a wrong one', () => {
    expect(statePath('aktiv')).toBe('active');
    expect(statePath('Entwurf')).toBe('draft');
    expect(statePath('laufzeit abgelaufen')).toBe('active.term.expired');
    expect(statePath('Eingerichtet')).toBe('established');
    expect(statePath('active.term.expired')).toBe('active.term.expired');
    expect(() => statePath('fertig')).toThrow(UsageError);
    expect(() => statePath('fertig')).toThrow(/Unbekannter Zustand „fertig“ bei --state\. Möglich: entwurf \(draft\)/);
  });
});

describe('what people are offered', () => {
  test('the scheduler’s own events are never offered, in any state that handles them', () => {
    const states = [life(submitted(), approved(), started()), life(submitted(), approved(), started(), reportDue(), reportOverdue(), termExpiring())];
    for (const snapshot of states) {
      expect(offeredEvents(snapshot).filter((type) => (SYSTEM_EVENT_TYPES as readonly string[]).includes(type))).toEqual([]);
      expect(offeredEvents(snapshot)).toContain('reportSubmitted');
    }
  });

  test('a report event without an obligation is told which obligations fit', () => {
    const due = life(submitted(), approved(), started(), reportDue());
    expect(obligationChoices(due.context, 'reportSubmitted')).toBe('In Frage kommt: r1 (Zwischenbericht, fällig).');
    expect(obligationChoices(due.context, 'reportAcknowledged')).toBe('Kein eingereichter Bericht wartet auf Kenntnisnahme.');
  });
});

describe('the Zeitleiste', () => {
  const body = (approvedUntil: string): TimelineBody => ({
    id: 'b1',
    title: 'Projektgruppe',
    stateLabel: 'Aktiv',
    start: '2024-06-17',
    started: true,
    approvedUntil,
    expectedEnd: null,
    permanent: false,
    endedOn: null,
    extensions: [],
    lapses: [],
    reports: [],
  });

  test('the „Heute“ label near the right edge ends at the line instead of running off the picture', () => {
    const atEdge = timelineSvg([body('2025-03-31')], '2025-03-31');
    expect(atEdge).toMatch(/<text class="today-text" x="[\d.]+" text-anchor="end" [^>]*>Heute 31\.03\.2025</);
    const inside = timelineSvg([body('2027-03-31')], '2025-03-31');
    expect(inside).toMatch(/<text class="today-text" x="[\d.]+" y="[\d.]+">Heute 31\.03\.2025</);
  });

  test('a body with a great many report milestones is drawn (its dates are not spread into Math.min)', () => {
    const reports = Array.from({ length: 200_000 }, (_, i) => ({ date: i % 2 ? '2024-11-30' : '2025-06-30', label: 'Zwischenbericht', status: 'open' as const, overdue: false, state: 'offen' }));
    const svg = timelineSvg([{ ...body('2027-03-31'), reports }], '2025-03-31');
    expect(svg).toContain('Heute 31.03.2025');
  });
});
