import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthConfig } from '../../config/configuration';
import { Access, PUBLIC } from '../auth/access';
import { SESSION_COOKIE } from '../auth/access.guard';
import { AUTH_CONFIG } from '../auth/auth.tokens';
import { FirstAccountSetup } from '../auth/first-account';
import { SecurityLog } from '../auth/security-log';
import { ValidationError } from '../common/errors';
import { WithoutIdempotencyKey } from '../common/idempotency-key';
import { field, fillForm, text, type FormValues } from './forms';
import { Page, WebErrorFilter } from './page';

/** The one-time set-up link of a new installation: the first secretariat account, signed in at once. */
@ApiExcludeController()
@UseFilters(WebErrorFilter)
@WithoutIdempotencyKey()
@Controller()
export class SetupController {
  constructor(
    private readonly setup: FirstAccountSetup,
    private readonly log: SecurityLog,
    private readonly page: Page,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  @Get('einrichten')
  @Access(PUBLIC)
  async form(@Query() query: Record<string, string>, @Res() reply: FastifyReply) {
    if (!(await this.setup.isOpen(query.code))) return this.closed(reply);
    this.send(reply, { code: query.code }, null, []);
  }

  @Post('einrichten')
  @Access(PUBLIC)
  async create(@Body() body: FormValues, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const values = body ?? {};
    const code = text(values, 'code');
    if (!(await this.setup.isOpen(code))) return this.closed(reply);
    const username = text(values, 'username');
    const password = typeof values.password === 'string' ? values.password : '';
    const repeated = typeof values.passwordRepeated === 'string' ? values.passwordRepeated : '';
    if (password !== repeated) {
      return this.send(reply, { code, username }, null, [{ path: 'passwordRepeated', message: 'Die beiden Passwörter stimmen nicht überein.' }], 400);
    }
    try {
      const session = await this.setup.complete(code, { username, password });
      this.log.record({ event: 'login.ok', username, role: session.principal.role, credential: `session:${session.principal.credentialId}`, ip: request.ip });
      void reply.setCookie(SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'lax', secure: this.config.https, path: '/' });
      this.page.redirect(reply, '/');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      this.send(reply, { code, username }, null, error.details, 400);
    }
  }

  private send(reply: FastifyReply, values: FormValues, message: string | null, issues: Array<{ path: string; message: string }>, status = 200) {
    const items = [
      field('username', 'Benutzername', 'text', { required: true, autocomplete: 'username', hint: '2–64 Zeichen: Kleinbuchstaben, Ziffern, . _ @ -, z. B. „gs“ oder „m.muster“.' }),
      field('password', 'Passwort', 'password', { required: true, autocomplete: 'new-password', hint: 'Mindestens 12 Zeichen.' }),
      field('passwordRepeated', 'Passwort wiederholen', 'password', { required: true, autocomplete: 'new-password' }),
    ];
    const unplaced = fillForm(items, { username: values.username ?? '', password: '', passwordRepeated: '' }, issues);
    const form = { id: 'einrichtung', items, unplaced };
    this.page.send(reply, 'setup', { title: 'Erstes Konto einrichten', nav: '', user: undefined, form, message, code: values.code }, status);
  }

  private closed(reply: FastifyReply) {
    this.page.send(
      reply,
      'error',
      {
        title: 'Einrichtungslink ungültig',
        heading: 'Einrichtungslink ungültig',
        message:
          'Dieser Einrichtungslink gilt nicht (mehr): er war schon benutzt, ist abgelaufen, oder es gibt bereits ein Benutzerkonto. Ein neuer Link erscheint beim nächsten Start auf der Konsole des Servers, solange es kein Konto gibt.',
        status: 410,
        user: undefined,
        nav: '',
      },
      410,
    );
  }
}
