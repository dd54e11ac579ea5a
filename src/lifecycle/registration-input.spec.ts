import { EXAMPLE_REGISTRATION } from '../seed/example-registration';
import { registrationInputSchema, type RegistrationInput } from './registration-input';

/** The issues of a registration as the API, the CLI and the import see them: path and message. */
function issuesOf(change: Partial<RegistrationInput>): Array<{ path: string; message: string }> {
  const parsed = registrationInputSchema.safeParse({ ...EXAMPLE_REGISTRATION, ...change });
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('the registration input', () => {
  it('names an unreadable month of the expected end once, not also as an end before the start', () => {
    expect(issuesOf({ expectedEnd: { month: '07.2027' } })).toEqual([{ path: 'expectedEnd.month', message: 'Erwartet einen Monat im Format JJJJ-MM, z. B. 2024-11.' }]);
  });

  it('asks for a four-digit year in German', () => {
    expect(issuesOf({ expectedEnd: { year: '25' } })).toEqual([{ path: 'expectedEnd.year', message: 'Bitte das Jahr vierstellig angeben (z. B. 2025).' }]);
  });

  it('still refuses a readable end before the start', () => {
    expect(issuesOf({ start: '2024-06-17', expectedEnd: { month: '2024-05' } })).toEqual([
      { path: 'expectedEnd', message: 'Das voraussichtliche Ende liegt vor dem Beginn der Tätigkeit.' },
    ]);
  });

  it('refuses a report due before the start, naming the report; a session\'s day is not known and not checked', () => {
    const report = (due: object) => ({ kind: 'Jahresbericht' as const, addressee: 'IT-Planungsrat', due: due as never });
    expect(issuesOf({ start: '2025-04-01', expectedEnd: null, reports: [report({ kind: 'date', date: '2025-03-31' }), report({ kind: 'firstSession', issuer: 'IT-PLR', year: 2024 })] })).toEqual([
      { path: 'reports.0.due', message: 'Der Jahresbericht wäre am 31.03.2025 fällig, vor dem Beginn der Tätigkeit am 01.04.2025.' },
      { path: 'reports.1.due', message: 'Der Jahresbericht wäre zur ersten Sitzung 2024 fällig, vor dem Beginn der Tätigkeit am 01.04.2025.' },
    ]);
    expect(issuesOf({ start: '2025-04-01', expectedEnd: null, reports: [report({ kind: 'date', date: '2025-04-01' }), report({ kind: 'month', month: '2025-04' }), report({ kind: 'session', issuer: 'IT-PLR', session: 1 })] })).toEqual([]);
  });
});
