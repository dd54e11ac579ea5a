import { z } from 'zod';
import { deadlineSchema } from '../../machines';
import { ValidationError } from './errors';
import { parseInput } from './validation';

const schema = z.strictObject({
  title: z.string().min(1),
  count: z.number().int().min(1).max(5),
  successor: z.object({ name: z.string() }),
  leads: z.array(z.string()).min(1),
  kind: z.enum(['Projektgruppe', 'Arbeitsgruppe']),
  code: z.string().max(3),
  note: z.string().min(1, 'Eine eigene Meldung bleibt.'),
});

/** The messages by field of what parseInput refuses. */
function messages(input: unknown): Record<string, string> {
  try {
    parseInput(schema, input, 'data');
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return Object.fromEntries(error.details.map((d) => [d.path, d.message]));
  }
  throw new Error('accepted');
}

describe('parseInput’s messages', () => {
  test('a missing field is named as missing, whatever its kind', () => {
    const all = messages({});
    expect(Object.keys(all)).toHaveLength(7);
    for (const message of Object.values(all)) expect(message).toBe('Pflichtangabe fehlt.');
  });

  test('a value of the wrong kind says what was expected and what came, in the words of a form', () => {
    expect(messages({ title: 5, count: '1', successor: 'Nachfolge', leads: [1], kind: 'Projektgruppe', code: 'a', note: 'x' })).toEqual({
      'data.title': 'Erwartet wird Text, nicht eine Zahl.',
      'data.count': 'Erwartet wird eine Zahl, nicht Text.',
      'data.successor': 'Erwartet wird ein Objekt ({ … }), nicht Text.',
      'data.leads[0]': 'Erwartet wird Text, nicht eine Zahl.',
    });
    expect(messages({ title: 'T', count: 2.5, successor: null, leads: ['Hessen'], kind: 'Projektgruppe', code: 'a', note: 'x' })).toEqual({
      'data.count': 'Erwartet wird eine ganze Zahl, nicht eine Kommazahl.',
      'data.successor': 'Erwartet wird ein Objekt ({ … }), nicht null.',
    });
  });

  test('a number read from text that is none (a query’s year=abc) is not taken for a missing one', () => {
    expect(messages({ title: 'T', count: Number('abc'), successor: { name: 'N' }, leads: ['Hessen'], kind: 'Projektgruppe', code: 'a', note: 'x' })).toEqual({
      'data.count': 'Erwartet wird eine Zahl.',
    });
  });

  test('bounds and allowed values are spelled out; a schema’s own message stays; an unknown field is named', () => {
    expect(messages({ title: '', count: 9, successor: { name: 'N' }, leads: [], kind: 'Gremium', code: 'abcd', note: '', extra: 1 })).toEqual({
      'data.title': 'Darf nicht leer sein.',
      'data.count': 'Höchstens 5.',
      'data.leads': 'Mindestens ein Eintrag.',
      'data.kind': 'Erlaubt ist eines von: "Projektgruppe", "Arbeitsgruppe".',
      'data.code': 'Höchstens 3 Zeichen.',
      'data.note': 'Eine eigene Meldung bleibt.',
      'data.extra': 'Unbekanntes Feld.',
    });
    expect(messages({ title: 'T', count: 0, successor: { name: 'N' }, leads: ['Hessen'], kind: 'Arbeitsgruppe', code: '', note: 'x' })).toEqual({
      'data.count': 'Mindestens 1.',
    });
  });

  test('an id that is no UUID and an e-mail address that is none say what is expected', () => {
    const refused = (schema: z.ZodType, value: string) => {
      try {
        parseInput(schema, value);
      } catch (error) {
        return (error as ValidationError).details[0].message;
      }
      throw new Error('accepted');
    };
    expect(refused(z.uuid(), 'abc')).toBe('Erwartet wird eine ID (UUID: 32 Hexadezimalziffern in Gruppen 8-4-4-4-12).');
    expect(refused(z.email(), 'erika.example.org')).toBe('Erwartet wird eine E-Mail-Adresse (name@example.de).');
  });
});

describe('a Frist given in a form it does not have', () => {
  const closure = z.strictObject({ finalReportDue: deadlineSchema });
  const refused = (input: unknown) => {
    try {
      parseInput(closure, input, 'data');
    } catch (error) {
      return (error as ValidationError).details;
    }
    throw new Error('accepted');
  };
  const SHAPE =
    'Eine Frist wird so angegeben: {"kind":"date","date":"2025-11-30"}, {"kind":"month","month":"2025-11"}, ' +
    '{"kind":"session","issuer":"IT-PLR","session":45}, {"kind":"firstSession","issuer":"IT-PLR","year":2026} oder {"kind":"untilFurtherNotice"}.';

  test('a plain date where a Frist is an object is told how a Frist is written', () => {
    expect(refused({ finalReportDue: '2025-11-30' })).toEqual([{ path: 'data.finalReportDue', message: `Erwartet wird ein Objekt ({ … }), nicht Text. ${SHAPE}` }]);
  });

  test('a Frist without its kind, or with one that does not exist, names the kinds there are', () => {
    const kinds = '"date", "month", "session", "firstSession", "untilFurtherNotice"';
    expect(refused({ finalReportDue: { date: '2025-11-30' } })).toEqual([{ path: 'data.finalReportDue.kind', message: `Pflichtangabe fehlt; erlaubt ist eines von: ${kinds}. ${SHAPE}` }]);
    expect(refused({ finalReportDue: { kind: 'day', date: '2025-11-30' } })).toEqual([{ path: 'data.finalReportDue.kind', message: `"day" gibt es nicht; erlaubt ist eines von: ${kinds}. ${SHAPE}` }]);
  });
});
