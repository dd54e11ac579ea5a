import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, HttpException, Injectable, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { addresseeName, berlinDate, countOf, describeDeadline, describeTermEndWithDay, fristAsSet, germanDate, germanDateTime, germanNumber, obligationLabel, obligationStanding, PROFILE_LABELS, type Deadline, type TermEnd } from '../../machines';
import { actorLabel } from '../auth/roles';
import { DomainError } from '../common/errors';
import { toErrorBody, type ErrorBody, type ErrorPages } from '../common/http-errors';
import { mayAudit, mayReadDecisionControl, mayRegister, roleLabel, type WebUser } from './principal';
import { errorList, fieldId, fieldsetId } from './forms';
import { DATED_BY_REQUIRED_DECISION } from './event-forms';
import { Templates, escapeHtml } from './templates';
import { intactChainsText, otherVerdictTexts, problemLine } from './chain-verdict';
import { deadlineState } from '../deadlines/deadline-state';
import { LIGHT_LABELS } from './web.service';

/** The user may not do this (403), e.g. an auditor posting a form. */
export class Forbidden extends Error {
  constructor(message = 'Dafür fehlt Ihnen die Berechtigung.') {
    super(message);
  }
}

export function statusOf(error: unknown): number {
  if (error instanceof Forbidden) return 403;
  return toErrorBody(error).statusCode;
}

const TO_THE_SECOND = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Formatting helpers the templates use as `it.h`. */
export const helpers = {
  date: (civil: string | null | undefined) => (civil && /^\d{4}-\d{2}-\d{2}$/.test(civil) ? germanDate(civil) : civil || '–'),
  instantDate: (instant: string) => germanDate(berlinDate(instant)),
  dateTime: (instant: string) => germanDateTime(instant),
  /** `05.12.2026, 00:51:07`: when an event was recorded, where several fall in one minute. */
  dateTimeSeconds: (instant: string) => `${germanDate(berlinDate(instant))}, ${TO_THE_SECOND.format(new Date(instant))}`,
  /** The German texts of a replay verdict the page does not know (chain-verdict.ts). */
  otherVerdictTexts,
  deadline: (deadline: Deadline) => describeDeadline(deadline),
  /** A row of the Fristen as it was set: a term end written as a month as `März 2028 (bis 31.03.2028)`, as the body's page says it. */
  fristAsSet: (frist: Parameters<typeof fristAsSet>[0]) => fristAsSet(frist),
  deadlineState,
  /** A term end as written, with its resolved day: `Juli 2011 (bis 31.07.2011)`, `31.03.2025`. */
  termEnd: (end: TermEnd | null | undefined) => (end ? describeTermEndWithDay(end) : '–'),
  role: roleLabel,
  actor: actorLabel,
  count: countOf,
  /** The verdict of an intact chain check, by what the chains record (chain-verdict.ts). */
  intactChains: intactChainsText,
  /** A problem of the chain check with the body it concerns named by its title (chain-verdict.ts). */
  problemLine,
  /** A count as German writes it: 200.000. */
  number: germanNumber,
  obligation: obligationLabel,
  /** A report's addressee by its name: `IT-PLR` (as a closure's Abschlussbericht stores it) → `IT-Planungsrat`. */
  addressee: addresseeName,
  obligationStanding,
  /** The date's hint where the event cites a decision it cannot go without (the event forms say the same). */
  datedByDecision: DATED_BY_REQUIRED_DECISION,
  /** The registration's fields as the form names them (machines/labels.ts). */
  profileLabels: PROFILE_LABELS,
  light: (level: keyof typeof LIGHT_LABELS) => LIGHT_LABELS[level],
  short: (hash: string | null | undefined) => (hash ? hash.slice(0, 12) : '–'),
  lines: (list: string[] | null | undefined) => (list && list.length ? list.join(', ') : '–'),
  escape: escapeHtml,
  fieldId,
  fieldsetId,
  errorList,
  /** A fresh key for a form's hidden `idempotencyKey`: sent twice (a double click), the form takes effect once. */
  idempotencyKey: () => randomUUID(),
};

