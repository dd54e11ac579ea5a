/**
 * The Beschlusskontrolle as a page: the rows of the decision-control service grouped per
 * decision, each effect with its traffic light in words and colour, the event that carried it
 * out as a link, and the filters (year, issuer, state) in German query names that the CSV link
 * passes on under the API's names.
 */
import { EVENT_LABELS, berlinDate, germanDate, type BodyEventType, type ObligationState } from '../../machines';
import { ValidationError } from '../common/errors';
import { parseInput } from '../common/validation';
import {
  CONTROL_STATES,
  CONTROL_STATE_LABELS,
  controlQuerySchema,
  type ControlQuery,
  type ControlRow,
  type ControlState,
} from '../decision-control/decision-control.service';
import type { Replacement } from '../decisions/register';
import { replacedAlongChain } from '../decisions/effect-labels';
import type { Option } from './forms';

/** The page's query names and the API's. */
const QUERY_NAMES = { jahr: 'year', gremium: 'issuer', stand: 'state' } as const;

/** The filters of the page's GET form as the service takes them; a wrong value is a 400 naming the field. */
export function controlFilter(query: Record<string, string | undefined>): ControlQuery {
  const input = Object.fromEntries(
    Object.entries(QUERY_NAMES).flatMap(([german, api]) => (query[german]?.trim() ? [[api, query[german]!.trim()]] : [])),
  );
  try {
    return parseInput(controlQuerySchema, input);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const germanOf = Object.fromEntries(Object.entries(QUERY_NAMES).map(([german, api]) => [api, german]));
    throw new ValidationError(error.details.map((d) => ({ path: germanOf[d.path] ?? d.path, message: d.message })));
  }
}

/** A decision's page: `/beschluesse/IT-PLR/2026%2F70`. */
export function decisionHref(decision: { issuer: string; number: string }): string {
  return `/beschluesse/${encodeURIComponent(decision.issuer)}/${encodeURIComponent(decision.number)}`;
}

/** The CSV export with the same filters, under the API's names. */
export function csvLink(filter: ControlQuery): string {
  const params = new URLSearchParams();
  if (filter.year) params.set('year', String(filter.year));
  if (filter.issuer) params.set('issuer', filter.issuer);
  if (filter.state) params.set('state', filter.state);
  const query = params.toString();
  return `/api/decision-control.csv${query ? `?${query}` : ''}`;
}

/**
 * Each state's light (the CSS class) and how the filter names it. An effect carried out under a
 * decision withdrawn since needs a new decision: red like an overdue one, told apart by its words.
 */
export const CONTROL_LIGHTS: Record<ControlState, { level: string; filter: string }> = {
  done: { level: 'green', filter: 'erledigt' },
  dueSoon: { level: 'yellow', filter: 'bald fällig (Frist in höchstens 30 Tagen)' },
  overdue: { level: 'red', filter: 'überfällig' },
  open: { level: 'open', filter: 'offen (ohne Frist oder Frist später)' },
  bodyEnded: { level: 'ended', filter: 'nicht mehr umsetzbar (Gremium beendet)' },
  appliedWithdrawn: { level: 'red', filter: 'umgesetzt, Beschluss zurückgenommen (neuer Beschluss nötig)' },
  replaced: { level: 'ended', filter: 'umgesetzt, Beschluss ersetzt (durch einen neuen Beschluss)' },
  withdrawn: { level: 'ended', filter: 'Beschluss zurückgenommen (umgesetzt oder nicht)' },
};

export const STATE_OPTIONS: Option[] = CONTROL_STATES.map((state) => ({ value: state, label: CONTROL_LIGHTS[state].filter }));

/** The filters in a line for the report's heading: `Jahr 2026 · IT-PLR · Stand: überfällig`. */
export function filterText(filter: ControlQuery, issuers: Option[]): string {
  const parts = [
    filter.year ? `Jahr ${filter.year}` : 'alle Jahre',
    filter.issuer ? (issuers.find((i) => i.value === filter.issuer)?.label ?? filter.issuer) : 'IT-PLR und AL-Runde',
    filter.state ? `Stand: ${filter.state === 'withdrawn' ? CONTROL_LIGHTS.withdrawn.filter : CONTROL_STATE_LABELS[filter.state]}` : 'jeder Stand',
  ];
  return parts.join(' · ');
}

/** One effect of a decision as the page shows it. */
export interface ControlLine {
  row: ControlRow;
  light: string;
  /** Where the effect was carried out: the applying event (a link into the body's Verlauf), the report's acknowledgement. */
  carriedOut: { text: string; href: string } | null;
  /** What is still missing, when not done: `Bericht eingereicht, noch nicht zur Kenntnis genommen`. */
  pending: string | null;
  /** Not carried out, the decision stands and the body has not ended: "Beschluss umsetzen" may send it. */
  applicable: boolean;
}

export interface ControlGroup {
  key: string;
  href: string;
  decision: ControlRow['decision'];
  lines: ControlLine[];
  /** For a withdrawn decision that had been carried out: what follows from the withdrawal. */
  note: string | null;
  /**
   * Where a new decision is recorded (the decision form with „Ersetzt Beschluss“ filled in), while
   * one is needed: one that replaces this withdrawn decision. Where a decision that took its effect
   * over was withdrawn in turn, the link is at that one's group (the last of the chain), not here.
   */
  replaceHref: string | null;
}

