import { EVENT_LABELS, addresseeName, describeDeadline, describeRecurrence, describeTermEnd, germanDate, obligationLabel, sameDeadline, type Deadline, type ReportKind, type ReportObligation, type TermEnd } from '../../machines';
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

/**
 * A Berichtspflicht the decision orders, named as the body's reports are (with its title):
 * `Auftragsbericht Cloud (Zwischenbericht) an IT-Planungsrat bis 30.11.2026, jährlich`.
 */
function report(d: Record<string, any>): string {
  const recurrence = typeof d.recurrence?.everyMonths === 'number' ? `, ${describeRecurrence(d.recurrence)}` : '';
  const name = typeof d.kind === 'string' ? obligationLabel({ kind: d.kind as ReportKind, title: typeof d.title === 'string' ? d.title : null }) : 'Bericht';
  return `${name}${d.addressee ? ` an ${addresseeName(d.addressee)}` : ''} ${deadline(d.due)}`.trim() + recurrence;
}

/** Whether the effect names one of the body's report obligations (by its id): its requirement reads the body's reports then. */
export function namesReport(effect: Pick<Effect, 'data'>): boolean {
  return typeof (effect.data as Record<string, unknown>).obligationId === 'string';
}

/**
 * The Frist a report had when the effect was decided: its Frist now, or for a new Frist already
 * carried out the one it was moved from.
 */
function fristBefore(o: ReportObligation, effect: string, newDue: unknown): Deadline {
  if (effect !== 'reportRescheduled' || !newDue || !o.rescheduled?.length) return o.due;
  const fristen = [...o.rescheduled.map((change) => change.from), o.due];
  for (let i = fristen.length - 1; i > 0; i--) if (sameDeadline(fristen[i], newDue as Deadline)) return fristen[i - 1];
  return o.due;
}

/**
 * The Berichtspflicht an effect names, as the body's page names it: its name, addressee and
 * Frist (`Erster Zwischenbericht (Zwischenbericht) an IT-Planungsrat, Frist 30.11.2026`), a
 * recurring series as the series. Never by its id: where the body's reports are not known
 * (`null`, a body the reader may not see) or do not hold it, that is said instead.
 */
function named(effect: Pick<Effect, 'effect' | 'data'>, obligations: readonly ReportObligation[] | null): string {
  const d = effect.data as Record<string, any>;
  if (obligations === null) return 'ein Bericht des Gremiums';
  const o = obligations.find((x) => x.id === d.obligationId);
  if (!o) return 'ein beim Gremium nicht geführter Bericht';
  // A closure's final report is owed to the body's parent by its id (`IT-PLR`): named as every report to it is.
  const report = `${obligationLabel(o, obligations)} an ${addresseeName(o.addressee)}`;
  if (effect.effect === 'reportSeriesEnded') return report;
  return `${report}, Frist ${describeDeadline(fristBefore(o, effect.effect, d.due))}`;
}

/**
 * The effect as a requirement: `Verlängern bis 30.06.2027`, `Bericht anfordern: Zwischenbericht an
 * IT-Planungsrat bis 30.11.2026`. `obligations`, the report obligations of the effect's body, name
 * a report the effect refers to (`namesReport`); null where they are not known to the reader.
 */
export function effectRequirement(effect: Pick<Effect, 'effect' | 'data'>, obligations: readonly ReportObligation[] | null): string {
  const verb = EFFECT_VERBS[effect.effect] ?? EVENT_LABELS[effect.effect] ?? effect.effect;
  const d = effect.data as Record<string, any>;
  const reports = Array.isArray(d.reports) && d.reports.length > 0 ? `; Bericht: ${d.reports.map(report).join('; ')}` : '';
  const which = namesReport(effect) ? `: ${named(effect, obligations)}` : '';
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
    case 'reportSeriesEnded':
      // Any period names the whole series: said as the series, not as the one period.
      return `${verb}${which}${typeof d.from === 'string' ? ` ab ${germanDate(d.from)}` : ''}`;
    case 'reclassified': {
      const changes = [d.kind ? `Art „${d.kind}“` : null, d.parent ? `übergeordnet ${addresseeName(d.parent)}` : null].filter((c) => c !== null);
      return changes.length ? `${verb}: ${changes.join(', ')}` : verb;
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

type DecisionName = { number: string; issuer: string };

/**
 * Whether an effect that replaced `replaces` took its event over along a chain of replacements:
 * the event is recorded under another decision (`cites`) than the one it replaced.
 */
export function takenOverAlongChain(replaces: DecisionName | undefined, cites: DecisionName | null | undefined): boolean {
  return replaces !== undefined && cites !== undefined && cites !== null && (cites.number !== replaces.number || cites.issuer !== replaces.issuer);
}

/** For such an effect (`takenOverAlongChain`), which decision it replaced: `; dieser Beschluss ersetzt 2026/39-AL, der es übernommen hatte`; empty otherwise. */
export function replacedAlongChain(replaces: DecisionName | undefined, cites: DecisionName | null | undefined): string {
  return takenOverAlongChain(replaces, cites) ? `; dieser Beschluss ersetzt ${replaces!.number}, der es übernommen hatte` : '';
}
