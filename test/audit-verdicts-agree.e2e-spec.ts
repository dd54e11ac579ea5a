/**
 * The service's verify (GET /api/audit/verify) and the offline verifier, run on the same tampered
 * copy of a recorded database (the offline one on its export), give an auditor the same findings
 * about the checkpoints: the same roots named, in the same words. Real SQLite files, tampered
 * with better-sqlite3 behind the service's back (test/support/tampered-copy.ts).
 */
import type Database from 'better-sqlite3';
import type { Scenario } from './audit-scenario';
import { rewriteApproval } from './support/rewrite-chain';
import { checkpointsAroundReturn, tamperingSuite, verdictsOnTamperedCopy } from './support/tampered-copy';

describe('the service’s verify and the offline verifier agree on the same tampered data', () => {
  // Two checkpoints (format 3: the second names only the body that moved since the first).
  const recorded = tamperingSuite(checkpointsAroundReturn);
  const { s } = recorded;

  /** Both verdicts on one tampered copy: the service's problems and the offline verifier's errors. */
  async function bothVerdicts(tamper: (db: Database.Database) => void) {
    const { online, offline } = await verdictsOnTamperedCopy(recorded, tamper);
    return { online: online.problems, offline: offline.findings.filter((f) => f.severity === 'error') };
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