/**
 * The decision form with „Ersetzt Beschluss“ and the issuer filled in, for a withdrawn decision
 * whose carried-out effect needs a new decision (recorded under the right number, say).
 */
export function replacementHref(decision: { issuer: string; number: string }): string {
  return `/beschluesse?${new URLSearchParams({ ersetzt: decision.number, gremium: decision.issuer }).toString()}#beschluss-erfassen`;
}

/** How far the requested report got (whether it is late, the light says); every obligation state has its words. */
const REPORT_STATES: Record<ObligationState, string> = {
  pending: 'Bericht nicht eingereicht',
  due: 'Bericht nicht eingereicht',
  overdue: 'Bericht nicht eingereicht',
  submitted: 'Bericht eingereicht, noch nicht zur Kenntnis genommen',
  acknowledged: 'Bericht zur Kenntnis genommen',
  waived: 'Bericht entfallen',
};

/** How a requested report was settled, when it was: `Bericht entfallen am 27.11.2026 (Beschluss 2026/17-AL)`. */
function reportSettled(report: NonNullable<ControlRow['report']>): string | null {
  if (report.state === 'acknowledged') return `${REPORT_STATES.acknowledged}${report.acknowledgedOn ? ` am ${germanDate(report.acknowledgedOn)}` : ''}`;
  if (report.state === 'waived') {
    const waived = report.waived;
    return `${REPORT_STATES.waived}${waived ? ` am ${germanDate(waived.on)}${waived.decision ? ` (Beschluss ${waived.decision})` : ''}` : ''}`;
  }
  return null;
}

function lineOf(row: ControlRow, replaces?: Replacement): ControlLine {
  const applied = row.appliedBy;
  const event = applied
    ? `${EVENT_LABELS[applied.type as BodyEventType] ?? applied.type} am ${germanDate(berlinDate(applied.occurredAt))} (Version ${applied.version})`
    : null;
  let carriedOut: ControlLine['carriedOut'] = null;
  let pending: string | null = null;
  if (row.effect === 'reportRequested' && applied) {
    const settled = row.report ? reportSettled(row.report) : null;
    if (settled) {
      carriedOut = { text: `${settled}; angefordert: ${event}`, href: `/gremien/${row.bodyId}#deadlines` };
    } else {
      pending = `${row.report ? REPORT_STATES[row.report.state] : 'Bericht ausstehend'}; angefordert: ${event}`;
    }
  } else if (applied) {
    // Taken over from a withdrawn decision: the event cites that one's number.
    const cites = applied.cites ? `, unter Beschluss ${applied.cites.number} (zurückgenommen, ersetzt)` : '';
    const replaced = row.replacedBy ? `; übernommen von Beschluss ${row.replacedBy.number}${row.replacedBy.withdrawn ? ', auch dieser zurückgenommen' : ''}` : '';
    carriedOut = { text: `${event!}${cites}${replacedAlongChain(replaces, applied.cites)}${replaced}`, href: `/gremien/${row.bodyId}#version-${applied.version}` };
  }
  if (!carriedOut && !pending) pending = row.state === 'withdrawn' || row.state === 'bodyEnded' ? 'nicht umgesetzt' : 'noch nicht umgesetzt';
  return { row, light: CONTROL_LIGHTS[row.state].level, carriedOut, pending, applicable: !applied && !row.decision.withdrawn && row.state !== 'bodyEnded' };
}

/**
 * The rows per decision, newest decision first, the effects in the decision's order. With
 * `replacesOf` (a row's effect as recorded), a line names the decision its effect took the event
 * over from, along a chain of replacements.
 */
export function groupByDecision(rows: ControlRow[], replacesOf: (row: ControlRow) => Replacement | undefined = () => undefined): ControlGroup[] {
  const groups = new Map<string, ControlGroup>();
  for (const row of rows) {
    const key = `${row.decision.issuer}:${row.decision.number}`;
    if (!groups.has(key)) groups.set(key, { key, href: decisionHref(row.decision), decision: row.decision, lines: [], note: null, replaceHref: null });
    const group = groups.get(key)!;
    group.lines.push(lineOf(row, replacesOf(row)));
    if (row.state === 'appliedWithdrawn') {
      group.replaceHref = replacementHref(row.decision);
      group.note = 'was davon umgesetzt ist, steht ohne Grundlage; ein neuer Beschluss ist nötig';
    } else if (row.state === 'replaced' && !group.note) {
      // Taken over by a decision withdrawn too: the open item is that one's, in its own group.
      const by = row.replacedBy!;
      group.note = `was davon umgesetzt ist, hat Beschluss ${by.number} übernommen${by.withdrawn ? ' (auch dieser ist zurückgenommen: dort ist ein neuer Beschluss nötig)' : ''}`;
    }
  }
  return [...groups.values()].reverse();
}

/** How many effects stand in each state, in the states' order, leaving out the empty ones. */
export function stateCounts(rows: ControlRow[]): Array<{ state: ControlState; label: string; count: number; level: string }> {
  return CONTROL_STATES.map((state) => ({
    state,
    label: CONTROL_STATE_LABELS[state],
    count: rows.filter((r) => r.state === state).length,
    level: CONTROL_LIGHTS[state].level,
  })).filter((c) => c.count > 0);
}
