/**
 * One service per SQLite file, as operators meet it in real processes of the compiled service:
 * a second start on a file a service uses (`npm start` or `gremienlauf serve`, on another port)
 * is refused in one German line naming the file and the running service's PID, before it writes
 * anything; once that service is gone, even killed with SIGKILL, the next start comes up. Local
 * CLI commands keep working beside the service (src/database/service-lock.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const LAUNCHER = join(ROOT, 'bin', 'gremienlauf.js');
const TOKEN = 'glf_test_0123456789abcdef0123456789abcdef';

let dist: string;
let work: string;
let database: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const environment = (env: Record<string, string> = {}) => ({ PATH: process.env.PATH, GREMIENLAUF_DIST: dist, DATABASE_URL: database, GREMIENLAUF_SEED_EXAMPLE: 'false', HOST: '127.0.0.1', ...env });

/** `npm start`'s entry (dist/src/main.js) until it says where it listens: the process, still running. */
async function service(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(dist, 'src', 'main.js')], { cwd: work, env: environment({ PORT: String(port), GREMIENLAUF_BOOTSTRAP_TOKEN: TOKEN }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Gremienlauf läuft')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`ended with ${code}: ${output}`)));
  });
  child.removeAllListeners('exit');
  return child;
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const ended = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await ended;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, args, { cwd: work, encoding: 'utf8', env: environment(env), timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  dist = join(ROOT, 'node_modules', '.cache', `gremienlauf-one-service-${process.pid}`);
  spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(join(dist, 'src', 'main.js'))) throw new Error('the service did not compile');
  cpSync(join(ROOT, 'src', 'web', 'views'), join(dist, 'src', 'web', 'views'), { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'gremienlauf-one-service-'));
  database = join(work, 'daten', 'gremienlauf.sqlite');
}, 240_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
});

describe('a second service on the SQLite file of a running one', () => {
  let first: ChildProcess;

  beforeAll(async () => {
    first = await service(4391);
  }, 60_000);
  afterAll(() => stop(first, 'SIGTERM'));

  const refusal = () =>
    new RegExp(
      `^Die Datenbank ${database.replace(/[.]/g, '\\.')} \\(DATABASE_URL\\) nutzt schon ein anderer Gremienlauf-Dienst \\(PID ${first.pid}, Port 4391, seit [0-9.]+, [0-9:]+ Uhr MES?Z\\); ` +
        'auf einer SQLite-Datei läuft nur einer, dieser startet nicht\\. Die Befehle der CLI erreichen ihn mit --url http://localhost:4391\\.\\n$',
    );

  it('npm start on another port is refused in one line naming the file and the PID, and writes nothing (not even its signing key)', () => {
    const key = join(work, 'zweiter-schluessel.pem');
    const second = run([join(dist, 'src', 'main.js')], { PORT: '4392', GREMIENLAUF_SIGNING_KEY_FILE: key });
    expect([second.code, second.stdout]).toEqual([1, '']);
    expect(second.stderr).toMatch(refusal());
    expect(existsSync(key)).toBe(false);
  });

  it('gremienlauf serve is refused alike, exit code 1', () => {
    const second = run([LAUNCHER, 'serve', '--port', '4393', '--host', '127.0.0.1']);
    expect(second.code).toBe(1);
    expect(second.stderr.replace(/^Abgelehnt: /, '')).toMatch(refusal());
  });

  it('local CLI commands keep working beside it, and the service answers what they wrote', async () => {
    const registered = run([LAUNCHER, 'import', join(ROOT, 'examples', 'registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), '--json']);
    expect([registered.code, registered.stderr]).toEqual([0, '']);
    const bodyId = (JSON.parse(registered.stdout) as { id: string }).id;
    const list = run([LAUNCHER, 'list']);
    expect([list.code, list.stderr]).toEqual([0, '']);
    expect(list.stdout).toContain('Weiterentwicklung Struktur OZG Föderal');
    const answer = await fetch(`http://127.0.0.1:4391/api/bodies/${bodyId}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(answer.status).toBe(200);
  });
});

describe('a service killed with SIGKILL', () => {
  it('leaves no lock behind: the next start comes up', async () => {
    const killed = await service(4394);
    expect(run([join(dist, 'src', 'main.js')], { PORT: '4395' }).stderr).toContain(`nutzt schon ein anderer Gremienlauf-Dienst (PID ${killed.pid}, Port 4394`);
    await stop(killed, 'SIGKILL');
    const next = await service(4395);
    await stop(next, 'SIGTERM');
    expect(next.exitCode ?? next.signalCode).not.toBeNull();
  }, 60_000);
});
