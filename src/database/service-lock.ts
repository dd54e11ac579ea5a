/**
 * One service per SQLite file. SQLite has one writer at a time: a second service on the same
 * file serves nothing faster, but each would wait for the other's write lock with its whole
 * event loop stopped (the driver's busy wait is synchronous) and fail after five seconds, the
 * start-up work that instances must do once (migrations, the example seed) runs unguarded, and
 * what each keeps in memory about the rows it wrote goes wrong when the other derives Fristen
 * with other settings (docs/operations.md, test/sqlite-second-writer.spec.ts).
 *
 * The lock is the write lock of a sidecar SQLite file (`<database>-lock`), held by an open
 * connection for as long as the service runs: the operating system drops it with the process,
 * however that ends (kill -9 included), so a lock never outlives its holder and nothing needs
 * cleaning up. The sidecar's one row says who holds it; others can read it while it is held.
 */
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/** Who holds a database: the service's process, since when, where it listens, its settings of the Fristen. */
export interface LockHolder {
  pid: number;
  /** ISO instant of the start. */
  since: string;
  /** The port it was started on; null where it chose a free one (PORT=0). */
  port: number | null;
  /** The settings every writer of the database must share (see `deadlineSettings` in src/start-checks.ts). */
  settings: Record<string, string>;
}

/** Another process holds the database's lock: `holder` says who, where the sidecar tells. */
export class ServiceLockTaken extends Error {
  constructor(readonly holder: LockHolder | null) {
    super(holder ? `database locked by process ${holder.pid}` : 'database locked by another process');
  }
}

/**
 * How long taking the lock waits for another process's hold on the sidecar: long enough for one
 * that only looks (`ServiceLock.heldOf`) or is itself starting, far shorter than a start.
 */
const WAIT_MS = 1000;

const SCHEMA = 'CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, since TEXT NOT NULL, port INTEGER, settings TEXT NOT NULL)';

/**
 * The locks this process holds. A better-sqlite3 connection that is garbage-collected is closed,
 * which would drop the lock while the service still runs: kept here until released.
 */
const held = new Set<ServiceLock>();

export class ServiceLock {
  private constructor(
    private readonly connection: BetterSqlite3.Database,
    /** The sidecar file. */
    readonly file: string,
  ) {}

  /**
   * Takes the lock of the SQLite database `database` for this process, or throws
   * ServiceLockTaken naming the process that holds it. Writes nothing to the database itself.
   */
  static acquire(database: string, holder: LockHolder): ServiceLock {
    const file = lockFileOf(database);
    const connection = new BetterSqlite3(file, { timeout: WAIT_MS });
    try {
      connection.exec(SCHEMA);
      // The holder's row is written and committed first, so that others can read it while the
      // lock is held; then the write lock is taken again and kept. A process that got in between
      // holds it now: this one is refused, naming that one.
      connection.exec('BEGIN IMMEDIATE');
      connection
        .prepare('INSERT OR REPLACE INTO holder (id, pid, since, port, settings) VALUES (1, ?, ?, ?, ?)')
        .run(holder.pid, holder.since, holder.port, JSON.stringify(holder.settings));
      connection.exec('COMMIT');
      connection.exec('BEGIN IMMEDIATE');
    } catch (error) {
      const taken = isBusy(error) ? new ServiceLockTaken(readHolder(connection)) : null;
      connection.close();
      throw taken ?? error;
    }
    const lock = new ServiceLock(connection, file);
    held.add(lock);
    return lock;
  }

  /**
   * Whether a process holds the lock of `database` now (null: none does, no service runs on it),
   * and who, where the sidecar says. Looking takes the sidecar's write lock for a moment, never
   * the database's. A sidecar this user may not write is no answer either way: null.
   */
  static heldOf(database: string): { holder: LockHolder | null } | null {
    const file = lockFileOf(database);
    if (!existsSync(file)) return null;
    let connection: BetterSqlite3.Database | null = null;
    try {
      connection = new BetterSqlite3(file, { timeout: 0, fileMustExist: true });
      connection.exec('BEGIN IMMEDIATE');
      connection.exec('ROLLBACK');
      return null;
    } catch (error) {
      if (!connection || !isBusy(error)) return null;
      connection.pragma(`busy_timeout = ${WAIT_MS}`);
      return { holder: readHolder(connection) };
    } finally {
      connection?.close();
    }
  }

  /** Gives the lock up (a service stopped in a process that goes on). */
  release(): void {
    if (!held.delete(this)) return;
    this.connection.close();
  }
}

/**
 * The sidecar of a database file: beside the file the path leads to, so that two paths to one
 * file (a symbolic link) share one lock, as SQLite's own -wal and -shm files do.
 */
export function lockFileOf(database: string): string {
  const real = existsSync(database) ? realpathSync(database) : join(realDirectory(dirname(database)), basename(database));
  return `${real}-lock`;
}

function realDirectory(directory: string): string {
  return existsSync(directory) ? realpathSync(directory) : directory;
}

function readHolder(connection: BetterSqlite3.Database): LockHolder | null {
  try {
    const row = connection.prepare('SELECT pid, since, port, settings FROM holder WHERE id = 1').get() as
      | { pid: number; since: string; port: number | null; settings: string }
      | undefined;
    if (!row) return null;
    return { pid: row.pid, since: row.since, port: row.port, settings: JSON.parse(row.settings) as Record<string, string> };
  } catch {
    return null;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
