import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ValidationError } from './errors';
import { iJsonIssues } from './i-json';

/**
 * The one rule at the door, before anything reads the database: the body, the query and the
 * path parameters of every request are I-JSON with numbers in bounds (see `iJsonIssues`).
 * A violation is a 400 naming each field; the schemas behind it never see such text.
 */
@Injectable()
export class InputGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const issues = iJsonIssues(request.params ?? {}, 'path');
    iJsonIssues(request.query ?? {}, 'query', issues);
    if (request.body !== undefined) iJsonIssues(request.body, '', issues);
    if (issues.length > 0) throw new ValidationError(issues);
    return true;
  }
}
