/**
 * Exit codes: 0 done, 1 refused (by the service, because the input is wrong, or because the
 * server or the database cannot be reached), 2 wrong usage.
 */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

/** The command line itself is wrong: unknown command or option, missing argument, unreadable value. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  /** The command whose usage was wrong, if the command line named a known one. */
  command?: string;

  constructor(
    message: string,
    /** Whether the pointer to the command's help follows; not where the message itself says what to use instead. */
    readonly showHelp = true,
  ) {
    super(message);
  }
}

/** The command was understood but not carried out; `details` go to `--json` output. */
export class RefusedError extends Error {
  readonly exitCode = EXIT.refused;

  constructor(
    message: string,
    readonly details: unknown = null,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/**
 * The service refuses to start on the database as configured: the signing key file is missing
 * while the log holds checkpoints signed with it (src/audit/signing-key.ts). Nothing was carried
 * out; the message is one German line that says what to do. Exit code 1 like a refusal; `--json`
 * tells it apart as `startRefused`.
 */
export class StartRefusedError extends RefusedError {
  constructor(message: string, options: { cause: unknown }) {
    super(message);
    this.cause = options.cause;
  }
}

/**
 * The server of `--url` or the local database could not be reached, so nothing was carried out
 * (connection.ts says why). Exit code 1 like a refusal; `--json` tells it apart as `unreachable`.
 */
export class UnreachableError extends RefusedError {
  constructor(message: string, details: { target: string; source: string; reason: string }, options: { cause: unknown }) {
    super(message, details);
    this.cause = options.cause;
  }
}
