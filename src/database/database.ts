import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import type { DatabaseConfig } from '../../config/configuration';
import { MIGRATIONS } from './migrations';

export type SqlValue = string | number | boolean | null;

/** The handle a unit of work gets: queries inside one transaction. */
export interface Transaction {
  query<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]>;
}

/**
 * The one database the service talks to: an embedded SQLite file or PostgreSQL, opened and
 * migrated with TypeORM. SQL is written once with `?` placeholders.
 *
 * SQLite has one connection, so every unit of work (writes and reads alike) runs one after the
 * other through a queue: a second `BEGIN` on the same connection would fail, and a read between
 * another unit's statements could see writes that are later rolled back. On that hot path the
 * statements go straight to better-sqlite3 with cached prepared statements (TypeORM's query
 * runner costs about as much again as the statement itself). PostgreSQL runs units of work
 * concurrently, each in its own pooled TypeORM transaction.
 */
export class Database {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  private constructor(
    readonly kind: DatabaseConfig['kind'],
    private readonly dataSource: DataSource,
    private readonly sqlite: BetterSqlite3.Database | null,
  ) {}

  static async open(config: DatabaseConfig): Promise<Database> {
    const dataSource =
      config.kind === 'sqlite'
        ? new DataSource({
            type: 'better-sqlite3',
            database: prepareFile(config.file),
            enableWAL: true,
            prepareDatabase: (db: { pragma(source: string): unknown }) => {
              db.pragma(`synchronous = ${config.synchronous}`);
              db.pragma('busy_timeout = 5000');
            },
            migrations: MIGRATIONS,
          })
        : new DataSource({ type: 'postgres', url: config.url, migrations: MIGRATIONS, extra: { max: 10 } });
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    const sqlite = config.kind === 'sqlite' ? ((dataSource.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection) : null;
    return new Database(config.kind, dataSource, sqlite);
  }

  /** Called by Nest when the application closes. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.statements.clear();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /** Runs `work` in one transaction: all of its statements take effect, or none. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.sqlite) return this.enqueue(() => this.sqliteTransaction(work));
    return this.dataSource.transaction((manager) => work(this.postgres(manager)));
  }

  /** A read outside any transaction (on SQLite, queued behind the units of work before it). */
  query<T = Record<string, unknown>>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    if (this.sqlite) return this.enqueue(async () => this.run<T>(sql, params));
    return this.dataSource.query(numbered(sql), params) as Promise<T[]>;
  }

  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async sqliteTransaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    this.run('BEGIN IMMEDIATE', []);
    try {
      const result = await work({ query: async <R>(sql: string, params: SqlValue[] = []) => this.run<R>(sql, params) });
      this.run('COMMIT', []);
      return result;
    } catch (error) {
      if (this.sqlite!.inTransaction) this.run('ROLLBACK', []);
      throw error;
    }
  }

  /** One statement on the SQLite connection, prepared once and cached. */
  private run<T>(sql: string, params: SqlValue[]): T[] {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.sqlite!.prepare(sql);
      this.statements.set(sql, statement);
    }
    const values = params.map((p) => (typeof p === 'boolean' ? Number(p) : p));
    if (statement.reader) return statement.all(...values) as T[];
    statement.run(...values);
    return [];
  }

  private postgres(manager: EntityManager): Transaction {
    return { query: <T>(sql: string, params: SqlValue[] = []) => manager.query(numbered(sql), params) as Promise<T[]> };
  }
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

function prepareFile(file: string): string {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  return file;
}
