/**
 * The SQLite backup on a database that another process writes to all the while: each copy is
 * one snapshot (its counts are those of one instant, and the copy holds exactly them), it is a
 * single file, and a target that exists is replaced only when told to.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { BackupRefusal, backupSqlite, backupTarget, chainCounts } from './sqlite-backup';

let dir: string;
let source: string;
let writer: ChildProcess | undefined;

/** A process that appends rows to `events` in commits of 20, as fast as it can, until killed. */
function startWriter(file: string): Promise<ChildProcess> {
  const script = `
    const Sqlite = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    const db = new Sqlite(${JSON.stringify(file)}, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    const insert = db.prepare('INSERT INTO events (body, pad) VALUES (?, ?)');
    const commit = db.transaction((n) => { for (let i = 0; i < 20; i++) insert.run(n, 'w'.repeat(200)); });
    let n = 0;
    process.stdout.write('ready\\n');
    (function loop() { commit(n++); setImmediate(loop); })();
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout!.once('data', () => resolve(child)));
}

function rows(file: string): number {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gremienlauf-backup-'));
  source = join(dir, 'gremienlauf.sqlite');
  const db = new BetterSqlite3(source);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, body INTEGER, pad TEXT); CREATE TABLE decision_events (id INTEGER PRIMARY KEY)');
  const insert = db.prepare('INSERT INTO events (body, pad) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 20_000; i++) insert.run(-1, 'x'.repeat(200));
  })();
  db.exec('INSERT INTO decision_events DEFAULT VALUES; INSERT INTO decision_events DEFAULT VALUES');
  db.close();
});

afterEach(() => {
  writer?.kill();
  writer = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('backupSqlite', () => {
  it('copies one instant of a database another process keeps writing to, and checks the copy', async () => {
    writer = await startWriter(source);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const target = join(dir, `copy-${i}.sqlite`);
      const result = await backupSqlite(source, target, { overwrite: false });
      expect(result.counts).toEqual({ events: rows(target), decisionEvents: 2, contactEvents: 0, auditLog: 0 });
      // Whole commits of the writer only: the 20,000 rows before it and 20 per commit.
      expect((result.counts.events - 20_000) % 20).toBe(0);
      expect(existsSync(`${target}-wal`)).toBe(false);
      expect(result.bytes).toBe(statSync(target).size);
      seen.push(result.counts.events);
    }
    expect(seen[2]).toBeGreaterThan(20_000);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses an existing target unless told to overwrite, the database itself always', async () => {
    const target = join(dir, 'copy.sqlite');
    writeFileSync(target, 'old');
    await expect(backupSqlite(source, target, { overwrite: false })).rejects.toThrow(new BackupRefusal(`${target} gibt es schon; --overwrite ersetzt die Datei.`, true));
    const replaced = await backupSqlite(source, target, { overwrite: true });
    expect(replaced.counts.events).toBe(20_000);
    await expect(backupSqlite(source, source, { overwrite: true })).rejects.toThrow(`${source} ist die Datenbank selbst`);
  });

  it('does not replace a file that has a -wal beside it, and refuses a missing directory', async () => {
    const target = join(dir, 'open.sqlite');
    writeFileSync(target, 'x');
    writeFileSync(`${target}-wal`, 'x');
    await expect(backupSqlite(source, target, { overwrite: true })).rejects.toThrow(/open\.sqlite-wal: die Datei ist geöffnet/);
    await expect(backupSqlite(source, join(dir, 'nirgends', 'copy.sqlite'), { overwrite: false })).rejects.toThrow('für die Sicherung gibt es nicht');
  });

  it('refuses a SQLite file that is no Gremienlauf database and leaves nothing behind', async () => {
    const other = join(dir, 'other.sqlite');
    new BetterSqlite3(other).close();
    await expect(backupSqlite(other, join(dir, 'copy.sqlite'), { overwrite: false })).rejects.toThrow('keine Datenbank von Gremienlauf');
    expect(readdirSync(dir).sort()).toEqual(['gremienlauf.sqlite', 'other.sqlite']);
  });

  it('names a copy into a directory after the database and the instant', () => {
    mkdirSync(join(dir, 'backup'));
    expect(backupTarget(source, join(dir, 'backup'), new Date('2026-12-05T10:15:00.123Z'))).toBe(join(dir, 'backup', 'gremienlauf-2026-12-05T10-15-00Z.sqlite'));
    expect(backupTarget(source, join(dir, 'a.sqlite'), new Date())).toBe(join(dir, 'a.sqlite'));
  });

  it('counts only the chains a database has', () => {
    const db = new BetterSqlite3(source, { readonly: true });
    try {
      expect(chainCounts(db)).toEqual({ events: 20_000, decisionEvents: 2, contactEvents: 0, auditLog: 0 });
    } finally {
      db.close();
    }
  });
});
