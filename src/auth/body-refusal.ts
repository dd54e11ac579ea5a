/**
 * A body the parser cannot read (no JSON, not UTF-8, a name twice, a type nothing here reads)
 * is not refused by the parser: it keeps the refusal on the request and hands on no body. The
 * guards first settle who is calling and whether its role may call the route at all (401, 403),
 * and only then say the refusal (src/auth/access.guard.ts): an auditor, who never writes, is told
 * 403 on a write route whatever it sent; the roles that may write still get the clear 400.
 */
import type { FastifyRequest } from 'fastify';
import { toErrorBody } from '../common/http-errors';

const BODY_REFUSAL = Symbol('gremienlauf.bodyRefusal');

type WithBodyRefusal = { [BODY_REFUSAL]?: unknown };

/** Keeps why the request's body could not be read, for `assertBodyRead`. */
export function deferBodyRefusal(request: object, refusal: unknown): void {
  (request as WithBodyRefusal)[BODY_REFUSAL] = refusal;
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
