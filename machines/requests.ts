/**
 * Open requests: what waits for the secretariat on a body — a lead's extension request no decision
 * has answered yet, a submitted report not yet taken note of (Kenntnisnahme). Pure.
 */
import type { BodyContext } from './body.context';
import { germanDate, type CivilDate } from './dates';
import { reportName } from './labels';
import { describeTermEndWithDay } from './term-end';
import { addresseeName } from './vocabulary';

export interface OpenRequest {
  kind: 'extensionRequest' | 'reportSubmitted';
  /** The day the request was made (or the report submitted). */
  since: CivilDate;
  /** The event that answers it. */
  answer: 'extended' | 'reportAcknowledged';
  obligationId: string | null;
  /** German, e.g. `Verlängerung beantragt bis 31.12.2027: …` or `Zwischenbericht an IT-Planungsrat zur Kenntnis nehmen`. */
  text: string;
}

/**
 * The body's open requests, oldest first. An extension request counts as answered once an
 * extension or Entfristung was decided on or after its day, or (since version 3) once it was
 * declined (`extensionDeclined`); of several unanswered requests only the latest is open.
 */
export function openRequests(context: BodyContext): OpenRequest[] {
  const open: OpenRequest[] = [];
  const lastTermDecision = context.decisions
    .filter((d) => d.event === 'extended' || d.event === 'madePermanent')
    .reduce<CivilDate | null>((last, d) => (last === null || d.on > last ? d.on : last), null);
  const request = (context.extensionRequests ?? []).at(-1);
  if (request && !request.declined && !context.permanent && (lastTermDecision === null || lastTermDecision < request.on)) {
    open.push({
      kind: 'extensionRequest',
      since: request.on,
      answer: 'extended',
      obligationId: null,
      text: `Verlängerung beantragt bis ${describeTermEndWithDay(request.asWritten ?? request.approvedUntil)}: ${request.justification}`,
    });
  }
  for (const o of context.obligations) {
    if (o.state !== 'submitted') continue;
    open.push({
      kind: 'reportSubmitted',
      since: o.submittedOn ?? context.registeredOn,
      answer: 'reportAcknowledged',
      obligationId: o.id,
      text: `${reportName(o, context.obligations)} an ${addresseeName(o.addressee)} zur Kenntnis nehmen (eingereicht${o.submittedOn ? ` am ${germanDate(o.submittedOn)}` : ''})`,
    });
  }
  return open.sort((a, b) => a.since.localeCompare(b.since));
}
