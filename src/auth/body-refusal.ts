/**
 * A body the parser cannot read (no JSON, not UTF-8, a name twice, a type nothing here reads,
 * more than BODY_LIMIT bytes) is not refused by the parser: it keeps the refusal on the request
 * and hands on no body. The guards first settle who is calling and whether its role may call the
 * route at all (401, 403), and only then say the refusal (src/auth/access.guard.ts): an auditor,
 * who never writes, is told 403 on a write route whatever it sent; the roles that may write still
 * get the clear 400 (413 for a body over the limit).
 */
import { Readable } from 'node:stream';
import { errorCodes, type FastifyReply, type FastifyRequest } from 'fastify';
import { toErrorBody, type RequestLimits } from '../common/http-errors';

const BODY_REFUSAL = Symbol('gremienlauf.bodyRefusal');

type WithBodyRefusal = { [BODY_REFUSAL]?: unknown };

/** Keeps why the request's body could not be read, for `assertBodyRead`; the first reason found stands. */
export function deferBodyRefusal(request: object, refusal: unknown): void {
  const kept = request as WithBodyRefusal;
  if (kept[BODY_REFUSAL] === undefined) kept[BODY_REFUSAL] = refusal;
}

/** Throws the refusal the body parser kept for this request, if any. */
export function assertBodyRead(request: object): void {
  const refusal = (request as WithBodyRefusal)[BODY_REFUSAL];
  if (refusal !== undefined) throw refusal;
}

/**
 * Fastify's 415 for a body of a type no parser takes, with its sentence for this request (the
 * type sent and what the address takes) fixed now, so that every error filter says the same.
 */
export function unsupportedMediaType(request: FastifyRequest): Error {
  const refusal = Object.assign(new Error('Unsupported Media Type'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 });
  return Object.assign(refusal, { publicMessage: toErrorBody(refusal, { request }).message });
}

/**
 * A `preParsing` hook: a body over BODY_LIMIT (`limits.bodyBytes`) is refused like any unreadable
 * one, after the guards, and is not read. Fastify would answer 413 while parsing, before any
 * guard: an auditor heard 413 for a large write and 403 for a small one. One whose Content-Length says it
 * is too large is not read at all: the parser gets an empty body (Fastify compares that header
 * with its limit before it reads, so the header goes). A chunked one is read up to the limit and
 * then no further. Either way the connection closes after the answer, with the rest unread.
 */
export function refuseOversizedBodyLater(limits: RequestLimits) {
  const limit = limits.bodyBytes;
  // Fastify's 413, with its sentence naming the limit fixed now, so that every error filter says the same.
  const tooLarge = (request: FastifyRequest, reply: FastifyReply): void => {
    const refusal = new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    deferBodyRefusal(request, Object.assign(refusal, { publicMessage: toErrorBody(refusal, { limits }).message }));
    reply.header('connection', 'close');
  };
  return (request: FastifyRequest, reply: FastifyReply, payload: Readable, done: (error: Error | null, payload?: Readable) => void): void => {
    const declared = request.headers['content-length'];
    if (declared !== undefined) {
      if (!(Number(declared) > limit)) return done(null, payload);
      tooLarge(request, reply);
      delete request.raw.headers['content-length'];
      return done(null, Readable.from([]));
    }
    if (request.headers['transfer-encoding'] === undefined) return done(null, payload);
    done(null, upTo(limit, payload, () => tooLarge(request, reply)));
  };
}

/** The chunks of `payload` while they add up to `limit` bytes at most; at the first beyond, `over` is told and the stream ends. */
function upTo(limit: number, payload: Readable, over: () => void): Readable {
  const body = new Readable({ read: () => payload.resume() });
  let received = 0;
  const onData = (chunk: Buffer | string) => {
    received += Buffer.byteLength(chunk);
    if (received <= limit) {
      if (!body.push(chunk)) payload.pause();
      return;
    }
    payload.off('data', onData);
    payload.off('end', onEnd);
    payload.pause();
    over();
    body.push(null);
  };
  const onEnd = () => body.push(null);
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.once('error', (error) => body.destroy(error));
  return body;
}
