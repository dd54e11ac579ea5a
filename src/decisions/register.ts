/**
 * The decision register as an audited stream: every decision (Beschluss) is a hash-chained
 * stream of its own — `decisionRecorded`, then any `decisionAmended`, at most one
 * `decisionWithdrawn` — and the `decisions` row is its projection, which a fold of the stream
 * must reproduce. Verified, checkpointed and exported like a body's stream, under the stream id
 * `decision:<issuer>:<number>`.
 *
 * Pure: no database, no clock. The offline verifier uses it as the service does.
 */
import { createHash } from 'node:crypto';
import { berlinDate, germanDate, termEndDate, type BodyEventType, type TermEnd, type CivilDate, type DecisionType, type Instant } from '../../machines';
import { canonicalJson } from '../json/canonical-json';
import type { Actor } from '../event-log/event-hash';

export const PROCEDURES = ['Sitzung', 'Umlaufverfahren'] as const;
export type Procedure = (typeof PROCEDURES)[number];

export const DECISION_STREAM_PREFIX = 'decision:';

export const DECISION_EVENT_LABELS = {
  decisionRecorded: 'Beschluss erfasst',
  decisionAmended: 'Beschluss berichtigt',
  decisionWithdrawn: 'Beschluss zurückgenommen',
} as const;
export type DecisionEventType = keyof typeof DECISION_EVENT_LABELS;

/**
 * A withdrawn decision's effect that the body had carried out, taken over by another decision
 * (recorded under the right number): the withdrawn decision and the body's event (its version)
 * that cited it. The event stays as it is; the register counts it as carrying out the new
 * decision's effect.
 */
export interface Replacement {
  number: string;
  issuer: string;
  version: number;
}

/**
 * What a decision does to one body: a lifecycle event with its parameters, e.g. `extended
 * {approvedUntil}`; `replaces` when the effect was carried out under a withdrawn decision it replaces.
 */
export interface Effect {
  body: string;
  effect: BodyEventType;
  data: Record<string, unknown>;
  replaces?: Replacement;
}

/** The key of a body's event: `<bodyId>#<version>`. */
export const eventKey = (bodyId: string, version: number) => `${bodyId}#${version}`;

/** Which decision took over a withdrawn decision's carried-out effect: by `<issuer> <number>` of the withdrawn one and the event's key. */
export type Replacements = Map<string, { number: string; issuer: string }>;

export const replacementKey = (withdrawn: { issuer: string; number: string }, bodyId: string, version: number) =>
  `${withdrawn.issuer} ${withdrawn.number} ${eventKey(bodyId, version)}`;

/** The decisions that took over effects of withdrawn ones, as `Replacements`. */
export function replacementsOf(decisions: Iterable<Pick<DecisionState, 'number' | 'issuer' | 'effects'>>): Replacements {
  const replacements: Replacements = new Map();
  for (const decision of decisions) {
    for (const { body, replaces } of decision.effects) {
      if (replaces) replacements.set(replacementKey(replaces, body, replaces.version), { number: decision.number, issuer: decision.issuer });
    }
  }
  return replacements;
}

/**
 * The decisions that took over a withdrawn one's carried-out effect (the body's event), in order:
 * the one that took it over, then, when that was withdrawn and replaced in turn, the one that
 * replaced it, and so on to the last (which may be withdrawn too, with nothing replacing it yet).
 * Empty when none took it over. A loop ends the walk at the last decision before one repeats.
 */
export function replacementChain(replacements: Replacements, withdrawn: { issuer: string; number: string }, bodyId: string, version: number): Array<{ number: string; issuer: string }> {
  const name = (d: { issuer: string; number: string }) => `${d.issuer} ${d.number}`;
  const seen = new Set([name(withdrawn)]);
  const chain: Array<{ number: string; issuer: string }> = [];
  let next = replacements.get(replacementKey(withdrawn, bodyId, version));
  while (next && !seen.has(name(next))) {
    seen.add(name(next));
    chain.push(next);
    next = replacements.get(replacementKey(next, bodyId, version));
  }
  return chain;
}

