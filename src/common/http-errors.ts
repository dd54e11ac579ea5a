import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { germanNumber } from '../../machines';
import { ServiceUnavailable } from '../database/service-unavailable';
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
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
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

/** The limits a request can break before any route sees it; a refusal for breaking one names it. */
export interface RequestLimits {
  /** The largest request body, in bytes (BODY_LIMIT). */
  bodyBytes: number;
  /** The longest segment of a path that stands for a value (an id, a decision number), in characters. */
  pathSegmentChars: number;
}

/** What the answer to an error may name besides the error: the limits, and the request that broke one. */
export interface ErrorContext {
  limits?: RequestLimits;
  request?: Pick<FastifyRequest, 'url' | 'headers'>;
}

/** Maps any error to a status and the one error shape. Internals never reach the client. */
export function toErrorBody(error: unknown, context: ErrorContext = {}): ErrorBody {
  if (error instanceof DomainError) {
    const statusCode = STATUS_OF[error.kind];
    return { statusCode, error: REASON[statusCode], message: error.message, details: error.details };
  }
  const statusCode = statusOf(error);
  if (statusCode >= 500) {
    // A state the service names itself (PostgreSQL out of reach, its file replaced) is one line, not a
    // stack: while it lasts, every request logs it.
    if (error instanceof ServiceUnavailable) logger.warn(error.message);
    else logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    const failure = serverFailure(error);
    return { statusCode: failure.statusCode, error: REASON[failure.statusCode], message: failure.message, details: null };
  }
  return { statusCode, error: REASON[statusCode] ?? 'Error', message: refusalMessage(error, statusCode, context), details: null };
}

/**
 * A failure on the service's side, as its users need it said: whether the request was carried
 * out, and whether to try again (503) or whom it takes to mend it (500). Internals stay in the log.
 */
function serverFailure(error: unknown): { statusCode: 500 | 503; message: string } {
  // The service cannot do it now, for a reason it says itself (its database file replaced, PostgreSQL out of reach): said as it is.
  if (error instanceof ServiceUnavailable) return { statusCode: 503, message: error.publicMessage };
  const notDone = 'Der Vorgang wurde nicht ausgeführt:';
  const busy = databaseBusy(error);
  if (busy) {
    const example = busy === 'sqlite' ? 'etwa einem Befehl der Kommandozeile, der gerade schreibt' : 'etwa einer Sitzung, die Zeilen oder Tabellen gesperrt hält';
    return { statusCode: 503, message: `${notDone} die Datenbank blieb zu lange von einem anderen Vorgang belegt (${example}). Bitte gleich noch einmal versuchen.` };
  }
  if (writeForbidden(error)) {
    return { statusCode: 500, message: `${notDone} die Datenbank lässt den Dienst nicht schreiben (ihr Benutzer oder die Datei hat keine Schreibrechte). Das können nur die Betreiber beheben.` };
  }
  if (storageFull(error)) {
    return { statusCode: 500, message: `${notDone} der Speicherplatz der Datenbank ist erschöpft (der Datenträger ist voll). Das können nur die Betreiber beheben.` };
  }
  return { statusCode: 500, message: 'Interner Fehler; der Vorgang wurde nicht ausgeführt.' };
}

/**
 * The database refused a write for want of rights: a PostgreSQL user who may only read (42501),
 * a SQLite file made read-only while the service runs. Nothing was written; the caller is told
 * that it is no fault of the request, the server's own message goes to the log only.
 */
function writeForbidden(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '42501' || code === 'SQLITE_PERM' || (typeof code === 'string' && code.startsWith('SQLITE_READONLY'));
}

/**
 * The database refused a write for want of space: its disk is full, or the file reached its size
 * limit (SQLITE_FULL; PostgreSQL 53100). Nothing was written, as with any failed write.
 */
function storageFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === '53100';
}

/**
 * A lock stayed held by another connection beyond the time the service waits for it: SQLite's
 * write lock (another process) past the busy timeout, a PostgreSQL lock past the unit of work's
 * `lock_timeout` (55P03). Nothing was written, a repeat may go through.
 */
function databaseBusy(error: unknown): 'sqlite' | 'postgres' | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) return 'sqlite';
  return code === '55P03' ? 'postgres' : null;
}

