#!/usr/bin/env node
/** Entry of the compiled CLI (dist/src/cli/main.js); `bin/gremienlauf.js` starts it. */
import { runCli } from './cli';

/** Standard input's bytes; the CLI decodes them as it decodes a file. */
function readStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: readStdin,
  env: process.env,
}).then((code) => {
  // Exit once the output is written, even if a library left a handle open.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});
