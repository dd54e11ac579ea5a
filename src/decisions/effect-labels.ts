import { EVENT_LABELS, describeDeadline, describeTermEnd, germanDate, type Deadline, type TermEnd } from '../../machines';
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

/** The effect as a requirement: `Verlängern bis 30.06.2027`, `Bericht anfordern: Zwischenbericht an IT-Planungsrat bis 30.11.2026`. */
export function effectRequirement(effect: Pick<Effect, 'effect' | 'data'>): string {
  const verb = EFFECT_VERBS[effect.effect] ?? EVENT_LABELS[effect.effect] ?? effect.effect;
  const d = effect.data as Record<string, any>;
  switch (effect.effect) {
    case 'approved':
      return d.permanent ? `${verb} (dauerhaft)` : d.approvedUntil ? `${verb} ${until(d.approvedUntil)}` : verb;
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
      return `${verb}: ${d.kind ?? 'Bericht'}${d.addressee ? ` an ${d.addressee}` : ''} ${deadline(d.due)}`.trim();
    case 'reportAcknowledged':
      return d.obligationId ? `${verb} (${d.obligationId})` : verb;
    case 'reportSeriesEnded':
      return d.obligationId ? `${verb} (${d.obligationId})${typeof d.from === 'string' ? ` ab ${germanDate(d.from)}` : ''}` : verb;
    case 'closureInitiated':
      return d.finalReportDue ? `${verb}, Abschlussbericht ${deadline(d.finalReportDue)}` : verb;
    case 'closed':
    case 'transferred':
      return d.successor?.name ? `${verb} in „${d.successor.name}“` : verb;
    default:
      return verb;
  }
}