/** The message of a refusal that is no domain error: fixed per status, unless the error has one for the caller. */
function refusalMessage(error: unknown, statusCode: number, context: ErrorContext): string {
  const publicMessage = (error as { publicMessage?: unknown } | null)?.publicMessage;
  if (typeof publicMessage === 'string') return publicMessage;
  if (statusCode === 400 && isEmptyJsonBody(error)) {
    return 'Der Inhalt der Anfrage ist leer, obwohl Content-Type: application/json angegeben ist; erwartet wird JSON (ohne Angaben: {}).';
  }
  if (statusCode === 400 && isJsonSyntaxError(error)) return 'Der Inhalt der Anfrage ist kein gültiges JSON.';
  const code = frameworkCode(error);
  if (code === 'FST_ERR_BAD_URL') {
    return 'Die Adresse enthält ein ungültig kodiertes Zeichen (Prozentkodierung, die kein UTF-8 ist).';
  }
  if (code === 'FST_ERR_MAX_PARAM_LENGTH' || statusCode === 414) return pathTooLong(context);
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || (statusCode === 413 && context.limits)) return bodyTooLarge(context);
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return unsupportedMediaType(context);
  if (code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return 'Der Inhalt der Anfrage ist nicht so lang, wie die Kopfzeile Content-Length angibt.';
  if (statusCode === 404 && error instanceof HttpException) return 'Diese Adresse gibt es nicht.';
  return GERMAN[statusCode] ?? 'Die Anfrage wurde abgelehnt.';
}

/** 414: a segment of the path (between two „/“) longer than the router takes, with its length and the limit. */
function pathTooLong({ limits, request }: ErrorContext): string {
  const path = request?.url.split('?')[0] ?? '';
  const longest = Math.max(0, ...path.split('/').map((segment) => segment.length));
  const limit = limits ? `; erlaubt sind höchstens ${germanNumber(limits.pathSegmentChars)}` : '';
  const found = longest > 0 ? ` hat einen Abschnitt mit ${germanNumber(longest)} Zeichen` : ' hat einen zu langen Abschnitt';
  return `Die Adresse${found} (zwischen zwei „/“)${limit} – so lang ist keine ID und keine Beschlussnummer.`;
}

/** 413: the body over BODY_LIMIT, with the limit in bytes. */
function bodyTooLarge({ limits }: ErrorContext): string {
  if (!limits) return GERMAN[413];
  return `Der Inhalt der Anfrage ist zu groß: angenommen werden höchstens ${bytesText(limits.bodyBytes)}.`;
}

/** 415 before any route: a body of a type nothing here reads, named, with what the address takes. */
function unsupportedMediaType({ request }: ErrorContext): string {
  const sent = String(request?.headers['content-type'] ?? '').split(';')[0].trim();
  const expected = !request || request.url.startsWith('/api/') ? 'application/json' : 'ein Formular (application/x-www-form-urlencoded)';
  return sent ? `Inhalte vom Typ ${sent} werden nicht angenommen; erwartet wird ${expected}.` : `Dieses Format wird nicht angenommen; erwartet wird ${expected}.`;
}

/** `1.048.576 Bytes (1 MiB)`, `2.048 Bytes (2 KiB)`, `1.000 Bytes`. */
function bytesText(bytes: number): string {
  const exact = [
    [1024 * 1024, 'MiB'],
    [1024, 'KiB'],
  ].find(([unit]) => bytes >= (unit as number) && bytes % (unit as number) === 0);
  const plain = `${germanNumber(bytes)} ${bytes === 1 ? 'Byte' : 'Bytes'}`;
  return exact ? `${plain} (${germanNumber(bytes / (exact[0] as number))} ${exact[1]})` : plain;
}

/** The code of an error Fastify raised (`FST_ERR_…`), also when Nest wrapped it in an HttpException. */
function frameworkCode(error: unknown): string | undefined {
  for (const candidate of [error, error instanceof HttpException ? error.cause : undefined]) {
    const code = (candidate as { code?: unknown } | null | undefined)?.code;
    if (typeof code === 'string') return code;
  }
  return undefined;
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

/** Content-Type application/json with no body at all: Fastify's parser refuses it before any route sees it. */
function isEmptyJsonBody(error: unknown): boolean {
  const cause = error instanceof HttpException ? error.cause : error;
  return (cause as { code?: string } | undefined)?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
}

function isJsonSyntaxError(error: unknown): boolean {
  const cause = error instanceof HttpException ? error.cause : error;
  const code = (cause as { code?: string } | undefined)?.code;
  return cause instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
}

/**
 * Answers an error as a web page where the request is a browser's for one (the web UI's
 * WebErrorFilter, handed over by app.ts); false leaves the answer to the JSON shape.
 */
export interface ErrorPages {
  answer(request: FastifyRequest, reply: FastifyReply, body: ErrorBody): boolean;
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  /** The web UI's error pages, once the application has them. */
  pages: ErrorPages | null = null;

  constructor(private readonly limits?: RequestLimits) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.answer(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }

  /** The answer to an error: the one JSON shape, or a web page for a browser asking for one. Also for errors Fastify finds before routing. */
  answer(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
    if (exception instanceof StoredResponse) {
      void reply.status(exception.status).header('content-type', 'application/json; charset=utf-8').send(exception.body);
      return;
    }
    const body = toErrorBody(exception, { limits: this.limits, request });
    if (this.pages?.answer(request, reply, body)) return;
    // A route may have set its success type already (@Header): an error is JSON all the same.
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
