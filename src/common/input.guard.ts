import { Injectable, SetMetadata, UnsupportedMediaTypeException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ValidationError } from './errors';
import { iJsonIssues } from './i-json';
import { takesArgument } from './route-arguments';

const ACCEPTS_TEXT = 'acceptsText';

/** Marks an API route that takes a body as text/plain as well as JSON (the registration form). */
export const AcceptsText = (): MethodDecorator => SetMetadata(ACCEPTS_TEXT, true);

/**
 * The rule at the door, after the credential alone is checked (AccessGuard: 401 and 403 whatever
 * the request carries) and before anything else reads the database: the body, the query and the
 * path parameters of every request are I-JSON with numbers in bounds (see `iJsonIssues`).
 * A violation is a 400 naming each field; the schemas behind it never see such text. (A JSON
 * body naming a member twice never gets here: the body parser refuses it, src/app.ts, while it
 * still has the text that shows it, and AccessScopeGuard says so, src/auth/body-refusal.ts.)
 * A body sent to the API as anything but JSON (`curl -d` sends a form) is a 415 saying so,
 * instead of a 400 about fields the body seemed to lack; the web pages take their forms.
 * An API route that reads no query (`@Query()`) rejects one, naming each parameter: an auditor's
 * `/api/audit/export?from=2025-01-01` would otherwise export the whole log as if filtered.
 */
@Injectable()
export class InputGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.body !== undefined && request.url.startsWith('/api/') && !isJson(request.headers['content-type'])) {
      const takesText = this.reflector.get<boolean>(ACCEPTS_TEXT, context.getHandler()) ?? false;
      if (!takesText || !isText(request.headers['content-type'])) throw unsupportedType(request.headers['content-type'], takesText);
    }
    const issues = iJsonIssues(request.params ?? {}, 'path');
    const before = issues.length;
    iJsonIssues(request.query ?? {}, 'query', issues);
    // A parameter that is no I-JSON is named for that alone.
    if (issues.length === before && request.url.startsWith('/api/') && request.url.includes('?') && !takesArgument(context, RouteParamtypes.QUERY)) {
      for (const name of Object.keys(request.query ?? {})) {
        issues.push({ path: `query.${name}`, message: 'Unbekannter Parameter: diese Anfrage nimmt keine Parameter an.' });
      }
    }
    if (request.body !== undefined) iJsonIssues(request.body, '', issues);
    if (issues.length > 0) throw new ValidationError(issues);
    return true;
  }
}

/** 415 naming the type sent and what the route takes (the form import takes its form as text too). */
function unsupportedType(contentType: string | undefined, takesText: boolean): UnsupportedMediaTypeException {
  const sent = mediaType(contentType);
  const expected = takesText ? 'application/json oder text/plain (das Formular als Text)' : 'application/json';
  const error = new UnsupportedMediaTypeException();
  return Object.assign(error, {
    publicMessage: sent ? `Inhalte vom Typ ${sent} werden nicht angenommen; erwartet wird ${expected}.` : `Dieses Format wird nicht angenommen; erwartet wird ${expected}.`,
  });
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function isJson(contentType: string | undefined): boolean {
  return mediaType(contentType) === 'application/json';
}

function isText(contentType: string | undefined): boolean {
  return mediaType(contentType) === 'text/plain';
}
