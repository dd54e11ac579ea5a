'use strict';
/** `npm start`: builds only when the sources changed since the last build (bin/build.js), then serves. */
const { join } = require('node:path');
const { buildIfStale } = require('./build');

if (!buildIfStale(join('src', 'main.js'))) {
  process.stderr.write('gremienlauf: Übersetzen fehlgeschlagen (npm run build zeigt die Fehler).\n');
  process.exit(1);
}
require(join(__dirname, '..', 'dist', 'src', 'main.js'));
