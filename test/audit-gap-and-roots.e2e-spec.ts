/**
 * On each database (SQLite, and PostgreSQL where TEST_DATABASE_URL names one): an event deleted
 * under two checkpoints, through the app's own database connection behind the service's back.
 * verify names the missing version between the recorded events around it, whatever the page
 * size it reads the log in, and the offline verifier, given the export, says the same of the gap
 * and of every checkpoint's root.
 */
import { createPublicKey } from 'node:crypto';
import { verifyExport } from '../src/audit/offline-verifier';
import { auditSuite, growPastCheckpoint } from './support/audit-suite';
import { exportText } from './support/audit-export';
import { testDatabaseKinds } from './support/test-app';

describe.each(testDatabaseKinds())('an event deleted under two checkpoints on %s', (database) => {
  const ids = new Map<number, string>();
  const audit = auditSuite(database, async (suite) => {
    await growPastCheckpoint(suite, 'Ziele schärfen');
    await suite.t.http.post('/api/audit/checkpoints').expect(201);
    const rows = await suite.db.query<{ version: number | string; id: string }>('SELECT version, id FROM events WHERE body_id = ? ORDER BY version', [suite.s.seed]);
    for (const row of rows) ids.set(Number(row.version), row.id);
    await suite.db.query('DELETE FROM events WHERE body_id = ? AND version = 3', [suite.s.seed]);
  });
  const verify = async () => (await audit.t.http.get('/api/audit/verify').expect(200)).body;

  test('verify names version 3 as missing between versions 2 and 4, in every page size', async () => {
    const expected = {
      area: 'chain',
      kind: 'gap',
      stream: audit.s.seed,
      version: 3,
      eventId: null,
      missing: { from: 3, to: 3, after: { version: 2, eventId: ids.get(2) }, before: { version: 4, eventId: ids.get(4) } },
      message: `Gremium ${audit.s.seed}, Version 3: Das Ereignis fehlt (gelöscht), zwischen Version 2 „Zur Beschlussfassung eingereicht“ (Ereignis ${ids.get(2)}) und Version 4 „Tätigkeit begonnen“ (Ereignis ${ids.get(4)}).`,
    };
    for (const size of [1, 3, audit.defaultPageSize]) {
      audit.store.pageSize = size;
      expect((await verify()).problems.filter((p: { area: string }) => p.area === 'chain')).toEqual([{ ...expected, title: expect.any(String) }]);
    }
  });

  test('the offline verifier names the same gap and the same roots, in the same words', async () => {
    const online = await verify();
    const publicKey = createPublicKey((await audit.t.http.get('/api/audit/public-key').expect(200)).body.pem);
    const report = await verifyExport((await exportText(audit.t)).split('\n'), publicKey);
    const errors = report.findings.filter((f) => f.severity === 'error');
    const of = (area: string, findings: Array<{ area: string; message: string }>) => findings.filter((f) => f.area === area).map((f) => f.message);
    expect(of('chain', errors)).toEqual(of('chain', online.problems));
    expect(of('checkpoint', online.problems)).toHaveLength(2);
    expect(of('checkpoint', errors)).toEqual(of('checkpoint', online.problems));
  });
});
