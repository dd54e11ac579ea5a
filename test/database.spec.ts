import { Database } from '../src/database/database';
import { openTestDatabase, testDatabaseKinds } from './support/test-app';

describe.each(testDatabaseKinds())('the database on %s', (kind) => {
  let db: Database;
  let cleanup: () => void;

  beforeEach(async () => {
    const opened = await openTestDatabase(kind);
    cleanup = opened.cleanup;
    db = await Database.open(opened.config);
  });
  afterEach(async () => {
    await db.close();
    cleanup();
  });

  const insertContact = (id: string) => (tx: { query: Database['query'] }) =>
    tx.query('INSERT INTO contacts (id, name, created_at) VALUES (?, ?, ?)', [id, `Person ${id}`, '2026-11-28T09:00:00.000Z']);
  const ids = async () => (await db.query<{ id: string }>('SELECT id FROM contacts ORDER BY id')).map((r) => r.id);

  test('units of work sent together each take effect or not on their own', async () => {
    const results = await Promise.allSettled([
      db.transaction(insertContact('a')),
      db.transaction(async (tx) => {
        await insertContact('b')(tx);
        throw new Error('refused after its first statement');
      }),
      db.transaction(insertContact('c')),
      db.transaction(insertContact('a')), // duplicate key: fails alone
      db.transaction(insertContact('d')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await ids()).toEqual(['a', 'c', 'd']);
  });

  // SQLite's writes wait in one queue; PostgreSQL's run concurrently and may commit in any order.
  (kind === 'sqlite' ? test : test.skip)('a read does not wait for the writes in flight and sees exactly the committed ones', async () => {
    await db.transaction(insertContact('w'));
    const writes = ['x', 'y', 'z'].map((id) => db.transaction(insertContact(id)));
    const settled: string[] = [];
    writes.forEach((write) => write.then(() => settled.push('write')));
    const read = ids().then((rows) => {
      settled.push('read');
      return rows;
    });
    expect(await read).toEqual(['w']);
    await Promise.all(writes);
    expect(settled[0]).toBe('read');
    expect(await ids()).toEqual(['w', 'x', 'y', 'z']);
  });

  test('a read while a unit of work is open sees none of its rows until COMMIT', async () => {
    let inserted!: () => void;
    let release!: () => void;
    const written = new Promise<void>((resolve) => (inserted = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const unit = db.transaction(async (tx) => {
      await insertContact('u')(tx);
      inserted();
      await gate;
    });
    await written;
    // Read from outside the unit of work (inside it, a read joins it and sees its rows).
    const seenWhileOpen = await ids();
    release();
    await unit;
    expect(seenWhileOpen).toEqual([]);
    expect(await ids()).toEqual(['u']);
  });

  test('inside a unit of work, reads and nested units of work join it: they see its rows and roll back with it', async () => {
    let seenInside: string[] = [];
    await expect(
      db.transaction(async (tx) => {
        await insertContact('v')(tx);
        await db.transaction(insertContact('v2'));
        await db.transaction(insertContact('v3')).catch(() => undefined);
        await db.transaction(async (inner) => {
          await insertContact('v4')(inner);
          throw new Error('undone alone');
        }).catch(() => undefined);
        seenInside = await ids();
        throw new Error('all undone');
      }),
    ).rejects.toThrow('all undone');
    expect(seenInside.filter((id) => id.startsWith('v'))).toEqual(['v', 'v2', 'v3']);
    expect((await ids()).filter((id) => id.startsWith('v'))).toEqual([]);
  });

  test('PostgreSQL placeholders are numbered from the portable ? form', async () => {
    await db.transaction(insertContact('p'));
    expect(await db.query('SELECT name FROM contacts WHERE id = ? AND name = ?', ['p', 'Person p'])).toEqual([{ name: 'Person p' }]);
  });

  test('a statement with a long list of keys answers like a short one (on PostgreSQL it is not kept prepared on the connection)', async () => {
    for (const id of ['k1', 'k2', 'k3']) await db.transaction(insertContact(id));
    const keys = (n: number) => ['k2', ...Array.from({ length: n - 1 }, (_, i) => `none-${i}`)];
    const list = (n: number) => `SELECT id FROM contacts WHERE id IN (${keys(n).map(() => '?').join(', ')}) ORDER BY id`;
    const prepared = await db.transaction(async (tx) => {
      expect(await tx.query(list(3), keys(3))).toEqual([{ id: 'k2' }]);
      expect(await tx.query(list(500), keys(500))).toEqual([{ id: 'k2' }]);
      expect(await tx.query(list(500), keys(500))).toEqual([{ id: 'k2' }]);
      return kind === 'postgres' ? tx.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements') : [];
    });
    if (kind === 'postgres') {
      const texts = prepared.map((p) => p.statement);
      expect(texts.filter((text) => text.startsWith('SELECT id FROM contacts WHERE id IN ($1, $2, $3)'))).toHaveLength(1);
      expect(texts.filter((text) => text.includes('$500'))).toEqual([]);
    }
  });
});
