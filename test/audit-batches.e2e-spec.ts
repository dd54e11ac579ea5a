/**
 * verify, export, checkpoints and the proofs walk through the log a batch of events at a time
 * from one cursor. Whatever the batch size, they must give the same answers, and tampering in a
 * later batch must be found and named as in the first.
 */
import { createPublicKey } from 'node:crypto';
import { AuditService } from '../src/audit/audit.service';
import { verifyExport } from '../src/audit/offline-verifier';
import { SUBTREE_LEVEL } from '../src/audit/subtree-hasher';
import { testDatabaseKinds } from './support/test-app';
import { auditSuite, growPastCheckpoint } from './support/audit-suite';
import { exportText as exportOf } from './support/audit-export';

describe.each(testDatabaseKinds())('the audit in batches on %s', (database) => {
  const audit = auditSuite(database, (suite) => growPastCheckpoint(suite, 'Ziele schärfen'));

  const exportText = () => exportOf(audit.t);
  const verify = async () => (await audit.t.http.get('/api/audit/verify').expect(200)).body;
  const publicKey = async () => createPublicKey((await audit.t.http.get('/api/audit/public-key').expect(200)).body.pem);

  test('verify, export and the proofs give the same answers for every batch size', async () => {
    const expected = { verify: await verify(), export: await exportText() };
    const someEvent = expected.export.split('\n').find((line) => line.startsWith('{"kind":"event"'))!;
    const proof = async () => (await audit.t.http.get('/api/audit/proof/inclusion').query({ event: JSON.parse(someEvent).event.id }).expect(200)).body;
    const expectedProof = await proof();
    expect(expected.verify).toMatchObject({ intact: true });
    for (const size of [1, 2, 3, 7]) {
      audit.store.pageSize = size;
      expect(await verify()).toEqual(expected.verify);
      expect(await exportText()).toBe(expected.export);
      expect(await proof()).toEqual(expectedProof);
    }
  });

  test('a checkpoint built in batches of two is the one a single batch verifies, online and offline', async () => {
    audit.store.pageSize = 2;
    const checkpoint = (await audit.t.http.post('/api/audit/checkpoints').expect(201)).body;
    audit.store.pageSize = audit.defaultPageSize;
    const verdict = await verify();
    expect(verdict).toMatchObject({ intact: true, checkpoints: { last: { sequence: checkpoint.payload.sequence, rootHash: checkpoint.payload.rootHash }, uncoveredEvents: 0 } });
    const report = await verifyExport((await exportText()).split('\n'), await publicKey());
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
  });

  test('with the Merkle subtrees hashed on another thread, verify and a checkpoint come out as hashed on one', async () => {
    const service = audit.t.app.get(AuditService);
    const expected = await verify();
    try {
      for (const level of [0, 1, 2]) {
        service.subtreeLevel = level;
        expect(await verify()).toEqual({ ...expected, checkedAt: expect.any(String) });
      }
      const checkpoint = (await audit.t.http.post('/api/audit/checkpoints').expect(201)).body;
      service.subtreeLevel = SUBTREE_LEVEL;
      expect(await verify()).toMatchObject({ intact: true, checkpoints: { last: { sequence: checkpoint.payload.sequence, rootHash: checkpoint.payload.rootHash }, uncoveredEvents: 0 } });
      // The stored hash of an event below the checkpoints' heads changed: its leaf changes, both ways name the same problems.
      const [event] = await audit.db.query<{ body_id: string }>('SELECT body_id FROM events WHERE version = 1 ORDER BY body_id LIMIT 1');
      await audit.db.query('UPDATE events SET hash = ? WHERE body_id = ? AND version = 1', ['ab'.repeat(32), event.body_id]);
      const oneThread = await verify();
      expect(oneThread.problems.map((p: { kind: string }) => p.kind)).toEqual(expect.arrayContaining(['content', 'root']));
      service.subtreeLevel = 1;
      expect(await verify()).toEqual({ ...oneThread, checkedAt: expect.any(String) });
    } finally {
      service.subtreeLevel = SUBTREE_LEVEL;
    }
  });

  test('an event changed in the last batch is found and named, whatever the batch size', async () => {
    const [last] = await audit.db.query<{ body_id: string; version: number | string }>('SELECT body_id, version FROM events ORDER BY body_id DESC, version DESC LIMIT 1');
    await audit.db.query("UPDATE events SET occurred_at = '2025-04-01T00:00:00.000Z' WHERE body_id = ? AND version = ?", [last.body_id, Number(last.version)]);
    const expected = await verify();
    expect(expected.intact).toBe(false);
    expect(expected.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ area: 'chain', kind: 'content', stream: last.body_id, version: Number(last.version) })]),
    );
    for (const size of [1, 2, 3]) {
      audit.store.pageSize = size;
      expect(await verify()).toEqual(expected);
    }
    await audit.t.http.post('/api/audit/checkpoints').expect(422);
  });
});
