/**
 * A consistent copy of the SQLite database while the service runs and writes. Copying the file
 * (`cp`) takes whatever the main file holds at that moment, without the commits still in its
 * `-wal` file, and can catch a page half written. This copy is taken with SQLite's online backup
 * API in one step inside one read transaction: a snapshot of one instant, which the service's
 * writes (WAL mode) neither wait for nor disturb. The copy is then checked — it opens, SQLite's
 * quick check passes, and it holds as many entries in each chain as the snapshot did — and only
 * then put in its place, so that a copy that fails its check never stands where a backup is
 * expected.
 */
import { chmodSync, closeSync, constants, copyFileSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

/** The hash-chained tables: each row an entry of a chain that verify checks. */
const CHAINS = {
  events: 'events',
  decisionEvents: 'decision_events',
  contactEvents: 'contact_events',
  auditLog: 'audit_log',
} as const;

export type ChainCounts = Record<keyof typeof CHAINS, number>;

export interface BackupResult {
  /** The copy, as an absolute path. */
  file: string;
  bytes: number;
  /** The entries of each chain in the copy, the same as in the database at the instant it was taken. */
  counts: ChainCounts;
}

/** Why a backup was not written, in the operator's words; `usage` where the command line asked for something it cannot do. */
export class BackupRefusal extends Error {
  constructor(
    message: string,
    readonly usage: boolean,
  ) {
    super(message);
  }
}

/** Copies at most this many pages in one step: all of them, so that the copy is one snapshot. */
const ALL_PAGES = 0x7fffffff;

/**
 * Where a backup of `source` named `target` goes: the file itself, or within a directory a new
 * file named after the database and the instant (`gremienlauf-2026-12-05T10-15-00Z.sqlite`).
 */
export function backupTarget(source: string, target: string, now: Date): string {
  const path = resolve(target);
  if (!isDirectory(path)) return path;
  const name = basename(source).replace(/\.(sqlite3?|db)$/i, '');
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
  return join(path, `${name}-${stamp}.sqlite`);
}

/**
 * Writes a consistent copy of the SQLite database `source` to `target` (a file; see
 * `backupTarget`), checks it and puts it in place. An existing `target` is replaced only with
 * `overwrite`, and never while a `-wal` file beside it says that it is open or was not closed.
 */
export async function backupSqlite(source: string, target: string, options: { overwrite: boolean }): Promise<BackupResult> {
  // Required only here, so that help and the other commands load no native module.
  const Sqlite: typeof BetterSqlite3 = require('better-sqlite3');
  refuseTarget(source, target, options.overwrite);

  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  removeDatabaseFiles(temporary);
  const database = new Sqlite(source, { fileMustExist: true, timeout: 5000 });
  let counts: ChainCounts;
  try {
    if (!tableExists(database, CHAINS.events)) {
      throw new BackupRefusal(`${source} ist keine Datenbank von Gremienlauf (es fehlt die Tabelle „events“); gesichert wurde nichts.`, false);
    }
    // The counts and the copy read one snapshot: the read transaction the first SELECT opens,
    // which the backup's single step then uses.
    database.exec('BEGIN');
    try {
      counts = chainCounts(database);
      await database.backup(temporary, { progress: () => ALL_PAGES });
    } finally {
      database.exec('COMMIT');
    }
  } catch (error) {
    removeDatabaseFiles(temporary);
    throw error;
  } finally {
    database.close();
  }

  try {
    checkCopy(Sqlite, temporary, counts);
    // The copy holds personal data as the database does: the same permissions.
    const { mode } = statSync(source);
    const fd = openSync(temporary, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temporary, mode & 0o777);
    place(temporary, target, options.overwrite);
  } catch (error) {
    removeDatabaseFiles(temporary);
    throw error;
  }
  syncDirectory(dirname(target));
  return { file: target, bytes: statSync(target).size, counts };
}

/** The rows of each chain table there is (a database from before a chain existed lacks its table). */
export function chainCounts(database: BetterSqlite3.Database): ChainCounts {
  const count = (table: string) =>
    tableExists(database, table) ? (database.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n : 0;
  return {
    events: count(CHAINS.events),
    decisionEvents: count(CHAINS.decisionEvents),
    contactEvents: count(CHAINS.contactEvents),
    auditLog: count(CHAINS.auditLog),
  };
}

function tableExists(database: BetterSqlite3.Database, table: string): boolean {
  return database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

function refuseTarget(source: string, target: string, overwrite: boolean): void {
  if (!isDirectory(dirname(target))) {
    throw new BackupRefusal(`Das Verzeichnis ${dirname(target)} für die Sicherung gibt es nicht.`, true);
  }
  if (!existsSync(target)) return;
  if (sameFile(source, target)) {
    throw new BackupRefusal(`${target} ist die Datenbank selbst; die Sicherung gehört in eine andere Datei.`, true);
  }
  if (!overwrite) {
    throw new BackupRefusal(`${target} gibt es schon; --overwrite ersetzt die Datei.`, true);
  }
  if (existsSync(`${target}-wal`)) {
    throw new BackupRefusal(
      `Neben ${target} liegt ${basename(target)}-wal: die Datei ist geöffnet (läuft ein Dienst auf ihr?) oder wurde nicht sauber geschlossen; sie wird nicht ersetzt.`,
      true,
    );
  }
}

/** Opens the copy and checks it: SQLite's quick check, and as many entries in each chain as the snapshot held. */
function checkCopy(Sqlite: typeof BetterSqlite3, file: string, expected: ChainCounts): void {
  const copy = new Sqlite(file, { fileMustExist: true });
  try {
    // One file, without -wal: the service switches it to WAL when it opens it.
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new BackupRefusal(`Die Kopie besteht SQLites Prüfung nicht (${String(check)}); gesichert wurde nichts.`, false);
    const found = chainCounts(copy);
    const differing = (Object.keys(expected) as Array<keyof ChainCounts>).filter((chain) => found[chain] !== expected[chain]);
    if (differing.length > 0) {
      const named = differing.map((chain) => `${CHAINS[chain]}: ${found[chain]} statt ${expected[chain]}`).join(', ');
      throw new BackupRefusal(`Die Kopie hält nicht dieselben Einträge wie die Datenbank (${named}); gesichert wurde nichts.`, false);
    }
  } finally {
    copy.close();
  }
}

/** Puts the checked copy at `target`: without `overwrite` only where nothing stands by then (a link fails on an existing name). */
function place(temporary: string, target: string, overwrite: boolean): void {
  if (overwrite) {
    renameSync(temporary, target);
    return;
  }
  try {
    linkSync(temporary, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new BackupRefusal(`${target} gibt es schon; --overwrite ersetzt die Datei.`, true);
    // A file system without hard links: copy, still refusing an existing name.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw error;
    copyFileSync(temporary, target, constants.COPYFILE_EXCL);
  }
  rmSync(temporary, { force: true });
}

/** A SQLite file and what SQLite keeps beside it. */
function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}

function syncDirectory(directory: string): void {
  try {
    const fd = openSync(directory, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform opens a directory for fsync; the file itself is on disk.
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    const [one, other] = [statSync(a), statSync(b)];
    return one.dev === other.dev && one.ino === other.ino;
  } catch {
    return resolve(a) === resolve(b);
  }
}
