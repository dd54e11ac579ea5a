/**
 * The audit export: JSON Lines, one object per line, in this order —
 *
 *   header      {kind, format, exportedAt, order}
 *   machine     every statechart version the events name: {id, version, fingerprint, definition}
 *   event       every event of every body, by body id, then version (`unreadable` when the
 *               stored JSON could not be read back; the event then holds only its id, body,
 *               version, type and hashes)
 *   auditLog    every entry of the audit log (erasures), by version
 *   decisionEvent  every event of the decision register (decisionRecorded, decisionAmended,
 *               decisionWithdrawn), by stream id (`decision:<issuer>:<number>`), then version
 *   contactEvent   every correction of a contact person (contactCorrected: which fields, never
 *               their values), by stream id (`contact:<id>`), then version
 *   body        every body's stored projection {id, version, machineVersion, state, context}
 *   decision    every decision's register row (the projection of its stream)
 *   checkpoint  every signed checkpoint, by sequence
 *   end         the number of lines of each kind, so a cut-off file is noticed
 *
 * The offline verifier (offline-verifier.ts) needs nothing but this file and the public key;
 * docs/audit-export.schema.json describes every line as a JSON Schema (2020-12).
 */
import type { StateValue } from 'xstate';
import type { EventRecord } from '../event-log/event-hash';
import type { DecisionEvent, DecisionState } from '../decisions/register';
import type { StoredEvent } from './chain-verifier';
import type { EventTuple } from './event-tuple';
import type { AuditLogEntry } from './audit-log';
import type { ContactEvent } from './contact-log';
import type { SignedCheckpoint } from './checkpoint';

export const EXPORT_FORMAT = 'gremienlauf-audit-export/1';

export interface ExportCounts {
  machine: number;
  event: number;
  auditLog: number;
  /** Absent in exports written before the decision register was a stream: read as 0. */
  decisionEvent?: number;
  /** Absent in exports written before contacts had chains of their own: read as 0. */
  contactEvent?: number;
  body: number;
  decision?: number;
  checkpoint: number;
}

export type ExportLine =
  | { kind: 'header'; format: typeof EXPORT_FORMAT; exportedAt: string; order: string }
  | { kind: 'machine'; id: string; version: number; fingerprint: string; definition: unknown }
  | { kind: 'event'; event: EventRecord; unreadable?: string }
  | { kind: 'auditLog'; entry: AuditLogEntry }
  | { kind: 'decisionEvent'; event: DecisionEvent }
  | { kind: 'contactEvent'; event: ContactEvent }
  | { kind: 'decision'; decision: DecisionState }
  | { kind: 'body'; id: string; version: number; machineVersion: number; state: StateValue; context: unknown }
  | { kind: 'checkpoint'; checkpoint: SignedCheckpoint }
  | { kind: 'end'; counts: ExportCounts };

export function exportLine(line: ExportLine): string {
  return `${JSON.stringify(line)}\n`;
}

/**
 * The line of a stored event, written from its tuple (event-tuple.ts): the stored JSON of `data` and `decision` goes
 * in as it is (after checking that it parses), which spares parsing and writing it again. The
 * same bytes as `exportLine({kind: 'event', event})`; null when the stored JSON does not parse.
 */
export function eventLine(tuple: EventTuple): string | null {
  const [id, bodyId, version, type, data, actorId, actorRole, occurredAt, recordedAt, machineId, machineVersion, decision, prevHash, hash] = tuple;
  try {
    JSON.parse(data as string);
    if (decision !== null) JSON.parse(decision as string);
  } catch {
    return null;
  }
  const s = JSON.stringify;
  return (
    `{"kind":"event","event":{"id":${s(id)},"bodyId":${s(bodyId)},"version":${Number(version)},"type":${s(type)},` +
    `"data":${data as string},"actor":{"id":${s(actorId)},"role":${s(actorRole)}},"occurredAt":${s(occurredAt)},` +
    `"recordedAt":${s(recordedAt)},"machine":{"id":${s(machineId)},"version":${Number(machineVersion)}},` +
    `"decision":${(decision as string | null) ?? 'null'},"prevHash":${s(prevHash)},"hash":${s(hash)}}}\n`
  );
}

/** A string column as JSON, in SQLite: `json_quote` escapes exactly as JSON.stringify does. */
const quoted = (column: string) => `json_quote(${column})`;

/**
 * `eventLine` as an SQLite expression over a row of `events`, for the database to write the line
 * itself (the export's largest part, written without making JavaScript strings of its columns).
 * NULL when the stored JSON does not parse (`json_valid` reads the grammar JSON.parse reads):
 * such a row's line is then written by `eventLine`/`unreadableEventLine`.
 */
export const EVENT_LINE_SQLITE =
  `CASE WHEN json_valid(data) AND (decision IS NULL OR json_valid(decision)) AND typeof(version) = 'integer' AND typeof(machine_version) = 'integer' THEN ` +
  `'{"kind":"event","event":{"id":' || ${quoted('id')} || ',"bodyId":' || ${quoted('body_id')} || ',"version":' || version || ` +
  `',"type":' || ${quoted('type')} || ',"data":' || data || ',"actor":{"id":' || ${quoted('actor_id')} || ',"role":' || ${quoted('actor_role')} || ` +
  `'},"occurredAt":' || ${quoted('occurred_at')} || ',"recordedAt":' || ${quoted('recorded_at')} || ` +
  `',"machine":{"id":' || ${quoted('machine_id')} || ',"version":' || machine_version || '},"decision":' || coalesce(decision, 'null') || ` +
  `',"prevHash":' || ${quoted('prev_hash')} || ',"hash":' || ${quoted('hash')} || '}}' || char(10) END`;

/**
 * `bodyLine` as an SQLite expression over the columns id, version, machine_version, state and
 * context (the whole context: stored-context.ts, `WHOLE_CONTEXT_SQLITE`). NULL where `bodyLine`
 * would have to mend something (a context that could not be put together or does not parse): that
 * line is then written by `bodyLine`.
 */
export const BODY_LINE_SQLITE =
  `CASE WHEN json_valid(context) AND typeof(version) = 'integer' AND typeof(machine_version) = 'integer' THEN ` +
  `'{"kind":"body","id":' || json_quote(CAST(id AS TEXT)) || ',"version":' || version || ',"machineVersion":' || machine_version || ` +
  `',"state":' || CASE WHEN json_valid(state) THEN state ELSE 'null' END || ',"context":' || context || '}' || char(10) END`;

/**
 * The line of a body's stored projection, written from its tuple [id, version, machine_version,
 * state, context]: the stored JSON of state and context goes in as it is once it parses; what
 * does not parse is written as null (as the projection's reader takes it).
 */
export function bodyLine([id, version, machineVersion, state, context]: unknown[]): string {
  return (
    `{"kind":"body","id":${JSON.stringify(String(id))},"version":${Number(version)},"machineVersion":${Number(machineVersion)},` +
    `"state":${storedJsonOrNull(state)},"context":${storedJsonOrNull(context)}}\n`
  );
}

function storedJsonOrNull(stored: unknown): string {
  const text = String(stored);
  try {
    JSON.parse(text);
    return text;
  } catch {
    return 'null';
  }
}

/** The line of an event whose stored JSON cannot be read back. */
export function unreadableEventLine(event: StoredEvent): string {
  if (!('unreadable' in event)) return exportLine({ kind: 'event', event });
  return exportLine({ kind: 'event', event: event as unknown as EventRecord, unreadable: event.unreadable });
}
