import { Injectable, Optional, RequestMethod, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { defer, lastValueFrom, type Observable } from 'rxjs';
import { PRINCIPAL, type WithPrincipal } from '../auth/principal';
import { ValidationError } from '../common/errors';
import { WITHOUT_IDEMPOTENCY_KEY } from '../common/idempotency-key';
import { IDEMPOTENCY_KEY, IdempotencyService, requestHash } from './idempotency.service';

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
   * Whether a route can take an `Idempotency-Key`: any route that may answer a write (not one
   * declared for GET, HEAD or OPTIONS only) and does not ignore the key. The interceptor is applied
   * only there (route-interceptors.ts); it still looks at each request's method and header.
   */
  static mayApply(method: RequestMethod | undefined, withoutKey: boolean): boolean {
    return !withoutKey && !READ_ONLY_ROUTES.has(method);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & WithPrincipal>();
    const header = request.headers['idempotency-key'];
    if (header === undefined || !WRITES.has(request.method)) return next.handle();
    if (this.reflector.getAllAndOverride<boolean>(WITHOUT_IDEMPOTENCY_KEY, [context.getHandler(), context.getClass()])) return next.handle();
    const key = IDEMPOTENCY_KEY.exec(Array.isArray(header) ? header.join(',') : header)?.[1];
    if (!key) {
      throw ValidationError.at('Idempotency-Key', 'Erwartet 1 bis 255 sichtbare ASCII-Zeichen, z. B. eine UUID.');
    }
    // Nest has set the route's status; a handler with `@Res({ passthrough: true })` may change it.
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const principal = request[PRINCIPAL]?.userId ?? 'anonym';
    const hash = requestHash(request.method, request.url, request.body);
    const run = () => lastValueFrom(next.handle(), { defaultValue: undefined });
    const idempotency = this.idempotency;
    if (!idempotency) throw new Error('IdempotencyModule is not loaded: Idempotency-Key cannot be honoured.');
    return defer(() => idempotency.once({ principal, key, requestHash: hash }, run, () => reply.statusCode));
  }
}
