import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from './errors';

/** The one shape of every error response. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details: unknown;
}

const STATUS_OF: Record<DomainError['kind'], number> = {
  validation: 400,
  'not-found': 404,
  conflict: 409,
  refused: 422,
};

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
};

const GERMAN: Record<number, string> = {
  400: 'Die Anfrage ist ungültig.',
  401: 'Anmeldung erforderlich.',
  403: 'Keine Berechtigung.',
  404: 'Nicht gefunden.',
  405: 'Diese Methode ist hier nicht erlaubt.',
  413: 'Die Anfrage ist zu groß.',
  415: 'Dieses Format wird nicht angenommen; erwartet wird application/json.',
  429: 'Zu viele Anfragen; bitte später erneut versuchen.',
  431: 'Die Kopfzeilen der Anfrage sind zu groß.',
};

const logger = new Logger('Errors');

/**
 * A response given before (to a request with the same `Idempotency-Key`), sent again byte for
 * byte. Thrown by the idempotency interceptor, so that the handler does not run at all.
 */
export class StoredResponse {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {}
}

/** True when the error is the client's (4xx): its response may be stored and replayed. */
export function isClientError(error: unknown): boolean {
  return error instanceof DomainError || statusOf(error) < 500;
}

/** Maps any error to a status and the one error shape. Internals never reach the client. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof DomainError) {
    const statusCode = STATUS_OF[error.kind];
    return { statusCode, error: REASON[statusCode], message: error.message, details: error.details };
  }
  const statusCode = statusOf(error);
  if (statusCode >= 500) {
    logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return { statusCode: 500, error: REASON[500], message: 'Interner Fehler; der Vorgang wurde nicht ausgeführt.', details: null };
  }
  return { statusCode, error: REASON[statusCode] ?? 'Error', message: refusalMessage(error, statusCode), details: null };
}

/** The message of a refusal that is no domain error: fixed per status, unless the error has one for the caller. */
function refusalMessage(error: unknown, statusCode: number): string {
  const publicMessage = (error as { publicMessage?: unknown } | null)?.publicMessage;
  if (typeof publicMessage === 'string') return publicMessage;
  if (statusCode === 400 && isJsonSyntaxError(error)) return 'Der Inhalt der Anfrage ist kein gültiges JSON.';
  if ((error as { code?: unknown } | null)?.code === 'FST_ERR_BAD_URL') {
    return 'Die Adresse enthält ein ungültig kodiertes Zeichen (Prozentkodierung, die kein UTF-8 ist).';
  }
  if (statusCode === 404 && error instanceof HttpException) return 'Diese Adresse gibt es nicht.';
  return GERMAN[statusCode] ?? 'Die Anfrage wurde abgelehnt.';
}

/**
 * The answer to a request Node's HTTP parser refused before any route saw it (headers too
 * large, a broken request line), written straight to the socket in the one error shape.
 */
export function clientErrorResponse(error: { code?: string }): string | null {
  if (error.code === 'ECONNRESET' || error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return null;
  const statusCode = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const message = statusCode === 431 ? GERMAN[431] : 'Die Anfrage ist keine gültige HTTP-Anfrage.';
  const body = JSON.stringify({ statusCode, error: REASON[statusCode], message, details: null } satisfies ErrorBody);
  return [
    `HTTP/1.1 ${statusCode} ${REASON[statusCode]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

function statusOf(error: unknown): number {
  if (error instanceof HttpException) return error.getStatus();
  const status = (error as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

function isJsonSyntaxError(error: unknown): boolean {
  const cause = error instanceof HttpException ? error.cause : error;
  const code = (cause as { code?: string } | undefined)?.code;
  return cause instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof StoredResponse) {
      const reply = host.switchToHttp().getResponse<FastifyReply>();
      void reply.status(exception.status).header('content-type', 'application/json; charset=utf-8').send(exception.body);
      return;
    }
    const body = toErrorBody(exception);
    // A route may have set its success type already (@Header): an error is JSON all the same.
    void host.switchToHttp().getResponse<FastifyReply>().status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
