import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DataSource, QueryFailedError } from 'typeorm';
import type { DatabaseConfig } from '../../config/configuration';
import { DatabaseUnreachable, neverConnected, unreachableOr } from './connection-lost';
import { UnregisteredInstance, type InstanceRegistration } from './instance-registry';
import { MIGRATIONS } from './migrations';
import { ServiceUnavailable } from './service-unavailable';
import { DEFAULT_WAITS, type Waits } from './waits';

export type SqlValue = string | number | boolean | null;

/** `?, ?, ?`: one placeholder per value, for an `IN (…)` list or a row of values. */
export function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/** Statements that answer with their rows. */
export interface Queries {
  query<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]>;
}

/** The handle a unit of work gets: statements inside one transaction. */
export interface Transaction extends Queries {
  /**
   * A statement whose rows no one needs (an insert, update or delete). On PostgreSQL it is sent
   * at once without waiting for its answer: it travels with the next statement that does wait
   * (or with the COMMIT), one round trip for both. Its failure, given to `failure` to name it
   * first, is thrown by that next statement; the unit of work then rolls back as ever. On SQLite
   * it simply runs, and a failure is thrown here.
   */
  write(sql: string, params?: SqlValue[], failure?: (error: unknown) => unknown): void;
}

/** A stable read-only view of the last committed state, held until `close`. */
export interface ReadView extends Queries {
  /**
   * The rows of one query as arrays of their column values (in the order the SELECT names them),
   * `size` rows at a time, read from a cursor: for walking through a large table in constant
   * memory. No other statement may run on the view until the walk has ended.
   */
  batches(sql: string, params: SqlValue[], size: number): AsyncGenerator<unknown[][]>;
  close(): Promise<void>;
}

/** A unit of work waiting for the SQLite connection. */
interface Job {
  write: boolean;
  run: (tx: Transaction) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The unit of work the current async call chain runs in. */
interface Scope {
  tx: Transaction;
  open: boolean;
  depth: number;
  onRollback: Array<() => void>;
}

/** At most this many units of work share one commit. */
const MAX_GROUP = 64;

/** SQLite statements with more parameters than this are not cached (see `Database.run`): above the largest batch insert of timers. */
const MAX_CACHED_PARAMETERS = 400;

/** A unit of work refused because the SQLite file the service opened is no longer at its path (`Database.replacedFile`). */
export class DatabaseFileReplaced extends ServiceUnavailable {}

/** The databases opened while a `Database.closedOnFailure` runs (see there). */
const openedDuring = new AsyncLocalStorage<Database[]>();

/**
 * The one database the service talks to: an embedded SQLite file or PostgreSQL, opened and
 * migrated with TypeORM. SQL is written once with `?` placeholders.
 *
 * SQLite has one connection, so every unit of work (writes and reads alike) runs one after the
 * other through a queue: a second `BEGIN` on the same connection would fail, and a read between
 * another unit's statements could see writes that are later rolled back. Units of work waiting
 * in the queue together are committed together (group commit): each runs in its own savepoint,
 * so a failing one is rolled back alone, and one COMMIT — one fsync — makes the whole group
 * durable before any of them is acknowledged. Statements go straight to better-sqlite3 with
 * cached prepared statements (TypeORM's query runner costs about as much again as a statement).
 *
 * Reads outside a unit of work never wait in that queue: a second, read-only connection answers
 * them at once (in WAL mode a reader sees the last committed state, never a group still open,
 * and never waits for its fsync). Only an in-memory database, which a second connection cannot
 * share, reads through the queue.
 *
 * PostgreSQL runs units of work concurrently, each in its own pooled TypeORM transaction; reads
 * outside a unit of work take a connection of their own pool, so a pool busy with writes does
 * not hold them up either.
 */
export class Database {
  private readonly pending: Job[] = [];
  private draining: Promise<void> | null = null;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private readonly readStatements = new Map<string, BetterSqlite3.Statement>();
  private readonly sqliteTx: Transaction = {
    query: async <R>(sql: string, params: SqlValue[] = []) => this.run<R>(sql, params),
    write: (sql: string, params: SqlValue[] = [], failure?: (error: unknown) => unknown) => {
      try {
        this.run(sql, params);
      } catch (error) {
        throw failure ? failure(error) : error;
      }
    },
  };
  private readonly scopes = new AsyncLocalStorage<Scope>();
  /** Where this database serves an instance of the service (PostgreSQL): its place among the instances (see `servesAs`). */
  private registration: InstanceRegistration | null = null;
  /** Set while a group of units of work runs in its transaction on SQLite (see `commitGroup`). */
  private grouping = false;
  /** Told every statement the SQLite writer runs (see `traceStatements`). */
  private statementTrace: ((sql: string, values: ReadonlyArray<string | number | null>) => void) | null = null;
  /** The SQLite file and its write-ahead log as they were opened (device and inode), to tell whether their paths still name them (`replacedFile`). */
  private readonly opened: { dev: number; ino: number } | null;
  private readonly openedWal: { dev: number; ino: number } | null;

