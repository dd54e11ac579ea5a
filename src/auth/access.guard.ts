import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { NotFoundError, ValidationError } from '../common/errors';
import { takesArgument } from '../common/route-arguments';
import { AccessDenied, AuthenticationRequired } from './access-denied';
import { ACCESS_POLICY, type AccessPolicy } from './access';
import { assertBodyRead } from './body-refusal';
import { AuthService } from './auth.service';
import { PRINCIPAL, type Principal, type WithPrincipal } from './principal';
import { eventRefusal, mayAppend, roleRefusal } from './roles';
import { SecurityLog } from './security-log';

export const SESSION_COOKIE = 'gremienlauf_session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type Request = FastifyRequest & WithPrincipal & { cookies?: Record<string, string | undefined> };

/**
 * The first global guard: who is calling (API token or session cookie), and may its role call
 * this route at all. It reads the credential and nothing the request carries besides (no path
 * parameter, no query, no body), so it stands before the input check (InputGuard): a caller
 * without a credential hears 401, one whose role is not admitted 403, whatever it sent. Routes
 * without an `@Access` declaration are refused. What depends on the input (the lead's body, the
 * event sent, the fields) is `AccessScopeGuard`'s, after the input check.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly log: SecurityLog,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [context.getHandler(), context.getClass()]);
    if (!policy) return deny(this.log, request, undefined, 403, 'route declares no roles');

    const principal = await this.authenticate(request, policy.public === true);
    if (principal) request[PRINCIPAL] = principal;
    if (policy.public) return true;
    if (!principal) return deny(this.log, request, undefined, 401, 'not signed in');
    if (!policy.roles.includes(principal.role)) {
      // Said to the caller in terms of its role: on a route that sends events, which ones it may send.
      const type = eventType(request);
      const refusal = policy.sendsEvent && typeof type === 'string' ? eventRefusal(principal.role, type) : roleRefusal(principal.role);
      return deny(this.log, request, principal, 403, `role ${principal.role} not allowed`, refusal);
    }
    if (principal.via === 'session' && !SAFE_METHODS.has(request.method) && !sameOrigin(request)) {
      return deny(this.log, request, principal, 403, 'cross-origin write with a session cookie');
    }
    return true;
  }

  private async authenticate(request: Request, optional: boolean): Promise<Principal | null> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer ([\x21-\x7e]+)$/.exec(header);
      const principal = match ? await this.auth.authenticateToken(match[1]) : null;
      if (!principal) {
        if (optional) return null;
        denied(this.log, request, undefined, 401, match ? 'unknown or revoked token' : 'malformed authorization header');
        throw new AuthenticationRequired();
      }
      // Every request with a token: where, who and when are only gathered for a log that keeps them.
      if (this.log.recording) this.log.record({ event: 'token.used', ...who(principal), ...where(request) });
      return principal;
    }
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie) {
      const principal = await this.auth.authenticateSession(cookie);
      if (principal) return principal;
      if (!optional) denied(this.log, request, undefined, 401, 'unknown or expired session');
    }
    return null;
  }
}

/**
 * The last global guard, after the input check: the body the parser could not read (refused
 * only now, src/auth/body-refusal.ts), then, for a lead, whether it leads the body of the route;
 * on a route that sends events, whether the caller's role may send this one; and no field the
 * handler does not read.
 */
@Injectable()
export class AccessScopeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly log: SecurityLog,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    // AccessGuard refused a route without a policy, and any caller its policy does not admit.
    const policy = this.reflector.getAllAndOverride<AccessPolicy>(ACCESS_POLICY, [context.getHandler(), context.getClass()]);
    assertBodyRead(request);
    const principal = request[PRINCIPAL];
    if (policy.public || !principal) return true;

    if (policy.bodyParam && principal.role === 'lead') {
      const bodyId = String((request.params as Record<string, unknown>)[policy.bodyParam] ?? '');
      if (!(await this.auth.leads(principal, bodyId))) {
        denied(this.log, request, principal, 404, 'lead of another body');
        throw new NotFoundError(`Gremium ${bodyId} ist nicht registriert.`);
      }
    }
    if (policy.sendsEvent) {
      // A type that is no text is no event anyone may send: the command's validation names it (400).
      const type = eventType(request);
      if (principal.role !== 'secretariat' && typeof type === 'string' && !mayAppend(principal.role, type)) {
        return deny(this.log, request, principal, 403, `role ${principal.role} may not send ${type.slice(0, 40)}`, eventRefusal(principal.role, type));
      }
    }
    assertNoUnreadFields(request.body, context, policy);
    return true;
  }
}

function deny(log: SecurityLog, request: Request, principal: Principal | undefined, status: 401 | 403, reason: string, publicMessage: string | null = null): never {
  denied(log, request, principal, status, reason);
  throw status === 401 ? new AuthenticationRequired(reason) : new AccessDenied(reason, publicMessage);
}

function denied(log: SecurityLog, request: Request, principal: Principal | undefined, status: number, reason: string): void {
  log.record({ event: 'access.denied', ...(principal ? who(principal) : {}), ...where(request), status, reason });
}

/** The event type a request to an event-sending route names in its body. */
function eventType(request: Request): unknown {
  return (request.body as { type?: unknown } | null | undefined)?.type;
}

function who(principal: Principal) {
  return { username: principal.username, role: principal.role, credential: `${principal.via}:${principal.credentialId}` };
}

function where(request: Request) {
  return { ip: request.ip, method: request.method, route: request.routeOptions?.url ?? request.url.split('?')[0] };
}

/**
 * Mass assignment: a field the handler does not read is refused, not silently dropped. The
 * services validate their bodies with strict schemas; this covers handlers without a body
 * parameter (any body is refused) and those with a declared field list.
 */
function assertNoUnreadFields(body: unknown, context: ExecutionContext, policy: AccessPolicy): void {
  if (body === undefined || body === null || body === '') return;
  const isObject = typeof body === 'object' && !Array.isArray(body);
  if (!takesArgument(context, RouteParamtypes.BODY)) {
    if (isObject && Object.keys(body).length === 0) return;
    throw ValidationError.at('', 'Diese Anfrage nimmt keine Daten im Inhalt an.');
  }
  if (policy.bodyFields && isObject) {
    const unknown = Object.keys(body).filter((key) => !policy.bodyFields!.includes(key));
    if (unknown.length > 0) throw new ValidationError(unknown.map((path) => ({ path, message: 'Unbekanntes Feld.' })));
  }
}

/** Browsers send Origin on cross-site writes; a session-authenticated write must come from this host. */
function sameOrigin(request: Request): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return request.headers['sec-fetch-site'] === undefined || request.headers['sec-fetch-site'] === 'same-origin';
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
