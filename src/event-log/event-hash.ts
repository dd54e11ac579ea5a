import { createHash } from 'node:crypto';
import type { DecisionFacts, Instant, StoredEventType } from '../../machines';
import { canonicalJson } from '../json/canonical-json';

export interface Actor {
  id: string;
  role: string;
}

/** One stored event, as the log holds it and auditors receive it (DESIGN §5). */
export interface EventRecord {
  id: string;
  bodyId: string;
  version: number;
  type: StoredEventType;
  data: unknown;
  actor: Actor;
  occurredAt: Instant;
  recordedAt: Instant;
  machine: { id: string; version: number };
  decision: DecisionFacts | null;
  prevHash: string | null;
  hash: string;
}

/**
 * The event's hash: SHA-256 (hex) of the RFC 8785 canonical JSON of every field but `hash`.
 * `prevHash` is the hash of the body's previous event, null for version 1: changing, removing
 * or reordering any event breaks every hash after it.
 */
export function hashEvent(event: Omit<EventRecord, 'hash'>): string {
  const { id, bodyId, version, type, data, actor, occurredAt, recordedAt, machine, decision, prevHash } = event;
  const hashed = { id, bodyId, version, type, data, actor, occurredAt, recordedAt, machine, decision, prevHash };
  return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
}
