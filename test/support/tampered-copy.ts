/**
 * A copy of a recorded test database, changed behind the service's back: how the audit specs
 * tamper. `tamper` runs in one transaction on the copy's file before any app opens it; the copy's
 * folder goes into `dirs` for the spec's afterAll to remove. `tamperingSuite` records the scenario
 * once for a spec and removes the copies after it; `verdictsOnTamperedCopy` asks the service's verify
 * and the offline verifier about one copy.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { z } from 'zod';
import { databaseConfig } from '../../config/configuration';
import type { verifyAnswerSchema } from '../../src/audit/audit-answers';
import type { SignedCheckpoint } from '../../src/audit/checkpoint';
import { verifyExport, type OfflineReport } from '../../src/audit/offline-verifier';
import { recordScenario, type Scenario } from '../audit-scenario';
import { exportText } from './audit-export';
import { checkpointThenReturn } from './audit-suite';
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

/** A recording of the audit scenario, as `recordedScenario` leaves it. */
export interface RecordedScenario {
  /** The database's folder: what `tamperedCopy` copies. */
  pristine: string;
  scenario: Scenario;
  /** The signing key's public key, as GET /api/audit/public-key publishes it (PEM). */
  pem: string;
  publicKey: KeyObject;
  /** The checkpoints as an auditor kept them from where they were published. */
  published: SignedCheckpoint[];
}

/**
 * The audit scenario (two bodies, test/audit-scenario.ts) recorded once into a SQLite database of
 * its own, then `grow` (if given) run on the same app: more events, checkpoints. The spec's
 * afterAll removes the folder.
 */
export async function recordedScenario(grow?: (t: TestApp, s: Scenario) => Promise<void>): Promise<RecordedScenario> {
  const t = await startTestApp({ database: 'sqlite' });
  const scenario = await recordScenario(t);
  await grow?.(t, scenario);
  const pem = (await t.http.get('/api/audit/public-key').expect(200)).body.pem as string;
  const published = (await t.http.get('/api/audit/checkpoints').expect(200)).body as SignedCheckpoint[];
  await t.app.close();
  return { pristine: join((t.config.database as { file: string }).file, '..'), scenario, pem, publicKey: createPublicKey(pem), published };
}

/** What a tampering suite's tests work with: the recording, and the folders of its tampered copies. */
export interface TamperingSuite extends Omit<RecordedScenario, 'scenario'> {
  /** The scenario's ids: one object from the start, filled in before the first test, so a spec may hold it at describe time. */
  s: Scenario;
  /** Where `tamperedCopy` puts each copy's folder; removed after all tests, with `pristine`. */
  dirs: string[];
}

/**
 * The set-up the tampering specs share, called inside their describe: before all tests the audit
 * scenario recorded once (`recordedScenario`, with `grow`); after all tests the copies' folders and
 * the recorded one removed. Apart from `s` and `dirs`, the suite's fields are empty until its
 * beforeAll has run: read them inside hooks and tests only.
 */
export function tamperingSuite(grow?: (t: TestApp, s: Scenario) => Promise<void>): TamperingSuite {
  const suite = { s: {} as Scenario, dirs: [] as string[] } as TamperingSuite;
  beforeAll(async () => {
    const { scenario, ...recorded } = await recordedScenario(grow);
    Object.assign(suite.s, scenario);
    Object.assign(suite, recorded);
  }, 30_000);
  afterAll(() => {
    for (const dir of [...suite.dirs, suite.pristine]) if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return suite;
}

/**
 * Two checkpoints over the scenario: the first, then on 2 April 2025 the other body returned for
 * revision („Ziele schärfen“) and `between` run, then the second (format 3: it names only the
 * streams that moved since the first). A `grow` for `tamperingSuite`.
 */
export async function checkpointsAroundReturn(t: TestApp, s: Scenario, between: () => Promise<unknown> = async () => undefined): Promise<void> {
  await checkpointThenReturn(t, s, 'Ziele schärfen');
  await between();
  await t.http.post('/api/audit/checkpoints').expect(201);
}

/** What GET /api/audit/verify answers. */
export type VerifyAnswer = z.infer<typeof verifyAnswerSchema>;

/**
 * Both verdicts on one tampered copy of the suite's recording: the service's (GET /api/audit/verify,
 * after `before` has run on the app) and the offline verifier's on the app's export, checked with
 * the suite's public key (and against `published` checkpoints, where given).
 */
export async function verdictsOnTamperedCopy(
  suite: TamperingSuite,
  tamper: (db: Database.Database) => void,
  options: { before?: (app: TestApp) => Promise<unknown>; published?: readonly SignedCheckpoint[] } = {},
): Promise<{ online: VerifyAnswer; offline: OfflineReport }> {
  const app = await startOnTamperedCopy(suite.pristine, tamper, suite.dirs);
  try {
    await options.before?.(app);
    const online = (await app.http.get('/api/audit/verify').expect(200)).body as VerifyAnswer;
    const offline = await verifyExport((await exportText(app)).split('\n'), suite.publicKey, { published: options.published });
    return { online, offline };
  } finally {
    await app.close();
  }
}
