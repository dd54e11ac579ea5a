/**
 * `gremienlauf backup` as an operator runs it: against the SQLite file of a real `serve` process
 * that keeps registering bodies all the while, then the copy restored (the file and the signing
 * key into a fresh folder) and served again: verify finds every chain intact, and every body the
 * service had acknowledged before the backup began is there, with exactly the events the backup
 * counted. And the refusals: an existing target, PostgreSQL, --url.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

const ROOT = join(__dirname, '..');
const LAUNCHER = join(ROOT, 'bin', 'gremienlauf.js');
const SEED = readFileSync(join(ROOT, 'examples', 'registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
const TOKEN = 'glf_test_0123456789abcdef0123456789abcdef';

let dist: string;
let work: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function environment(database: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, GREMIENLAUF_DIST: dist, DATABASE_URL: database, SECURITY_LOG: 'off' };
}

function cli(args: string[], database: string): Run {
  const result = spawnSync(process.execPath, [LAUNCHER, ...args], { cwd: work, encoding: 'utf8', env: environment(database), timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The CLI as a process of its own, so that this process's requests go on while it runs. */
function cliAsync(args: string[], database: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [LAUNCHER, ...args], { cwd: work, env: environment(database) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A free port of the range 4400–4499. */
async function freePort(): Promise<number> {
  for (let port = 4400; port < 4500; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 4400–4499');
}

interface Server {
  url: string;
  stop(): Promise<void>;
}

/** `gremienlauf serve` on the database, in the background; stopped with SIGTERM. */
async function serve(database: string): Promise<Server> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [LAUNCHER, 'serve', '--port', String(port), '--host', '127.0.0.1', '--json'], {
    cwd: work,
    env: { ...environment(database), GREMIENLAUF_BOOTSTRAP_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url": "([^"]+)"/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve ended with ${code}: ${log}`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      const ended = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await ended;
    },
  };
}

/** Registers bodies over HTTP, `lanes` requests at a time, until stopped; the ids of those the service acknowledged, in order. */
function keepRegistering(url: string, lanes: number) {
  const acknowledged: string[] = [];
  let running = true;
  let n = 0;
  const lane = async () => {
    while (running) {
      const title = `Gremium während der Sicherung ${++n}`;
      const response = await fetch(`${url}/api/bodies/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain; charset=utf-8' },
        body: SEED.replace('Weiterentwicklung Struktur OZG Föderal', title),
      });
      const answer = (await response.json()) as { id?: string };
      if (response.status !== 201) throw new Error(`import answered ${response.status}: ${JSON.stringify(answer)}`);
      acknowledged.push(answer.id!);
    }
  };
  const done = Promise.all(Array.from({ length: lanes }, lane));
  return {
    acknowledged,
    async stop() {
      running = false;
      await done;
    },
  };
}

function read<T>(file: string, query: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return query(db);
  } finally {
    db.close();
  }
}

const count = (db: BetterSqlite3.Database, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

beforeAll(() => {
  dist = join(ROOT, 'node_modules', '.cache', `gremienlauf-backup-test-${process.pid}`);
  spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(join(dist, 'src', 'cli', 'main.js'))) throw new Error('the CLI did not compile');
  // The views and assets nest build copies (nest-cli.json), which the service serves from its build.
  for (const folder of ['views', 'assets']) cpSync(join(ROOT, 'src', 'web', folder), join(dist, 'src', 'web', folder), { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'gremienlauf-backup-e2e-'));
}, 240_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
});

