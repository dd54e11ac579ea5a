/**
 * Refusals of access. Not domain errors: the error filter maps any error with a `statusCode`
 * to that status and a fixed German message, so no detail of the refusal reaches the client;
 * only where the refusal is what the caller's role may do (the role table is no secret) does it
 * say so, in `publicMessage`.
 */
export class AuthenticationRequired extends Error {
  readonly statusCode = 401;
  constructor(reason = 'no credentials') {
    super(reason);
  }
}

export class AccessDenied extends Error {
  readonly statusCode = 403;
  /** `reason` is for the security log; `publicMessage`, when given, for the caller. */
  constructor(
    reason = 'role not allowed',
    readonly publicMessage: string | null = null,
  ) {
    super(reason);
  }
}

export class TooManyAttempts extends Error {
  readonly statusCode = 429;
  constructor(readonly retryAfterSeconds: number) {
    super('too many login attempts');
  }
}