  private constructor(
    readonly kind: DatabaseConfig['kind'],
    private readonly dataSource: DataSource,
    private readonly sqlite: BetterSqlite3.Database | null,
    private readonly reader: BetterSqlite3.Database | null,
    private readonly readPool: DataSource | null,
    /** PostgreSQL: the connections of the read views (audit, export), apart from `readPool`, so that long views leave the pages' reads theirs. */
    private readonly viewPool: DataSource | null,
    private readonly file: string | null,
    /** The migrations this opening ran, oldest first (by their names); none where another instance or an earlier start ran them. */
    readonly migrationsRun: readonly string[],
    /** How long it waits for a lock, and PostgreSQL for an answer. */
    private readonly waits: Waits,
  ) {
    const [opened, openedWal] = file ? [fileIdentity(file), fileIdentity(`${file}-wal`)] : [null, null];
    this.opened = opened === 'gone' ? null : opened;
    this.openedWal = openedWal === 'gone' ? null : openedWal;
  }

  /**
   * Runs `work` (building the application) and, should it fail, closes every Database opened
   * within it: a refused start (a signing key the database is not bound to, any failing
   * provider after this one) would otherwise leave the PostgreSQL pools open and the process
   * waiting on them. What `work` returns keeps its databases; its close is the caller's.
   */
  static async closedOnFailure<T>(work: () => Promise<T>): Promise<T> {
    const opened: Database[] = [];
    try {
      return await openedDuring.run(opened, work);
    } catch (error) {
      await Promise.allSettled(opened.map((db) => db.close()));
      throw error;
    }
  }

  static async open(config: DatabaseConfig): Promise<Database> {
    const db = await Database.connect(config);
    openedDuring.getStore()?.push(db);
    return db;
  }

