import { z } from 'zod';
import { ValidationError } from './errors';
import { restoreOffsetPlus } from './time-input';
import { notTheKind } from './zod-german';

/**
 * Parses input with a zod schema; on failure throws a ValidationError that names each failing
 * field (prefixed with `at`, e.g. `data`), with zod's German messages. A query (`at` = `query`)
 * is read as it was meant (`queryAsMeant`), and a parameter given more than once where one
 * value is taken is told so, whatever kind of value it takes.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, at = ''): z.output<S> {
  const given = at === 'query' ? queryAsMeant(input) : input;
  const result = schema.safeParse(given);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ path: formatPath(at, [...issue.path, key]), message: at === 'query' ? 'Unbekannter Parameter.' : 'Unbekanntes Feld.' }))
        : [{ path: formatPath(at, issue.path), message: (at === 'query' && repeatedParameter(given, issue)) || issue.message }],
    ),
  );
}

/** A query's values with the `+` of a time zone restored where it arrived as a space (`restoreOffsetPlus`). */
function queryAsMeant(query: unknown): unknown {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) return query;
  return Object.fromEntries(Object.entries(query).map(([name, value]) => [name, typeof value === 'string' ? restoreOffsetPlus(value) : value]));
}

/**
 * `?year=2025&year=2026` where the schema takes one value: the parameter's issue (a number, a
 * text, one of some values, whatever it expected) says that it came more than once. Null for
 * issues about anything else, and for a schema that takes a list (its issues say what is wrong with it).
 */
function repeatedParameter(query: unknown, issue: z.core.$ZodIssue): string | null {
  if (issue.path.length !== 1 || typeof query !== 'object' || query === null) return null;
  const values = (query as Record<string, unknown>)[String(issue.path[0])];
  if (!Array.isArray(values) || ('origin' in issue && issue.origin === 'array') || (issue.code === 'invalid_type' && issue.expected === 'array')) return null;
  const shown = values.slice(0, 3).map((value) => `„${String(value)}“`);
  return `Mehrfach angegeben (${shown.join(', ')}${values.length > 3 ? ', …' : ''}); der Parameter nimmt einen Wert.`;
}

/**
 * A request's JSON body that must be an object, for routes that add to it before parsing (the
 * body's id from the path); a request without a body counts as `{}`. Anything else is refused
 * at the root, as a schema would.
 */
export function objectBody(body: unknown): object {
  if (body === undefined) return {};
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body;
  throw ValidationError.at('', notTheKind('object', body));
}

/** A field's path as error details name it: `at` (`data`) and zod's segments → `data.contacts[0].id`. */
export function formatPath(at: string, path: readonly PropertyKey[]): string {
  let out = at;
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

/** The most rows one page of a paged list of the API holds. */
export const MAX_PAGE = 1000;

/** The `limit` of a paged list of the API (`rows`: what it lists, e.g. „Fristen“): up to MAX_PAGE, without it all. */
export function pageLimit(rows: string) {
  return z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE)
    .optional()
    .describe(`Höchstens so viele ${rows} (eine Seite, bis ${MAX_PAGE}); ohne limit alle. Die nächste Seite nennt der Link-Header (rel="next").`);
}
