#!/usr/bin/env node
'use strict';
/**
 * `gremienlauf` (the package's bin): starts the compiled CLI. Like `npm start` it builds first
 * when the sources changed since the last build, or there is none yet (bin/build.js, output to
 * stderr so that `--json` output stays clean). GREMIENLAUF_DIST points to another build folder,
 * which is taken as it is (used by the tests).
 */
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

const ENTRY = join('src', 'cli', 'main.js');

if (process.env.GREMIENLAUF_DIST) {
  const entry = join(resolve(process.env.GREMIENLAUF_DIST), ENTRY);
  if (!existsSync(entry)) {
    process.stderr.write(`gremienlauf: ${entry} fehlt.\n`);
    process.exit(1);
  }
  require(entry);
} else {
  const { buildIfStale } = require('./build');
  if (!buildIfStale(ENTRY)) {
    process.stderr.write('gremienlauf: Übersetzen fehlgeschlagen (npm run build zeigt die Fehler).\n');
    process.exit(1);
  }
  require(join(__dirname, '..', 'dist', ENTRY));
}
