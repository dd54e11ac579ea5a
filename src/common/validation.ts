import { z } from 'zod';
import { ValidationError } from './errors';

z.config(z.locales.de());
z.config({ customError: germanMessage });

/** What a value is, in the words of the messages below. */
const KINDS: Record<string, string> = {
  string: 'Text',
  number: 'eine Zahl',
  int: 'eine ganze Zahl',
  boolean: 'true oder false',
  object: 'ein Objekt ({ … })',
  array: 'eine Liste ([ … ])',
  null: 'null',
};

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return KINDS.array;
  if (typeof value === 'number' && !Number.isInteger(value)) return 'eine Kommazahl';
  return KINDS[typeof value] ?? typeof value;
}

/**
 * German messages for the issues a user meets most (a missing field, a value of the wrong kind,
 * too short or too long, not one of the allowed values), in the words of the forms; zod's own
 * German ones ("erwartet string, erhalten undefined") name JavaScript types. A schema's own
 * message still comes first; every other issue keeps zod's German message.
 */
function germanMessage(issue: z.core.$ZodRawIssue): string | undefined {
  const missing = !('input' in issue) || issue.input === undefined;
  switch (issue.code) {
    case 'invalid_type':
      if (missing) return 'Pflichtangabe fehlt.';
      // NaN: a number read from text that is none (a query's `year=abc`, a form field).
      if (Number.isNaN(issue.input)) return `Erwartet wird ${KINDS[issue.expected] ?? issue.expected}.`;
      return `Erwartet wird ${KINDS[issue.expected] ?? issue.expected}, nicht ${kindOf(issue.input)}.`;
    case 'invalid_value':
      if (missing) return 'Pflichtangabe fehlt.';
      return issue.values.length === 1
        ? `Erwartet wird ${JSON.stringify(issue.values[0])}.`
        : `Erlaubt ist eines von: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min === 1 ? 'Darf nicht leer sein.' : `Mindestens ${min} Zeichen.`;
      if (issue.origin === 'array') return min === 1 ? 'Mindestens ein Eintrag.' : `Mindestens ${min} Einträge.`;
      if (issue.origin === 'number') return issue.inclusive ? `Mindestens ${min}.` : `Größer als ${min}.`;
      return undefined;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `Höchstens ${max} Zeichen.`;
      if (issue.origin === 'array') return `Höchstens ${max} Einträge.`;
      if (issue.origin === 'number') return issue.inclusive ? `Höchstens ${max}.` : `Kleiner als ${max}.`;
      return undefined;
    }
    default:
      return undefined;
  }
}

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

/**
 * A request's JSON body that must be an object, for routes that add to it before parsing (the
 * body's id from the path); a request without a body counts as `{}`. Anything else is refused
 * at the root, as a schema would.
 */
export function objectBody(body: unknown): object {
  if (body === undefined) return {};
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body;
  throw ValidationError.at('', `Erwartet wird ${KINDS.object}, nicht ${kindOf(body)}.`);
}

function formatPath(at: string, path: PropertyKey[]): string {
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
