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

  describe('writes no one waits for (Transaction.write)', () => {
    const insert = 'INSERT INTO contacts (id, name, created_at) VALUES (?, ?, ?)';
    const row = (id: string) => [id, `Person ${id}`, '2026-11-28T09:00:00.000Z'];
    class Named extends Error {}

    test('take effect in the order written: the next statement of the unit of work sees them', async () => {
      const seen = await db.transaction(async (tx) => {
        tx.write(insert, row('s'));
        tx.write('UPDATE contacts SET name = ? WHERE id = ?', ['Umbenannt', 's']);
        tx.write(insert, row('t'));
        return tx.query<{ id: string; name: string }>('SELECT id, name FROM contacts ORDER BY id');
      });
      expect(seen).toEqual([
        { id: 's', name: 'Umbenannt' },
        { id: 't', name: 'Person t' },
      ]);
      expect(await ids()).toEqual(['s', 't']);
    });

    test('one that fails fails the unit of work with the error its writer named, at the next statement; nothing is written and the connection serves on', async () => {
      const failure = await db
        .transaction(async (tx) => {
          tx.write(insert, row('p'));
          tx.write(insert, row('p'), (error) => new Named(`doppelt: ${String(error)}`));
          tx.write(insert, row('q'));
          await tx.query('SELECT id FROM contacts');
          throw new Error('not reached: the statement above fails');
        })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Named);
      expect(await ids()).toEqual([]);
      for (const id of ['r', 's', 't']) await db.transaction(insertContact(id));
      expect(await ids()).toEqual(['r', 's', 't']);
    });

    test('one that fails with no statement after it fails the COMMIT: nothing is written', async () => {
      await expect(
        db.transaction(async (tx) => {
          tx.write(insert, row('a'));
          tx.write(insert, row('a'), () => new Named('doppelt'));
        }),
      ).rejects.toBeInstanceOf(Named);
      expect(await ids()).toEqual([]);
    });

    test('a unit of work that throws while its writes are unanswered rolls them back and reports its own error', async () => {
      await db.transaction(insertContact('b'));
      const failure = await db
        .transaction(async (tx) => {
          tx.write(insert, row('c'));
          tx.write(insert, row('b')); // would fail too: the unit's own error is the one reported
          throw new Named('abgelehnt');
        })
        .catch((error: unknown) => error);
      // On SQLite the duplicate fails where it is written, before the unit's own throw.
      if (kind === 'postgres') expect(failure).toBeInstanceOf(Named);
      else expect(failure).not.toBeInstanceOf(Named);
      expect(await ids()).toEqual(['b']);
    });

    test('many units of work at once, every third failing on a write: each lands or not on its own, and every connection serves on', async () => {
      await db.transaction(insertContact('taken'));
      const units = Array.from({ length: 60 }, (_, i) =>
        db.transaction(async (tx) => {
          const id = `u${String(i).padStart(2, '0')}`;
          tx.write(insert, row(id));
          if (i % 3 === 2) tx.write(insert, row('taken'), () => new Named(id));
          tx.write('UPDATE contacts SET name = ? WHERE id = ?', [`Person ${id} (geändert)`, id]);
          return (await tx.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM contacts WHERE id = ?', [id]))[0].n;
        }),
      );
      const settled = await Promise.allSettled(units);
      settled.forEach((outcome, i) => {
        if (i % 3 === 2) expect(outcome).toEqual({ status: 'rejected', reason: new Named(`u${String(i).padStart(2, '0')}`) });
        else expect(outcome).toEqual({ status: 'fulfilled', value: kind === 'postgres' ? '1' : 1 });
      });
      const landed = Array.from({ length: 60 }, (_, i) => i).filter((i) => i % 3 !== 2).map((i) => `u${String(i).padStart(2, '0')}`);
      expect(await ids()).toEqual(['taken', ...landed]);
      const names = await db.query<{ name: string }>("SELECT name FROM contacts WHERE id LIKE 'u%' ORDER BY id");
      expect(names.every(({ name }) => name.endsWith('(geändert)'))).toBe(true);
      await Promise.all(['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9', 'w0', 'w1', 'w2'].map((id) => db.transaction(insertContact(id))));
      expect(await ids()).toHaveLength(landed.length + 13);
    });

    test('a nested unit of work whose write fails rolls back alone; the outer one goes on and commits its own', async () => {
      await db.transaction(async (tx) => {
        tx.write(insert, row('o'));
        await expect(
          db.transaction(async (inner) => {
            inner.write(insert, row('n'));
            inner.write(insert, row('o'), () => new Named('doppelt'));
          }),
        ).rejects.toBeInstanceOf(Named);
        tx.write(insert, row('p'));
      });
      expect(await ids()).toEqual(['o', 'p']);
    });
  });
});
