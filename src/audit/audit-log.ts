/**
 * The audit log: a hash chain of its own for administrative acts that belong to no body's
 * lifecycle — the erasure of a contact person's personal data (DSGVO Art. 17), the begin and
 * end of a body's Nacherfassung (its deadline monitoring held while its known history is entered;
 * see backfill/backfill.service.ts), and each session entered in the sessions calendar or moved
 * (the days „zur 45. Sitzung“ and „im November“ resolve against, so a moved session moves Fristen;
 * see sessions/sessions.service.ts).
 *
 * Why not an event in every body's stream: a contact may be named by several bodies, by bodies
 * that have already ended (a final state accepts no events) or by none at all; one chain holds
 * every erasure in one place, lists the bodies that named the contact, and leaves the lifecycle
 * statechart (and so replay) untouched. It is verified, checkpointed and exported like the body
 * streams, under the stream id `audit-log`.
 */
import { createHash } from 'node:crypto';
import type { CivilDate, Instant } from '../../machines';
import { canonicalJson } from '../json/canonical-json';
import type { Actor } from '../event-log/event-hash';

export const AUDIT_LOG_STREAM = 'audit-log';

export const AUDIT_LOG_LABELS: Record<AuditLogEntryType, string> = {
  contactErased: 'Personenbezogene Daten einer Ansprechperson gelöscht (DSGVO Art. 17)',
  backfillBegun: 'Nacherfassung begonnen',
  backfillEnded: 'Nacherfassung beendet',
  sessionScheduled: 'Sitzung eingetragen',
  sessionMoved: 'Sitzung verlegt',
};

export type AuditLogEntryType = 'contactErased' | 'backfillBegun' | 'backfillEnded' | 'sessionScheduled' | 'sessionMoved';

export interface ContactErasedData {
  contactId: string;
  reason: string;
  /** The bodies whose history names the contact, so an auditor sees whom the erasure touched. */
  bodyIds: string[];
}

/** A Nacherfassung begun or ended: the body, and why (in the secretariat's words). */
export interface BackfillData {
  bodyId: string;
  reason: string;
}

/** A session entered in the calendar (`previousDate` null) or moved from `previousDate` to `date`. */
export interface SessionData {
  issuer: string;
  number: number;
  date: CivilDate;
  previousDate: CivilDate | null;
}

export interface AuditLogEntry {
  id: string;
  version: number;
  type: AuditLogEntryType;
  data: ContactErasedData | BackfillData | SessionData;
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

/** Whether the entry records an erasure (its data then names the contact and the bodies). */
export function isErasure(entry: AuditLogEntry): entry is AuditLogEntry & { type: 'contactErased'; data: ContactErasedData } {
  return entry.type === 'contactErased';
}

/** Whether the entry begins or ends a body's Nacherfassung. */
export function isBackfillEntry(entry: AuditLogEntry): entry is AuditLogEntry & { type: 'backfillBegun' | 'backfillEnded'; data: BackfillData } {
  return entry.type === 'backfillBegun' || entry.type === 'backfillEnded';
}

/** Whether the entry enters a session in the calendar or moves one. */
export function isSessionEntry(entry: AuditLogEntry): entry is AuditLogEntry & { type: 'sessionScheduled' | 'sessionMoved'; data: SessionData } {
  return entry.type === 'sessionScheduled' || entry.type === 'sessionMoved';
}