interface NavItem {
  key: string;
  href: string;
  label: string;
}

function navFor(user: WebUser | undefined): NavItem[] {
  if (!user) return [];
  const items: NavItem[] = [{ key: 'uebersicht', href: '/', label: 'Übersicht' }];
  if (mayRegister(user)) items.push({ key: 'registrieren', href: '/gremien/neu', label: 'Gremium registrieren' });
  items.push({ key: 'beschluesse', href: '/beschluesse', label: 'Beschlüsse' });
  if (mayReadDecisionControl(user)) items.push({ key: 'beschlusskontrolle', href: '/beschlusskontrolle', label: 'Beschlusskontrolle' });
  items.push({ key: 'fristen', href: '/fristen', label: 'Fristen' }, { key: 'zeitleiste', href: '/zeitleiste', label: 'Zeitleiste' });
  if (mayAudit(user)) items.push({ key: 'pruefung', href: '/pruefung', label: 'Prüfung' });
  return items;
}

/** Renders a page into the layout and sends it; redirects after a successful post. */
@Injectable()
export class Page {
  constructor(private readonly templates: Templates) {}

  render(view: string, data: Record<string, unknown>): string {
    const user = data.user as WebUser | undefined;
    return this.templates.render(view, { h: helpers, navItems: navFor(user), pageError: null, notice: null, ...data });
  }

  send(reply: FastifyReply, view: string, data: Record<string, unknown>, status = 200): void {
    void reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(this.render(view, data));
  }

  /** 303: the browser follows with a GET, so reloading the next page never posts twice. */
  redirect(reply: FastifyReply, location: string): void {
    void reply.status(303).header('location', location).send();
  }
}

/** The error page's heading by status; 503: the service cannot do it now (a reason the message names), no fault of its own code. */
const ERROR_HEADINGS: Record<number, string> = { 403: 'Keine Berechtigung', 404: 'Nicht gefunden', 503: 'Dienst nicht verfügbar' };

/**
 * Errors on the pages become a German HTML page (the API keeps its JSON errors). Errors found
 * before any page's route (a path segment too long, a form over the size limit, an address
 * that does not exist) come through `answer`, from the application's ErrorFilter.
 */
@Catch()
export class WebErrorFilter implements ExceptionFilter, ErrorPages {
  constructor(private readonly page: Page) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    // Mapped once: a failure on the service's side is logged by toErrorBody.
    const body = exception instanceof Forbidden ? null : toErrorBody(exception);
    const status = body?.statusCode ?? 403;
    if (status === 401) {
      // Not signed in (or the session ran out): to the login page, and back here afterwards.
      const back = request.method === 'GET' ? request.url : '/';
      return this.page.redirect(reply, `/anmelden?weiter=${encodeURIComponent(back)}`);
    }
    let message: string;
    if (exception instanceof Forbidden || exception instanceof DomainError) message = exception.message;
    else if (exception instanceof HttpException && status === 404) message = 'Diese Seite gibt es nicht.';
    else message = body!.message;
    this.sendError(reply, status, message);
  }

  /** A browser's request for a page, answered with the error page; the API and OParl keep their JSON. */
  answer(request: FastifyRequest, reply: FastifyReply, body: ErrorBody): boolean {
    const path = request.url.split('?')[0];
    if (path.startsWith('/api/') || path.startsWith('/oparl/') || !String(request.headers.accept ?? '').includes('text/html')) return false;
    this.sendError(reply, body.statusCode, body.message);
    return true;
  }

  private sendError(reply: FastifyReply, status: number, message: string): void {
    const heading = ERROR_HEADINGS[status] ?? (status >= 500 ? 'Interner Fehler' : 'Die Anfrage wurde abgelehnt');
    this.page.send(reply, 'error', { title: heading, heading, message, status, user: undefined, nav: '' }, status);
  }
}