/** The facts of a decision as the register keeps them. */
export interface DecisionFields {
  number: string;
  issuer: string;
  date: CivilDate;
  procedure: Procedure;
  session: number | null;
  type: DecisionType;
  title: string;
  effects: Effect[];
}

/** What an amendment may change; `effects` replaces the whole list. */
export type DecisionChanges = Partial<Pick<DecisionFields, 'date' | 'procedure' | 'session' | 'type' | 'title' | 'effects'>>;

export type DecisionEventData =
  | { type: 'decisionRecorded'; data: DecisionFields & { reason: string | null } }
  | { type: 'decisionAmended'; data: { changes: DecisionChanges; reason: string } }
  | { type: 'decisionWithdrawn'; data: { reason: string } };

/** One stored event of a decision's stream. */
export type DecisionEvent = DecisionEventData & {
  id: string;
  stream: string;
  version: number;
  actor: Actor;
  occurredAt: Instant;
  recordedAt: Instant;
  prevHash: string | null;
  hash: string;
};

/** A decision as its stream leaves it: the projection row's content. */
export interface DecisionState extends DecisionFields {
  recordedAt: Instant;
  recordedBy: string;
  withdrawn: { at: Instant; actor: string; reason: string } | null;
  version: number;
  lastHash: string;
  updatedAt: Instant;
}

export function decisionStream(issuer: string, number: string): string {
  return `${DECISION_STREAM_PREFIX}${issuer}:${number}`;
}

export function isDecisionStream(stream: string): boolean {
  return stream.startsWith(DECISION_STREAM_PREFIX);
}

/** `decision:AL-Runde:2024/09-AL` → `Beschluss 2024/09-AL (AL-Runde)`. */
export function decisionStreamName(stream: string): string {
  const rest = stream.slice(DECISION_STREAM_PREFIX.length);
  const colon = rest.indexOf(':');
  return colon < 0 ? `Beschluss ${rest}` : `Beschluss ${rest.slice(colon + 1)} (${rest.slice(0, colon)})`;
}

/** SHA-256 (hex) of the RFC 8785 canonical JSON of every field but `hash`, stream id included. */
export function hashDecisionEvent(event: Omit<DecisionEvent, 'hash'>): string {
  const { id, stream, version, type, data, actor, occurredAt, recordedAt, prevHash } = event;
  const hashed = { stream, id, version, type, data, actor, occurredAt, recordedAt, prevHash };
  return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
}

/** The decision its stream describes (events in version order); null for an empty stream. */
export function foldDecision(events: readonly DecisionEvent[]): DecisionState | null {
  let state = null as DecisionState | null;
  for (const event of events) {
    const head = { version: event.version, lastHash: event.hash, updatedAt: event.recordedAt };
    if (event.type === 'decisionRecorded') {
      const { reason: _reason, ...fields } = event.data as DecisionFields & { reason: string | null };
      state = { ...fields, recordedAt: event.recordedAt, recordedBy: event.actor.id, withdrawn: null, ...head };
    } else if (state && event.type === 'decisionAmended') {
      state = { ...state, ...(event.data.changes as DecisionChanges), ...head };
    } else if (state && event.type === 'decisionWithdrawn') {
      state = { ...state, withdrawn: { at: event.occurredAt, actor: event.actor.id, reason: event.data.reason }, ...head };
    }
  }
  return state;
}

