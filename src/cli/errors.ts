/** Exit codes: 0 done, 1 refused (by the service or because the input is wrong), 2 wrong usage. */
export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

/** The command line itself is wrong: unknown command or option, missing argument, unreadable value. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  /** The command whose usage was wrong, if the command line named a known one. */
  command?: string;
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
