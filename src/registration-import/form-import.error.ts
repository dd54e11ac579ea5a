import { DomainError } from '../common/errors';

/** One thing wrong with a registration form: where (line, 1-based; null when the field is missing or the problem is not tied to a line), which field, what. */
export interface FormProblem {
  line: number | null;
  field: string;
  message: string;
}

/** A registration form that cannot be imported; nothing is created from it. Maps to 400 like any invalid input. */
export class FormImportError extends DomainError {
  readonly kind = 'validation';

  constructor(readonly details: FormProblem[]) {
    super(
      `Das Registrierungsformular kann nicht übernommen werden (${details.length} Fehler):\n` +
        details.map((p) => `- ${describeProblem(p)}`).join('\n'),
    );
    this.name = 'FormImportError';
  }

  get problems(): FormProblem[] {
    return this.details;
  }
}

/** `Zeile 9, Feld „Beginn der Tätigkeit“: …` */
export function describeProblem(problem: FormProblem): string {
  const where = problem.line === null ? `Feld „${problem.field}“` : `Zeile ${problem.line}, Feld „${problem.field}“`;
  return `${where}: ${problem.message}`;
}