  private static async connect(config: DatabaseConfig): Promise<Database> {
    const waits = config.waits ?? DEFAULT_WAITS;
    const dataSource =
      config.kind === 'sqlite'
        ? new DataSource({
            type: 'better-sqlite3',
            database: prepareFile(config.file),
            enableWAL: true,
            prepareDatabase: (db: { pragma(source: string): unknown }) => {
              db.pragma(`synchronous = ${config.synchronous}`);
              db.pragma(`busy_timeout = ${waits.lockMs}`);
            },
            migrations: MIGRATIONS,
          })
        : // Pipelining: a connection sends each statement at once, without waiting for the answers
          // before it (see `PipelinedTransaction`); a caller that awaits each statement sees no difference.
          // A connection that does not come about in time is given up (see `Waits.answerMs`); so is a
          // statement of ours without an answer in time (`prepared`), not a migration.
          new DataSource({ type: 'postgres', url: config.url, migrations: MIGRATIONS, extra: { max: 10, pipeline: true, connectionTimeoutMillis: waits.answerMs } });
    await dataSource.initialize();
    // A failed migration (or read pool) closes what was opened before it, as a failed start does.
    let readPool: DataSource | null = null;
    let viewPool: DataSource | null = null;
    let migrationsRun: string[] = [];
    try {
      // Instances starting together on one PostgreSQL database take turns: the first migrates,
      // the others find nothing left to do.
      const ran = await withAdvisoryLock(dataSource, 'migrations', () => dataSource.runMigrations({ transaction: 'each' }));
      migrationsRun = ran.map((migration) => migration.name);
      if (config.kind === 'postgres') {
        readPool = await readOnlyPool(config.url, waits);
        viewPool = await readOnlyPool(config.url, waits);
        return new Database(config.kind, dataSource, null, null, readPool, viewPool, null, migrationsRun, waits);
      }
    } catch (error) {
      if (readPool?.isInitialized) await readPool.destroy();
      if (viewPool?.isInitialized) await viewPool.destroy();
      await dataSource.destroy();
      throw error;
    }
    const sqlite = (dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection;
    const reader = config.file === ':memory:' ? null : new BetterSqlite3(config.file, { readonly: true, fileMustExist: true });
    reader?.pragma(`busy_timeout = ${waits.lockMs}`);
    return new Database(config.kind, dataSource, sqlite, reader, null, null, reader ? config.file : null, migrationsRun, waits);
  }

  /**
   * Appended to a SELECT that reads a row the transaction is about to change: on PostgreSQL it
   * locks the row, so concurrent writers of it take turns instead of racing (SQLite has one
   * writer anyway and knows no FOR UPDATE).
   */
  get forUpdate(): string {
    return this.kind === 'postgres' ? ' FOR UPDATE' : '';
  }

  /**
   * Runs `work` while holding the named lock across all instances on the database (a PostgreSQL
   * advisory lock), e.g. start-up work that must happen once. On SQLite, with one process per
   * file, it simply runs.
   */
  exclusively<T>(lock: LockName, work: () => Promise<T>): Promise<T> {
    return this.sqlite ? work() : withAdvisoryLock(this.dataSource, lock, work);
  }

  /**
   * Inside a unit of work: holds the named lock for `key` (e.g. one issuer's sessions calendar)
   * until the unit commits or rolls back, so that units of work for the same key take turns
   * across all instances, also where they would insert rows no one can lock yet (a PostgreSQL
   * transaction-level advisory lock). SQLite has one writer anyway.
   */
  async lockUntilCommit(tx: Transaction, lock: KeyedLockName, key: string): Promise<void> {
    if (this.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(?, hashtext(?))', [KEYED_ADVISORY_LOCKS[lock], key]);
  }

  /**
   * Makes this database the one of the instance (or local command) that `registration` entered
   * among those serving it (PostgreSQL): while the registration is lost it writes nothing, and
   * closing the application leaves it.
   */
  servesAs(registration: InstanceRegistration | null): this {
    this.registration = registration;
    return this;
  }

  /** Why this instance writes nothing: its registration lost and not (yet) regained; null while it may write. */
  unregistered(): string | null {
    return this.registration?.problem() ?? null;
  }

  /**
   * Why this database writes nothing any more (SQLite): the file it opened is no longer at its
   * path, moved or deleted, or replaced by another (a backup put in its place, say) while the
   * service ran. Its connections would go on writing into the file they opened, which the next
   * start does not open: every write acknowledged from then on would be lost. Null while the path
   * names the file opened (or the system does not say), and always on PostgreSQL and in memory.
   */
  replacedFile(): string | null {
    if (!this.file || !this.opened) return null;
    const now = fileIdentity(this.file);
    if (now === null) return null;
    if (now === 'gone') return `Die Datenbankdatei ${this.file} gibt es nicht mehr: sie wurde verschoben oder gelöscht, während der Dienst lief.`;
    if (!(now.dev === this.opened.dev && now.ino === this.opened.ino)) {
      return `Unter ${this.file} liegt nicht mehr die Datenbankdatei, die der Dienst geöffnet hat: sie wurde ersetzt (etwa durch eine zurückgespielte Sicherung), während der Dienst lief.`;
    }
    // The write-ahead log holds every commit since the last checkpoint; a connection opened now would start another one.
    const wal = this.openedWal ? fileIdentity(`${this.file}-wal`) : null;
    if (wal === null || (wal !== 'gone' && wal.dev === this.openedWal!.dev && wal.ino === this.openedWal!.ino)) return null;
    return `Das Write-Ahead-Log der Datenbank (${this.file}-wal) wurde gelöscht oder ersetzt, während der Dienst lief.`;
  }

  /** Called by Nest when the application closes: it leaves the instances of the database (PostgreSQL), then closes it. */
  async onApplicationShutdown(): Promise<void> {
    await this.registration?.leave();
    return this.close();
  }

  async close(): Promise<void> {
    while (this.draining) await this.draining;
    this.statements.clear();
    this.readStatements.clear();
    if (this.reader?.open) this.reader.close();
    if (this.readPool?.isInitialized) await this.readPool.destroy();
    if (this.viewPool?.isInitialized) await this.viewPool.destroy();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /**
   * Runs `work` in one transaction: all of its statements take effect, or none. Called while
   * another unit of work runs (in the same async call chain), it joins that one in a savepoint
   * of its own: a command made of several (an import: decision, body, events) commits or rolls
   * back as a whole, and a failure inside that the caller catches undoes only its own part.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const outer = this.scopes.getStore();
    if (outer?.open) return this.nested(outer, work);
    // PostgreSQL: an instance that lost its place among the instances to one with other settings of the Fristen writes nothing.
    const unregistered = this.unregistered();
    if (unregistered) {
      return Promise.reject(
        new UnregisteredInstance(`Diese Instanz schreibt nichts, solange sie nicht angemeldet ist (/health antwortet 503): ${unregistered} Den Vorgang an eine andere Instanz richten.`),
      );
    }
    const scope: Scope = { tx: this.sqliteTx, open: true, depth: 0, onRollback: [] };
    const run = (tx: Transaction): Promise<T> => {
      scope.tx = tx;
      return this.scopes.run(scope, () => work(tx)).finally(() => (scope.open = false));
    };
    const done = this.sqlite ? this.schedule(true, run) : postgresUnitOfWork(postgresPool(this.dataSource), this.waits, run);
    return done.catch((error: unknown) => {
      for (const undo of scope.onRollback) undo();
      throw error;
    });
  }

  /**
   * `transaction`, run again when PostgreSQL gave it up for another transaction's sake (a
   * deadlock, a serialization failure: nothing of it was written; inside another unit of work,
   * nothing of its savepoint), when its connection broke before the COMMIT was sent (nothing of
   * it was written; the next try takes another connection), or when `again` says so of the error
   * (a lost race the caller can run anew from the new state); `again` is asked of every failure.
   * Up to `attempts` times in all, each after a short random pause that grows, so that the writers
   * that collided do not collide again.
   */
  async transactionRetried<T>(work: (tx: Transaction) => Promise<T>, again: (error: unknown) => boolean = () => false, attempts = 5): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transaction(work);
      } catch (error) {
        // A server that did not answer is not asked again at once: each try would wait as long.
        const retry = again(error) || isTransientConflict(error) || (error instanceof DatabaseUnreachable && !error.outcomeUnknown && !error.unanswered);
        if (!retry || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  /** Whether the caller runs inside a unit of work (a `transaction` now would join it in a savepoint). */
  get inUnitOfWork(): boolean {
    return this.scopes.getStore()?.open === true;
  }

  /** Inside a unit of work: `undo` runs if it does not commit (e.g. to forget what a cache learnt from it). */
  onRollback(undo: () => void): void {
    const scope = this.scopes.getStore();
    if (scope?.open) scope.onRollback.push(undo);
  }

  private async nested<T>(scope: Scope, work: (tx: Transaction) => Promise<T>): Promise<T> {
    const savepoint = `nested_${++scope.depth}`;
    await scope.tx.query(`SAVEPOINT ${savepoint}`);
    try {
      const value = await work(scope.tx);
      await scope.tx.query(`RELEASE SAVEPOINT ${savepoint}`);
      return value;
    } catch (error) {
      // Unless SQLite rolled back the whole transaction by itself (a full disk, an I/O error): then there is no savepoint left.
      if (!this.sqlite || this.sqlite.inTransaction) {
        await scope.tx.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        await scope.tx.query(`RELEASE SAVEPOINT ${savepoint}`);
      }
      throw error;
    } finally {
      scope.depth--;
    }
  }

  /**
   * One statement outside any unit of work (inside one, it runs in it). A read answers from the last committed state without
   * waiting for the writers; a statement that writes runs on its own (on SQLite, queued behind
   * the units of work before it).
   */
  query<T = Record<string, unknown>>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    // Inside a unit of work a statement belongs to it: it sees (and is undone with) its writes.
    const scope = this.scopes.getStore();
    if (scope?.open) return scope.tx.query<T>(sql, params);
    if (this.sqlite) {
      const read = this.reader && this.readStatement(sql);
      if (read) {
        // The reader sees the file opened; with another at the path, what it read would not be the database's.
        const replaced = this.replacedFile();
        if (replaced) return Promise.reject(fileReplaced(replaced, { read: true }));
        try {
          return Promise.resolve(read.all(...sqliteValues(params)) as T[]);
        } catch (error) {
          return Promise.reject(error);
        }
      }
      return this.schedule(false, async () => this.run<T>(sql, params));
    }
    const read = isRead(sql);
    const pool = this.readPool && read ? this.readPool : this.dataSource;
    return postgresPool(pool)
      .query<T>(prepared(sql, params, this.waits.answerMs))
      .then(rowsOf<T>, (error: unknown) => {
        // A statement that writes, sent on a connection that broke, may have taken effect.
        throw unreachableOr(error, this.waits.answerMs, { outcomeUnknown: !read && !neverConnected(error) });
      });
  }

  /**
   * Opens a view that sees one committed state through all of its statements (for reads that
   * page through large tables: audit, export) without holding up the writers: on SQLite a
   * read-only connection of its own in one read transaction, on PostgreSQL a REPEATABLE READ
   * transaction on a connection of the views' pool (five: a sixth view waits for one, at most
   * `Waits.answerMs`; the pages' reads have a pool of their own). An in-memory SQLite database has no second connection: there
   * the view is a unit of work in the queue.
   */
  async readView(): Promise<ReadView> {
    if (this.file) {
      // It would open the file now at the path, where the service's other reads see the one opened.
      const replaced = this.replacedFile();
      if (replaced) throw fileReplaced(replaced, { read: true });
      const connection = new BetterSqlite3(this.file, { readonly: true, fileMustExist: true });
      connection.pragma(`busy_timeout = ${this.waits.lockMs}`);
      connection.exec('BEGIN');
      const statements = new Map<string, BetterSqlite3.Statement>();
      return {
        query: async <T>(sql: string, params: SqlValue[] = []) => {
          let statement = statements.get(sql);
          if (!statement) statements.set(sql, (statement = connection.prepare(sql)));
          return statement.all(...sqliteValues(params)) as T[];
        },
        batches: (sql: string, params: SqlValue[], size: number) => sqliteBatches(connection.prepare(sql), params, size),
        close: async () => {
          if (connection.open) connection.close();
        },
      };
    }
    if (this.viewPool) {
      // A read whose connection broke or never came about is said as such (503), as a write's is.
      const { answerMs } = this.waits;
      const unreachable = (error: unknown): never => {
        throw unreachableOr(error, answerMs);
      };
      const { client, release } = await lend(postgresPool(this.viewPool)).catch(unreachable);
      try {
        await client.query(answeredIn({ text: 'START TRANSACTION ISOLATION LEVEL REPEATABLE READ', values: [] }, answerMs));
      } catch (error) {
        release(true);
        return unreachable(error);
      }
      return {
        query: <T>(sql: string, params: SqlValue[] = []) => client.query<T>(prepared(sql, params, answerMs)).then(rowsOf<T>, unreachable),
        batches: (sql: string, params: SqlValue[], size: number) =>
          postgresBatches((text, values) => client.query<Record<string, unknown>>(answeredIn({ text, values }, answerMs)).then(rowsOf<Record<string, unknown>>, unreachable), sql, params, size),
        close: async () => {
          // Only read: the COMMIT ends the snapshot. A connection that broke meanwhile is closed, not lent out again.
          await client.query(answeredIn({ text: 'COMMIT', values: [] }, answerMs)).then(
            () => release(),
            () => release(true),
          );
        },
      };
    }
    // In-memory SQLite: the view is a unit of work that stays open until closed.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const opened = new Promise<Transaction>((resolve) => {
      void this.schedule(false, async (tx) => {
        resolve(tx);
        await released;
      });
    });
    const tx = await opened;
    const batches = async function* (sql: string, params: SqlValue[], size: number): AsyncGenerator<unknown[][]> {
      const rows = (await tx.query<Record<string, unknown>>(sql, params)).map((row) => Object.values(row));
      for (let at = 0; at < rows.length; at += size) yield rows.slice(at, at + size);
    };
    return { query: tx.query, batches, close: async () => release() };
  }

  /** Runs `work` on a read view (see `readView`) and closes it. */
  async read<T>(work: (view: ReadView) => Promise<T>): Promise<T> {
    const view = await this.readView();
    try {
      return await work(view);
    } finally {
      await view.close();
    }
  }

  /** The statement prepared on the read-only connection, or null when it writes. */
  private readStatement(sql: string): BetterSqlite3.Statement | null {
    let statement = this.readStatements.get(sql);
    if (statement === undefined) {
      statement = this.reader!.prepare(sql);
      this.readStatements.set(sql, statement);
    }
    // PRAGMAs read or set the connection's own settings: they belong to the writer's.
    return statement.reader && statement.readonly && !/^\s*PRAGMA\b/i.test(sql) ? statement : null;
  }

  private schedule<T>(write: boolean, run: (tx: Transaction) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ write, run, resolve: resolve as (value: unknown) => void, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.draining || this.pending.length === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      if (!this.pending[0].write) {
        const read = this.pending.shift()!;
        await read.run(this.sqliteTx).then(read.resolve, read.reject);
        continue;
      }
      // One turn of the event loop lets the requests in flight queue their work: they share the commit.
      await new Promise((resolve) => setImmediate(resolve));
      const group: Job[] = [];
      while (this.pending[0]?.write && group.length < MAX_GROUP) group.push(this.pending.shift()!);
      await this.commitGroup(group);
    }
  }

