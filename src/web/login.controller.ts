import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthConfig } from '../../config/configuration';
import { Access, PUBLIC, SIGNED_IN } from '../auth/access';
import { SESSION_COOKIE } from '../auth/access.guard';
import { AuthService } from '../auth/auth.service';
import { AUTH_CONFIG, LOGIN_LIMITER } from '../auth/auth.tokens';
import type { LoginLimiter } from '../auth/login-limiter';
import { PRINCIPAL, type WithPrincipal } from '../auth/principal';
import { SecurityLog } from '../auth/security-log';
import { field, fillForm, text, type FormValues } from './forms';
import { Page, WebErrorFilter } from './page';
import { WithoutIdempotencyKey } from '../common/idempotency-key';

type Request = FastifyRequest & WithPrincipal & { cookies?: Record<string, string | undefined> };

const SITE = 'http://gremienlauf.invalid';

/**
 * Where to go after signing in: only an absolute path of this site. The value is parsed with
 * the URL API as a browser would (which drops TAB and LF, so `/\t/evil.example` becomes
 * `//evil.example`); anything with a control character, a backslash, or that lands on another
 * origin becomes `/`.
 */
export function safeReturnPath(value: string | undefined): string {
  if (!value || !value.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  let url: URL;
  try {
    url = new URL(value, SITE);
  } catch {
    return '/';
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  // `/.//evil.example` normalises to `//evil.example`, which a browser reads as another host.
  return url.origin === SITE && !path.startsWith('//') ? path : '/';
}

/** Sign in and out of the web UI with the access-control service's sessions (cookie). */
@ApiExcludeController()
@UseFilters(WebErrorFilter)
@WithoutIdempotencyKey()
@Controller()
export class LoginController {
  /** The same limiter and settings as POST /api/auth/login. */
  constructor(
    private readonly auth: AuthService,
    private readonly log: SecurityLog,
    private readonly page: Page,
    @Inject(LOGIN_LIMITER) private readonly limiter: LoginLimiter,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  @Get('anmelden')
  @Access(PUBLIC)
  async form(@Query() query: Record<string, string>, @Req() request: Request, @Res() reply: FastifyReply) {
    // Signed in already: straight on.
    if (request[PRINCIPAL] && !query.abgemeldet) return this.page.redirect(reply, safeReturnPath(query.weiter));
    await this.send(reply, { weiter: safeReturnPath(query.weiter) }, null, query.abgemeldet ? 'Sie haben sich abgemeldet.' : null);
  }

  @Post('anmelden')
  @Access(PUBLIC)
  async login(@Body() body: FormValues, @Req() request: Request, @Res() reply: FastifyReply) {
    const values = body ?? {};
    const username = text(values, 'username');
    const password = typeof values.password === 'string' ? values.password : '';
    const back = safeReturnPath(text(values, 'weiter'));
    if (!username || !password) {
      return this.send(reply, { username, weiter: back }, 'Bitte Benutzername und Passwort eingeben.', null, 400);
    }
    const keys = [`ip:${request.ip}`, `user:${username.toLowerCase()}`];
    const wait = this.limiter.blocked(keys);
    if (wait > 0) {
      this.log.record({ event: 'login.limited', username, ip: request.ip, status: 429 });
      void reply.header('retry-after', String(wait));
      return this.send(reply, { username, weiter: back }, `Zu viele Anmeldeversuche. Bitte in ${Math.ceil(wait / 60)} Minute(n) erneut versuchen.`, null, 429);
    }
    const session = await this.auth.login(username, password);
    if (!session) {
      this.limiter.failed(keys);
      this.log.record({ event: 'login.failed', username, ip: request.ip, status: 401 });
      return this.send(reply, { username, weiter: back }, 'Benutzername oder Passwort ist falsch.', null, 401);
    }
    this.limiter.reset(`user:${username.toLowerCase()}`);
    this.log.record({ event: 'login.ok', username, role: session.principal.role, credential: `session:${session.principal.credentialId}`, ip: request.ip });
    void reply.setCookie(SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'lax', secure: this.config.https, path: '/' });
    this.page.redirect(reply, back);
  }

  @Post('abmelden')
  @Access(SIGNED_IN)
  async logout(@Req() request: Request, @Res() reply: FastifyReply) {
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie) await this.auth.logout(cookie);
    const principal = request[PRINCIPAL];
    this.log.record({ event: 'logout', username: principal?.username, role: principal?.role, ip: request.ip });
    void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.config.https });
    this.page.redirect(reply, '/anmelden?abgemeldet=1');
  }

  private async send(reply: FastifyReply, values: FormValues, error: string | null, notice: string | null, status = 200) {
    const items = [
      field('username', 'Benutzername', 'text', { required: true, autocomplete: 'username' }),
      field('password', 'Passwort', 'password', { required: true, autocomplete: 'current-password' }),
    ];
    fillForm(items, { ...values, password: '' }, []);
    const form = { id: 'anmeldung', items, unplaced: [] };
    const firstRun = await this.auth.noUsersYet();
    this.page.send(reply, 'login', { title: 'Anmelden', nav: '', user: undefined, form, message: error, notice, firstRun, weiter: values.weiter ?? '/' }, status);
  }
}
