import { eventDataSchemas, termEndSchema } from './body.events';

/** The messages the schema gives for a value, or 'OK'. */
function said(schema: { safeParse(value: unknown): { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, value: unknown) {
  const result = schema.safeParse(value);
  return result.success ? 'OK' : result.error!.issues.map((i) => [i.path.join('.'), i.message]);
}

describe('months and years of a Frist or a term end lie within the business dates, as days do', () => {
  test('a report due in a month beyond 2100 is refused at its month (its periods would lie beyond every day the register knows)', () => {
    const request = (month: string) => said(eventDataSchemas.reportRequested, { kind: 'Zwischenbericht', addressee: 'IT-PLR', due: { kind: 'month', month } });
    expect(request('9999-12')).toEqual([['due.month', 'Der Monat liegt außerhalb des zulässigen Bereichs (1949-05 bis 2100-12).']]);
    expect(request('1949-04')).toEqual([['due.month', 'Der Monat liegt außerhalb des zulässigen Bereichs (1949-05 bis 2100-12).']]);
    expect(request('2026-13')).toEqual([['due.month', 'Erwartet einen Monat im Format JJJJ-MM, z. B. 2024-11.']]);
    expect(request('2100-12')).toBe('OK');
    expect(request('1949-05')).toBe('OK');
  });

  test('a term end names what is wrong with the form it is written in, and which forms there are where it fits none', () => {
    expect(said(termEndSchema, { year: '3025' })).toEqual([['year', 'Das Jahr liegt außerhalb des zulässigen Bereichs (1949 bis 2100).']]);
    expect(said(termEndSchema, { month: '9999-12' })).toEqual([['month', 'Der Monat liegt außerhalb des zulässigen Bereichs (1949-05 bis 2100-12).']]);
    expect(said(termEndSchema, '2025-02-29')).toEqual([['', 'Erwartet ein existierendes Kalenderdatum im Format JJJJ-MM-TT, z. B. 2025-03-31.']]);
    expect(said(termEndSchema, '3025-01-01')).toEqual([['', 'Das Datum liegt außerhalb des zulässigen Bereichs (1949-05-23 bis 2100-12-31).']]);
    const forms = 'Erwartet ein Datum "JJJJ-MM-TT", einen Monat {"month":"JJJJ-MM"} oder ein Jahr {"year":"JJJJ"}.';
    expect(said(termEndSchema, { year: '25' })).toEqual([['year', 'Bitte das Jahr vierstellig angeben (z. B. 2025).']]);
    expect(said(termEndSchema, { month: 'Juli 2027' })).toEqual([['month', 'Erwartet einen Monat im Format JJJJ-MM, z. B. 2024-11.']]);
    for (const value of ['gestern', '', null, { day: '1' }, { month: '2026-11', year: '2026' }, 7]) {
      expect([value, said(termEndSchema, value)]).toEqual([value, [['', forms]]]);
    }
    for (const value of ['2027-12-31', { month: '2100-12' }, { year: '2100' }]) expect(said(termEndSchema, value)).toBe('OK');
  });

  test('an approval until a year beyond 2100 is refused at its year', () => {
    expect(said(eventDataSchemas.approved, { approvedUntil: { year: '9999' } })).toEqual([['approvedUntil.year', 'Das Jahr liegt außerhalb des zulässigen Bereichs (1949 bis 2100).']]);
  });
});
