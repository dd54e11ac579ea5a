/**
 * The CLI when what it should talk to is not there: a server of --url that nobody runs, a --url
 * that is no address, a database that cannot be opened. Real processes of bin/gremienlauf.js,
 * checked by exit code and by the one German line on stderr that names what, where and why.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

const ROOT = join(__dirname, '..');
const LAUNCHER = join(ROOT, 'bin', 'gremienlauf.js');

let dist: string;
let work: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [LAUNCHER, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, GREMIENLAUF_DIST: dist, DATABASE_URL: join(work, 'register.sqlite'), ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The run ended with exactly this one line on stderr and this exit code. */
function expectOneLine(run: Run, code: number, line: string | RegExp): void {
  expect({ code: run.code, lines: run.stderr.split('\n').filter(Boolean).length }).toEqual({ code, lines: 1 });
  if (typeof line === 'string') expect(run.stderr).toBe(`${line}\n`);
  else expect(run.stderr).toMatch(line);
}

/** A port on this machine where nobody listens: taken from the system, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(() => {
  dist = join(ROOT, 'node_modules', '.cache', `gremienlauf-cli-unreachable-${process.pid}`);
  spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(join(dist, 'src', 'cli', 'main.js'))) throw new Error('the CLI did not compile');
  // The web views, as nest build copies them (the application renders them on start).
  cpSync(join(ROOT, 'src', 'web', 'views'), join(dist, 'src', 'web', 'views'), { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'gremienlauf-cli-unreachable-'));
}, 240_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
});

describe('a server of --url that cannot be reached', () => {
  test('nobody listening is exit code 1 with one line naming the URL, the option and the port', async () => {
    const port = await closedPort();
    const run = cli(['list', '--url', `http://127.0.0.1:${port}`]);
    expectOneLine(
      run,
      1,
      `Fehler: Der Server http://127.0.0.1:${port} (--url) ist nicht erreichbar: an 127.0.0.1:${port} nimmt niemand Verbindungen an – läuft dort „gremienlauf serve“, und stimmt der Port?`,
    );
  });

  test('port 1 is tried like any other (fetch refused ports browsers block: 1, 9, 6000, …)', () => {
    const run = cli(['list', '--url', 'http://127.0.0.1:1/']);
    expectOneLine(run, 1, /^Fehler: Der Server http:\/\/127\.0\.0\.1:1 \(--url\) ist nicht erreichbar: an 127\.0\.0\.1:1 nimmt niemand Verbindungen an/);
  });

  test('GREMIENLAUF_URL is named when the URL came from there; --json says "unreachable" with the reason for scripts', async () => {
    const port = await closedPort();
    const run = cli(['list', '--json'], { GREMIENLAUF_URL: `http://localhost:${port}` });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr)).toEqual({
      error: {
        kind: 'unreachable',
        status: null,
        message: expect.stringMatching(new RegExp(`^Der Server http://localhost:${port} \\(GREMIENLAUF_URL\\) ist nicht erreichbar: `)),
        details: { target: `http://localhost:${port}`, source: 'GREMIENLAUF_URL', reason: 'ECONNREFUSED' },
      },
    });
  });

  test('an unknown host names the host', () => {
    const run = cli(['list', '--url', 'http://gremienlauf.invalid']);
    expectOneLine(run, 1, /^Fehler: Der Server http:\/\/gremienlauf\.invalid \(--url\) ist nicht erreichbar: den Rechner „gremienlauf\.invalid“ findet das DNS nicht/);
  });

  test('a web server that is no Gremienlauf answers: the status, and the question whether the address is right', async () => {
    const server: Server = createServer((_request, response) => response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // Asynchronously, so that this process's server can answer.
      const run = await new Promise<Run>((resolve) => {
        const { spawn } = require('node:child_process') as typeof import('node:child_process');
        const child = spawn(process.execPath, [LAUNCHER, 'list', '--url', `http://127.0.0.1:${port}`], { cwd: work, env: { PATH: process.env.PATH, GREMIENLAUF_DIST: dist } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      expectOneLine(run, 1, `Abgelehnt: Die Antwort von http://127.0.0.1:${port} (Status 404) kommt nicht von einem Gremienlauf-Server – stimmt die Adresse?`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('a --url that is no address of a server', () => {
  test.each([
    ['not-a-url', '„not-a-url“ ist keine (es fehlt http:// oder https:// am Anfang).'],
    ['localhost:3000', '„localhost:3000“ ist keine (es fehlt http:// oder https:// am Anfang).'],
    ['ftp://x', '„ftp://x“ ist keine (ftp:// ist kein Protokoll dafür, nur http:// und https://).'],
    ['http://', '„http://“ ist keine.'],
  ])('--url %s is wrong usage, exit code 2, saying what a server address looks like', (url, why) => {
    const run = cli(['list', '--url', url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`Fehler: Die Option --url erwartet die Adresse eines Gremienlauf-Servers wie http://localhost:3000; ${why}\nHilfe: gremienlauf help list\n`);
  });

  test('a password in the URL is refused before it is sent anywhere, pointing to --token', () => {
    const run = cli(['list', '--url', 'http://geschaeftsstelle:geheim@localhost:3000']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ohne Benutzer und Passwort darin; das Zugangstoken nennt --token (oder GREMIENLAUF_TOKEN).');
    expect(run.stderr).not.toContain('geheim');
  });

  test('a wrong GREMIENLAUF_URL is named as such', () => {
    const run = cli(['list'], { GREMIENLAUF_URL: 'gremien.example.org' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Fehler: GREMIENLAUF_URL erwartet die Adresse eines Gremienlauf-Servers wie http://localhost:3000; „gremien.example.org“ ist keine');
  });
});

describe('a local database that cannot be opened', () => {
  test('a directory given as --database', () => {
    const folder = join(work, 'ein-ordner');
    mkdirSync(folder, { recursive: true });
    const run = cli(['list', '--database', folder]);
    expectOneLine(run, 1, `Fehler: Die Datenbank ${folder} (--database) lässt sich nicht öffnen: das ist ein Verzeichnis, keine Datenbankdatei.`);
  });

  test('a file in a "directory" that is a file, from DATABASE_URL', () => {
    const file = join(work, 'notiz.txt');
    writeFileSync(file, 'keine Datenbank');
    const run = cli(['list'], { DATABASE_URL: join(file, 'register.sqlite') });
    expectOneLine(run, 1, `Fehler: Die Datenbank ${join(file, 'register.sqlite')} (DATABASE_URL) lässt sich nicht öffnen: ${file} ist eine Datei, kein Verzeichnis.`);
  });

  test('a file that is no SQLite database', () => {
    const file = join(work, 'text.sqlite');
    writeFileSync(file, 'Dies ist ein Text und keine Datenbank. '.repeat(20));
    const run = cli(['list', '--database', file]);
    expectOneLine(run, 1, `Fehler: Die Datenbank ${file} (--database) lässt sich nicht öffnen: die Datei ist keine SQLite-Datenbank.`);
    expect(readFileSync(file, 'utf8')).toMatch(/^Dies ist ein Text/);
  });

  test('PostgreSQL where nobody listens, without showing the password; --json says "unreachable"', async () => {
    const port = await closedPort();
    const run = cli(['list', '--database', `postgres://gremien:geheim@127.0.0.1:${port}/register`]);
    expectOneLine(
      run,
      1,
      `Fehler: Die Datenbank postgres://gremien:***@127.0.0.1:${port}/register (--database) ist nicht erreichbar: an 127.0.0.1:${port} nimmt niemand Verbindungen an – läuft PostgreSQL dort, und stimmt der Port?`,
    );
    const json = cli(['list', '--json'], { DATABASE_URL: `postgres://gremien:geheim@127.0.0.1:${port}/register` });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr).error).toMatchObject({ kind: 'unreachable', details: { source: 'DATABASE_URL', reason: 'ECONNREFUSED' } });
    expect(json.stderr).not.toContain('geheim');
  });

  test('a "PostgreSQL" that takes the connection but never answers (a hung server): a command and npm start give up after 10 s, saying so', async () => {
    // The system takes the connection into the listening socket's queue; the test, blocked in spawnSync, never answers.
    const silent = createNetServer();
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const url = `postgres://gremien:geheim@127.0.0.1:${port}/register`;
      const line = `Die Datenbank postgres://gremien:***@127.0.0.1:${port}/register (DATABASE_URL) ist nicht erreichbar: 127.0.0.1:${port} antwortet nicht (Zeitüberschreitung beim Verbindungsaufbau).`;
      expectOneLine(cli(['list'], { DATABASE_URL: url }), 1, `Fehler: ${line}`);
      const start = spawnSync(process.execPath, [join(dist, 'src', 'main.js')], {
        cwd: work,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1' },
        timeout: 60_000,
      });
      expect({ code: start.status, stderr: start.stderr }).toEqual({ code: 1, stderr: `${line}\n` });
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 60_000);

  (process.env.TEST_DATABASE_URL ? test : test.skip)('PostgreSQL with connections to the database switched off (for maintenance): a command and npm start say so', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL as string);
    const name = decodeURIComponent(url.pathname.slice(1));
    const line = `Die Datenbank postgres://${url.username}:***@${url.host}${url.pathname} (DATABASE_URL) nimmt keine Verbindungen an: sie sind für die Datenbank „${name}“ abgeschaltet (ALTER DATABASE … ALLOW_CONNECTIONS false), etwa für eine Wartung.`;
    const maintenance = new Client({ connectionString: Object.assign(new URL(url.href), { pathname: '/postgres' }).href });
    await maintenance.connect();
    try {
      await maintenance.query(`ALTER DATABASE "${name.replace(/"/g, '""')}" ALLOW_CONNECTIONS false`);
      expectOneLine(cli(['list'], { DATABASE_URL: url.href }), 1, `Fehler: ${line}`);
      const start = spawnSync(process.execPath, [join(dist, 'src', 'main.js')], {
        cwd: work,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, DATABASE_URL: url.href, PORT: '0', HOST: '127.0.0.1' },
        timeout: 60_000,
      });
      expect({ code: start.status, stderr: start.stderr }).toEqual({ code: 1, stderr: `${line}\n` });
    } finally {
      await maintenance.query(`ALTER DATABASE "${name.replace(/"/g, '""')}" ALLOW_CONNECTIONS true`);
      await maintenance.end();
    }
  });

  test('serve and the local user administration say the same, without a stack trace', () => {
    const folder = join(work, 'noch-ein-ordner');
    mkdirSync(folder, { recursive: true });
    const line = `Fehler: Die Datenbank ${folder} (--database) lässt sich nicht öffnen: das ist ein Verzeichnis, keine Datenbankdatei.`;
    const serve = cli(['serve', '--port', '0', '--host', '127.0.0.1', '--database', folder]);
    expect(serve.code).toBe(1);
    expect(serve.stderr).toBe(`${line}\n`);
    expect(serve.stdout).not.toContain('SqliteError');
    expectOneLine(cli(['token', 'create', 'geschaeftsstelle', '--database', folder]), 1, line);
  });

  test('a local command writes no signing key beside a database it could not open', () => {
    const parent = join(work, 'lokal-eltern');
    const folder = join(parent, 'ordner');
    mkdirSync(folder, { recursive: true });
    expectOneLine(cli(['list', '--database', folder]), 1, `Fehler: Die Datenbank ${folder} (--database) lässt sich nicht öffnen: das ist ein Verzeichnis, keine Datenbankdatei.`);
    expect(existsSync(join(parent, 'signing-key.pem'))).toBe(false);
  });

  test('npm start (dist/src/main.js) says the same, and writes no signing key beside the database it could not open', () => {
    const parent = join(work, 'start-eltern');
    const folder = join(parent, 'ordner');
    mkdirSync(folder, { recursive: true });
    const result = spawnSync(process.execPath, [join(dist, 'src', 'main.js')], {
      cwd: work,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, DATABASE_URL: folder, PORT: '0', HOST: '127.0.0.1' },
      timeout: 60_000,
    });
    expect({ code: result.status, stderr: result.stderr }).toEqual({
      code: 1,
      stderr: `Die Datenbank ${folder} (DATABASE_URL) lässt sich nicht öffnen: das ist ein Verzeichnis, keine Datenbankdatei.\n`,
    });
    expect(existsSync(join(parent, 'signing-key.pem'))).toBe(false);
  });
});
