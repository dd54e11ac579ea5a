#!/usr/bin/env node
/** Entry of the compiled CLI (dist/src/cli/main.js); `bin/gremienlauf.js` starts it. */
import { TextEncodingError, decodeText } from '../common/text-encoding';
import { runCli } from './cli';
import { UsageError } from './errors';

/** Standard input as text, decoded as a file is (UTF-8 or UTF-16; anything else is a usage error). */
function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => {
      try {
        resolve(decodeText(Buffer.concat(chunks)));
      } catch (error) {
        reject(error instanceof TextEncodingError ? new UsageError(`Die Standardeingabe: ${error.message}`) : error);
      }
    });
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
