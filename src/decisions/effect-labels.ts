import { EVENT_LABELS, describeDeadline, describeRecurrence, describeTermEnd, germanDate, obligationLabel, type Deadline, type ReportObligation, type TermEnd } from '../../machines';
import type { Effect } from './register';

/** What a decision orders, in the IT-Planungsrat's words (einrichten, verlängern, entfristen, …). */
export const EFFECT_VERBS: Readonly<Record<string, string>> = {
  approved: 'Einrichten',
  rejected: 'Ablehnen',
  extended: 'Verlängern',
  madePermanent: 'Entfristen',
  reclassified: 'Art oder Zuordnung ändern',
  renamed: 'Umbenennen',
  leadsChanged: 'Federführung ändern',
  participantsChanged: 'Mitwirkung ändern',
  reportRequested: 'Bericht anfordern',
  reportAcknowledged: 'Bericht zur Kenntnis nehmen',
  reportRescheduled: 'Berichtsfrist ändern',
  reportWaived: 'Berichtspflicht aufheben',
  reportSeriesEnded: 'Wiederkehrende Berichtspflicht beenden',
  extensionDeclined: 'Verlängerung ablehnen',
  closureInitiated: 'Geordneten Abschluss einleiten',
  closed: 'Abschließen',
  transferred: 'Überführen',
  dissolved: 'Auflösen',
};

/** A Frist as the decision words it: `bis 30.11.2026`, `im November 2026`, `zur 45. Sitzung (IT-PLR)`. */
function deadline(d: Deadline | undefined): string {
  if (!d) return '';
  return d.kind === 'date' ? `bis ${describeDeadline(d)}` : describeDeadline(d);
}

/** A term end as written: `bis 31.03.2027`, `bis Juli 2027`, `bis Ende 2027`. */
function until(end: TermEnd): string {
  return `bis ${describeTermEnd(end)}`;
}

/** A Berichtspflicht the decision orders: `Zwischenbericht an IT-Planungsrat bis 30.11.2026, jährlich`. */
function report(d: Record<string, any>): string {
  const recurrence = typeof d.recurrence?.everyMonths === 'number' ? `, ${describeRecurrence(d.recurrence)}` : '';
  return `${d.kind ?? 'Bericht'}${d.addressee ? ` an ${d.addressee}` : ''} ${deadline(d.due)}`.trim() + recurrence;
}

/**
 * The Berichtspflicht an effect names, by its name when the body's obligations are given
 * (`Erster Zwischenbericht (Zwischenbericht) an IT-Planungsrat`), else by its id (`r1`).
 */
function named(id: string, obligations: readonly ReportObligation[] | undefined): { label: string; known: boolean } {
  const o = obligations?.find((x) => x.id === id);
  return o ? { label: `${obligationLabel(o)} an ${o.addressee}`, known: true } : { label: id, known: false };
}

/**
 * The effect as a requirement: `Verlängern bis 30.06.2027`, `Bericht anfordern: Zwischenbericht an
 * IT-Planungsrat bis 30.11.2026`. `obligations`, the body's report obligations, lets a report the
 * effect names by id be named by its name.
 */
export function effectRequirement(effect: Pick<Effect, 'effect' | 'data'>, obligations?: readonly ReportObligation[]): string {
  const verb = EFFECT_VERBS[effect.effect] ?? EVENT_LABELS[effect.effect] ?? effect.effect;
  const d = effect.data as Record<string, any>;
  const reports = Array.isArray(d.reports) && d.reports.length > 0 ? `; Bericht: ${d.reports.map(report).join('; ')}` : '';
  const obligation = typeof d.obligationId === 'string' ? named(d.obligationId, obligations) : null;
  const which = obligation ? (obligation.known ? `: ${obligation.label}` : ` (${obligation.label})`) : '';
  switch (effect.effect) {
    case 'approved':
      return (d.permanent ? `${verb} (dauerhaft)` : d.approvedUntil ? `${verb} ${until(d.approvedUntil)}` : verb) + reports;
    case 'extended':
      return d.approvedUntil ? `${verb} ${until(d.approvedUntil)}` : verb;
    case 'renamed':
      return d.title ? `${verb} in „${d.title}“` : verb;
    case 'leadsChanged':
    case 'participantsChanged': {
      const changes = [
        ...(Array.isArray(d.leads) ? d.leads : Array.isArray(d.participants) ? d.participants : []),
        ...(Array.isArray(d.added) ? d.added.map((n: string) => `+ ${n}`) : []),
        ...(Array.isArray(d.removed) ? d.removed.map((n: string) => `− ${n}`) : []),
      ];
      return changes.length ? `${verb}: ${changes.join(', ')}` : verb;
    }
    case 'reportRequested':
      return `${verb}: ${report(d)}`;
    case 'reportAcknowledged':
    case 'reportWaived':
      return `${verb}${which}`;
    case 'reportRescheduled':
      return `${verb}${which}${d.due ? `${which ? ',' : ':'} neue Frist ${deadline(d.due)}` : ''}`;
    case 'reportSeriesEnded': {
      // Any period names the whole series: said as the series, not as the one period.
      const series = obligation ? (obligation.known ? `: ${obligation.label}` : ` (Reihe mit ${obligation.label})`) : '';
      return `${verb}${series}${typeof d.from === 'string' ? ` ab ${germanDate(d.from)}` : ''}`;
    }
    case 'closureInitiated':
      return d.finalReportDue ? `${verb}, Abschlussbericht ${deadline(d.finalReportDue)}` : verb;
    case 'closed':
    case 'transferred':
      return d.successor?.name ? `${verb} in „${d.successor.name}“` : verb;
    default:
      return verb;
  }
}
