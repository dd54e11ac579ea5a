/**
 * A copy of a recorded test database, changed behind the service's back: how the audit specs
 * tamper. `tamper` runs in one transaction on the copy's file before any app opens it; the copy's
 * folder goes into `dirs` for the spec's afterAll to remove.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { databaseConfig } from '../../config/configuration';
import { recordScenario, type Scenario } from '../audit-scenario';
import { startTestApp, type TestApp } from './test-app';

/** The copy's folder and database file; `withoutKey`: its signing-key file removed too (a key lost). */
export function tamperedCopy(
  pristine: string,
  tamper: (db: Database.Database) => void,
  dirs: string[],
  options: { withoutKey?: boolean } = {},
): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gremienlauf-tampered-'));
  dirs.push(dir);
  cpSync(pristine, dir, { recursive: true });
  if (options.withoutKey) rmSync(join(dir, 'signing-key.pem'));
  const file = join(dir, 'test.sqlite');
  const db = new Database(file);
  try {
    db.transaction(() => tamper(db))();
  } finally {
    db.close();
  }
  return { dir, file };
}

/** An app started on a tampered copy (see `tamperedCopy`). */
export async function startOnTamperedCopy(pristine: string, tamper: (db: Database.Database) => void, dirs: string[]): Promise<TestApp> {
  return startTestApp({ databaseConfig: databaseConfig(tamperedCopy(pristine, tamper, dirs).file) });
}

/**
 * The audit scenario (two bodies, test/audit-scenario.ts) recorded once into a SQLite database of
 * its own: its folder (`pristine`, what `tamperedCopy` copies) and the scenario's ids. The spec's
 * afterAll removes the folder.
 */
export async function recordedScenario(): Promise<{ pristine: string; scenario: Scenario }> {
  const t = await startTestApp({ database: 'sqlite' });
  const scenario = await recordScenario(t);
  await t.app.close();
  return { pristine: join((t.config.database as { file: string }).file, '..'), scenario };
}
