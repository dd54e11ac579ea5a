/**
 * Refusals of access. Not domain errors: the error filter maps any error with a `statusCode`
 * to that status and a fixed German message, so no detail of the refusal reaches the client.
 */
export class AuthenticationRequired extends Error {
  readonly statusCode = 401;
  constructor(reason = 'no credentials') {
    super(reason);
  }
}

export class AccessDenied extends Error {
  readonly statusCode = 403;
  constructor(reason = 'role not allowed') {
    super(reason);
  }
}

export class TooManyAttempts extends Error {
  readonly statusCode = 429;
  constructor(readonly retryAfterSeconds: number) {
    super('too many login attempts');
  }
}
