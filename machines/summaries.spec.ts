import { summarizeEvent, type BodyEvent } from '.';
import { DECISION_2025_03_AL, approved, event, extended, given, reportSubmitted, started, submitted } from '../test/support/machine-events';

/** given(events…), when(event) → the summary of that event, from the context before and after it. */
function summaryOf(setup: BodyEvent[], e: BodyEvent): string {
  const { snapshot, when } = given(...setup);
  const { verdict, next } = when(e);
  if (!verdict.allowed) throw new Error(verdict.reason);
  return summarizeEvent(e.type, e.data, snapshot.context, next.context);
}

const ACTIVE = [submitted(), approved('2027-12-31'), started()];

describe('what the history says an event changed', () => {
  test('an extension names the old and the new end', () => {
    expect(summaryOf(ACTIVE, extended('2029-06-30', { ...DECISION_2025_03_AL }, '2025-03-20'))).toBe('befristet bis 31.12.2027 → 30.06.2029');
  });

  test('an extension to a month shows the month as written and the day it resolves to', () => {
    expect(summaryOf(ACTIVE, event('extended', { approvedUntil: { month: '2029-06' } }, '2025-03-20', DECISION_2025_03_AL))).toBe(
      'befristet bis 31.12.2027 → Juni 2029 (bis 30.06.2029)',
    );
  });

  test('a lead\'s extension request shows the date and the justification', () => {
    expect(summaryOf(ACTIVE, event('extensionRequested', { approvedUntil: '2028-12-31', justification: 'Pilotierung in drei Ländern offen.' }, '2025-01-10'))).toBe(
      'Verlängerung beantragt bis 31.12.2028 (bisher 31.12.2027): Pilotierung in drei Ländern offen.',
    );
  });

  test('an added lead shows as "Federführung: + Hessen", contacts only counted', () => {
    expect(
      summaryOf(ACTIVE, event('leadsChanged', { added: ['Sachsen'], removed: ['Bremen'], contactIds: ['00000000-0000-4000-8000-000000000009'] }, '2025-01-10')),
    ).toBe('Federführung: + Sachsen, − Bremen; Ansprechpersonen: + 1');
  });

  test('a reclassification names kind and parent before and after; a note is added', () => {
    expect(
      summaryOf(ACTIVE, event('reclassified', { kind: 'Arbeitsgruppe', parent: 'IT-PLR', note: 'laut Protokoll' }, '2025-03-20', DECISION_2025_03_AL)),
    ).toBe('Art: Projektgruppe → Arbeitsgruppe; übergeordnet: AL-Runde → IT-PLR; Vermerk: laut Protokoll');
  });

  test('submitting a recurring report names the next period', () => {
    const yearly = event('reportRequested', { kind: 'Jahresbericht', addressee: 'IT-PLR', due: { kind: 'month', month: '2025-01' }, recurrence: { everyMonths: 12 } }, '2024-07-01');
    expect(summaryOf([...ACTIVE, yearly], reportSubmitted('r2', '2025-01-15'))).toBe(
      'Erster Zwischenbericht (r2) an IT-PLR; nächster Jahresbericht im Januar 2026 (r3)',
    );
  });

  test('approval names the term; renaming the titles', () => {
    expect(summaryOf([submitted()], approved({ month: '2025-07' } as never))).toBe('befristet bis Juli 2025 (bis 31.07.2025)');
    expect(summaryOf(ACTIVE, event('renamed', { title: 'OZG 2.0' }, '2025-01-10'))).toBe('Titel: Weiterentwicklung Struktur OZG Föderal → OZG 2.0');
  });
});
