/**
 * How long the service waits for its database before it gives up and answers 503, and how
 * node-postgres says that it waited in vain. Without typeorm, so that the CLI can name these too.
 */

/** How long the service waits for its database (`DATABASE_LOCK_WAIT_SECONDS`, `DATABASE_ANSWER_WAIT_SECONDS`), in milliseconds. */
export interface Waits {
  /**
   * How long a statement waits for a lock another connection holds (SQLite's `busy_timeout`, and
   * PostgreSQL's `lock_timeout` in every unit of work) before its unit of work fails, answered
   * 503 „blieb zu lange von einem anderen Vorgang belegt“: a session left open with a lock (a
   * `LOCK TABLE`, an `UPDATE` not committed) then costs the requests that need that lock this
   * long each, not all of the pool's connections for as long as it stays open.
   */
  lockMs: number;
  /**
   * How long the service waits for PostgreSQL to answer a statement, or to let a connection
   * begin, before it gives the connection up (answered 503): a server that accepts connections
   * but hangs (stopped, out of memory, its disk stuck), or a network that drops what is sent,
   * would otherwise hold each request, and a pool connection with it, for as long as it lasts
   * (for a dropped network, the system gives up only after about a quarter of an hour). Longer
   * than the lock wait, so that a statement waiting for a lock is answered „belegt“ first.
   * Migrations and the start-up lock take as long as they take: only their connecting is limited.
   */
  answerMs: number;
}

/** 5 s for a lock, 10 s for an answer. */
export const DEFAULT_WAITS: Readonly<Waits> = { lockMs: 5_000, answerMs: 10_000 };

/** `10 s`, `2,5 s`: a wait as the answers name it. */
export function seconds(ms: number): string {
  return `${String(ms / 1000).replace('.', ',')} s`;
}

/**
 * node-postgres's words (no code) when PostgreSQL did not answer in time (`Waits.answerMs`): a
 * statement (`query_timeout`; the connection is then closed); a connection being made, by a pool
 * or by a client of its own; a wait for a free connection of a pool, all of whose connections
 * wait for answers.
 */
export const NO_ANSWER = {
  statement: 'Query read timeout',
  connecting: ['Connection terminated due to connection timeout', 'timeout expired'],
  pool: 'timeout exceeded when trying to connect',
};
