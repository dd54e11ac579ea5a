import { z } from 'zod';
import { ValidationError } from './errors';

z.config(z.locales.de());

/**
 * Parses input with a zod schema; on failure throws a ValidationError that names each failing
 * field (prefixed with `at`, e.g. `data`), with zod's German messages.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, at = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ path: formatPath(at, [...issue.path, key]), message: 'Unbekanntes Feld.' }))
        : [{ path: formatPath(at, issue.path), message: issue.message }],
    ),
  );
}

function formatPath(at: string, path: PropertyKey[]): string {
  let out = at;
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}
