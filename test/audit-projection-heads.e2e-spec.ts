/**
 * A body's projection row rests on the version and hash of its stream's last event. Verify
 * compares each row with the head of its stream as it walks the rows: these cases change the
 * row or the stream behind the service's back and expect the place to be named, for the whole
 * log and for the one body asked about.
 */
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { databaseConfig } from '../config/configuration';
import type { Scenario } from './audit-scenario';
import { startTestApp } from './support/test-app';
import { recordedScenario, tamperedCopy } from './support/tampered-copy';
import type { VerifyProblem } from '../src/audit/audit-answers';

type Problem = VerifyProblem;

describe('verify compares every projection row with the head of its stream', () => {
  let pristine: string;
  let s: Scenario;
  const dirs: string[] = [];

  beforeAll(async () => {
    ({ pristine, scenario: s } = await recordedScenario());
  }, 30_000);
  afterAll(() => {
    for (const dir of [...dirs, pristine]) rmSync(dir, { recursive: true, force: true });
  });

  /** The projection problems of the whole log and of each body's own verify, on a copy changed by `tamper` (in one transaction). */
  async function projectionProblems(tamper: (db: Database.Database) => void): Promise<{ all: Problem[]; seed: Problem[]; other: Problem[] }> {
    return problemsIn(tamperedCopy(pristine, tamper, dirs).file);
  }

  async function problemsIn(file: string): Promise<{ all: Problem[]; seed: Problem[]; other: Problem[] }> {
    const app = await startTestApp({ databaseConfig: databaseConfig(file) });
    try {
      const problems = async (query: string) =>
        ((await app.http.get(`/api/audit/verify${query}`).expect(200)).body.problems as Problem[]).filter((p) => p.area === 'projection');
      return { all: await problems(''), seed: await problems(`?body=${s.seed}`), other: await problems(`?body=${s.other}`) };
    } finally {
      await app.close();
    }
  }

  const headOf = (db: Database.Database, body: string) => db.prepare('SELECT version, last_hash AS hash FROM bodies WHERE id = ?').get(body) as { version: number; hash: string };

  test('the untouched log has no projection problem', async () => {
    expect(await projectionProblems(() => undefined)).toEqual({ all: [], seed: [], other: [] });
  });

  test('a projection row behind its stream is named at the first version it lacks, in its own verify only', async () => {
    let version = 0;
    const found = await projectionProblems((db) => {
      version = headOf(db, s.seed).version;
      db.prepare('UPDATE bodies SET version = version - 1 WHERE id = ?').run(s.seed);
    });
    expect(found.all).toEqual([expect.objectContaining({ kind: 'projectionBehind', stream: s.seed, version })]);
    expect(found.all[0].message).toContain(`das Log reicht bis Version ${version}`);
    expect(found.seed).toEqual(found.all);
    expect(found.other).toEqual([]);
  });

  test('a projection row ahead of its stream names the versions removed', async () => {
    let version = 0;
    const found = await projectionProblems((db) => {
      version = headOf(db, s.seed).version;
      db.prepare('UPDATE bodies SET version = version + 2 WHERE id = ?').run(s.seed);
    });
    expect(found.all).toEqual([expect.objectContaining({ kind: 'truncated', stream: s.seed, version: version + 1 })]);
    expect(found.all[0].message).toContain(`Version ${version + 1} bis ${version + 2} wurde entfernt`);
  });

  test('a projection row resting on another hash than its stream head says the log was rewritten', async () => {
    const found = await projectionProblems((db) => {
      db.prepare('UPDATE bodies SET last_hash = ? WHERE id = ?').run('0'.repeat(64), s.other);
    });
    expect(found.all).toEqual([expect.objectContaining({ kind: 'headChanged', stream: s.other })]);
    expect(found.other).toEqual(found.all);
    expect(found.seed).toEqual([]);
  });

  test('a stream without a projection row is named, in the whole log and in its own verify only', async () => {
    const { file } = tamperedCopy(pristine, () => undefined, dirs);
    // The events name their body's row: whoever removes the row switches that check off first.
    const db = new Database(file);
    db.pragma('foreign_keys = OFF');
    for (const table of ['body_obligations', 'body_contacts', 'body_links', 'bodies']) db.prepare(`DELETE FROM ${table} WHERE ${table === 'bodies' ? 'id' : 'body_id'} = ?`).run(s.other);
    db.close();
    const found = await problemsIn(file);
    expect(found.all).toEqual([expect.objectContaining({ kind: 'projectionMissing', stream: s.other, version: null })]);
    expect(found.other).toEqual(found.all);
    expect(found.seed).toEqual([]);
  });

  test('a projection row whose stream has no events left says all were removed', async () => {
    const found = await projectionProblems((db) => {
      db.prepare('DELETE FROM events WHERE body_id = ?').run(s.other);
    });
    expect(found.all).toEqual([expect.objectContaining({ kind: 'eventsMissing', stream: s.other, version: 1 })]);
    expect(found.other).toEqual(found.all);
  });
});
