/**
 * The audit log: a hash chain of its own for administrative acts that belong to no single body's
 * lifecycle — today the erasure of a contact person's personal data (DSGVO Art. 17).
 *
 * Why not an event in every body's stream: a contact may be named by several bodies, by bodies
 * that have already ended (a final state accepts no events) or by none at all; one chain holds
 * every erasure in one place, lists the bodies that named the contact, and leaves the lifecycle
 * statechart (and so replay) untouched. It is verified, checkpointed and exported like the body
 * streams, under the stream id `audit-log`.
 */
import { createHash } from 'node:crypto';
import type { Instant } from '../../machines';
import { canonicalJson } from '../json/canonical-json';
import type { Actor } from '../event-log/event-hash';

export const AUDIT_LOG_STREAM = 'audit-log';

export const AUDIT_LOG_LABELS: Record<AuditLogEntryType, string> = {
  contactErased: 'Personenbezogene Daten einer Ansprechperson gelöscht (DSGVO Art. 17)',
};

export type AuditLogEntryType = 'contactErased';

export interface ContactErasedData {
  contactId: string;
  reason: string;
  /** The bodies whose history names the contact, so an auditor sees whom the erasure touched. */
  bodyIds: string[];
}

export interface AuditLogEntry {
  id: string;
  version: number;
  type: AuditLogEntryType;
  data: ContactErasedData;
  actor: Actor;
  occurredAt: Instant;
  recordedAt: Instant;
  prevHash: string | null;
  hash: string;
}

/** SHA-256 (hex) of the RFC 8785 canonical JSON of every field but `hash`, plus the stream id. */
export function hashAuditLogEntry(entry: Omit<AuditLogEntry, 'hash'>): string {
  const { id, version, type, data, actor, occurredAt, recordedAt, prevHash } = entry;
  const hashed = { stream: AUDIT_LOG_STREAM, id, version, type, data, actor, occurredAt, recordedAt, prevHash };
  return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
}
