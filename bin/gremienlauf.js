#!/usr/bin/env node
'use strict';
/**
 * `gremienlauf` (the package's bin): starts the compiled CLI. On a fresh clone there is no
 * build yet, so it builds once first (`nest build`, output to stderr so that `--json` output
 * stays clean). GREMIENLAUF_DIST points to another build folder (used by the tests).
 */
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const dist = process.env.GREMIENLAUF_DIST ? resolve(process.env.GREMIENLAUF_DIST) : join(root, 'dist');
const entry = join(dist, 'src', 'cli', 'main.js');

if (!existsSync(entry)) {
  if (process.env.GREMIENLAUF_DIST) {
    process.stderr.write(`gremienlauf: ${entry} fehlt.\n`);
    process.exit(1);
  }
  process.stderr.write('gremienlauf: Noch nicht übersetzt – einmalig „nest build“ …\n');
  const nest = require.resolve('@nestjs/cli/bin/nest.js', { paths: [root] });
  const build = spawnSync(process.execPath, [nest, 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (build.status !== 0 || !existsSync(entry)) {
    process.stderr.write('gremienlauf: Übersetzen fehlgeschlagen (npm run build zeigt die Fehler).\n');
    process.exit(1);
  }
}

require(entry);
