/**
 * Tampering as someone with write access to the database file would do it, hiding their tracks:
 * a body's approval in version 3 changed and every hash of the body's chain recomputed after it,
 * the projection's last hash included. Only checkpoints (and the copies published of them) can
 * tell; the audit specs check that they do.
 */
import type Database from 'better-sqlite3';
import { hashEvent, type EventRecord } from '../../src/event-log/event-hash';

export function rewriteApproval(db: Database.Database, bodyId: string, approvedUntil = '2025-06-30'): void {
  const rows = db.prepare('SELECT * FROM events WHERE body_id = ? ORDER BY version').all(bodyId) as Array<Record<string, any>>;
  let prevHash: string | null = null;
  for (const row of rows) {
    const data = JSON.parse(row.data);
    if (row.version === 3) data.approvedUntil = approvedUntil;
    const record: Omit<EventRecord, 'hash'> = {
      id: row.id,
      bodyId: row.body_id,
      version: row.version,
      type: row.type,
      data,
      actor: { id: row.actor_id, role: row.actor_role },
      occurredAt: row.occurred_at,
      recordedAt: row.recorded_at,
      machine: { id: row.machine_id, version: row.machine_version },
      decision: row.decision ? JSON.parse(row.decision) : null,
      prevHash,
    };
    const hash = hashEvent(record);
    db.prepare('UPDATE events SET data = ?, prev_hash = ?, hash = ? WHERE id = ?').run(JSON.stringify(data), prevHash, hash, row.id);
    prevHash = hash;
  }
  db.prepare('UPDATE bodies SET last_hash = ? WHERE id = ?').run(prevHash, bodyId);
}