  /**
   * Runs the units of work in one transaction, each in a savepoint; settles them after COMMIT.
   * Where the file at the database's path is no longer the one opened, before the group or by
   * its COMMIT, none of them is acknowledged: what they wrote would not be in the database. The
   * check before runs none of them, so what is refused is not in the file opened either, should
   * that file be put back.
   */
  private async commitGroup(group: Job[]): Promise<void> {
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    const replaced = this.replacedFile();
    if (replaced) {
      for (const job of group) job.reject(fileReplaced(replaced));
      return;
    }
    try {
      this.run('BEGIN IMMEDIATE', []);
      this.grouping = true;
      for (const job of group) {
        this.run('SAVEPOINT unit_of_work', []);
        try {
          const value = await job.run(this.sqliteTx);
          this.assertTransactionOpen();
          this.run('RELEASE unit_of_work', []);
          outcomes.push({ ok: true, value });
        } catch (error) {
          // Some failures (a full disk, an I/O error) make SQLite roll back the whole transaction
          // itself: the group's earlier units of work are undone too, and none may be acknowledged.
          if (!this.sqlite!.inTransaction) throw error;
          this.run('ROLLBACK TO unit_of_work', []);
          this.run('RELEASE unit_of_work', []);
          outcomes.push({ ok: false, error });
        }
      }
      this.grouping = false;
      this.run('COMMIT', []);
      const replacedMeanwhile = this.replacedFile();
      if (replacedMeanwhile) throw fileReplaced(replacedMeanwhile, { committed: true });
    } catch (error) {
      // Nothing of the group reached the database: every unit of work fails, none is acknowledged.
      this.grouping = false;
      if (this.sqlite!.inTransaction) this.run('ROLLBACK', []);
      for (const job of group) job.reject(error);
      return;
    }
    group.forEach((job, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }

  /**
   * While a group of units of work runs, its transaction must still be open: where SQLite rolled
   * it back by itself (a full disk, an I/O error) and a unit of work went on after catching the
   * failure, each further statement would be committed on its own, outside any transaction.
   */
  private assertTransactionOpen(): void {
    if (this.grouping && !this.sqlite!.inTransaction) {
      throw new Error('SQLite hat die Transaktion nach einem Fehler selbst zurückgerollt; die Arbeitseinheiten der Gruppe sind nicht geschrieben.');
    }
  }

  /**
   * Tells `trace` every statement the SQLite writer runs from now on, with its values (null:
   * no longer). For the benchmark, which replays the write path's statements on their own to
   * show what the database alone costs.
   */
  traceStatements(trace: ((sql: string, values: ReadonlyArray<string | number | null>) => void) | null): void {
    this.statementTrace = trace;
  }

  /**
   * One statement on the SQLite connection, prepared once and cached; one with a long list of
   * parameters (the keys of a large body, every length a text of its own) is prepared anew each
   * time, so the cache does not grow with every length that ever occurred.
   */
  private run<T>(sql: string, params: SqlValue[]): T[] {
    this.assertTransactionOpen();
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.sqlite!.prepare(sql);
      if (params.length <= MAX_CACHED_PARAMETERS) this.statements.set(sql, statement);
    }
    const values = sqliteValues(params);
    this.statementTrace?.(sql, values);
    if (statement.reader) return statement.all(...values) as T[];
    statement.run(...values);
    return [];
  }
}

function sqliteValues(params: SqlValue[]): Array<string | number | null> {
  return params.map((p) => (typeof p === 'boolean' ? Number(p) : p));
}

/** A statement that only reads (PostgreSQL; on SQLite the prepared statement says so itself). */
function isRead(sql: string): boolean {
  return /^\s*SELECT\b/i.test(sql) && !/\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE)\b/i.test(sql);
}

/**
 * A pool of five PostgreSQL connections that only read. Its reads wait for a lock (a table locked
 * from outside) no longer than a unit of work does, and for an answer no longer than
 * `Waits.answerMs`. Pipelining, node-postgres closes a connection whose statement got no answer in
 * time, instead of lending it out again.
 */
async function readOnlyPool(url: string, waits: Waits): Promise<DataSource> {
  const pool = new DataSource({ type: 'postgres', url, extra: { max: 5, pipeline: true, lock_timeout: waits.lockMs, connectionTimeoutMillis: waits.answerMs } });
  return pool.initialize();
}

/** Work that instances sharing a database do one at a time. */
const ADVISORY_LOCKS = { migrations: 0x676c_6601, seed: 0x676c_6602 } as const;
export type LockName = keyof typeof ADVISORY_LOCKS;

/** Work that units of work for the same key do one at a time (the first of the two keys of a PostgreSQL advisory lock; the second is the key's hash). */
const KEYED_ADVISORY_LOCKS = { sessionsCalendar: 0x676c_6603, contactName: 0x676c_6604 } as const;
export type KeyedLockName = keyof typeof KEYED_ADVISORY_LOCKS;

/**
 * Holds a session-level PostgreSQL advisory lock on a connection of its own while `work` runs
 * (on the pool's other connections); another instance asking for it waits.
 */
async function withAdvisoryLock<T>(dataSource: DataSource, lock: LockName, work: () => Promise<T>): Promise<T> {
  if (dataSource.options.type !== 'postgres') return work();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCKS[lock]]);
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCKS[lock]]);
    }
  } finally {
    await runner.release();
  }
}

