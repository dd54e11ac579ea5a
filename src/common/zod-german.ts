/**
 * zod speaks German in this project: every schema's messages, wherever it is parsed (a request,
 * the environment at start-up, the CLI before any module of the service is loaded). Importing
 * this module configures zod once for the whole process.
 */
import { z } from 'zod';
import { deadlineSchema } from '../../machines/body.events';

z.config(z.locales.de());
z.config({ customError: germanMessage });

/** What an e-mail address that is none is told (a form puts it in its own words). */
export const NO_EMAIL = 'Erwartet wird eine E-Mail-Adresse (name@example.de).';

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

/**
 * How a value of a structured kind is written, by its schema: said after a value of the wrong
 * kind (`"2025-11-30"` where a Frist is an object) and after an unknown `kind`.
 */
const SHAPES = new WeakMap<object, string>([
  [
    deadlineSchema,
    'Eine Frist wird so angegeben: {"kind":"date","date":"2025-11-30"}, {"kind":"month","month":"2025-11"}, ' +
      '{"kind":"session","issuer":"IT-PLR","session":45}, {"kind":"firstSession","issuer":"IT-PLR","year":2026} oder {"kind":"untilFurtherNotice"}.',
  ],
]);

/** The shape of the schema's values (see SHAPES) after a space, or nothing. */
function shapeOf(issue: z.core.$ZodRawIssue): string {
  const shape = issue.inst ? SHAPES.get(issue.inst) : undefined;
  return shape ? ` ${shape}` : '';
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return KINDS.array;
  if (typeof value === 'number' && !Number.isInteger(value)) return 'eine Kommazahl';
  return KINDS[typeof value] ?? typeof value;
}

/**
 * German messages for the issues a user meets most (a missing field, a value of the wrong kind,
 * too short or too long, not one of the allowed values, no id or e-mail address), in the words of the forms; zod's own
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
      return notTheKind(issue.expected, issue.input) + shapeOf(issue);
    case 'invalid_union': {
      // A discriminated union (a Frist) whose `kind` is missing or none of its own: named at `kind`.
      const { discriminator, options } = issue as { discriminator?: string; options?: unknown[] };
      if (!discriminator || !options?.length) return undefined;
      const given = typeof issue.input === 'object' && issue.input !== null ? (issue.input as Record<string, unknown>)[discriminator] : undefined;
      const allowed = options.map((v) => JSON.stringify(v)).join(', ');
      return `${given === undefined ? 'Pflichtangabe fehlt' : `${JSON.stringify(given)} gibt es nicht`}; erlaubt ist eines von: ${allowed}.${shapeOf(issue)}`;
    }
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
    case 'invalid_format':
      if (issue.format === 'uuid') return 'Erwartet wird eine ID (UUID: 32 Hexadezimalziffern in Gruppen 8-4-4-4-12).';
      if (issue.format === 'email') return NO_EMAIL;
      return undefined;
    default:
      return undefined;
  }
}

/** The message for a value of the wrong kind (`object`, `array`, `string`, …), as zod's own in this project. */
export function notTheKind(expected: string, value: unknown): string {
  return `Erwartet wird ${KINDS[expected] ?? expected}, nicht ${kindOf(value)}.`;
}
