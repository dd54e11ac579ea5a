/**
 * The handful of domain errors. Services throw these; one exception filter maps them to HTTP
 * (and the CLI to exit codes). Messages are German: they reach the user as they are.
 */

export interface FieldIssue {
  /** Where the problem is, e.g. `data.approvedUntil` or `contacts[1].email`. */
  path: string;
  message: string;
}

/**
 * Several problems as one sentence: `title: Darf nicht leer sein; kind: Unbekannter Wert.` Each
 * message's own closing full stop gives way to the `;` between them, and one ends the list.
 */
export function issueList(messages: readonly string[]): string {
  const joined = messages.map((message) => message.trimEnd().replace(/\.$/, '')).join('; ');
  return joined === '' || /[.!?…]$/.test(joined) ? joined : `${joined}.`;
}

export abstract class DomainError extends Error {
  abstract readonly kind: 'validation' | 'not-found' | 'refused' | 'conflict';
  abstract readonly details: unknown;
}

/** Bad input: each failing field with what is wrong. */
export class ValidationError extends DomainError {
  readonly kind = 'validation';
  constructor(readonly details: FieldIssue[]) {
    super(`Ungültige Angaben – ${issueList(details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)))}`);
  }

  static at(path: string, message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
  readonly details = null;
}

/** The lifecycle (or a rule of the register) forbids the command in the current state. */
export class LifecycleRefusal extends DomainError {
  readonly kind = 'refused';
  constructor(
    message: string,
    readonly details: { state?: string; violations?: string[]; allowedEvents?: string[]; [fact: string]: unknown } = {},
  ) {
    super(message);
  }
}

/** The body moved on since the caller read it, or another writer got there first. */
export class ConcurrencyConflict extends DomainError {
  readonly kind = 'conflict';
  constructor(readonly details: { expectedVersion: number | null; currentVersion: number }) {
    super(
      details.expectedVersion === null
        ? `Ein anderer Schreibvorgang ist zuvorgekommen; der aktuelle Stand ist Version ${details.currentVersion}.`
        : `Erwartet wurde Version ${details.expectedVersion}, der aktuelle Stand ist Version ${details.currentVersion}.`,
    );
  }
}

/** Something that must be unique exists already (e.g. a decision number of the same issuer). */
export class DuplicateError extends DomainError {
  readonly kind = 'conflict';
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
