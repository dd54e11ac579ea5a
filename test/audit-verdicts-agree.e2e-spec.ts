/**
 * The service's verify (GET /api/audit/verify) and the offline verifier, run on the same tampered
 * copy of a recorded database (the offline one on its export), give an auditor the same findings
 * about the checkpoints: the same roots named, in the same words. Real SQLite files, tampered
 * with better-sqlite3 behind the service's back (test/support/tampered-copy.ts).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { verifyExport } from '../src/audit/offline-verifier';
import { recordScenario, type Scenario } from './audit-scenario';
import { exportText } from './support/audit-export';
import { rewriteApproval } from './support/rewrite-chain';
import { startOnTamperedCopy } from './support/tampered-copy';
import { startTestApp } from './support/test-app';

interface Problem {
  area: string;
  kind: string;
  stream: string | null;
  version: number | null;
  eventId: string | null;
  message: string;
}

describe('the service’s verify and the offline verifier agree on the same tampered data', () => {
  let pristine: string;
  let s: Scenario;
  let publicKey: KeyObject;
  const dirs: string[] = [];

  beforeAll(async () => {
    // Two checkpoints (format 3: the second names only the body that moved since the first).
    const t = await startTestApp({ database: 'sqlite' });
    s = await recordScenario(t);
    await t.http.post('/api/audit/checkpoints').expect(201);
    t.clock.set('2025-04-02T09:00:00Z');
    await t.http.post(`/api/bodies/${s.other}/events`).send({ type: 'returnedForRevision', data: { reason: 'Ziele schärfen' } }).expect(200);
    await t.http.post('/api/audit/checkpoints').expect(201);
    publicKey = createPublicKey((await t.http.get('/api/audit/public-key').expect(200)).body.pem);
    const file = (t.config.database as { file: string }).file;
    await t.app.close();
    pristine = join(file, '..');
  }, 30_000);
  afterAll(() => {
    for (const dir of [...dirs, pristine]) rmSync(dir, { recursive: true, force: true });
  });

  /** Both verdicts on one tampered copy: the service's problems and the offline verifier's errors. */
  async function bothVerdicts(tamper: (db: Database.Database) => void): Promise<{ online: Problem[]; offline: Array<{ area: string; stream: string | null; version: number | null; message: string }> }> {
    const app = await startOnTamperedCopy(pristine, tamper, dirs);
    try {
      const online = (await app.http.get('/api/audit/verify').expect(200)).body.problems as Problem[];
      const report = await verifyExport((await exportText(app)).split('\n'), publicKey);
      return { online, offline: report.findings.filter((f) => f.severity === 'error') };
    } finally {
      await app.close();
    }
  }

  const checkpointMessages = (findings: Array<{ area: string; message: string }>) => findings.filter((f) => f.area === 'checkpoint').map((f) => f.message);

  test.each([
    ['an event deleted', (db: Database.Database, scenario: Scenario) => db.prepare('DELETE FROM events WHERE body_id = ? AND version = 3').run(scenario.seed), [1, 2]],
    ['the tail cut off', (db: Database.Database, scenario: Scenario) => db.prepare('DELETE FROM events WHERE body_id = ? AND version >= 4').run(scenario.seed), [1, 2]],
    ['a body rewritten, every hash after the change recomputed', (db: Database.Database, scenario: Scenario) => rewriteApproval(db, scenario.seed), [1, 2]],
  ])('%s: the same checkpoints are named, each root in the same words', async (_, tamper, roots) => {
    const { online, offline } = await bothVerdicts((db) => tamper(db, s));
    const rootsOnline = online.filter((p) => p.area === 'checkpoint' && p.kind === 'root');
    expect(rootsOnline.map((p) => Number(/^Checkpoint (\d+),/.exec(p.message)?.[1]))).toEqual(roots);
    expect(rootsOnline.every((p) => p.message.includes('ergeben nicht den Baumkopf, den er bezeugt'))).toBe(true);
    expect(checkpointMessages(offline)).toEqual(checkpointMessages(online));
  });

  test('a deleted event: the root names the claimed tree head and the recomputed size', async () => {
    const { online } = await bothVerdicts((db) => db.prepare('DELETE FROM events WHERE body_id = ? AND version = 3').run(s.seed));
    const [first] = online.filter((p) => p.kind === 'root');
    expect(first.message).toMatch(
      /^Checkpoint 1, signiert mit dem aktuellen Schlüssel \(ID [0-9a-f]{16}…\): Die Ereignisse des Logs ergeben nicht den Baumkopf, den er bezeugt\. Bezeugt: 9 Einträge, Merkle-Wurzel [0-9a-f]{64}; nachgerechnet: 8 Einträge\. Ein erfasstes Ereignis wurde verändert, entfernt oder eingefügt\.$/,
    );
  });
});
