'use strict';
/**
 * Builds the service only when its sources changed since the last build. The fingerprint is a
 * SHA-256 over the path and content of every file the build reads (src/, machines/, config/,
 * the tsconfig and nest-cli files, the package manifests); `nest build` empties dist/, so the
 * fingerprint is written to dist/.source-hash after a build that succeeded. Contents, not
 * modification times: a fresh clone, a checkout or a copy gives the right answer either way.
 */
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const SOURCE_DIRS = ['src', 'machines', 'config'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package.json', 'package-lock.json'];
const STAMP = join(root, 'dist', '.source-hash');

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

/**
 * Runs `nest build` when dist/ is missing or stale. Its output goes to stderr (`--json` output of
 * the CLI stays clean). Returns false when the build failed.
 */
function buildIfStale(entry, force = false) {
  if (!force && isCurrent(entry)) return true;
  const hash = sourceHash();
  process.stderr.write(`gremienlauf: ${existsSync(join(root, 'dist', entry)) ? 'Quellen geändert' : 'noch nicht übersetzt'} – „nest build“ …\n`);
  const nest = require.resolve('@nestjs/cli/bin/nest.js', { paths: [root] });
  const build = spawnSync(process.execPath, [nest, 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0 || !existsSync(join(root, 'dist', entry))) return false;
  writeFileSync(STAMP, `${hash}\n`);
  return true;
}

module.exports = { buildIfStale, isCurrent, sourceHash };

// `node bin/build.js [--force]` (npm run build: always).
if (require.main === module) {
  if (!buildIfStale(join('src', 'main.js'), process.argv.includes('--force'))) {
    process.stderr.write('gremienlauf: Übersetzen fehlgeschlagen (npm run build zeigt die Fehler).\n');
    process.exit(1);
  }
}
