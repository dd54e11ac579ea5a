/**
 * verify takes a body's stream that holds from end to end as one IntactStream
 * (AuditStore.chainItems) instead of a link per event. The reference is the verifier fed with
 * every link (AuditStore.linkBatches): both must give the same chain report and the same
 * checkpoint problems for an intact log and for every kind of tampering, wherever in a page the
 * tampered row stands, whatever the page size.
 */
import { AuditStore, type ChainItem } from '../src/audit/audit.store';
import { feedVerifiers } from '../src/audit/chain-feed';
import { ChainVerifier } from '../src/audit/chain-verifier';
import { CheckpointVerifier } from '../src/audit/checkpoint';
import { SIGNING_KEY } from '../src/audit/audit.service';
import type { SigningKey } from '../src/audit/signing-key';
import { hashEvent } from '../src/event-log/event-hash';
import { toRecord, type EventRow } from '../src/event-log/event-store';
import { testDatabaseKinds } from './support/test-app';
import { auditSuite, growPastCheckpoint } from './support/audit-suite';

describe.each(testDatabaseKinds())('intact streams in verify on %s', (database) => {
  // A checkpoint names every stream: the leaves of intact streams then count for it.
  const audit = auditSuite(database, (suite) => growPastCheckpoint(suite, 'Ziele „schärfen“\n\t"neu"'));

  /** The chain report and checkpoint problems from the given items, fed to the verifiers by verify's own loop (feedVerifiers). */
  const report = (items: (view: Parameters<AuditStore['linkBatches']>[0]) => AsyncIterable<ChainItem>) =>
    audit.store.read(async (view) => {
      const checkpoints = await audit.store.checkpoints(view);
      const chains = new ChainVerifier();
      const checkpointVerifier = new CheckpointVerifier(checkpoints, audit.t.app.get<SigningKey>(SIGNING_KEY).publicKey);
      const { leaves, intactStreams } = await feedVerifiers(items(view), chains, checkpointVerifier);
      return { chains: chains.finish(), checkpoints: checkpointVerifier.finish(), leaves, intactStreams };
    });
  const others = async (view: Parameters<AuditStore['linkBatches']>[0]) =>
    [await audit.store.auditLog(view), await audit.store.decisionEvents(view), await audit.store.contactEvents(view)] as const;
  const reference = () => report(async function* (view) {
    yield* audit.store.linkBatches(view, ...(await others(view)));
  });
  const fast = () => report(async function* (view) {
    yield* audit.store.chainItems(view, ...(await others(view)));
  });

  /** Checks both ways for every page size; returns the report. */
  const sameForEveryPageSize = async () => {
    const expected = await reference();
    for (const size of [1, 2, 3, 5, 7, 250]) {
      audit.store.pageSize = size;
      const { intactStreams, ...found } = await fast();
      const { intactStreams: _, ...wanted } = expected;
      expect(found).toEqual(wanted);
    }
    audit.store.pageSize = audit.defaultPageSize;
    return { ...expected, intactStreams: (await fast()).intactStreams };
  };

  const streams = async () => (await audit.db.query<{ body_id: string }>('SELECT DISTINCT body_id FROM events ORDER BY body_id')).map((r) => r.body_id);
  const row = async (bodyId: string, version: number) =>
    (await audit.db.query<Record<string, unknown>>('SELECT * FROM events WHERE body_id = ? AND version = ?', [bodyId, version]))[0];

  /** Runs `check` with the row changed by `change` (an SQL assignment), then puts the row back. */
  const withChanged = async (bodyId: string, version: number, change: string, params: unknown[], check: () => Promise<void>) => {
    const original = await row(bodyId, version);
    await audit.db.query(`UPDATE events SET ${change} WHERE body_id = ? AND version = ?`, [...(params as never[]), bodyId, version]);
    try {
      await check();
    } finally {
      const columns = Object.keys(original);
      await audit.db.query(`DELETE FROM events WHERE id = ?`, [original.id as string]);
      await audit.db.query(`INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, columns.map((c) => original[c]) as never[]);
    }
  };

  test('an intact log: every body stream comes as an IntactStream, the report is the links’ one', async () => {
    const found = await sameForEveryPageSize();
    expect(found.chains.intact).toBe(true);
    expect(found.checkpoints).toEqual([]);
    expect(found.intactStreams).toBe((await streams()).length);
  });

  test('stored JSON that is valid but not canonical still holds (the canonical form is tried)', async () => {
    const { data } = await row(audit.s.other, 1);
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(data as string)).reverse()), null, 1);
    await withChanged(audit.s.other, 1, 'data = ?', [reordered], async () => {
      const found = await sameForEveryPageSize();
      expect(found.chains.intact).toBe(true);
    });
  });

  // [what, SQL assignment, its parameters, SQLite only (PostgreSQL's column types refuse it)]
  const tamperings: Array<[string, string, unknown[], boolean]> = [
    ['content changed', "occurred_at = '2025-01-01T00:00:00.000Z'", [], false],
    ['data no longer JSON', "data = '{\"title\": '", [], false],
    ['data changed', "data = '{}'", [], false],
    ['predecessor changed', "prev_hash = 'ab'", [], false],
    ['predecessor removed', 'prev_hash = NULL', [], false],
    ['hash in capitals', 'hash = upper(hash)', [], false],
    ['type changed', "type = 'submitted'", [], false],
    ['version moved up (a gap)', 'version = version + 100', [], false],
    ['decision emptied', "decision = ''", [], false],
    ['decision member in the data', 'data = ?', ['{"x":",\\"decision\\":null"}'], false],
    ['version stored as text', "version = CAST(version AS TEXT) || 'x'", [], true],
    ['data stored as bytes', 'data = CAST(data AS BLOB)', [], true],
  ];
  test.each(tamperings)('%s: the same report, in the first, a middle and the last event of a stream', async (what, change, params, sqliteOnly) => {
    if (sqliteOnly && database !== 'sqlite') return;
    const [first, , last] = await streams();
    const count = async (bodyId: string) => (await audit.db.query('SELECT version FROM events WHERE body_id = ?', [bodyId])).length;
    for (const [bodyId, version] of [
      [first, 1],
      [first, Math.ceil((await count(first)) / 2)],
      [last ?? first, await count(last ?? first)],
    ] as Array<[string, number]>) {
      await withChanged(bodyId, version, change, params, async () => {
        const found = await sameForEveryPageSize();
        if (what === 'content changed') expect(found.chains.intact).toBe(false);
      });
    }
  });

  /** The stored event as its record, with its stored JSON as it is (toRecord may read it through the event's schema). */
  const storedRecord = async (bodyId: string, version: number) => {
    const stored = (await row(bodyId, version)) as unknown as EventRow;
    return { ...toRecord(stored), data: JSON.parse(stored.data as string), decision: stored.decision ? JSON.parse(stored.decision as string) : null };
  };

  test('a middle event rewritten, its hash recomputed: the same report (replaced)', async () => {
    const changed = { ...(await storedRecord(audit.s.seed, 2)), occurredAt: '2024-06-06T00:00:00.000Z' };
    await withChanged(audit.s.seed, 2, 'occurred_at = ?, hash = ?', [changed.occurredAt, hashEvent(changed)], async () => {
      const found = await sameForEveryPageSize();
      expect(found.chains.breaks.map((b) => b.kind)).toEqual(['replaced']);
    });
  });

  test('a stream rewritten from its first event on, every hash recomputed, no longer starting with a registration: the same report', async () => {
    const originals = await audit.db.query<Record<string, unknown>>('SELECT * FROM events WHERE body_id = ? ORDER BY version', [audit.s.seed]);
    let previous: string | null = null;
    for (const original of originals) {
      const version = Number(original.version);
      const record = { ...(await storedRecord(audit.s.seed, version)), prevHash: previous };
      const changed = version === 1 ? { ...record, type: 'submitted' as const } : record;
      previous = hashEvent(changed);
      await audit.db.query('UPDATE events SET type = ?, prev_hash = ?, hash = ? WHERE id = ?', [changed.type, changed.prevHash, previous, original.id as string]);
    }
    try {
      const found = await sameForEveryPageSize();
      expect(found.chains.breaks.map((b) => b.kind)).toEqual(['firstEvent']);
    } finally {
      for (const original of originals) {
        await audit.db.query('UPDATE events SET type = ?, prev_hash = ?, hash = ? WHERE id = ?', [original.type as string, original.prev_hash as string | null, original.hash as string, original.id as string]);
      }
    }
    expect((await sameForEveryPageSize()).chains.intact).toBe(true);
  });

  test('two events swapped: the same report', async () => {
    const a = await row(audit.s.seed, 2);
    const b = await row(audit.s.seed, 3);
    /** Gives event x version vx and event y version vy. */
    const place = async (x: Record<string, unknown>, vx: unknown, y: Record<string, unknown>, vy: unknown) => {
      await audit.db.query('UPDATE events SET version = -1 WHERE id = ?', [x.id as string]);
      await audit.db.query('UPDATE events SET version = ? WHERE id = ?', [Number(vy), y.id as string]);
      await audit.db.query('UPDATE events SET version = ? WHERE id = ?', [Number(vx), x.id as string]);
    };
    await place(a, b.version, b, a.version);
    try {
      const found = await sameForEveryPageSize();
      expect(found.chains.breaks.map((b) => b.kind)).toContain('swapped');
    } finally {
      await place(a, a.version, b, b.version);
    }
    expect((await sameForEveryPageSize()).chains.intact).toBe(true);
  });
});
