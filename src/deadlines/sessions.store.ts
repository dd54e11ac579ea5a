import { Injectable } from '@nestjs/common';
import type { Session } from '../../machines/deadlines';
import { Database, type Transaction } from '../database/database';

export interface SessionRecord {
  issuer: string;
  number: number;
  date: string;
  recordedAt: string;
  recordedBy: string;
}

/** A day the session had before it was moved, with who recorded it when (`earlier_dates`, oldest first). */
export interface EarlierDate {
  date: string;
  recordedAt: string;
  recordedBy: string;
}

/** A session as the calendar lists it: with the days it had before it was moved, oldest first. */
export interface ListedSession extends SessionRecord {
  earlierDates: EarlierDate[];
}

interface SessionRow {
  issuer: string;
  number: number | string;
  held_on: string;
  recorded_at: string;
  recorded_by: string;
  earlier_dates: string | null;
}

const COLUMNS = 'issuer, number, held_on, recorded_at, recorded_by, earlier_dates';

const toRecord = (r: SessionRow): SessionRecord => ({
  issuer: r.issuer,
  number: Number(r.number),
  date: r.held_on,
  recordedAt: r.recorded_at,
  recordedBy: r.recorded_by,
});

/** Instants as the clock writes them, so that they compare as text (`…T09:00:00Z` is `…T09:00:00.000Z`). */
const instant = (value: string) => new Date(value).toISOString();

/**
 * The sessions calendar (Sitzungskalender): which session of which issuer is held on which day,
 * and since when the calendar knows it. A moved session keeps the days it had before
 * (`earlier_dates`): a Frist resolved against one of them before it fell due stays on it.
 */
@Injectable()
export class SessionsStore {
  constructor(private readonly db: Database) {}

  /** The calendar as the Fristen are resolved against it: every session with when each of its days was recorded. */
  async all(tx?: Transaction): Promise<Session[]> {
    const sql = `SELECT ${COLUMNS} FROM sessions ORDER BY held_on, issuer, number`;
    const rows = tx ? await tx.query<SessionRow>(sql) : await this.db.query<SessionRow>(sql);
    return rows.map((r) => {
      const earlier = r.earlier_dates ? (JSON.parse(r.earlier_dates) as EarlierDate[]) : [];
      return {
        issuer: r.issuer,
        number: Number(r.number),
        date: r.held_on,
        recordedAt: instant(r.recorded_at),
        ...(earlier.length > 0 ? { earlier: earlier.map((e) => ({ date: e.date, recordedAt: instant(e.recordedAt) })) } : {}),
      };
    });
  }

  async list(issuer?: string): Promise<ListedSession[]> {
    const rows = await this.db.query<SessionRow>(
      `SELECT ${COLUMNS} FROM sessions ${issuer ? 'WHERE issuer = ?' : ''} ORDER BY held_on, issuer, number`,
      issuer ? [issuer] : [],
    );
    return rows.map((r) => ({ ...toRecord(r), earlierDates: r.earlier_dates ? (JSON.parse(r.earlier_dates) as EarlierDate[]) : [] }));
  }

  /**
   * The issuer's sessions other than `number`, with their days: what a session's day has to fit
   * between. One read of the primary key's leading column; an issuer holds a few sessions a year.
   */
  async othersOf(tx: Transaction, issuer: string, number: number): Promise<Array<{ number: number; date: string }>> {
    const rows = await tx.query<{ number: number | string; held_on: string }>('SELECT number, held_on FROM sessions WHERE issuer = ? AND number <> ?', [issuer, number]);
    return rows.map((r) => ({ number: Number(r.number), date: r.held_on }));
  }

  /**
   * The recorded decisions of the issuer taken in the session on another day than `date`, oldest
   * first: the days the session cannot be moved away from. A withdrawn decision does not count (it
   * no longer stands, and a wrong date may be why it was withdrawn). Read by the issuer, the
   * leading column of the register's unique key.
   */
  async decisionsOnOtherDays(tx: Transaction, issuer: string, number: number, date: string): Promise<Array<{ number: string; date: string }>> {
    const rows = await tx.query<{ number: string; decided_on: string }>(
      `SELECT number, decided_on FROM decisions
       WHERE issuer = ? AND procedure_kind = 'Sitzung' AND session_number = ? AND withdrawn_at IS NULL AND decided_on <> ?
       ORDER BY decided_on, number`,
      [issuer, number, date],
    );
    return rows.map((r) => ({ number: r.number, date: r.decided_on }));
  }

  /**
   * Makes the writers of one issuer's calendar take turns until the caller's unit of work ends:
   * a new session has no row to lock yet, and the days of the issuer's other sessions (and the
   * decisions taken in it) that its day is checked against must not change meanwhile.
   */
  lockCalendarOf(tx: Transaction, issuer: string): Promise<void> {
    return this.db.lockUntilCommit(tx, 'sessionsCalendar', issuer);
  }

  /**
   * Records a session or moves it to another day; returns what was there before. A real
   * INSERT … ON CONFLICT: of concurrent writers of one session the later ones wait for the
   * first and then move it (on PostgreSQL the row stays locked until their commit). The same
   * day again writes nothing: the session stays known since it was first recorded.
   */
  async put(tx: Transaction, session: SessionRecord): Promise<SessionRecord | null> {
    const inserted = await tx.query(
      `INSERT INTO sessions (issuer, number, held_on, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (issuer, number) DO NOTHING RETURNING issuer`,
      [session.issuer, session.number, session.date, session.recordedAt, session.recordedBy],
    );
    if (inserted.length > 0) return null;
    const [row] = await tx.query<SessionRow>(`SELECT ${COLUMNS} FROM sessions WHERE issuer = ? AND number = ?${this.db.forUpdate}`, [
      session.issuer,
      session.number,
    ]);
    if (row.held_on === session.date) return toRecord(row);
    const earlier: EarlierDate[] = [
      ...(row.earlier_dates ? (JSON.parse(row.earlier_dates) as EarlierDate[]) : []),
      { date: row.held_on, recordedAt: row.recorded_at, recordedBy: row.recorded_by },
    ];
    await tx.query('UPDATE sessions SET held_on = ?, recorded_at = ?, recorded_by = ?, earlier_dates = ? WHERE issuer = ? AND number = ?', [
      session.date,
      session.recordedAt,
      session.recordedBy,
      JSON.stringify(earlier),
      session.issuer,
      session.number,
    ]);
    return toRecord(row);
  }
}
