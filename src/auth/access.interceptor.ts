import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { mergeMap, type Observable } from 'rxjs';
import { ACCESS_POLICY, type AccessPolicy } from './access';
import { AuthService } from './auth.service';
import { PRINCIPAL, type Principal, type WithPrincipal } from './principal';

/** Fields that name or point to people: contacts and who did what. Readers never see them. */
export const PERSONAL_FIELDS: ReadonlySet<string> = new Set([
  'contacts',
  'contactIds',
  'contactId',
  'actor',
  'recordedBy',
  'createdBy',
  'email',
  'phone',
  'recipient',
  'recipients',
]);

/**
 * Narrows what a response shows to the caller: a lead sees only its own bodies' rows in a
 * list, a reader sees no personal fields anywhere.
 */
@Injectable()
export class AccessInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  /**
   * Whether answers of a route with this policy can be narrowed for anyone: a reader may call it
   * (a public route too, with a reader's token), or a lead sees only its bodies' rows there.
   * On the other routes the interceptor is not applied at all (route-interceptors.ts).
   */
  static mayNarrow(policy: AccessPolicy | undefined): boolean {
    if (!policy || policy.public || policy.roles.includes('reader')) return true;
    return policy.roles.includes('lead') && leadNarrows(policy);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const principal = context.switchToHttp().getRequest<WithPrincipal>()[PRINCIPAL];
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY, [context.getHandler(), context.getClass()]);
    const narrow = principal ? this.narrowing(principal, policy) : null;
    // Most answers go out as they are: no operator (and no promise) for them.
    if (!narrow) return next.handle();
    return next.handle().pipe(mergeMap(narrow));
  }

  /** How the answer is narrowed for this caller on this route, or null when it is shown as it is. */
  private narrowing(principal: Principal, policy: AccessPolicy | undefined): ((body: unknown) => Promise<unknown>) | null {
    if (principal.role === 'lead' && policy && leadNarrows(policy)) {
      return async (body) => {
        const key = policy.leadRows;
        if (key && Array.isArray(body)) {
          const led = await this.auth.bodiesLedBy(principal);
          return body.filter((row) => led.has((row as Record<string, string>)[key]));
        }
        if (!isPlainObject(body)) return body;
        const { leadNestedRows: rows, leadNestedRefs: refs } = policy;
        const narrowsRows = rows !== undefined && Array.isArray(body[rows.field]);
        const narrowsRefs = refs !== undefined && Array.isArray(body[refs.field]);
        if (!narrowsRows && !narrowsRefs) return body;
        const led = await this.auth.bodiesLedBy(principal);
        const narrowed = { ...body };
        if (narrowsRows) narrowed[rows.field] = (body[rows.field] as Array<Record<string, string>>).filter((row) => led.has(row[rows.key]));
        if (narrowsRefs) {
          narrowed[refs.field] = (body[refs.field] as unknown[]).map((row) => {
            const ref = isPlainObject(row) ? row[refs.ref] : null;
            return isPlainObject(ref) && !led.has(ref[refs.key] as string) ? { ...(row as object), [refs.ref]: null } : row;
          });
        }
        return narrowed;
      };
    }
    if (principal.role === 'reader') return async (body) => withoutPersonalFields(body);
    return null;
  }
}

/** Whether a lead's answers on a route with this policy are narrowed to its bodies. */
function leadNarrows(policy: AccessPolicy): boolean {
  return policy.leadRows !== undefined || policy.leadNestedRows !== undefined || policy.leadNestedRefs !== undefined;
}

/** A copy of plain JSON data without PERSONAL_FIELDS at any depth; anything else (streams, text) as it is. */
export function withoutPersonalFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPersonalFields);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !PERSONAL_FIELDS.has(key))
      .map(([key, inner]) => [key, withoutPersonalFields(inner)]),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}