/** The part of a node-postgres client or pool the service uses. */
interface PgClient {
  query<T>(config: PgQuery): Promise<PgResult<T> | Array<PgResult<T>>>;
}

interface PgQuery {
  text: string;
  values: unknown[];
  name?: string;
  /** Milliseconds until the statement fails for want of an answer (node-postgres's name). */
  query_timeout?: number;
}

interface PgResult<T> {
  rows: T[];
}

/** A node-postgres pool: its `query` runs on any free connection, `connect` lends one out. */
interface PgPool extends PgClient {
  connect(): Promise<PgPooledClient>;
}

interface PgPooledClient extends PgClient {
  /** Gives the connection back; with an error the pool closes it instead. */
  release(error?: Error | boolean): void;
  /** The connection's socket: corked, it gathers what is written until uncorked. */
  connection: { stream: { cork(): void; uncork(): void } };
  on(event: 'error', listener: (error: Error) => void): void;
  removeListener(event: 'error', listener: (error: Error) => void): void;
}

/**
 * A connection of the pool, lent out until `release` (with `true` or an error when it is broken:
 * the pool then closes it). A connection that breaks while lent out says so on the client as well
 * as to the statement in flight; with no one listening, Node would end the whole process (the
 * pool listens only to idle ones).
 */
async function lend(pool: PgPool): Promise<{ client: PgPooledClient; release: (broken?: Error | boolean) => void }> {
  const client = await pool.connect();
  const ignore = () => undefined;
  client.on('error', ignore);
  const release = (broken?: Error | boolean) => {
    client.removeListener('error', ignore);
    client.release(broken);
  };
  return { client, release };
}

