'use strict';
/**
 * Builds the service only when its sources changed since the last build: the one routine of
 * `npm start` (bin/start.js), the CLI (bin/gremienlauf.js) and `npm run build`. The fingerprint is
 * a SHA-256 over the path and content of every file the build reads (src/, machines/, config/,
 * the tsconfig and nest-cli files, the package manifests); `nest build` empties dist/, so the
 * fingerprint is written to dist/.source-hash after a build that succeeded. Contents, not
 * modification times: a fresh clone, a checkout or a copy gives the right answer either way.
 * One build at a time: a second process that finds a build running waits for it and then asks
 * again, so `npm start` and a CLI command after a `git pull` neither build twice nor read a dist/
 * that the other is emptying.
 */
const { createHash } = require('node:crypto');
const { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const SOURCE_DIRS = ['src', 'machines', 'config'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package.json', 'package-lock.json'];
const STAMP = join(root, 'dist', '.source-hash');
/** Outside dist/, which the build empties; node_modules/ is there wherever a build can run. */
const LOCK = join(root, 'node_modules', '.cache', 'gremienlauf-build.lock');
/** How long a process waits for another one's build before it gives up. */
const LOCK_WAIT_MS = 10 * 60 * 1000;

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

/** The fingerprint of the sources as they are now. */
function sourceHash() {
  const files = [...SOURCE_DIRS.flatMap((dir) => filesUnder(join(root, dir))), ...SOURCE_FILES.map((file) => join(root, file))]
    .filter((file) => existsSync(file))
    .map((file) => relative(root, file).split('\\').join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file).update('\0').update(readFileSync(join(root, file))).update('\0');
  }
  return hash.digest('hex');
}

/** True when dist/ holds a build of exactly the current sources and has `entry`. */
function isCurrent(entry) {
  if (!existsSync(join(root, 'dist', entry)) || !existsSync(STAMP)) return false;
  return readFileSync(STAMP, 'utf8').trim() === sourceHash();
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Whether the process that wrote the lock is gone (it crashed or was killed mid-build). */
function lockIsStale() {
  let text;
  let age;
  try {
    text = readFileSync(LOCK, 'utf8').trim();
    age = Date.now() - statSync(LOCK).mtimeMs;
  } catch {
    return false; // Gone already: ask again.
  }
  // Empty for the moment between its creation and the writing of the pid, or for good after a crash there.
  if (text === '') return age > 10_000;
  const pid = Number(text);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
}

/** Takes the build lock, waiting while another process holds it. */
function takeLock() {
  mkdirSync(dirname(LOCK), { recursive: true });
  const until = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    if (lockIsStale()) {
      rmSync(LOCK, { force: true });
      continue;
    }
    if (Date.now() > until) throw new Error(`gremienlauf: ${LOCK} besteht seit über ${LOCK_WAIT_MS / 60000} Minuten; läuft kein Build mehr, die Datei löschen.`);
    if (!told) process.stderr.write('gremienlauf: ein anderer Prozess übersetzt gerade – warte …\n');
    told = true;
    sleep(200);
  }
}

/**
 * Runs `nest build` when dist/ is missing `entry` or stale (always with `force`). Its output goes
 * to stderr, so that the CLI's `--json` output stays clean. Returns false when the build failed.
 */
function buildIfStale(entry, force = false) {
  if (!force && isCurrent(entry)) return true;
  takeLock();
  try {
    // Another process may have built these very sources while this one waited for the lock.
    if (!force && isCurrent(entry)) return true;
    const hash = sourceHash();
    process.stderr.write(`gremienlauf: ${existsSync(join(root, 'dist', entry)) ? 'Quellen geändert' : 'noch nicht übersetzt'} – „nest build“ …\n`);
    const nest = require.resolve('@nestjs/cli/bin/nest.js', { paths: [root] });
    const build = spawnSync(process.execPath, [nest, 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
    if (build.status !== 0 || !existsSync(join(root, 'dist', entry))) return false;
    writeFileSync(STAMP, `${hash}\n`);
    return true;
  } finally {
    rmSync(LOCK, { force: true });
  }
}

module.exports = { buildIfStale, isCurrent, sourceHash };

// `node bin/build.js [--force]` (npm run build: always).
if (require.main === module) {
  if (!buildIfStale(join('src', 'main.js'), process.argv.includes('--force'))) {
    process.stderr.write('gremienlauf: Übersetzen fehlgeschlagen (npm run build zeigt die Fehler).\n');
    process.exit(1);
  }
}
