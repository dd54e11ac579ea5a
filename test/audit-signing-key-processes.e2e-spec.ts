/**
 * The signing key refusals as operators meet them, in real processes of the compiled service:
 * a key that is no key ends `npm start`'s service and the CLI with one German line, no stack;
 * and two instances started at the same moment on one empty PostgreSQL database, each with the
 * default key file of its own working directory (./data/signing-key.pem, as on two machines),
 * do not both come up: the one that comes second is refused, naming both key ids.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, testDatabaseKinds } from './support/test-app';

const ROOT = join(__dirname, '..');
const LAUNCHER = join(ROOT, 'bin', 'gremienlauf.js');

let dist: string;
let work: string;

beforeAll(() => {
  dist = join(ROOT, 'node_modules', '.cache', `gremienlauf-key-processes-${process.pid}`);
  spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(join(dist, 'src', 'main.js'))) throw new Error('the service did not compile');
  cpSync(join(ROOT, 'src', 'web', 'views'), join(dist, 'src', 'web', 'views'), { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'gremienlauf-key-processes-'));
}, 240_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string>): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, { cwd: work, encoding: 'utf8', env: { PATH: process.env.PATH, GREMIENLAUF_DIST: dist, ...env }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('a signing key that is no key', () => {
  test('GREMIENLAUF_SIGNING_KEY=garbage: the CLI answers in one German line with exit 1', () => {
    const list = run([LAUNCHER, 'list'], { DATABASE_URL: join(work, 'cli.sqlite'), GREMIENLAUF_SIGNING_KEY: 'garbage' });
    expect([list.code, list.stdout]).toEqual([1, '']);
    expect(list.stderr).toMatch(/^Fehler: Ungültiger Signaturschlüssel: die Umgebungsvariable GREMIENLAUF_SIGNING_KEY enthält keinen lesbaren privaten Schlüssel \(.*\)\.\n$/);
  });

  test('a key file that holds no key: the service (npm start) ends with one German line naming the file, no stack', () => {
    const file = join(work, 'kein-schluessel.pem');
    writeFileSync(file, 'garbage\n');
    const started = run([join(dist, 'src', 'main.js')], { DATABASE_URL: join(work, 'service.sqlite'), GREMIENLAUF_SIGNING_KEY_FILE: file, PORT: '4311', HOST: '127.0.0.1' });
    expect(started.code).toBe(1);
    expect(started.stderr).toMatch(new RegExp(`^Ungültiger Signaturschlüssel: die Schlüsseldatei ${file} enthält keinen lesbaren privaten Schlüssel \\(.*\\)\\.\\n$`));
    expect(started.stdout).not.toMatch(/DECODER|\n\s+at /);
  });
});

const onPostgres = testDatabaseKinds().includes('postgres') ? describe : describe.skip;

onPostgres('two instances started at the same moment on an empty PostgreSQL database, each with its own key file', () => {
  test('one comes up; the other is refused in one line naming its key file and the key id the database is bound to (and its own, where it made one)', async () => {
    await openTestDatabase('postgres');
    const serve = (name: string, port: number) => {
      const cwd = join(work, name);
      mkdirSync(cwd, { recursive: true });
      const child = spawn(process.execPath, [LAUNCHER, 'serve', '--port', String(port), '--host', '127.0.0.1', '--json'], {
        cwd,
        env: { PATH: process.env.PATH, GREMIENLAUF_DIST: dist, DATABASE_URL: process.env.TEST_DATABASE_URL!, GREMIENLAUF_BOOTSTRAP_TOKEN: 'glf_test_0123456789abcdef0123456789abcdef' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const outcome = new Promise<{ up: boolean; code: number | null; stderr: string; keyFile: string }>((resolve) => {
        child.stdout.on('data', () => {
          if (/"url": "/.test(stdout)) resolve({ up: true, code: null, stderr, keyFile: join(cwd, 'data', 'signing-key.pem') });
        });
        child.once('exit', (code) => resolve({ up: false, code, stderr, keyFile: join(cwd, 'data', 'signing-key.pem') }));
      });
      const stop = async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const ended = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await ended;
      };
      return { outcome, stop };
    };
    const instances = [serve('maschine-1', 4321), serve('maschine-2', 4322)];
    try {
      const outcomes = await Promise.all(instances.map((i) => i.outcome));
      expect(outcomes.map((o) => o.up).sort()).toEqual([false, true]);
      const refused = outcomes.find((o) => !o.up)!;
      expect(refused.code).toBe(1);
      const { error } = JSON.parse(refused.stderr) as { error: { kind: string; message: string } };
      expect(error.kind).toBe('startRefused');
      expect(error.message).not.toContain('\n');
      const ids = [...new Set([...error.message.matchAll(/Schlüssel-ID ([0-9a-f]{64})/g)].map((m) => m[1]))];
      const up = outcomes.find((o) => o.up)!;
      if (error.message.startsWith(`Der Signaturschlüssel ${refused.keyFile} fehlt`)) {
        // It saw the other's key recorded before it made one: it wrote none.
        expect(error.message).toMatch(/^Der Signaturschlüssel \S+ fehlt, die Datenbank ist aber an die Schlüssel-ID [0-9a-f]{64} gebunden: ein neuer Schlüssel wiche von dem der anderen Instanzen ab\./);
        expect(ids).toHaveLength(1);
        expect(existsSync(refused.keyFile)).toBe(false);
      } else {
        // Both made a key; the other recorded its key first.
        expect(ids).toHaveLength(2);
        expect(error.message).toMatch(new RegExp(`^Der Signaturschlüssel in ${refused.keyFile} \\(Schlüssel-ID ${ids[0]}\\) ist nicht der Schlüssel dieser Datenbank: die Datenbank ist an die Schlüssel-ID ${ids[1]} gebunden`));
      }
      expect(existsSync(up.keyFile)).toBe(true);
      expect(error.message).toContain('GREMIENLAUF_SIGNING_KEY_FILE');
      expect(error.message).toContain('GREMIENLAUF_SIGNING_KEY');
    } finally {
      for (const instance of instances) await instance.stop();
    }
  }, 120_000);
});
