import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * A file or folder of the project, found by walking up from the compiled module: the same call
 * works from the source tree (jest), from dist/ (npm start) and from other build folders (bench).
 */
export function projectFile(relative: string, from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`${relative} nicht gefunden (gesucht ab ${from}).`);
  }
}
