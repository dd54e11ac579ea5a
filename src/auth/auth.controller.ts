import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiAnswer, jsonSchema } from '../common/openapi';
import { parseInput } from '../common/validation';
import { loginAnswerSchema, meSchema } from './auth-answers';
import { Access, PUBLIC, SIGNED_IN } from './access';
import { SESSION_COOKIE } from './access.guard';
import { AuthService } from './auth.service';
import { AUTH_CONFIG, LOGIN_LIMITER } from './auth.tokens';
import type { AuthConfig } from '../../config/configuration';
import type { LoginLimiter } from './login-limiter';
import { TooManyAttempts } from './access-denied';
import { PRINCIPAL, type WithPrincipal } from './principal';
import { ROLE_LABELS } from './roles';
import { SecurityLog } from './security-log';
import { WithoutIdempotencyKey } from '../common/idempotency-key';

const loginSchema = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });

@ApiTags('Anmeldung')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly log: SecurityLog,
    @Inject(LOGIN_LIMITER) private readonly limiter: LoginLimiter,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  @Post('login')
  @WithoutIdempotencyKey()
  @Access(PUBLIC)
  @HttpCode(200)
  @ApiOperation({ summary: 'Anmelden mit Benutzername und Passwort: setzt das Sitzungs-Cookie (für die Weboberfläche)' })
  @ApiAnswer(loginAnswerSchema, { description: 'Angemeldet', headers: { 'Set-Cookie': 'Das Sitzungs-Cookie (HttpOnly, SameSite=Lax)' } })
  @ApiResponse({ status: 401, description: 'Benutzername oder Passwort ist falsch', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } })
  @ApiResponse({
    status: 429,
    description: 'Zu viele Fehlversuche',
    headers: { 'Retry-After': { description: 'Sekunden bis zum nächsten Versuch', schema: { type: 'integer', minimum: 1 } } },
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  })
  @ApiBody({ schema: jsonSchema(loginSchema) })
  async login(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { username, password } = parseInput(loginSchema, body);
    const keys = [`ip:${request.ip}`, `user:${username.toLowerCase()}`];
    const wait = this.limiter.blocked(keys);
    if (wait > 0) {
      this.log.record({ event: 'login.limited', username, ip: request.ip, status: 429 });
      void reply.header('retry-after', String(wait));
      throw new TooManyAttempts(wait);
    }
    const session = await this.auth.login(username, password);
    if (!session) {
      this.limiter.failed(keys);
      this.log.record({ event: 'login.failed', username, ip: request.ip, status: 401 });
      void reply.status(401);
      return { statusCode: 401, error: 'Unauthorized', message: 'Benutzername oder Passwort ist falsch.', details: null };
    }
    this.limiter.reset(`user:${username.toLowerCase()}`);
    this.log.record({ event: 'login.ok', username, role: session.principal.role, credential: `session:${session.principal.credentialId}`, ip: request.ip });
    void reply.setCookie(SESSION_COOKIE, session.id, { httpOnly: true, sameSite: 'lax', secure: this.config.https, path: '/' });
    return { username: session.principal.username, role: session.principal.role, expiresAt: session.expiresAt };
  }

  @Post('logout')
  @WithoutIdempotencyKey()
  @Access(SIGNED_IN)
  @HttpCode(200)
  @ApiOperation({ summary: 'Abmelden: beendet die Sitzung des Cookies' })
  @ApiAnswer(z.object({ signedOut: z.literal(true) }))
  async logout(@Req() request: FastifyRequest & WithPrincipal & { cookies?: Record<string, string | undefined> }, @Res({ passthrough: true }) reply: FastifyReply) {
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie) await this.auth.logout(cookie);
    const principal = request[PRINCIPAL];
    this.log.record({ event: 'logout', username: principal?.username, role: principal?.role, ip: request.ip });
    void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.config.https });
    return { signedOut: true };
  }

  @Get('me')
  @Access(SIGNED_IN)
  @ApiOperation({ summary: 'Wer bin ich: Benutzer, Rolle, Anmeldeart' })
  @ApiAnswer(meSchema)
  me(@Req() request: FastifyRequest & WithPrincipal) {
    const p = request[PRINCIPAL]!;
    return { username: p.username, role: p.role, roleLabel: ROLE_LABELS[p.role], contactId: p.contactId, via: p.via };
  }
}
