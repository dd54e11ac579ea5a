import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formSummary } from './form-summary';
import { parseRegistrationForm } from './registration-form.parser';

const SEED = readFileSync(join(__dirname, '../../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
const reportsOf = (plan: string) =>
  formSummary(parseRegistrationForm(SEED.replace('Erster Zwischenbericht an den IT-Planungsrat im November 2024.', plan))).find(([label]) => label === 'Berichtspflichten')?.[1];

describe('the summary of a form before it is taken over', () => {
  test('names each planned report with its Frist, and how often it recurs', () => {
    expect(reportsOf('Erster Zwischenbericht an den IT-Planungsrat im November 2024.')).toBe('Zwischenbericht an IT-Planungsrat im November 2024');
    expect(reportsOf('Jahresbericht jährlich zum 31.12., erstmals 2025; Sachstandsbericht alle 4 Monate ab 30.09.2024.')).toBe(
      'Jahresbericht an AL-Runde zum 31.12.2025, jährlich\nZwischenbericht an AL-Runde zum 30.09.2024, alle 4 Monate',
    );
  });
});
