/**
 * `npm start` (dist/src/main.js) as a real process, on what an operator gets wrong: a mistyped
 * DATABASE_URL, a database file restored as root, the port taken, a bad setting, SSL the server
 * does not offer. Each stops the start with one German line and nothing written; a good start
 * says where it listens, what it migrated, and offers the set-up link at PUBLIC_URL.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

const ROOT = join(__dirname, '..');
const POSTGRES = process.env.TEST_DATABASE_URL;
const AS_ROOT = process.getuid?.() === 0 && existsSync('/usr/sbin/runuser');

let dist: string;
let work: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A start in `cwd` with exactly this environment (and PATH), until it exits; as `user` through runuser when given. */
function startOnce(env: Record<string, string>, options: { cwd?: string; user?: string } = {}): Run {
  const main = join(dist, 'src', 'main.js');
  const [command, args] = options.user ? ['runuser', ['-u', options.user, '--', process.execPath, main]] : [process.execPath, [main]];
  const result = spawnSync(command, args, { cwd: options.cwd ?? work, encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A start that keeps running: its stdout once it has said `until`; stopped then. */
async function startUntil(env: Record<string, string>, until: RegExp): Promise<string> {
  const child = spawn(process.execPath, [join(dist, 'src', 'main.js')], { cwd: work, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (until.test(stdout)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`ended with ${code} before saying ${until}: ${stdout}${stderr}`)));
    });
  } finally {
    const ended = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await ended;
  }
  return stdout;
}

/** Exactly one line on stderr, and exit code 1. */
function expectRefused(run: Run, line: string | RegExp): void {
  expect({ code: run.code, lines: run.stderr.split('\n').filter(Boolean).length }).toEqual({ code: 1, lines: 1 });
  if (typeof line === 'string') expect(run.stderr).toBe(`${line}\n`);
  else expect(run.stderr).toMatch(line);
}

beforeAll(() => {
  dist = join(ROOT, 'node_modules', '.cache', `gremienlauf-start-up-${process.pid}`);
  spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(join(dist, 'src', 'main.js'))) throw new Error('the service did not compile');
  cpSync(join(ROOT, 'src', 'web', 'views'), join(dist, 'src', 'web', 'views'), { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'gremienlauf-start-up-'));
  // Other users (nobody, below) may enter it, as a service's data folder.
  chmodSync(work, 0o755);
}, 240_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
});

