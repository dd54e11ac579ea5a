/** One thing wrong with a registration form: where (line, 1-based; null when the field is missing), which field, what. */
export interface FormProblem {
  line: number | null;
  field: string;
  message: string;
}

/** A registration form that cannot be imported; nothing is created from it. */
export class FormImportError extends Error {
  readonly code = 'FORM_IMPORT';

  constructor(readonly problems: FormProblem[]) {
    super(
      `Das Registrierungsformular kann nicht übernommen werden (${problems.length} Fehler):\n` +
        problems.map((p) => `- ${describeProblem(p)}`).join('\n'),
    );
    this.name = 'FormImportError';
  }
}

/** `Zeile 9, Feld „Beginn der Tätigkeit“: …` */
export function describeProblem(problem: FormProblem): string {
  const where = problem.line === null ? `Feld „${problem.field}“` : `Zeile ${problem.line}, Feld „${problem.field}“`;
  return `${where}: ${problem.message}`;
}
