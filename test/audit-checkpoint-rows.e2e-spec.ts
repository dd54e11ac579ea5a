/**
 * A stored checkpoint changed in its table (audit_checkpoints), on SQLite and PostgreSQL: verify
 * blames a changed checkpoint itself, not an invented one between it and the next; its summary
 * (`checkpoints.last`, `uncoveredEvents`, the CLI's header) quotes only a checkpoint whose
 * signature holds; and the columns that repeat the signed payload (sequence, created_at,
 * tree_size, root_hash) are compared with it, and no new checkpoint is written while they
 * differ. The second checkpoint (format 3) names only the stream that moved since the first. Each
 * case changes the rows with SQL on the running app's database and puts the recorded rows back
 * after it.
 */
import { countOf } from '../machines';
import { canonicalJson } from '../src/json/canonical-json';
import { Database } from '../src/database/database';
import type { CheckpointPayload } from '../src/audit/checkpoint';
import { recordScenario, type Scenario } from './audit-scenario';
import { cliAgainst } from './support/cli-run';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';
import type { VerifyProblem } from '../src/audit/audit-answers';

interface CheckpointRow {
  sequence: number;
  created_at: string;
  tree_size: number;
  root_hash: string;
  key_id: string;
  payload: string;
  signature: string;
}

type Problem = VerifyProblem;

