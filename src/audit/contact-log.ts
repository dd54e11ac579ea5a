/**
 * A contact person's own hash chain: the corrections of its personal data (name, organisation,
 * e-mail, phone), one stream per contact, `contact:<id>`. Verified, checkpointed and exported
 * like the bodies' streams and the decision register.
 *
 * The events name which fields changed, never their values: the values are personal data and
 * live only in the contacts table, so an erasure (DSGVO Art. 17, recorded in the audit log)
 * removes them there and every chain still verifies. What a field said before a correction is
 * not kept anywhere; the chain says who changed which field when, and why.
 */
import { createHash } from 'node:crypto';
import type { Instant } from '../../machines';
import { canonicalJson } from '../json/canonical-json';
import type { Actor } from '../event-log/event-hash';

export const CONTACT_STREAM_PREFIX = 'contact:';

export const CONTACT_FIELDS = ['name', 'organization', 'email', 'phone'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

export const CONTACT_FIELD_LABELS: Record<ContactField, string> = { name: 'Name', organization: 'Organisation', email: 'E-Mail', phone: 'Telefon' };

export const CONTACT_EVENT_LABELS = {
  contactCorrected: 'Ansprechperson berichtigt',
} as const;
export type ContactEventType = keyof typeof CONTACT_EVENT_LABELS;

export interface ContactCorrectedData {
  contactId: string;
  /** The fields whose value changed (never the values: see above). */
  changed: ContactField[];
  reason: string | null;
}

export interface ContactEvent {
  id: string;
  stream: string;
  version: number;
  type: ContactEventType;
  data: ContactCorrectedData;
  actor: Actor;
  occurredAt: Instant;
  recordedAt: Instant;
  prevHash: string | null;
  hash: string;
}

export function contactStream(contactId: string): string {
  return `${CONTACT_STREAM_PREFIX}${contactId}`;
}

export function isContactStream(stream: string): boolean {
  return stream.startsWith(CONTACT_STREAM_PREFIX);
}

/** SHA-256 (hex) of the RFC 8785 canonical JSON of every field but `hash`, stream id included. */
export function hashContactEvent(event: Omit<ContactEvent, 'hash'>): string {
  const { id, stream, version, type, data, actor, occurredAt, recordedAt, prevHash } = event;
  const hashed = { stream, id, version, type, data, actor, occurredAt, recordedAt, prevHash };
  return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
}

/** `Änderung: E-Mail, Telefon`, for the contact's history. */
export function describeContactCorrection(data: ContactCorrectedData): string {
  const fields = (data.changed ?? []).map((f) => CONTACT_FIELD_LABELS[f] ?? f).join(', ');
  return `berichtigt: ${fields}${data.reason ? ` (${data.reason})` : ''}`;
}
