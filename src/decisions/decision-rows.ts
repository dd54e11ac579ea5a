/**
 * The register's two tables as rows and back: `decisions` (the projection of each decision's
 * stream) and `decision_events` (the streams). Shared by the register service and the audit.
 */
import type { ChainedRow } from '../database/chained-row';
import type { DecisionEvent, DecisionState, Effect } from './register';

export interface DecisionRow {
  number: string;
  issuer: string;
  decided_on: string;
  procedure_kind: string;
  session_number: number | string | null;
  type: string;
  title: string;
  effects: string;
  withdrawn_at: string | null;
  withdrawn_by: string | null;
  withdrawal_reason: string | null;
  version: number | string;
  last_hash: string;
  recorded_at: string;
  recorded_by: string;
  updated_at: string;
}

export const DECISION_COLUMNS =
  'number, issuer, decided_on, procedure_kind, session_number, type, title, effects, withdrawn_at, withdrawn_by, withdrawal_reason, version, last_hash, recorded_at, recorded_by, updated_at';

export interface DecisionEventRow extends ChainedRow {
  stream: string;
}

export const DECISION_EVENT_COLUMNS = 'id, stream, version, type, data, actor_id, actor_role, occurred_at, recorded_at, prev_hash, hash';

export function toDecisionState(row: DecisionRow): DecisionState {
  return {
    number: row.number,
    issuer: row.issuer,
    date: row.decided_on,
    procedure: row.procedure_kind as DecisionState['procedure'],
    session: row.session_number === null ? null : Number(row.session_number),
    type: row.type as DecisionState['type'],
    title: row.title,
    effects: parseOr(row.effects, row.effects) as Effect[],
    recordedAt: row.recorded_at,
    recordedBy: row.recorded_by,
    withdrawn: row.withdrawn_at === null ? null : { at: row.withdrawn_at, actor: row.withdrawn_by ?? '', reason: row.withdrawal_reason ?? '' },
    version: Number(row.version),
    lastHash: row.last_hash,
    updatedAt: row.updated_at,
  };
}

/** The row values of a decision, in DECISION_COLUMNS order. */
export function decisionRowValues(d: DecisionState): Array<string | number | null> {
  return [
    d.number,
    d.issuer,
    d.date,
    d.procedure,
    d.session,
    d.type,
    d.title,
    JSON.stringify(d.effects),
    d.withdrawn?.at ?? null,
    d.withdrawn?.actor ?? null,
    d.withdrawn?.reason ?? null,
    d.version,
    d.lastHash,
    d.recordedAt,
    d.recordedBy,
    d.updatedAt,
  ];
}

/** A stored event; data that no longer parses stays a string, so its hash fails where it is. */
export function toDecisionEvent(row: DecisionEventRow): DecisionEvent {
  return {
    id: row.id,
    stream: row.stream,
    version: Number(row.version),
    type: row.type as DecisionEvent['type'],
    data: parseOr(row.data, row.data) as never,
    actor: { id: row.actor_id, role: row.actor_role },
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function decisionEventValues(e: DecisionEvent): Array<string | number | null> {
  return [e.id, e.stream, e.version, e.type, JSON.stringify(e.data), e.actor.id, e.actor.role, e.occurredAt, e.recordedAt, e.prevHash, e.hash];
}

function parseOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}
