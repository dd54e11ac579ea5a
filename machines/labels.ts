/** German labels of states and events, as the secretariat, leads and auditors read them. */
import type { ObligationState, ReportObligation } from './body.context';
import type { BodyProfile } from './body.events';
import { germanDate, type CivilDate } from './dates';
import type { StoredEventType } from './vocabulary';

export const STATE_LABELS: Record<string, string> = {
  draft: 'Entwurf',
  submitted: 'Eingereicht',
  established: 'Eingerichtet (Tätigkeit noch nicht begonnen)',
  active: 'Aktiv',
  'active.term': 'Laufzeit',
  'active.term.running': 'Laufzeit läuft',
  'active.term.expiring': 'Laufzeit endet bald',
  'active.term.expired': 'Laufzeit abgelaufen',
  'active.term.permanent': 'Dauerhaft eingerichtet (entfristet)',
  'active.reporting': 'Berichte',
  'active.reporting.upToDate': 'Berichte aktuell',
  'active.reporting.reportDue': 'Bericht fällig',
  'active.reporting.reportOverdue': 'Bericht überfällig',
  'active.closure': 'Abschluss',
  'active.closure.operating': 'In Arbeit',
  'active.closure.closing': 'Geordneter Abschluss eingeleitet',
  rejected: 'Abgelehnt',
  withdrawn: 'Zurückgezogen',
  closed: 'Abgeschlossen',
  transferred: 'In Nachfolgestruktur überführt',
  dissolved: 'Aufgelöst',
};

export const EVENT_LABELS: Record<StoredEventType, string> = {
  registered: 'Registriert',
  machineUpgraded: 'Auf neue Version des Lebenslaufs umgestellt',
  revised: 'Registrierung überarbeitet',
  submitted: 'Zur Beschlussfassung eingereicht',
  returnedForRevision: 'Zur Überarbeitung zurückgegeben',
  withdrawn: 'Zurückgezogen',
  approved: 'Eingerichtet (Beschluss)',
  rejected: 'Abgelehnt (Beschluss)',
  started: 'Tätigkeit begonnen',
  reportRequested: 'Berichtspflicht festgelegt',
  reportDue: 'Bericht fällig',
  reportOverdue: 'Bericht überfällig',
  reportSubmitted: 'Bericht eingereicht',
  reportAcknowledged: 'Bericht zur Kenntnis genommen',
  reportRescheduled: 'Berichtsfrist geändert',
  reportWaived: 'Berichtspflicht entfallen',
  reportSeriesEnded: 'Wiederkehrende Berichtspflicht beendet',
  extensionRequested: 'Verlängerung beantragt',
  extended: 'Verlängert',
  extensionDeclined: 'Verlängerung abgelehnt',
  madePermanent: 'Entfristet',
  renamed: 'Umbenannt',
  leadsChanged: 'Federführung geändert',
  participantsChanged: 'Mitwirkung geändert',
  reclassified: 'Art oder Zuordnung geändert (Beschluss)',
  closureInitiated: 'Geordneter Abschluss eingeleitet',
  closed: 'Abgeschlossen',
  transferred: 'In Nachfolgestruktur überführt',
  dissolved: 'Aufgelöst',
  termExpiring: 'Laufzeitende naht',
  termExpired: 'Laufzeit abgelaufen',
};

/** The label of an event type (`Tätigkeit begonnen`), or the type itself when it has none. */
export function eventLabel(type: string): string {
  return (EVENT_LABELS as Record<string, string>)[type] ?? type;
}

export const OBLIGATION_STATE_LABELS: Record<ObligationState, string> = {
  pending: 'offen',
  due: 'fällig',
  overdue: 'überfällig',
  submitted: 'eingereicht',
  acknowledged: 'zur Kenntnis genommen',
  waived: 'entfallen',
};

