/**
 * The audit export: JSON Lines, one object per line, in this order —
 *
 *   header      {kind, format, exportedAt, order}
 *   machine     every statechart version the events name: {id, version, fingerprint, definition}
 *   event       every event of every body, by body id, then version (`unreadable` when the
 *               stored data could not be read back; `event.data` then holds the raw text)
 *   auditLog    every entry of the audit log (erasures), by version
 *   decisionEvent  every event of the decision register (decisionRecorded, decisionAmended,
 *               decisionWithdrawn), by stream id (`decision:<issuer>:<number>`), then version
 *   body        every body's stored projection {id, version, machineVersion, state, context}
 *   decision    every decision's register row (the projection of its stream)
 *   checkpoint  every signed checkpoint, by sequence
 *   end         the number of lines of each kind, so a cut-off file is noticed
 *
 * The offline verifier (offline-verifier.ts) needs nothing but this file and the public key.
 */
import type { StateValue } from 'xstate';
import type { EventRecord } from '../event-log/event-hash';
import type { DecisionEvent, DecisionState } from '../decisions/register';
import type { AuditLogEntry } from './audit-log';
import type { SignedCheckpoint } from './checkpoint';

export const EXPORT_FORMAT = 'gremienlauf-audit-export/1';

export interface ExportCounts {
  machine: number;
  event: number;
  auditLog: number;
  /** Absent in exports written before the decision register was a stream: read as 0. */
  decisionEvent?: number;
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
  | { kind: 'decision'; decision: DecisionState }
  | { kind: 'body'; id: string; version: number; machineVersion: number; state: StateValue; context: unknown }
  | { kind: 'checkpoint'; checkpoint: SignedCheckpoint }
  | { kind: 'end'; counts: ExportCounts };

export function exportLine(line: ExportLine): string {
  return `${JSON.stringify(line)}\n`;
}
