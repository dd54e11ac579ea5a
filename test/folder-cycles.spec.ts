/**
 * One direction between the feature folders of src/: no two folders import each other. Every
 * relative import or re-export (type-only ones included) from a file in one folder into
 * another folder is an edge; a pair of folders with edges both ways fails, naming the files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SRC = join(__dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** `from 'a/file.ts' to 'b'` for every import of one folder of src/ by another. */
export function folderEdges(src: string): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const from = relative(src, file).split(sep)[0];
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      const target = relative(src, resolve(dirname(file), match[1] ?? match[2]));
      if (target.startsWith('..')) continue;
      const to = target.split(sep)[0];
      const folder = join(src, to);
      if (to === from || !statSync(folder, { throwIfNoEntry: false })?.isDirectory()) continue;
      const key = `${from} -> ${to}`;
      edges.set(key, [...(edges.get(key) ?? []), relative(src, file)]);
    }
  }
  return edges;
}

describe('folders of src/', () => {
  test('no two folders import each other', () => {
    const edges = folderEdges(SRC);
    const cycles: string[] = [];
    for (const [key, files] of edges) {
      const [a, b] = key.split(' -> ');
      const back = edges.get(`${b} -> ${a}`);
      if (a < b && back) cycles.push(`${a} ↔ ${b}: ${[...new Set(files)].join(', ')} | ${[...new Set(back)].join(', ')}`);
    }
    expect(cycles).toEqual([]);
  });

  test('the scan sees the imports it is meant to judge', () => {
    const edges = folderEdges(SRC);
    expect(edges.get('bodies -> lifecycle')).toEqual(expect.arrayContaining([join('bodies', 'bodies.controller.ts')]));
    expect(edges.has('lifecycle -> bodies')).toBe(false);
  });
});
