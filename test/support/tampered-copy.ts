/**
 * A copy of a recorded test database, changed behind the service's back, with an app started on
 * it: how the audit specs tamper. `tamper` runs in one transaction on the copy's file before the
 * app opens it; the copy's folder goes into `dirs` for the spec's afterAll to remove.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { databaseConfig } from '../../config/configuration';
import { startTestApp, type TestApp } from './test-app';

export async function startOnTamperedCopy(pristine: string, tamper: (db: Database.Database) => void, dirs: string[]): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'gremienlauf-tampered-'));
  dirs.push(dir);
  cpSync(pristine, dir, { recursive: true });
  const file = join(dir, 'test.sqlite');
  const db = new Database(file);
  try {
    db.transaction(() => tamper(db))();
  } finally {
    db.close();
  }
  return startTestApp({ databaseConfig: databaseConfig(file) });
}
