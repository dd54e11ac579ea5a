/**
 * The service cannot do the work now, for a reason it says to the caller itself (`publicMessage`):
 * answered 503 with that message by src/common/http-errors.ts (which imports this folder, not the
 * other way round). The subclasses name the reason: the SQLite file replaced
 * (`DatabaseFileReplaced`), the instance not registered on PostgreSQL (`UnregisteredInstance`),
 * PostgreSQL out of reach (`DatabaseUnreachable`). `message` is for the log, and may say more.
 */
export class ServiceUnavailable extends Error {
  readonly statusCode = 503;

  constructor(
    readonly publicMessage: string,
    { logMessage = publicMessage, cause }: { logMessage?: string; cause?: unknown } = {},
  ) {
    super(logMessage, cause === undefined ? undefined : { cause });
  }
}
