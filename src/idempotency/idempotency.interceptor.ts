import { Injectable, Optional, RequestMethod, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { defer, lastValueFrom, type Observable } from 'rxjs';
import { PRINCIPAL, type WithPrincipal } from '../auth/principal';
import { ValidationError } from '../common/errors';
import { WITHOUT_IDEMPOTENCY_KEY } from '../common/idempotency-key';
import { IDEMPOTENCY_KEY, IdempotencyService, requestHash, type IdempotencyClaim } from './idempotency.service';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const READ_ONLY_ROUTES = new Set<RequestMethod | undefined>([RequestMethod.GET, RequestMethod.HEAD, RequestMethod.OPTIONS]);

/**
 * `Idempotency-Key` on every write of the API (IETF httpapi draft): the first response to a key
 * is stored with the principal and the request's hash; a repeat gets it again and writes
 * nothing; the same key with another request is a 422.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    // Absent only where IdempotencyModule is not loaded at all (the scheduler simulation's
    // copy of the modules, which answers no requests).
    @Optional() private readonly idempotency?: IdempotencyService,
  ) {}

  /**
   * Whether a route needs the interceptor for `Idempotency-Key`: any route that may answer a write
   * (not one declared for GET, HEAD or OPTIONS only), unless it ignores the key or its handler
   * honours it itself (`keyElsewhere`). The interceptor is applied
   * only there (route-interceptors.ts); it still looks at each request's method and header.
   */
  static mayApply(method: RequestMethod | undefined, keyElsewhere: boolean): boolean {
    return !keyElsewhere && !READ_ONLY_ROUTES.has(method);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<KeyedRequest>();
    if (!carriesIdempotencyKey(request)) return next.handle();
    if (this.reflector.getAllAndOverride<boolean>(WITHOUT_IDEMPOTENCY_KEY, [context.getHandler(), context.getClass()])) return next.handle();
    const claim = idempotencyClaim(request);
    // Nest has set the route's status; a handler with `@Res({ passthrough: true })` may change it.
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const run = () => lastValueFrom(next.handle(), { defaultValue: undefined });
    const idempotency = this.idempotency;
    if (!idempotency) throw new Error('IdempotencyModule is not loaded: Idempotency-Key cannot be honoured.');
    return defer(() => idempotency.once(claim, run, () => reply.statusCode));
  }
}

type KeyedRequest = FastifyRequest & WithPrincipal;

/** Whether the request is a write that sends an `Idempotency-Key` (well-formed or not). */
export function carriesIdempotencyKey(request: FastifyRequest): boolean {
  return request.headers['idempotency-key'] !== undefined && WRITES.has(request.method);
}

/** Who sent which key with which request; a 400 naming the header when the key is malformed. */
export function idempotencyClaim(request: KeyedRequest): IdempotencyClaim {
  const header = request.headers['idempotency-key'] ?? '';
  const key = IDEMPOTENCY_KEY.exec(Array.isArray(header) ? header.join(',') : header)?.[1];
  if (!key) {
    throw ValidationError.at('Idempotency-Key', 'Erwartet 1 bis 255 sichtbare ASCII-Zeichen, z. B. eine UUID.');
  }
  return { principal: request[PRINCIPAL]?.userId ?? 'anonym', key, requestHash: requestHash(request.method, request.url, request.body) };
}

/**
 * For a handler that honours `Idempotency-Key` itself (`@HandlesIdempotencyKey()`, so that its
 * route goes without the interceptor): `run` under the request's key as the interceptor would
 * run the handler, or simply `run` for a request without one.
 */
export function underIdempotencyKey<T>(idempotency: IdempotencyService, request: FastifyRequest, reply: FastifyReply, run: () => Promise<T>): Promise<T | unknown> {
  if (!carriesIdempotencyKey(request)) return run();
  return idempotency.once(idempotencyClaim(request), run, () => reply.statusCode);
}
