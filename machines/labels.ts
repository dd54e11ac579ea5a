/** German labels of states and events, as the secretariat, leads and auditors read them. */
import type { ObligationState, ReportObligation } from './body.context';
import type { BodyProfile, Deadline } from './body.events';
import { germanDate, type CivilDate } from './dates';
import { describeDeadline } from './deadlines';
import { describeTermEndWithDay, type CoarseTermEnd } from './term-end';
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
 * A report's Frist with the day it falls on after the calendar rules (`day`, null while not
 * known), as the Fristen name it: `Frist 01.12.2025, verschoben von 30.11.2025` (a Sunday),
 * `Frist im März 2027, fällig am 31.03.2027`, `Frist 31.10.2025` (the day as set).
 */
export function fristOnDay(due: Deadline, day: CivilDate | null): string {
  const planned = `Frist ${describeDeadline(due)}`;
  if (day === null) return planned;
  if (due.kind === 'date') return day === due.date ? planned : `Frist ${germanDate(day)}, verschoben von ${germanDate(due.date)}`;
  return `${planned}, fällig am ${germanDate(day)}`;
}

/**
 * A Frist as it was set, in a list of Fristen: the end of a term that a decision wrote as a month
 * or a year as the body's page says it (`März 2028 (bis 31.03.2028)`), any other Frist by
 * `describe` (the web's `31.03.2028`, the CLI's `zum 31.03.2028`).
 */
export function fristAsSet(frist: { deadline: Deadline; termEndAsWritten?: CoarseTermEnd | null }, describe: (deadline: Deadline) => string = describeDeadline): string {
  return frist.termEndAsWritten ? describeTermEndWithDay(frist.termEndAsWritten) : describe(frist.deadline);
}

/**
 * How a report obligation stands, with the day it came to: `offen`, `fällig seit 02.12.2024`,
 * `überfällig seit 03.12.2024`, `eingereicht am 20.11.2024`, `zur Kenntnis genommen am
 * 05.12.2024 (eingereicht am 20.11.2024)`, `entfallen am 31.03.2025`; with the day a body's life
 * ended (`endedOn`), one still open adds `; offen geblieben, Gremium beendet am 05.12.2026`.
 *
 * A report handed in after its Frist says so, as the Fristen page does: `eingereicht am
 * 15.01.2025, verspätet`. Late is a submission after `dueDate`, the Frist's effective date (after
 * the calendar rules) where the caller knows it; without it, a submission the chart had already
 * recorded as overdue (`overdueOn`), which only a Frist that had passed can be.
 */
export function obligationStanding(
  obligation: Standing,
  endedOn: CivilDate | null = null,
  dueDate: CivilDate | null = null,
): string {
  const standing = obligationStandingAlone(obligation, submittedLate(obligation, dueDate));
  // A body whose life ended owes nothing more: what was still open stays open, and says since when it stopped.
  const open = obligation.state === 'pending' || obligation.state === 'due' || obligation.state === 'overdue';
  if (!endedOn || !open) return standing;
  const ended = `offen geblieben, Gremium beendet am ${germanDate(endedOn)}`;
  return obligation.state === 'pending' ? ended : `${standing}; ${ended}`;
}

/** True when the report was handed in after its Frist (see `obligationStanding`). */
function submittedLate(obligation: Pick<ReportObligation, 'overdueOn' | 'submittedOn'>, dueDate: CivilDate | null): boolean {
  const { submittedOn, overdueOn } = obligation;
  if (!submittedOn) return false;
  if (dueDate) return submittedOn > dueDate;
  return overdueOn !== null && submittedOn >= overdueOn;
}

/** What an obligation's standing is told from. */
type Standing = Pick<ReportObligation, 'state' | 'dueOn' | 'overdueOn' | 'submittedOn' | 'acknowledgedOn' | 'waived'> & Partial<Pick<ReportObligation, 'submissionRecordedOn'>>;

function obligationStandingAlone(obligation: Standing, late: boolean): string {
  const label = OBLIGATION_STATE_LABELS[obligation.state] ?? obligation.state;
  const on = (day: CivilDate | null, word: string) => (day ? ` ${word} ${germanDate(day)}` : '');
  const lateness = late ? ', verspätet' : '';
  // A report recorded after the day it came in (since version 6) names both days.
  const recorded = obligation.submissionRecordedOn ? `erfasst am ${germanDate(obligation.submissionRecordedOn)}` : null;
  switch (obligation.state) {
    case 'due':
      return label + on(obligation.dueOn, 'seit');
    case 'overdue':
      return label + on(obligation.overdueOn, 'seit');
    case 'submitted':
      return label + on(obligation.submittedOn, 'am') + lateness + (recorded ? ` (${recorded})` : '');
    case 'acknowledged':
      return (
        label +
        on(obligation.acknowledgedOn, 'am') +
        (obligation.submittedOn ? ` (eingereicht am ${germanDate(obligation.submittedOn)}${lateness}${recorded ? `, ${recorded}` : ''})` : '')
      );
    case 'waived':
      return label + on(obligation.waived?.on ?? null, 'am');
    default:
      return label;
  }
}

/** What names a report: its kind and title, and for a period of a recurring series its series. */
type NamedReport = Pick<ReportObligation, 'kind' | 'title'> & Partial<Pick<ReportObligation, 'id' | 'recurrence' | 'series' | 'submittedTitle'>>;

/**
 * A report's title: the one it was handed in under (since statechart version 5), else its own,
 * or for a later period of a recurring series without one, its series' (the title the series'
 * first period was owed under: up to version 4 a title given on handing that period in replaced
 * it). Every version of the statechart opens the next period without a title, and recorded
 * streams replay as they were, so the title is read from the series here. `obligations` is the
 * body's list the report is in; without it only a title of its own counts. Null when there is none.
 */
export function reportTitle(obligation: NamedReport, obligations?: readonly ReportObligation[]): string | null {
  const own = obligation.submittedTitle?.trim() || obligation.title?.trim();
  if (own) return own;
  const series = obligation.recurrence ? obligation.series : undefined;
  if (!obligations || !series || series === obligation.id) return null;
  return titlesOf(obligations).get(series) ?? null;
}

/** Each obligation's own title (trimmed, null for none) by id, once per list: a body may owe hundreds. */
const titlesByList = new WeakMap<readonly ReportObligation[], Map<string, string | null>>();

function titlesOf(obligations: readonly ReportObligation[]): Map<string, string | null> {
  let titles = titlesByList.get(obligations);
  if (!titles) {
    titles = new Map(obligations.map((o) => [o.id, o.title?.trim() || null]));
    titlesByList.set(obligations, titles);
  }
  return titles;
}

/** A report's title (see `reportTitle`), or its kind when it has none: `Jährlicher Sachstandsbericht`, `Zwischenbericht`. */
export function reportName(obligation: NamedReport, obligations?: readonly ReportObligation[]): string {
  return reportTitle(obligation, obligations) ?? obligation.kind;
}

/**
 * A report obligation as people name it: its title with the kind in brackets
 * (`Erster Zwischenbericht (Zwischenbericht)`), the kind alone when the title is missing or
 * says nothing more. With the body's list of reports, a later period of a recurring series
 * without a title of its own is named by its series' title (see `reportTitle`).
 */
export function obligationLabel(obligation: NamedReport, obligations?: readonly ReportObligation[]): string {
  const title = reportTitle(obligation, obligations);
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
