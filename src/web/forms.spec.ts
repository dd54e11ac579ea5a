import { z } from 'zod';
import { ValidationError } from '../common/errors';
import { parseInput } from '../common/validation';
import { errorList, field, fillForm, group, plainMessage, withGermanDays, type FormField } from './forms';

/** What a form shows under each field for input the validator refuses. */
function formMessages(schema: z.ZodType, input: unknown): Record<string, string> {
  try {
    parseInput(schema, input);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return Object.fromEntries(error.details.map((d) => [d.path, plainMessage(d.message)]));
  }
  throw new Error('accepted');
}

describe('the validator’s messages in a form', () => {
  const schema = z.object({
    title: z.string().min(1),
    leads: z.array(z.string()).min(1),
    kind: z.enum(['Projektgruppe', 'Arbeitsgruppe']),
    sessionNumber: z.number().int(),
    email: z.email(),
    note: z.string().max(5),
  });

  test('empty, missing, not chosen, not a number, too long: each in the words of a form', () => {
    expect(formMessages(schema, { title: '', leads: [], kind: 'Gremium', sessionNumber: Number.NaN, email: 'x', note: 'zu lang' })).toEqual({
      title: 'Bitte ausfüllen.',
      leads: 'Bitte mindestens eine Angabe machen (eine je Zeile).',
      kind: 'Bitte eine der angebotenen Möglichkeiten wählen.',
      sessionNumber: 'Bitte eine Zahl eingeben.',
      email: 'Bitte eine gültige E-Mail-Adresse eingeben, z. B. name@example.de.',
      note: 'Höchstens 5 Zeichen.',
    });
    expect(formMessages(schema, { leads: ['Hessen'], kind: 'Projektgruppe', sessionNumber: 4.5, email: 'a@example.de', note: '' })).toEqual({
      title: 'Bitte ausfüllen.',
      sessionNumber: 'Bitte eine ganze Zahl eingeben.',
    });
    expect(formMessages(z.object({ share: z.number() }), { share: 'viel' })).toEqual({ share: 'Bitte eine Zahl eingeben.' });
  });
});

describe('a required field left empty', () => {
  const items = () => [
    field('start', 'Beginn der Tätigkeit', 'date', { required: true }),
    field('leads', 'Federführung', 'textarea', { required: true }),
    field('expectedEnd', 'Voraussichtliches Ende', 'date'),
  ];
  const dateMessage = 'Erwartet ein existierendes Kalenderdatum im Format JJJJ-MM-TT, z. B. 2025-03-31.';

  test('is asked for as such, not for the format of the empty text; a filled-in or optional one is told what the day should be', () => {
    const empty = items();
    fillForm(empty, { start: '  ', leads: '', expectedEnd: '' }, [
      { path: 'start', message: dateMessage },
      { path: 'leads', message: 'Mindestens ein Eintrag.' },
      { path: 'expectedEnd', message: dateMessage },
    ]);
    expect(empty.map((item) => (item as FormField).error)).toEqual(['Bitte ausfüllen.', 'Bitte mindestens eine Angabe machen (eine je Zeile).', 'Bitte den Tag als TT.MM.JJJJ angeben, z. B. 05.02.2026.']);
    const filled = items();
    fillForm(filled, { start: '2024-02-30' }, [{ path: 'start', message: dateMessage }]);
    expect((filled[0] as FormField).error).toBe('Den 30.02.2024 gibt es nicht.');
  });
});

describe('the error summary', () => {
  const fristen = () => [
    field('session', 'Nummer der Sitzung', 'number'),
    group('report', 'Berichtspflicht', [group('report.due', 'Fälligkeit', [field('report.due.month', 'Monat', 'month'), field('report.due.session', 'Nummer der Sitzung', 'number')])]),
    group('effectDue', 'Neue Frist', [field('effectDue.month', 'Monat', 'month')]),
    group('reports[0]', 'Bericht 1', [group('reports[0].due', 'Fälligkeit', [field('reports[0].due.month', 'Monat', 'month')])]),
  ];

  test('names a field whose label several bear by the fieldsets around it, as far as it takes to tell it apart, and any other by its label', () => {
    const items = fristen();
    fillForm(items, null, ['session', 'report.due.month', 'report.due.session', 'effectDue.month', 'reports[0].due.month'].map((path) => ({ path, message: 'Falsch.' })));
    expect(errorList(items, 'f').map((e) => e.label)).toEqual([
      'Nummer der Sitzung',
      'Berichtspflicht › Fälligkeit › Monat',
      'Fälligkeit › Nummer der Sitzung',
      'Neue Frist › Monat',
      'Bericht 1 › Fälligkeit › Monat',
    ]);
  });
});

describe('days typed the German way in a form post', () => {
  test('are read as ISO days in the day fields only; every other field, a repeated name and anything no day keep what was sent', () => {
    const posted = {
      occurredAt: '5.2.2026',
      'approvedUntil.date': ' 31.12.2027 ',
      start: '31.02.2028',
      date: '2026-03-01',
      receivedOn: '05.02.26',
      password: '01.02.2024',
      title: 'Sitzung vom 01.02.2024',
      note: '01.02.2024',
      'approvedUntil.month': '02.2024',
      from: ['01.02.2024', '02.02.2024'],
    };
    expect({ ...withGermanDays(posted) }).toEqual({
      ...posted,
      occurredAt: '2026-02-05',
      'approvedUntil.date': '2027-12-31',
      // Read as typed: the schema says that this day does not exist.
      start: '2028-02-31',
    });
  });
});
