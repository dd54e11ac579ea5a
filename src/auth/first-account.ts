import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { AuthConfig } from '../../config/configuration';
import { germanDateTime } from '../../machines/dates';
import { Clock } from '../common/clock';
import { LifecycleRefusal } from '../common/errors';
import { parseInput } from '../common/validation';
import { AuthService, passwordSchema, sha256, usernameSchema, type Session } from './auth.service';
import { AUTH_CONFIG } from './auth.tokens';
import { SecurityLog } from './security-log';

/** How long a set-up link works after the start that printed it. */
export const SETUP_LINK_MINUTES = 60;

const setupInputSchema = z.strictObject({ username: usernameSchema, password: passwordSchema });


/**
 * The first account of a new installation that has no `GREMIENLAUF_BOOTSTRAP_TOKEN`: a one-time
 * set-up link, like Jenkins' initial admin secret. The start that finds the users table empty
 * prints it on its console; only the code's hash stays, in this process's memory. The link works
 * once, for an hour, and only while there is still no account; the CLI way (`user create`) stays.
 */
@Injectable()
export class FirstAccountSetup {
  private pending: { hash: string; expiresAt: number } | null = null;

  constructor(
    private readonly auth: AuthService,
    private readonly clock: Clock,
    private readonly log: SecurityLog,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /**
   * On an empty users table and without a bootstrap token: a new set-up link under `baseUrl`
   * (replacing any earlier one) and the German lines to print; otherwise null.
   */
  async offer(baseUrl: string): Promise<{ link: string; expiresAt: Date; announcement: string } | null> {
    if (this.config.bootstrapToken || !(await this.auth.noUsersYet())) return null;
    const code = randomBytes(24).toString('base64url');
    const expiresAt = new Date(this.clock.now().getTime() + SETUP_LINK_MINUTES * 60_000);
    this.pending = { hash: sha256(code), expiresAt: expiresAt.getTime() };
    const link = `${baseUrl.replace(/\/$/, '')}/einrichten?code=${code}`;
    this.log.record({ event: 'setup.offered', reason: `valid until ${expiresAt.toISOString()}` });
    const announcement = [
      'Noch kein Benutzerkonto. Das erste Konto der Geschäftsstelle richten Sie im Browser ein:',
      `  ${link}`,
      `Der Link gilt einmal und bis ${germanDateTime(expiresAt)} Uhr; er steht nur hier. Ohne ihn: npx gremienlauf user create NAME --role secretariat --password-stdin`,
    ].join('\n');
    return { link, expiresAt, announcement };
  }

  /** Whether `code` is the open set-up code: not used, not expired, and still no account. */
  async isOpen(code: unknown): Promise<boolean> {
    return this.matches(code) && (await this.auth.noUsersYet());
  }

  /**
   * Creates the first secretariat account with the code and signs it in. The code is spent
   * only when the account was created; wrong input leaves it open.
   */
  async complete(code: unknown, input: unknown): Promise<Session> {
    if (!(await this.isOpen(code))) throw new LifecycleRefusal(CLOSED);
    const { username, password } = parseInput(setupInputSchema, input);
    if (!this.matches(code)) throw new LifecycleRefusal(CLOSED);
    this.pending = null;
    await this.auth.createUser({ username, password, role: 'secretariat' }, 'setup-link');
    const session = await this.auth.login(username, password);
    if (!session) throw new Error('The account just created could not sign in.');
    return session;
  }

  private matches(code: unknown): boolean {
    const pending = this.pending;
    if (!pending || typeof code !== 'string' || code.length > 100) return false;
    if (this.clock.now().getTime() > pending.expiresAt) return false;
    return timingSafeEqual(Buffer.from(sha256(code)), Buffer.from(pending.hash));
  }
}

const CLOSED =
  'Dieser Einrichtungslink gilt nicht (mehr): er war schon benutzt, ist abgelaufen, oder es gibt bereits ein Benutzerkonto. ' +
  'Ein neuer Link erscheint beim nächsten Start auf der Konsole, solange es kein Konto gibt.';