describe('gremienlauf backup', () => {
  it('copies the database of a running, writing service; the copy restored verifies intact and holds every acknowledged event', async () => {
    const live = join(work, 'live');
    mkdirSync(live);
    const database = join(live, 'gremienlauf.sqlite');
    const server = await serve(database);
    let before: string[];
    let backup: Run;
    let copyCounts: { events: number; decisionEvents: number };
    const target = join(work, 'sicherung.sqlite');
    try {
      const writes = keepRegistering(server.url, 4);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      before = [...writes.acknowledged];
      backup = await cliAsync(['backup', target, '--json'], database);
      // A second copy, into a folder, while the writes go on: the line an operator reads.
      mkdirSync(join(work, 'ordner'));
      const intoFolder = await cliAsync(['backup', join(work, 'ordner')], database);
      const afterBackups = writes.acknowledged.length;
      await writes.stop();

      expect([backup.code, backup.stderr]).toEqual([0, '']);
      const answer = JSON.parse(backup.stdout) as { file: string; counts: { events: number; decisionEvents: number } };
      expect(answer.file).toBe(target);
      copyCounts = answer.counts;
      expect(intoFolder.code).toBe(0);
      const [folderCopy] = readdirSync(join(work, 'ordner'));
      expect(folderCopy).toMatch(/^gremienlauf-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.sqlite$/);
      expect(intoFolder.stdout).toMatch(
        new RegExp(`^Sicherung nach ${join(work, 'ordner', folderCopy).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} geschrieben \\([\\d.,]+ [kM]B\\): [\\d.]+ Ereignisse der Gremien und [\\d.]+ des Beschlussregisters, geprüft\\.\\n$`),
      );
      // The service went on writing while it was copied.
      expect(afterBackups).toBeGreaterThan(before.length);
    } finally {
      await server.stop();
    }

    // Restored as docs/operations.md says: the file (no -wal beside it) and the signing key into the service's folder.
    const restoredFolder = join(work, 'restored');
    mkdirSync(restoredFolder);
    const restored = join(restoredFolder, 'gremienlauf.sqlite');
    copyFileSync(target, restored);
    copyFileSync(join(live, 'signing-key.pem'), join(restoredFolder, 'signing-key.pem'));
    expect(existsSync(`${target}-wal`)).toBe(false);

    const inCopy = read(restored, (db) => ({ events: count(db, 'events'), decisionEvents: count(db, 'decision_events') }));
    expect(inCopy).toEqual({ events: copyCounts.events, decisionEvents: copyCounts.decisionEvents });
    expect(copyCounts.decisionEvents).toBeGreaterThan(0);
    const liveEvents = read(database, (db) => count(db, 'events'));
    expect(liveEvents).toBeGreaterThan(copyCounts.events);

    const again = await serve(restored);
    try {
      const verify = cli(['verify', '--url', again.url, '--token', TOKEN], restored);
      expect(verify.stdout).toContain('Ergebnis: Intakt.');
      expect(verify.code).toBe(0);
      const listed = JSON.parse(cli(['list', '--url', again.url, '--token', TOKEN, '--json'], restored).stdout) as Array<{ id: string }>;
      const ids = new Set(listed.map((body) => body.id));
      expect(before!.filter((id) => !ids.has(id))).toEqual([]);
    } finally {
      await again.stop();
    }
    // Every body of the copy has each of its events, versions 1..n, as the projection counts them.
    const gaps = read(restored, (db) =>
      db.prepare('SELECT b.id FROM bodies b WHERE b.version <> (SELECT count(*) FROM events e WHERE e.body_id = b.id)').all(),
    );
    expect(gaps).toEqual([]);
  }, 240_000);

  it('refuses an existing target without --overwrite, and replaces it with', () => {
    const database = join(work, 'live', 'gremienlauf.sqlite');
    const target = join(work, 'vorhanden.sqlite');
    writeFileSync(target, 'alt');
    const refused = cli(['backup', target], database);
    expect([refused.code, refused.stdout, refused.stderr]).toEqual([2, '', `Fehler: ${target} gibt es schon; --overwrite ersetzt die Datei.\n`]);
    const replaced = cli(['backup', target, '--overwrite'], database);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain(`Sicherung nach ${target} geschrieben`);
  });

  it('says in one line that a PostgreSQL database is backed up with pg_dump, without its password', () => {
    const run = cli(['backup', join(work, 'pg.sqlite'), '--database', 'postgres://gremienlauf:geheim@db.example:5432/gremienlauf'], join(work, 'unused.sqlite'));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'Fehler: Die Datenbank postgres://gremienlauf:***@db.example:5432/gremienlauf ist PostgreSQL: sichern Sie sie mit pg_dump (pg_dump -Fc -f gremienlauf.dump …); gremienlauf backup sichert SQLite-Dateien.\n',
    );
    expect(existsSync(join(work, 'pg.sqlite'))).toBe(false);
  });

  it('is for the local database only: --url is wrong usage', () => {
    const run = cli(['backup', join(work, 'x.sqlite'), '--url', 'http://127.0.0.1:4499'], join(work, 'live', 'gremienlauf.sqlite'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('backup sichert die lokale Datenbank dieses Rechners');
  });
});