describe.each(testDatabaseKinds())('a stored checkpoint changed in its table (%s)', (database) => {
  let t: TestApp;
  let s: Scenario;
  /** The checkpoint rows as recorded, by sequence: each case starts from them. */
  let recorded: CheckpointRow[];
  const payloadOf = (sequence: number) => JSON.parse(recorded[sequence - 1].payload) as CheckpointPayload;

  beforeAll(async () => {
    t = await startTestApp({ database });
    s = await recordScenario(t);
    await t.http.post('/api/audit/checkpoints').expect(201);
    t.clock.set('2025-04-02T09:00:00Z');
    await t.http.post(`/api/bodies/${s.other}/events`).send({ type: 'returnedForRevision', data: { reason: 'Ziele schärfen' } }).expect(200);
    await t.http.post('/api/audit/checkpoints').expect(201);
    recorded = (await t.app.get(Database).query<CheckpointRow>('SELECT * FROM audit_checkpoints ORDER BY sequence')).map((row) => ({
      ...row,
      sequence: Number(row.sequence),
      tree_size: Number(row.tree_size),
    }));
  }, 60_000);
  afterAll(() => t?.close());
  afterEach(() =>
    t.app.get(Database).transaction(async (tx) => {
      await tx.query('DELETE FROM audit_checkpoints');
      for (const row of recorded) {
        await tx.query('INSERT INTO audit_checkpoints (sequence, created_at, tree_size, root_hash, key_id, payload, signature) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          row.sequence,
          row.created_at,
          row.tree_size,
          row.root_hash,
          row.key_id,
          row.payload,
          row.signature,
        ]);
      }
    }),
  );

  const tamper = (sql: string, params: Array<string | number> = []) => t.app.get(Database).transaction((tx) => tx.query(sql, params));
  /** Checkpoint `sequence`'s payload stored with another tree size, its columns left as they were. */
  const changeSignedTreeSize = (sequence: number, treeSize: number) =>
    tamper('UPDATE audit_checkpoints SET payload = ? WHERE sequence = ?', [canonicalJson({ ...payloadOf(sequence), treeSize }), sequence]);
  const verify = async (body?: string) => (await t.http.get('/api/audit/verify').query(body ? { body } : {}).expect(200)).body;

  test('as recorded, verify is intact and quotes the last checkpoint', async () => {
    const { createdAt, treeSize, rootHash } = payloadOf(2);
    expect(await verify()).toMatchObject({ intact: true, problems: [], checkpoints: { count: 2, last: { sequence: 2, createdAt, treeSize, rootHash }, uncoveredEvents: 0 } });
  });

  test('the second checkpoint names only the stream that moved since the first; a body it does not name counts as covered by the first', async () => {
    const [first, second] = [payloadOf(1), payloadOf(2)];
    expect(first.heads.map((head) => head.stream)).toEqual(expect.arrayContaining([s.seed, s.other]));
    expect(second).toMatchObject({ format: 'gremienlauf-checkpoint/3', heads: [{ stream: s.other, version: 3 }] });
    // Checkpoint 2 is the last; the seed body's events are all in checkpoint 1.
    expect((await verify(s.seed)).checkpoints).toMatchObject({ last: { sequence: 2 }, uncoveredEvents: 0 });
    expect((await verify(s.other)).checkpoints).toMatchObject({ last: { sequence: 2 }, uncoveredEvents: 0 });
  });

  test('a checkpoint’s signed tree size changed: the next one says its predecessor was changed, not that one between was replaced or removed', async () => {
    await changeSignedTreeSize(1, payloadOf(1).treeSize + 1);
    const { problems } = await verify();
    expect(problems).toEqual([
      expect.objectContaining({ area: 'checkpoint', kind: 'signature', message: 'Checkpoint 1: Die Signatur ist ungültig: der Checkpoint wurde verändert oder ersetzt.' }),
      {
        area: 'checkpoint',
        kind: 'previous',
        stream: null,
        title: null,
        version: null,
        eventId: null,
        message:
          'Checkpoint 2: verweist auf Checkpoint 1 als Vorgänger, der nach seiner Signatur verändert oder ersetzt wurde: sein Digest stimmt nicht mehr (siehe die ungültige Signatur von Checkpoint 1).',
      },
    ]);
    expect(JSON.stringify(problems)).not.toContain('dazwischen');
  });

  test('the last checkpoint’s signed tree size changed: the summary quotes the one before it, whose signature holds', async () => {
    const first = payloadOf(1);
    await changeSignedTreeSize(2, payloadOf(2).treeSize + 5);
    const all = await verify();
    expect(all.problems.map((p: Problem) => [p.kind, p.message.slice(0, 13)])).toEqual([['signature', 'Checkpoint 2:']]);
    expect(all.checkpoints).toEqual({
      count: 2,
      last: { sequence: 1, createdAt: first.createdAt, treeSize: first.treeSize, rootHash: first.rootHash },
      uncoveredEvents: all.events - first.treeSize,
    });
    expect(all.checkpoints.uncoveredEvents).toBeGreaterThan(0);
    // A body's answer: its events beyond its head in checkpoint 1 (registered, submitted), not in the changed 2.
    expect(first.heads.find((head) => head.stream === s.other)?.version).toBe(2);
    expect((await verify(s.other)).checkpoints).toMatchObject({ last: { sequence: 1 }, uncoveredEvents: 1 });
    // The CLI's header is built from it.
    const run = await cliAgainst(t, ['verify']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`2, der letzte gültig signierte Nr\\. 1 vom .+ über ${first.treeSize} Einträge`));
    expect(run.stdout).toContain(`${countOf(all.events - first.treeSize, 'Eintrag ist', 'Einträge sind')} jünger als der letzte Checkpoint`);
  });

  test('no checkpoint whose signature holds: the summary quotes none', async () => {
    await changeSignedTreeSize(1, payloadOf(1).treeSize + 1);
    await changeSignedTreeSize(2, payloadOf(2).treeSize + 1);
    const all = await verify();
    expect(all.checkpoints).toEqual({ count: 2, last: null, uncoveredEvents: all.events });
    expect((await verify(s.other)).checkpoints).toMatchObject({ last: null, uncoveredEvents: 3 });
    // The CLI does not say there are none.
    expect((await cliAgainst(t, ['verify'])).stdout).toMatch(/Checkpoints:\s+2, keiner davon gültig signiert/);
  });

  test('the columns that repeat the signed payload changed by SQL: each is named with the stored and the signed value', async () => {
    const [first, second] = [payloadOf(1), payloadOf(2)];
    const otherRoot = 'ab'.repeat(32);
    await tamper('UPDATE audit_checkpoints SET tree_size = ?, root_hash = ? WHERE sequence = 1', [first.treeSize - 1, otherRoot]);
    await tamper('UPDATE audit_checkpoints SET created_at = ?, sequence = 9 WHERE sequence = 2', ['2025-04-01T00:00:00.000Z']);
    const { intact, problems } = await verify();
    const tail = ': wer die Tabelle per SQL liest, sieht einen anderen Checkpoint als den signierten.';
    expect(intact).toBe(false);
    expect(problems).toEqual(
      [
        `Checkpoint 1: Die Spalte „tree_size“ in audit_checkpoints sagt ${first.treeSize - 1}, signiert ist ${first.treeSize}`,
        `Checkpoint 1: Die Spalte „root_hash“ in audit_checkpoints sagt ${otherRoot}, signiert ist ${first.rootHash}`,
        'Checkpoint 2: Die Spalte „sequence“ in audit_checkpoints sagt 9, signiert ist 2',
        `Checkpoint 2: Die Spalte „created_at“ in audit_checkpoints sagt 2025-04-01T00:00:00.000Z, signiert ist ${second.createdAt}`,
      ].map((message) => ({ area: 'checkpoint', kind: 'columnDiverges', stream: null, title: null, version: null, eventId: null, message: `${message}${tail}` })),
    );
    // The rows as stored are in a body's answer too (they are no body's and every body's).
    expect((await verify(s.seed)).problems.map((p: Problem) => p.kind)).toEqual(['columnDiverges', 'columnDiverges', 'columnDiverges', 'columnDiverges']);
  });

  test('a column that repeats the signed payload changed by SQL: no new checkpoint is written until the row says what was signed', async () => {
    await tamper('UPDATE audit_checkpoints SET sequence = 7 WHERE sequence = 1');
    const refused = await t.http.post('/api/audit/checkpoints').expect(422);
    expect(refused.body.message).toBe(
      'Kein Checkpoint: das Log besteht die Prüfung nicht. Checkpoint 1: Die Spalte „sequence“ in audit_checkpoints sagt 7, signiert ist 1: wer die Tabelle per SQL liest, sieht einen anderen Checkpoint als den signierten.',
    );
    expect(Number((await t.app.get(Database).query<{ n: number | string }>('SELECT count(*) AS n FROM audit_checkpoints'))[0].n)).toBe(2);
  });
});