/** Where a decision's stored row differs from the fold of its stream, in German; empty when it matches. */
export function decisionDivergences(stream: readonly DecisionEvent[], stored: DecisionState | null): string[] {
  const expected = foldDecision(stream);
  if (!expected && !stored) return [];
  if (!expected) return ['Zum Registereintrag gibt es keine Ereignisse (alle entfernt oder nie aufgezeichnet).'];
  if (!stored) return ['Zu den Ereignissen gibt es keinen Registereintrag (gelöscht).'];
  const fields = Object.keys(expected) as Array<keyof DecisionState>;
  return fields
    .filter((field) => canonicalJson(expected[field] ?? null) !== canonicalJson(stored[field] ?? null))
    .map((field) => `Feld „${field}“ ist ${canonicalJson(stored[field] ?? null)}, nach den Ereignissen ${canonicalJson(expected[field] ?? null)}.`);
}

/** Whether an event (type and data) is what the effect requires: same type, same value for every parameter the effect names. */
export function effectMatches(effect: Effect, body: string, type: string, data: unknown): boolean {
  if (effect.body !== body || effect.effect !== type) return false;
  const given = (data ?? {}) as Record<string, unknown>;
  return Object.entries(effect.data).every(([key, value]) => sameParameter(given[key] ?? null, value ?? null));
}

/**
 * Two parameter values say the same: equal as canonical JSON, or two ends of a term that resolve
 * to the same last day ("bis 31.03.2027" in the decision, "bis März 2027" in the event).
 */
function sameParameter(given: unknown, required: unknown): boolean {
  if (canonicalJson(given) === canonicalJson(required)) return true;
  const a = asTermEnd(given);
  const b = asTermEnd(required);
  return a !== null && b !== null && termEndDate(a) === termEndDate(b);
}

function asTermEnd(value: unknown): TermEnd | null {
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null;
  if (typeof value !== 'object' || value === null) return null;
  const keys = Object.keys(value);
  if (keys.length !== 1) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.month === 'string' && /^\d{4}-\d{2}$/.test(v.month)) return { month: v.month };
  if (typeof v.year === 'string' && /^\d{4}$/.test(v.year)) return { year: v.year };
  return null;
}

/** `Beschluss 2024/09-AL vom 12.06.2024`: the decision's own number and date. */
export function decisionLabel(decision: { number: string; date: CivilDate }): string {
  return `Beschluss ${decision.number} vom ${germanDate(decision.date)}`;
}

/**
 * For an event that cites a decision but is dated after the decision's own day (recorded late,
 * after the body had lived on): `mit Datum 04.12.2026, der Beschluss ist vom 20.03.2025`; null
 * when it is dated on that day.
 */
export function datedAfterDecision(decisionDate: CivilDate, occurredAt: Instant): string | null {
  const day = berlinDate(occurredAt);
  return day > decisionDate ? `mit Datum ${germanDate(day)}, der Beschluss ist vom ${germanDate(decisionDate)}` : null;
}

/** A decision stream's events grouped by stream, each in version order. */
export function byStream(events: Iterable<DecisionEvent>): Map<string, DecisionEvent[]> {
  const streams = new Map<string, DecisionEvent[]>();
  for (const event of events) streams.set(event.stream, [...(streams.get(event.stream) ?? []), event]);
  for (const list of streams.values()) list.sort((a, b) => a.version - b.version);
  return streams;
}

/**
 * The register's rows checked against their streams: each row must be what the fold of its
 * stream gives, and each stream must have its row. One German message per decision that differs.
 */
export function registerProblems(events: Iterable<DecisionEvent>, rows: readonly DecisionState[]): Array<{ stream: string; message: string }> {
  const streams = byStream(events);
  const problems: Array<{ stream: string; message: string }> = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const stream = decisionStream(row.issuer, row.number);
    seen.add(stream);
    const differences = decisionDivergences(streams.get(stream) ?? [], row);
    if (differences.length > 0) {
      problems.push({ stream, message: `${decisionStreamName(stream)}: Der Registereintrag weicht von seinen Ereignissen ab – ${differences.join(' ')}` });
    }
  }
  for (const stream of streams.keys()) {
    if (!seen.has(stream)) problems.push({ stream, message: `${decisionStreamName(stream)}: Zu den Ereignissen gibt es keinen Registereintrag (gelöscht).` });
  }
  return problems;
}