/**
 * A unit of work on one pooled PostgreSQL connection, BEGIN to COMMIT. Statements go straight to
 * node-postgres (TypeORM's query runner costs more per statement than the statement itself), and
 * the connection pipelines: BEGIN and every `write` are sent at once and answered together with
 * the next statement that is awaited, the last writes with the COMMIT. A transition that used to
 * take one round trip per statement (about 13) now takes one per read and one for the COMMIT.
 */
async function postgresUnitOfWork<T>(pool: PgPool, { lockMs, answerMs }: Waits, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const { client, release } = await lend(pool).catch((error: unknown) => {
    throw unreachableOr(error, answerMs);
  });
  const tx = new PipelinedTransaction(client, answerMs);
  let value: T;
  let committing = false;
  try {
    tx.write('BEGIN');
    tx.write(`SET LOCAL lock_timeout = ${lockMs}`);
    value = await work(tx);
    committing = true;
    await tx.query('COMMIT');
  } catch (error) {
    // The writes still unanswered fail with the transaction: only the first failure counts.
    tx.takeWrites();
    await client.query(answeredIn({ text: 'ROLLBACK', values: [] }, answerMs)).then(
      () => release(),
      (broken: unknown) => release(broken instanceof Error ? broken : true),
    );
    // Lost before the COMMIT was sent, the transaction died with its connection; lost after, it may stand.
    throw unreachableOr(error, answerMs, { outcomeUnknown: committing });
  }
  release();
  return value;
}

