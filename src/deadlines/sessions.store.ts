import { Injectable } from '@nestjs/common';
import type { Session } from '../../machines/deadlines';
import { Database, type Transaction } from '../database/database';

export interface SessionRecord extends Session {
  recordedAt: string;
  recordedBy: string;
}

interface SessionRow {
  issuer: string;
  number: number | string;
  held_on: string;
  recorded_at: string;
  recorded_by: string;
}

const toRecord = (r: SessionRow): SessionRecord => ({
  issuer: r.issuer,
  number: Number(r.number),
  date: r.held_on,
  recordedAt: r.recorded_at,
  recordedBy: r.recorded_by,
});

/** The sessions calendar (Sitzungskalender): which session of which issuer is held on which day. */
@Injectable()
export class SessionsStore {
  constructor(private readonly db: Database) {}

  async all(tx?: Transaction): Promise<Session[]> {
    const sql = 'SELECT issuer, number, held_on, recorded_at, recorded_by FROM sessions ORDER BY held_on, issuer, number';
    const rows = tx ? await tx.query<SessionRow>(sql) : await this.db.query<SessionRow>(sql);
    return rows.map(toRecord).map(({ issuer, number, date }) => ({ issuer, number, date }));
  }

  async list(issuer?: string): Promise<SessionRecord[]> {
    const rows = await this.db.query<SessionRow>(
      `SELECT issuer, number, held_on, recorded_at, recorded_by FROM sessions ${issuer ? 'WHERE issuer = ?' : ''} ORDER BY held_on, issuer, number`,
      issuer ? [issuer] : [],
    );
    return rows.map(toRecord);
  }

  /**
   * Records a session or moves it to another day; returns what was there before. A real
   * INSERT … ON CONFLICT: of concurrent writers of one session the later ones wait for the
   * first and then move it (on PostgreSQL the row stays locked until their commit).
   */
  async put(tx: Transaction, session: SessionRecord): Promise<SessionRecord | null> {
    const values = [session.issuer, session.number, session.date, session.recordedAt, session.recordedBy];
    const inserted = await tx.query(
      `INSERT INTO sessions (issuer, number, held_on, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (issuer, number) DO NOTHING RETURNING issuer`,
      values,
    );
    if (inserted.length > 0) return null;
    const [row] = await tx.query<SessionRow>(
      `SELECT issuer, number, held_on, recorded_at, recorded_by FROM sessions WHERE issuer = ? AND number = ?${this.db.forUpdate}`,
      [session.issuer, session.number],
    );
    await tx.query('UPDATE sessions SET held_on = ?, recorded_at = ?, recorded_by = ? WHERE issuer = ? AND number = ?', [
      session.date,
      session.recordedAt,
      session.recordedBy,
      session.issuer,
      session.number,
    ]);
    return toRecord(row);
  }
}
