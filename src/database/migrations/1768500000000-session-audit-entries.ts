import { createHash, randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { canonicalJson } from '../../json/canonical-json';

interface SessionRow {
  issuer: string;
  number: number | string;
  held_on: string;
  recorded_at: string;
  recorded_by: string;
  earlier_dates: string | null;
}

/**
 * Since this release every session entered in the sessions calendar or moved is an entry of the
 * audit log (`sessionScheduled`, `sessionMoved`), and verify compares the calendar with them. The
 * sessions recorded before get their entries here, in the order their days were recorded: each by
 * whoever recorded the day (the secretariat: only it may), occurring when the day was recorded,
 * recorded now. The hash is written out here (not imported) so that this migration stays as it was
 * released.
 */
export class SessionAuditEntries1768500000000 implements MigrationInterface {
  name = 'SessionAuditEntries1768500000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.driver.options.type === 'postgres';
    const sql = (text: string) => {
      let i = 0;
      return postgres ? text.replace(/\?/g, () => `$${++i}`) : text;
    };
    const rows = (await q.query('SELECT issuer, number, held_on, recorded_at, recorded_by, earlier_dates FROM sessions')) as SessionRow[];
    const days = rows.flatMap((row) => {
      const earlier = row.earlier_dates ? (JSON.parse(row.earlier_dates) as Array<{ date: string; recordedAt: string; recordedBy: string }>) : [];
      const all = [...earlier, { date: row.held_on, recordedAt: row.recorded_at, recordedBy: row.recorded_by }];
      return all.map((day, i) => ({ issuer: row.issuer, number: Number(row.number), ...day, previousDate: i === 0 ? null : all[i - 1].date }));
    });
    days.sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : a.issuer < b.issuer ? -1 : a.issuer > b.issuer ? 1 : a.number - b.number));
    const [last] = (await q.query('SELECT version, hash FROM audit_log ORDER BY version DESC LIMIT 1')) as Array<{ version: number | string; hash: string }>;
    let version = last ? Number(last.version) : 0;
    let prevHash = last?.hash ?? null;
    const now = new Date().toISOString();
    for (const day of days) {
      const entry = {
        id: randomUUID(),
        version: ++version,
        type: day.previousDate === null ? 'sessionScheduled' : 'sessionMoved',
        data: { issuer: day.issuer, number: day.number, date: day.date, previousDate: day.previousDate },
        actor: { id: day.recordedBy, role: 'secretariat' },
        occurredAt: new Date(day.recordedAt).toISOString(),
        recordedAt: now,
        prevHash,
      };
      const hash = createHash('sha256')
        .update(canonicalJson({ stream: 'audit-log', ...entry }), 'utf8')
        .digest('hex');
      await q.query(
        sql(`INSERT INTO audit_log (id, version, type, data, actor_id, actor_role, occurred_at, recorded_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
        [entry.id, entry.version, entry.type, JSON.stringify(entry.data), entry.actor.id, entry.actor.role, entry.occurredAt, entry.recordedAt, prevHash, hash],
      );
      prevHash = hash;
    }
  }

  async down(): Promise<void> {
    // The entries are links of the audit log's hash chain (later entries hash onto them): they stay.
  }
}