/**
 * The statements of a unit of work on a pipelining connection (see `Transaction.write`). The
 * writes are held in the socket (corked) until a statement is awaited: then all of them and that
 * statement leave in one system call. Under load, the profiles of the service showed most of its
 * time in the socket's `writev`, one per statement.
 */
class PipelinedTransaction implements Transaction {
  /** The writes sent since the last statement that was awaited, in the order sent. */
  private writes: Array<Promise<unknown>> = [];

  constructor(
    private readonly client: PgPooledClient,
    /** How long each statement waits for its answer (`Waits.answerMs`). */
    private readonly answerMs: number,
  ) {}

  write(sql: string, params: SqlValue[] = [], failure?: (error: unknown) => unknown): void {
    if (this.writes.length === 0) this.client.connection.stream.cork();
    const answered = this.client.query(prepared(sql, params, this.answerMs)).catch((error: unknown) => {
      throw failure ? failure(error) : error;
    });
    // Awaited by the next query; until then (or if the unit of work fails first) not unhandled.
    answered.catch(() => undefined);
    this.writes.push(answered);
  }

  async query<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    const answer = this.client.query<T>(prepared(sql, params, this.answerMs));
    const writes = this.takeWrites();
    if (writes.length > 0) {
      // A write that failed aborted the transaction, and so this statement too: the write's error
      // is the one thrown, not this statement's "transaction is aborted".
      answer.catch(() => undefined);
      for (const write of writes) await write;
    }
    return rowsOf(await answer);
  }

  /** Sends what the socket holds and hands over the writes not yet awaited. */
  takeWrites(): Array<Promise<unknown>> {
    const writes = this.writes;
    if (writes.length > 0) {
      this.writes = [];
      this.client.connection.stream.uncork();
    }
    return writes;
  }
}

/** The node-postgres pool behind a TypeORM data source. */
function postgresPool(dataSource: DataSource): PgPool {
  return (dataSource.driver as unknown as { master: PgPool }).master;
}

/**
 * Our SQL texts as PostgreSQL statements, each with a name: node-postgres prepares a named
 * statement once per connection, so PostgreSQL parses and plans each text once per connection
 * instead of on every call (about half of what a short statement costs the server). A prepared
 * statement stays on its connection for good, so only texts with few parameters get a name: the
 * lists of keys of a large body (`IN (?, ?, …)`, every length a text of its own) go unnamed, as
 * does a text of several statements, which cannot be prepared.
 */
const preparedTexts = new Map<string, { name: string; text: string }>();
const MAX_PREPARED_PARAMETERS = 64;