describe('a DATABASE_URL of another scheme', () => {
  it.each([
    ['postgress://postgres:pw-geheim@127.0.0.1:5432/db', 'postgress://'],
    ['mysql://root:pw-geheim@127.0.0.1/db', 'mysql://'],
    ['file:/tmp/pw-geheim.sqlite', 'file:'],
  ])('%s is refused naming DATABASE_URL and the scheme, without the password, and nothing is created', (url, scheme) => {
    const cwd = mkdtempSync(join(work, 'schema-'));
    const run = startOnce({ DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1' }, { cwd });
    expectRefused(run, `Ungültige Konfiguration: DATABASE_URL: „${scheme}“ ist kein unterstütztes Schema; erwartet wird postgres://… oder postgresql://… für PostgreSQL oder der Pfad einer SQLite-Datei (z. B. ./data/gremienlauf.sqlite).`);
    expect(run.stdout + run.stderr).not.toContain('pw-geheim');
    expect(readdirSync(cwd)).toEqual([]);
  });

  (POSTGRES ? it : it.skip)('POSTGRES:// in capitals is PostgreSQL, and the start line shows its URL without the password', async () => {
    const url = new URL(POSTGRES!);
    const client = new Client({ connectionString: POSTGRES });
    await client.connect();
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await client.end();
    const stdout = await startUntil(
      { DATABASE_URL: POSTGRES!.replace(/^postgres(ql)?:/, 'POSTGRES:'), PORT: '0', HOST: '127.0.0.1', GREMIENLAUF_SIGNING_KEY_FILE: join(work, 'pg-signing-key.pem') },
      /läuft auf .+\n/,
    );
    expect(stdout).toContain(`(Datenbank: postgres://${url.username}:***@${url.host}${url.pathname})`);
    expect(stdout).not.toContain(decodeURIComponent(url.password));
  }, 60_000);
});

describe('a new installation, and its second start', () => {
  const folder = () => join(work, 'register');
  const database = () => join(folder(), 'gremienlauf.sqlite');

  it('says where it listens as HOST has it, offers the set-up link at PUBLIC_URL, and names the migrations it ran', async () => {
    const stdout = await startUntil(
      { DATABASE_URL: database(), PORT: '4241', PUBLIC_URL: 'https://gremien.example.org/' },
      /einrichten\?code=.+\n.*\n/,
    );
    expect(stdout).toMatch(/^Neue Datenbank angelegt: alle \d+ Migrationen ausgeführt \(InitialSchema1764300000000 … \w+\)\.$/m);
    expect(stdout).toContain(
      `Gremienlauf läuft auf allen Adressen dieses Rechners (HOST 0.0.0.0), Port 4241 – hier http://localhost:4241, für Nutzer https://gremien.example.org (Datenbank: ${database()})`,
    );
    expect(stdout).toMatch(/^ {2}https:\/\/gremien\.example\.org\/einrichten\?code=[\w-]+$/m);
  }, 60_000);

  it('a second start migrates nothing and says nothing about it', async () => {
    const stdout = await startUntil({ DATABASE_URL: database(), PORT: '0', HOST: '127.0.0.1' }, /läuft auf .+\n/);
    expect(stdout).not.toMatch(/Migration/);
    expect(stdout).toMatch(/^Gremienlauf läuft auf http:\/\/127\.0\.0\.1:\d+ \(Datenbank: /m);
  }, 60_000);

  (AS_ROOT ? it : it.skip)('a database file the service user may not write (restored as root) stops the start naming the file', () => {
    // The folder is the service user's, and so is the lock file its starts used (docs/operations.md); the
    // file stays root's, mode 644, as a restore as root leaves it.
    chownSync(folder(), 65534, 65534);
    const file = database();
    chownSync(`${file}-lock`, 65534, 65534);
    const run = startOnce({ DATABASE_URL: file, PORT: '0', HOST: '127.0.0.1' }, { user: 'nobody', cwd: folder() });
    expectRefused(
      run,
      `Die Datenbank ${file} (DATABASE_URL) darf dieser Benutzer (nobody) nicht schreiben: ${file} (Eigentümer uid 0, Rechte 644) – der Dienst muss darin schreiben; Eigentümer oder Rechte anpassen (z. B. chown nobody ${file}).`,
    );
  });

  (AS_ROOT ? it : it.skip)('so does a -wal or -shm file of root beside a file the user may write', () => {
    const file = database();
    chownSync(file, 65534, 65534);
    writeFileSync(`${file}-wal`, '');
    chmodSync(`${file}-wal`, 0o644);
    const run = startOnce({ DATABASE_URL: file, PORT: '0', HOST: '127.0.0.1' }, { user: 'nobody', cwd: folder() });
    expectRefused(run, new RegExp(`^Die Datenbank ${file} \\(DATABASE_URL\\) darf dieser Benutzer \\(nobody\\) nicht schreiben: ${file}-wal \\(Eigentümer uid 0, Rechte 644\\) – `));
    rmSync(`${file}-wal`);
  });

  (AS_ROOT ? it : it.skip)('so does the lock file of root that says no other service uses the database', () => {
    const file = database();
    chownSync(`${file}-lock`, 0, 0);
    const run = startOnce({ DATABASE_URL: file, PORT: '0', HOST: '127.0.0.1' }, { user: 'nobody', cwd: folder() });
    expectRefused(run, new RegExp(`^Die Datenbank ${file} \\(DATABASE_URL\\) darf dieser Benutzer \\(nobody\\) nicht schreiben: ${file}-lock \\(Eigentümer uid 0, Rechte 644\\) – `));
    chownSync(`${file}-lock`, 65534, 65534);
  });
});

describe('refused before anything is written', () => {
  let taken: Server;

  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(4242, '127.0.0.1', resolve));
  });

  afterAll(() => new Promise((resolve) => taken.close(resolve)));

  it('a port taken: the German line, and no database, folder or signing key created', () => {
    const folder = join(work, 'port-belegt');
    const run = startOnce({ DATABASE_URL: join(folder, 'gremienlauf.sqlite'), PORT: '4242', HOST: '127.0.0.1' });
    expectRefused(run, 'Port 4242 auf 127.0.0.1 ist schon belegt – läuft Gremienlauf dort bereits? Einen anderen wählt die Umgebungsvariable PORT (bei „gremienlauf serve“ auch --port).');
    expect(existsSync(folder)).toBe(false);
  });

  it.each([
    [{ SMTP_PORT: 'abc' }, 'Ungültige Konfiguration: SMTP_PORT: erwartet die Portnummer des SMTP-Servers, z. B. 587 (oder 465 mit SMTP_SECURE=true).'],
    [{ SCHEDULER_ENABLED: 'vielleicht' }, 'Ungültige Konfiguration: SCHEDULER_ENABLED: Erwartet wird true oder false (auch yes/no, ja/nein, on/off, 1/0), nicht „vielleicht“.'],
    [{ GREMIENLAUF_CHECKPOINT_MINUTES: 'stündlich' }, /^Ungültige Konfiguration: GREMIENLAUF_CHECKPOINT_MINUTES: Erwartet wird eine Zahl\.\n$/],
  ])('%o: one German line naming the variable, and nothing created', (env, line) => {
    const folder = join(work, `einstellung-${Object.keys(env)[0]}`);
    const run = startOnce({ DATABASE_URL: join(folder, 'gremienlauf.sqlite'), PORT: '0', HOST: '127.0.0.1', ...env });
    expectRefused(run, line);
    expect(existsSync(folder)).toBe(false);
  });

  it('SCHEDULER_ENABLED=off is read as off, not refused', async () => {
    const stdout = await startUntil({ DATABASE_URL: join(work, 'ohne-planer', 'gremienlauf.sqlite'), PORT: '0', HOST: '127.0.0.1', SCHEDULER_ENABLED: 'off' }, /läuft auf .+\n/);
    expect(stdout).toMatch(/^Gremienlauf läuft auf /m);
  }, 60_000);

  (POSTGRES ? it : it.skip)('sslmode=require against a server without SSL: one German line naming DATABASE_URL and the server answer, without the password', () => {
    const url = new URL(POSTGRES!);
    const run = startOnce({ DATABASE_URL: `${POSTGRES}?sslmode=require`, PORT: '0', HOST: '127.0.0.1' });
    expect(run.code).toBe(1);
    // pg warns in English of what sslmode=require will mean in its next major version; that warning is pg's, the answer is this line.
    const lines = run.stderr.split('\n').filter((line) => line.startsWith('Die Datenbank'));
    expect(lines).toEqual([
      `Die Datenbank postgres://${url.username}:***@${url.host}${url.pathname}?sslmode=require (DATABASE_URL) ist nicht erreichbar: der Server antwortet „The server does not support SSL connections“ – sslmode in der URL verlangt SSL, das dieser Server nicht anbietet; ohne SSL den Parameter sslmode weglassen (oder sslmode=disable).`,
    ]);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout + run.stderr).not.toContain(decodeURIComponent(url.password));
  });
});
