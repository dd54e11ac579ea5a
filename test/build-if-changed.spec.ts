/**
 * `npm start` (bin/start.js) and the CLI (bin/gremienlauf.js) build through one routine
 * (bin/build.js): each builds when the sources changed since the last build, or when there is
 * none, and records the fingerprint in dist/.source-hash, so that neither builds again what the
 * other just built. Run on a copy of bin/ in a temporary project whose `nest build` is a stand-in
 * that writes both entries and counts its runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '..', 'bin');

/** A stand-in for `nest build`: empties dist/ as Nest does, writes both entries, counts its runs; fails with FAIL_BUILD set. */
const FAKE_NEST = `
const { appendFileSync, mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const root = process.cwd();
appendFileSync(join(root, 'builds.log'), 'build\\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.BUILD_MS || 0));
if (process.env.FAIL_BUILD) process.exit(1);
rmSync(join(root, 'dist'), { recursive: true, force: true });
mkdirSync(join(root, 'dist', 'src', 'cli'), { recursive: true });
writeFileSync(join(root, 'dist', 'src', 'main.js'), "console.log('Dienst läuft');\\n");
writeFileSync(join(root, 'dist', 'src', 'cli', 'main.js'), "console.log('CLI ' + process.argv.slice(2).join(' '));\\n");
`;

let project: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, ...extra };
}

function run(script: 'start.js' | 'gremienlauf.js', args: string[] = [], extra: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [join(project, 'bin', script), ...args], { cwd: project, encoding: 'utf8', env: env(extra), timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function runAsync(script: 'start.js' | 'gremienlauf.js', args: string[], extra: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(project, 'bin', script), ...args], { cwd: project, env: env(extra) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const builds = () => (existsSync(join(project, 'builds.log')) ? readFileSync(join(project, 'builds.log'), 'utf8').split('\n').filter(Boolean).length : 0);
const changeSource = (text: string) => writeFileSync(join(project, 'src', 'main.ts'), text);

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'gremienlauf-build-'));
  mkdirSync(join(project, 'bin'));
  for (const file of ['build.js', 'start.js', 'gremienlauf.js']) copyFileSync(join(BIN, file), join(project, 'bin', file));
  mkdirSync(join(project, 'src', 'cli'), { recursive: true });
  mkdirSync(join(project, 'machines'));
  changeSource('export const version = 1;\n');
  writeFileSync(join(project, 'machines', 'index.ts'), 'export {};\n');
  writeFileSync(join(project, 'package.json'), '{"name":"stand-in","private":true}\n');
  mkdirSync(join(project, 'node_modules', '@nestjs', 'cli', 'bin'), { recursive: true });
  writeFileSync(join(project, 'node_modules', '@nestjs', 'cli', 'package.json'), '{"name":"@nestjs/cli","version":"0.0.0"}\n');
  writeFileSync(join(project, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), FAKE_NEST);
});

afterEach(() => rmSync(project, { recursive: true, force: true }));

describe('one build-if-changed routine for npm start and the CLI', () => {
  it('a first CLI call builds and records the fingerprint, so that npm start then builds nothing', () => {
    const cli = run('gremienlauf.js', ['list']);
    expect(cli).toMatchObject({ code: 0, stdout: 'CLI list\n' });
    expect(cli.stderr).toContain('noch nicht übersetzt – „nest build“');
    expect(existsSync(join(project, 'dist', '.source-hash'))).toBe(true);

    const start = run('start.js');
    expect(start).toMatchObject({ code: 0, stdout: 'Dienst läuft\n', stderr: '' });
    expect(run('gremienlauf.js', ['list'])).toMatchObject({ code: 0, stderr: '' });
    expect(builds()).toBe(1);
  });

  it('the CLI rebuilds after the sources changed (a git pull), as npm start does', () => {
    run('start.js');
    changeSource('export const version = 2;\n');
    const cli = run('gremienlauf.js', ['verify']);
    expect(cli).toMatchObject({ code: 0, stdout: 'CLI verify\n' });
    expect(cli.stderr).toContain('Quellen geändert – „nest build“');
    expect(run('start.js')).toMatchObject({ code: 0, stderr: '' });

    changeSource('export const version = 3;\n');
    expect(run('start.js').stderr).toContain('Quellen geändert');
    expect(run('gremienlauf.js', ['list']).stderr).toBe('');
    expect(builds()).toBe(3);
  });

  it('a failed build is one German line and exit code 1; the next call tries again', () => {
    const failed = run('gremienlauf.js', ['list'], { FAIL_BUILD: '1' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('gremienlauf: Übersetzen fehlgeschlagen (npm run build zeigt die Fehler).');
    expect(existsSync(join(project, 'dist', '.source-hash'))).toBe(false);
    expect(run('gremienlauf.js', ['list'])).toMatchObject({ code: 0, stdout: 'CLI list\n' });
    expect(builds()).toBe(2);
  });

  it('two processes started together after a change build once: the second waits for the first', async () => {
    run('start.js');
    changeSource('export const version = 2;\n');
    const [cli, start] = await Promise.all([runAsync('gremienlauf.js', ['list'], { BUILD_MS: '1500' }), runAsync('start.js', [], { BUILD_MS: '1500' })]);
    expect([cli.code, cli.stdout, start.code, start.stdout]).toEqual([0, 'CLI list\n', 0, 'Dienst läuft\n']);
    expect(`${cli.stderr}${start.stderr}`).toContain('ein anderer Prozess übersetzt gerade – warte …');
    expect(builds()).toBe(2);
  }, 30_000);

  it('a lock left by a build process that died is cleared, not waited for', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    mkdirSync(join(project, 'node_modules', '.cache'), { recursive: true });
    writeFileSync(join(project, 'node_modules', '.cache', 'gremienlauf-build.lock'), `${dead}\n`);
    expect(run('gremienlauf.js', ['list'])).toMatchObject({ code: 0, stdout: 'CLI list\n' });
    expect(existsSync(join(project, 'node_modules', '.cache', 'gremienlauf-build.lock'))).toBe(false);
    expect(builds()).toBe(1);
  });

  it('GREMIENLAUF_DIST is taken as it is, without a build', () => {
    const other = join(project, 'elsewhere');
    mkdirSync(join(other, 'src', 'cli'), { recursive: true });
    writeFileSync(join(other, 'src', 'cli', 'main.js'), "console.log('anderer Build');\n");
    expect(run('gremienlauf.js', ['list'], { GREMIENLAUF_DIST: other })).toMatchObject({ code: 0, stdout: 'anderer Build\n', stderr: '' });
    expect(builds()).toBe(0);
  });
});