/**
 * How a report obligation stands, with the day it came to: `offen`, `fällig seit 02.12.2024`,
 * `überfällig seit 03.12.2024`, `eingereicht am 20.11.2024`, `zur Kenntnis genommen am
 * 05.12.2024 (eingereicht am 20.11.2024)`, `entfallen am 31.03.2025`; with the day a body's life
 * ended (`endedOn`), one still open adds `; offen geblieben, Gremium beendet am 05.12.2026`.
 */
export function obligationStanding(
  obligation: Pick<ReportObligation, 'state' | 'dueOn' | 'overdueOn' | 'submittedOn' | 'acknowledgedOn' | 'waived'>,
  endedOn: CivilDate | null = null,
): string {
  const standing = obligationStandingAlone(obligation);
  // A body whose life ended owes nothing more: what was still open stays open, and says since when it stopped.
  const open = obligation.state === 'pending' || obligation.state === 'due' || obligation.state === 'overdue';
  if (!endedOn || !open) return standing;
  const ended = `offen geblieben, Gremium beendet am ${germanDate(endedOn)}`;
  return obligation.state === 'pending' ? ended : `${standing}; ${ended}`;
}

function obligationStandingAlone(obligation: Pick<ReportObligation, 'state' | 'dueOn' | 'overdueOn' | 'submittedOn' | 'acknowledgedOn' | 'waived'>): string {
  const label = OBLIGATION_STATE_LABELS[obligation.state] ?? obligation.state;
  const on = (day: CivilDate | null, word: string) => (day ? ` ${word} ${germanDate(day)}` : '');
  switch (obligation.state) {
    case 'due':
      return label + on(obligation.dueOn, 'seit');
    case 'overdue':
      return label + on(obligation.overdueOn, 'seit');
    case 'submitted':
      return label + on(obligation.submittedOn, 'am');
    case 'acknowledged':
      return label + on(obligation.acknowledgedOn, 'am') + (obligation.submittedOn ? ` (eingereicht am ${germanDate(obligation.submittedOn)})` : '');
    case 'waived':
      return label + on(obligation.waived?.on ?? null, 'am');
    default:
      return label;
  }
}

/**
 * A report obligation as people name it: its title with the kind in brackets
 * (`Erster Zwischenbericht (Zwischenbericht)`), the kind alone when the title is missing or
 * says nothing more.
 */
export function obligationLabel(obligation: Pick<ReportObligation, 'kind' | 'title'>): string {
  const title = obligation.title?.trim();
  return title && title !== obligation.kind ? `${title} (${obligation.kind})` : obligation.kind;
}

/** A number as German writes it, with a dot between thousands: `1.208`, `1.048.576`. */
export function germanNumber(n: number): string {
  return n.toLocaleString('de-DE');
}

/** A count with its noun phrase in singular or plural: `1 späteres Ereignis`, `2 spätere Ereignisse`. */
export function countOf(n: number, singular: string, plural: string): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/**
 * The registration's fields in the words of the registration form (`../shared/seed/`), which the
 * secretariat and the leads know: the body page and its forms, the CLI, the import's dry run and
 * the summaries of revisions all name a field by these.
 */
export const PROFILE_LABELS: Record<keyof BodyProfile | 'contacts' | 'contactIds', string> = {
  title: 'Titel',
  shortName: 'Kurzbezeichnung',
  kind: 'Art des Formates',
  permanent: 'Dauerhaftes Gremium beantragt',
  parent: 'Übergeordnetes Gremium',
  focusTopic: 'Schwerpunktthema',
  leads: 'Federführung',
  contacts: 'Ansprechpersonen',
  contactIds: 'Ansprechpersonen',
  participants: 'Mitwirkung',
  start: 'Beginn der Tätigkeit',
  expectedEnd: 'Voraussichtliches Ende',
  objective: 'Zielstellung',
  goals: 'Ziele',
  fmkRelation: 'Fachministerkonferenzen',
  reportingPlan: 'Planung und Berichte',
  resources: 'Ressourcen',
  predecessors: 'Vorgänger',
};