function prepared(sql: string, values: SqlValue[], answerMs: number): PgQuery {
  const statement = preparedTexts.get(sql);
  if (statement) return answeredIn({ name: statement.name, text: statement.text, values }, answerMs);
  if (values.length > MAX_PREPARED_PARAMETERS || sql.includes(';')) return answeredIn({ text: numbered(sql), values }, answerMs);
  const named = { name: `glf_${preparedTexts.size + 1}`, text: numbered(sql) };
  preparedTexts.set(sql, named);
  return answeredIn({ ...named, values }, answerMs);
}

/** A statement of ours with no answer in `answerMs` fails, and (pipelining) node-postgres closes its connection. */
function answeredIn(query: Omit<PgQuery, 'query_timeout'>, answerMs: number): PgQuery {
  return { ...query, query_timeout: answerMs };
}

/**
 * A SQLite statement's rows as arrays, `size` at a time, from one pass of its cursor. Reading is
 * synchronous: between batches the event loop gets a turn, so a walk through the whole log does
 * not hold up the requests that arrive meanwhile.
 */
async function* sqliteBatches(statement: BetterSqlite3.Statement, params: SqlValue[], size: number): AsyncGenerator<unknown[][]> {
  let batch: unknown[][] = [];
  for (const row of statement.raw(true).iterate(...sqliteValues(params)) as IterableIterator<unknown[]>) {
    batch.push(row);
    if (batch.length === size) {
      yield batch;
      batch = [];
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (batch.length > 0) yield batch;
}

/** A PostgreSQL query's rows as arrays, `size` at a time, from a cursor in the view's transaction. */
async function* postgresBatches(
  query: (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>,
  sql: string,
  params: SqlValue[],
  size: number,
): AsyncGenerator<unknown[][]> {
  const cursor = `batches_${++cursors}`;
  await query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${numbered(sql)}`, params);
  try {
    for (;;) {
      const rows = await query(`FETCH FORWARD ${Math.floor(size)} FROM ${cursor}`, []);
      if (rows.length > 0) yield rows.map((row) => Object.values(row));
      if (rows.length < size) return;
    }
  } finally {
    await query(`CLOSE ${cursor}`, []).catch(() => undefined);
  }
}
let cursors = 0;

/** The rows a PostgreSQL statement returned; a text of several statements answers once per statement: the last one's. */
function rowsOf<T>(result: PgResult<T> | Array<PgResult<T>>): T[] {
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return last?.rows ?? [];
}

/** PostgreSQL numbers its placeholders: `?` becomes `$1`, `$2`, … (our SQL has no `?` in literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** True when the error is a UNIQUE constraint violation, on either database. */
export function isUniqueViolation(error: unknown): boolean {
  const cause = error instanceof QueryFailedError ? error.driverError : error;
  const code = (cause as { code?: string } | undefined)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * True when PostgreSQL gave up the transaction for another one's sake (deadlock, serialization
 * failure): nothing of it was written, so it may simply run again.
 */
export function isTransientConflict(error: unknown): boolean {
  const cause = error instanceof QueryFailedError ? error.driverError : error;
  const code = (cause as { code?: string } | undefined)?.code;
  return code === '40P01' || code === '40001';
}

/** The device and inode of the file at `path`; `gone` where there is none; null where the system does not say (no right to look, say). */
function fileIdentity(path: string): { dev: number; ino: number } | 'gone' | null {
  try {
    const { dev, ino } = statSync(path);
    return { dev, ino };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'gone' : null;
  }
}

/** What the operators do once `Database.replacedFile` names a reason. */
export const REPLACED_FILE_REMEDY = 'die richtige Datei zurück an ihren Platz legen, oder den Dienst neu starten, wenn dort nun die richtige liegt';

/**
 * The refusal of a unit of work (or of a read, `read`) because the file at the database's path is
 * not the one opened. Found only after its COMMIT (`committed`), the unit of work stands in the
 * file opened: it holds if that file comes back to its place, and not otherwise.
 */
function fileReplaced(reason: string, { committed = false, read = false } = {}): DatabaseFileReplaced {
  const outcome = committed
    ? 'Der Vorgang steht nur in der Datei, die der Dienst geöffnet hatte, nicht in der Datenbank unter ihrem Pfad: kommt jene Datei an ihren Platz zurück, gilt er, sonst nicht.'
    : 'Der Vorgang wurde nicht ausgeführt.';
  const why = read
    ? 'Der Dienst liest und schreibt nichts mehr, denn die Datei, die er geöffnet hat, ist nicht mehr die Datenbank unter ihrem Pfad'
    : 'Der Dienst schreibt nichts mehr, denn was er schriebe, ginge beim nächsten Start verloren';
  return new DatabaseFileReplaced(`${outcome} ${reason} ${why}: ${REPLACED_FILE_REMEDY} (/health antwortet bis dahin 503).`);
}

function prepareFile(file: string): string {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  return file;
}
