import { countOf, germanNumber } from '../../machines';
import type { StreamKind } from '../audit/audit.service';

/** What the stored hash chains hold, by what they record: the verdict line of the Prüfung page. */
export interface ChainCount {
  kind: StreamKind;
  events: number;
}

/**
 * „Alle 12 Ereignisse sind unverändert: 10 von 1 Gremium, 2 im Beschlussregister“: the chains
 * counted by what they record, as the offline verifier counts them, not as a bare number of
 * chains (a decision's chain is no body's).
 */
export function intactChainsText(streams: readonly ChainCount[]): string {
  const sum = (kind: ChainCount['kind']) => streams.filter((s) => s.kind === kind).reduce((n, s) => n + s.events, 0);
  const bodies = streams.filter((s) => s.kind === 'body').length;
  const parts = [
    bodies > 0 ? `${germanNumber(sum('body'))} von ${countOf(bodies, 'Gremium', 'Gremien')}` : null,
    sum('decision') > 0 ? `${germanNumber(sum('decision'))} im Beschlussregister` : null,
    sum('contact') > 0 ? `${countOf(sum('contact'), 'Berichtigung', 'Berichtigungen')} von Ansprechpersonen` : null,
    sum('auditLog') > 0 ? `${germanNumber(sum('auditLog'))} im Audit-Protokoll` : null,
  ].filter((part): part is string => part !== null);
  const total = streams.reduce((n, s) => n + s.events, 0);
  if (total === 0) return 'Noch keine Ereignisse.';
  const head = total === 1 ? 'Das Ereignis ist unverändert' : `Alle ${germanNumber(total)} Ereignisse sind unverändert`;
  return `${head}: ${parts.join(', ')}.`;
}
