import { EVENT_LABELS, germanDate, type Deadline } from '../../machines';
import type { Effect } from '../decisions/register';

/** What a decision orders, in the IT-Planungsrat's words (einrichten, verlängern, entfristen, …). */
const VERBS: Record<string, string> = {
  approved: 'Einrichten',
  rejected: 'Ablehnen',
  extended: 'Verlängern',
  madePermanent: 'Entfristen',
  renamed: 'Umbenennen',
  leadsChanged: 'Federführung ändern',
  participantsChanged: 'Mitwirkung ändern',
  reportRequested: 'Bericht anfordern',
  reportAcknowledged: 'Bericht zur Kenntnis nehmen',
  closureInitiated: 'Geordneten Abschluss einleiten',
  closed: 'Abschließen',
  transferred: 'Überführen',
  dissolved: 'Auflösen',
};

function deadline(d: Deadline | undefined): string {
  if (!d) return '';
  switch (d.kind) {
    case 'date':
      return `bis ${germanDate(d.date)}`;
    case 'month':
      return `im ${d.month.slice(5)}/${d.month.slice(0, 4)}`;
    case 'session':
      return `zur ${d.session}. Sitzung (${d.issuer})`;
    default:
      return 'bis auf Weiteres';
  }
}

/** The effect as a requirement: `Verlängern bis 30.06.2027`, `Bericht anfordern: Zwischenbericht an IT-Planungsrat bis 30.11.2026`. */
export function effectRequirement(effect: Pick<Effect, 'effect' | 'data'>): string {
  const verb = VERBS[effect.effect] ?? EVENT_LABELS[effect.effect] ?? effect.effect;
  const d = effect.data as Record<string, any>;
  switch (effect.effect) {
    case 'approved':
      return d.permanent ? `${verb} (dauerhaft)` : d.approvedUntil ? `${verb} bis ${germanDate(d.approvedUntil)}` : verb;
    case 'extended':
      return d.approvedUntil ? `${verb} bis ${germanDate(d.approvedUntil)}` : verb;
    case 'renamed':
      return d.title ? `${verb} in „${d.title}“` : verb;
    case 'leadsChanged':
      return Array.isArray(d.leads) ? `${verb}: ${d.leads.join(', ')}` : verb;
    case 'reportRequested':
      return `${verb}: ${d.kind ?? 'Bericht'}${d.addressee ? ` an ${d.addressee}` : ''} ${deadline(d.due)}`.trim();
    case 'reportAcknowledged':
      return d.obligationId ? `${verb} (${d.obligationId})` : verb;
    case 'closureInitiated':
      return d.finalReportDue ? `${verb}, Abschlussbericht ${deadline(d.finalReportDue)}` : verb;
    case 'closed':
    case 'transferred':
      return d.successor?.name ? `${verb} in „${d.successor.name}“` : verb;
    default:
      return verb;
  }
}
