import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import type { DatabaseConfig } from '../../config/configuration';

/** Runs `work` with a query runner on the test's database, from a data source of its own (as migrations run). */
export async function withQueryRunner<T>(config: DatabaseConfig, work: (q: QueryRunner) => Promise<T>): Promise<T> {
  const source = new DataSource(config.kind === 'sqlite' ? { type: 'better-sqlite3', database: config.file } : { type: 'postgres', url: config.url });
  await source.initialize();
  const q = source.createQueryRunner();
  try {
    return await work(q);
  } finally {
    await q.release();
    await source.destroy();
  }
}

/** Takes a migration back and runs it again on the test's database: what it writes from the stored rows. */
export function migrateDownAndUp(config: DatabaseConfig, migration: MigrationInterface): Promise<void> {
  return withQueryRunner(config, async (q) => {
    await migration.down!(q);
    await migration.up(q);
  });
}
