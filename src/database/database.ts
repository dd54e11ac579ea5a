import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import type { DatabaseConfig } from '../../config/configuration';
import { MIGRATIONS } from './migrations';

export type SqlValue = string | number | boolean | null;

/** The handle a unit of work gets: queries inside one transaction. */
export interface Transaction {
  query<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]>;
}

/**
 * The one database the service talks to: an embedded SQLite file or PostgreSQL, opened with
 * TypeORM and migrated on open. SQL is written once with `?` placeholders.
 *
 * SQLite has one connection, so every unit of work (writes and reads alike) runs one after the
 * other through a queue: a second `BEGIN` on the same connection would fail, and a read between
 * another unit's statements could see writes that are later rolled back. PostgreSQL runs them
 * concurrently, each in its own pooled transaction.
 */
export class Database {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly kind: DatabaseConfig['kind'],
    private readonly dataSource: DataSource,
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
    return new Database(config.kind, dataSource);
  }

  /** Called by Nest when the application closes. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /** Runs `work` in one transaction: all of its statements take effect, or none. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    const run = () => this.dataSource.transaction((manager) => work(this.wrap(manager)));
    return this.kind === 'sqlite' ? this.enqueue(run) : run();
  }

  /** A read outside any transaction (on SQLite, queued behind the units of work before it). */
  query<T = Record<string, unknown>>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    const run = () => this.dataSource.query(this.dialect(sql), params) as Promise<T[]>;
    return this.kind === 'sqlite' ? this.enqueue(run) : run();
  }

  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private wrap(manager: EntityManager): Transaction {
    return {
      query: <T>(sql: string, params: SqlValue[] = []) => manager.query(this.dialect(sql), params) as Promise<T[]>,
    };
  }

  /** PostgreSQL numbers its placeholders: `?` becomes `$1`, `$2`, … (our SQL has no `?` in literals). */
  private dialect(sql: string): string {
    if (this.kind === 'sqlite') return sql;
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  }
}

/** True when the error is a UNIQUE constraint violation, on either database. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string } | undefined;
  return driverError?.code === '23505' || driverError?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function prepareFile(file: string): string {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  return file;
}
