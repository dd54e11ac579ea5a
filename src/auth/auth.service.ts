import { hash, randomBytes, randomUUID } from 'node:crypto';
import * as argon2 from 'argon2';
import { z } from 'zod';
import { ValidationError, NotFoundError, DuplicateError } from '../common/errors';
import { parseInput } from '../common/validation';
import { isUniqueViolation } from '../database/database';
import type { AuthConfig } from '../../config/configuration';
import { AuthStore, type TokenRow, type UserRow } from './auth.store';
import type { Principal } from './principal';
import { USER_ROLES, isRole, type UserRole } from './roles';
import type { SecurityLog } from './security-log';
import { RevocationChecks } from './revocation-checks';
import { VerifiedTokens } from './verified-tokens';

/** The user the bootstrap token belongs to; the same id the seed's events carry. */
export const BOOTSTRAP_USER = 'geschaeftsstelle';

export const usernameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._@-]{1,63}$/, 'Erwartet 2–64 Zeichen: Kleinbuchstaben, Ziffern, . _ @ -, beginnend mit Buchstabe oder Ziffer.');

export const passwordSchema = z
  .string()
  .min(12, 'Das Passwort braucht mindestens 12 Zeichen.')
  .max(256)
  // Blanks only pass the length check, yet are no secret at all.
  .refine((password) => password.trim() !== '', 'Das Passwort darf nicht nur aus Leerzeichen bestehen.');

export const userInputSchema = z
  .strictObject({
    username: usernameSchema,
    role: z.enum(USER_ROLES),
    contactId: z.uuid().optional(),
    /** The contact by the body that names it (title, short name or id) and its name, instead of contactId. */
    contact: z.strictObject({ body: z.string().trim().min(1).max(300), name: z.string().trim().min(1).max(200) }).optional(),
    password: passwordSchema.optional(),
  })
  .refine((u) => !(u.contactId && u.contact), { message: 'Entweder contactId oder contact {body, name}, nicht beides.', path: ['contact'] })
  .refine((u) => (u.role === 'lead') === (u.contactId !== undefined || u.contact !== undefined), {
    message: 'Eine Federführung (lead) braucht contactId oder contact {body, name} (die Ansprechperson, die sie mit ihren Gremien verbindet); andere Rollen keine.',
    path: ['contactId'],
  });
export type UserInput = z.input<typeof userInputSchema>;

export const passwordInputSchema = z.strictObject({ password: passwordSchema });

export const tokenInputSchema = z.strictObject({ label: z.string().trim().min(1).max(100).optional() });

export interface UserView {
  username: string;
  role: string;
  contactId: string | null;
  hasPassword: boolean;
  createdAt: string;
  createdBy: string;
  disabledAt: string | null;
}

export interface TokenView {
  id: string;
  username?: string;
  label: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A new API token: its value is shown once and stored only as a hash. */
export interface IssuedToken extends TokenView {
  token: string;
}

/** A web session: `id` goes into the cookie, the database holds its hash. */
export interface Session {
  id: string;
  principal: Principal;
  expiresAt: string;
}

/** Verified against when the user does not exist, so a wrong name costs the same time as a wrong password. */
const DUMMY_HASH = '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$Ed2q9sJa0S7U3Qm4aHfqf2rdkyTSiqDaN1pkrKiHjVQ';

const TOUCH_INTERVAL_MS = 60_000;

export function sha256(secret: string): string {
  return hash('sha256', secret, 'hex');
}

function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/**
 * Users, API tokens and web sessions. Passwords are argon2id hashes; tokens and session ids
 * are random 256-bit values stored as SHA-256 hashes (they are long and random, so a fast
 * hash suffices and lookups stay one indexed query).
 */
export class AuthService {
  /** Credentials that live only in this process (the local CLI), by their secret. */
  private readonly inProcess = new Map<string, Principal>();
  /** API tokens verified lately, with their principals (VerifiedTokens). */
  private readonly verified = new VerifiedTokens();
  /** Is a verified token revoked now? One read for all the requests that ask in a turn of the event loop. */
  private readonly revocations: RevocationChecks;

  constructor(
    private readonly store: AuthStore,
    private readonly config: AuthConfig,
    private readonly now: () => Date,
    private readonly log: SecurityLog,
  ) {
    this.revocations = new RevocationChecks((ids) => this.store.activeTokenIds(ids));
  }

  /** On an empty users table: the secretariat user `geschaeftsstelle` with the configured token. */
  /** True before anyone has an account: the first start of an installation. */
  async noUsersYet(): Promise<boolean> {
    return (await this.store.countUsers()) === 0;
  }

  async bootstrap(): Promise<boolean> {
    const token = this.config.bootstrapToken;
    if (!token || (await this.store.countUsers()) > 0) return false;
    const at = this.timestamp();
    const user = { id: randomUUID(), username: BOOTSTRAP_USER, role: 'secretariat', contact_id: null, password_hash: null, created_at: at, created_by: 'bootstrap' };
    try {
      await this.store.insertUser(user, { id: randomUUID(), hash: sha256(token), label: 'GREMIENLAUF_BOOTSTRAP_TOKEN', created_at: at, created_by: 'bootstrap' });
    } catch (error) {
      // Another instance bootstrapped at the same moment.
      if (isUniqueViolation(error)) return false;
      throw error;
    }
    this.log.record({ event: 'bootstrap', username: BOOTSTRAP_USER, role: 'secretariat' });
    return true;
  }

  async createUser(input: unknown, createdBy: string): Promise<UserView> {
    const u = parseInput(userInputSchema, input);
    if (u.contactId && !(await this.store.contactExists(u.contactId))) {
      throw ValidationError.at('contactId', `Es gibt keine Ansprechperson ${u.contactId}.`);
    }
    const contactId = u.contact ? await this.contactNamed(u.contact.body, u.contact.name) : u.contactId;
    const row = {
      id: randomUUID(),
      username: u.username,
      role: u.role,
      contact_id: contactId ?? null,
      password_hash: u.password ? await argon2.hash(u.password, { type: argon2.argon2id }) : null,
      created_at: this.timestamp(),
      created_by: createdBy,
    };
    try {
      await this.store.insertUser(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateError(`Den Benutzer „${u.username}“ gibt es schon.`, { username: u.username });
      throw error;
    }
    this.log.record({ event: 'user.created', username: u.username, role: u.role, by: createdBy });
    return userView({ ...row, disabled_at: null });
  }

  /**
   * The contact a body names by that name: the body by its title, short name or id, the name
   * compared without case. Anything but exactly one match is refused, naming the candidates.
   */
  private async contactNamed(bodyName: string, name: string): Promise<string> {
    const wanted = bodyName.toLocaleLowerCase('de');
    const bodies = (await this.store.bodyContacts()).filter(
      (b) => b.id === bodyName || b.title.toLocaleLowerCase('de') === wanted || b.shortName?.toLocaleLowerCase('de') === wanted,
    );
    if (bodies.length === 0) throw ValidationError.at('contact.body', `Es gibt kein Gremium „${bodyName}“ (gesucht nach Titel, Kurzbezeichnung und ID).`);
    if (bodies.length > 1) {
      throw ValidationError.at(
        'contact.body',
        `„${bodyName}“ ist nicht eindeutig: ${bodies.map((b) => `${b.title} (${b.id})`).join(', ')}. Bitte das Gremium mit seiner ID angeben.`,
      );
    }
    const [body] = bodies;
    const found = new Map((await this.store.contacts(body.contactIds)).map((c) => [c.id, c]));
    const contacts = body.contactIds.flatMap((id) => (found.get(id)?.name ? [found.get(id)!] : []));
    const matches = contacts.filter((c) => c.name!.trim().toLocaleLowerCase('de') === name.toLocaleLowerCase('de'));
    if (matches.length === 0) {
      const known = contacts.map((c) => c.name).join(', ') || 'keine';
      throw ValidationError.at('contact.name', `„${body.title}“ nennt keine Ansprechperson „${name}“ (genannt: ${known}).`);
    }
    if (matches.length > 1) {
      throw ValidationError.at(
        'contact.name',
        `„${body.title}“ nennt ${matches.length} Ansprechpersonen „${name}“ (${matches.map((c) => `${c.organization ?? 'ohne Organisation'}: ${c.id}`).join('; ')}). Bitte die Ansprechperson mit ihrer ID angeben.`,
      );
    }
    return matches[0].id;
  }

  async setPassword(username: string, input: unknown, by: string): Promise<void> {
    const { password } = parseInput(passwordInputSchema, input);
    const user = await this.user(username);
    await this.store.setPassword(user.id, await argon2.hash(password, { type: argon2.argon2id }));
    this.log.record({ event: 'password.set', username, by });
  }

  async disableUser(username: string, by: string): Promise<UserView> {
    const user = await this.user(username);
    await this.store.disableUser(user.id, this.timestamp());
    this.verified.forgetUser(user.id);
    this.log.record({ event: 'user.disabled', username, by });
    return userView((await this.store.userById(user.id))!);
  }

  async listUsers(): Promise<UserView[]> {
    return (await this.store.listUsers()).map(userView);
  }

  async createToken(username: string, input: unknown, createdBy: string): Promise<IssuedToken> {
    const { label } = parseInput(tokenInputSchema, input ?? {});
    const user = await this.user(username);
    if (user.disabled_at) throw ValidationError.at('username', `Der Benutzer „${username}“ ist gesperrt.`);
    const token = newSecret('glf_');
    const row = { id: randomUUID(), user_id: user.id, label: label ?? 'API', created_at: this.timestamp(), created_by: createdBy };
    await this.store.insertToken({ ...row, hash: sha256(token) });
    this.log.record({ event: 'token.created', username, role: user.role, credential: row.id, by: createdBy });
    return { ...tokenView({ ...row, last_used_at: null, revoked_at: null }), username, token };
  }

  async tokensOf(username: string): Promise<TokenView[]> {
    const user = await this.user(username);
    return (await this.store.tokensOf(user.id)).map(tokenView);
  }

  async revokeToken(id: string, by: string): Promise<TokenView> {
    const token = await this.store.tokenById(id);
    if (!token) throw new NotFoundError(`Es gibt kein Token ${id}.`);
    await this.store.revokeToken(id, this.timestamp());
    this.verified.forgetToken(id);
    this.log.record({ event: 'token.revoked', username: token.username, credential: id, by });
    return { ...tokenView((await this.store.tokenById(id))!), username: token.username };
  }

  /**
   * A bearer credential for this process only, e.g. the local CLI acting as the operator on a
   * database it can open anyway: never stored, never printed, gone with the process.
   */
  inProcessToken(principal: Principal): string {
    const secret = newSecret('glf_local_');
    this.inProcess.set(secret, principal);
    return secret;
  }

  /**
   * The principal of a bearer token, or null when it is unknown, revoked or its user disabled.
   * A token verified less than VERIFIED_TOKEN_LIFETIME_MS ago costs a share of one read by id: is
   * it revoked now (here, by another instance or by the CLI)? The requests asking in one turn of
   * the event loop share the read, made after all of them asked (RevocationChecks). Disabling a
   * user revokes its tokens.
   */
  async authenticateToken(token: string): Promise<Principal | null> {
    const local = this.inProcess.get(token);
    if (local) return local;
    if (token.length < 32 || token.length > 200) return null;
    const hash = sha256(token);
    const now = this.now();
    const known = this.verified.get(hash, now.getTime());
    if (known) {
      if (!(await this.revocations.revoked(known.credentialId))) return known;
      this.verified.forgetToken(known.credentialId);
      return null;
    }
    const found = await this.store.activeToken(hash);
    if (!found) return null;
    if (!found.token.last_used_at || now.getTime() - Date.parse(found.token.last_used_at) > TOUCH_INTERVAL_MS) {
      await this.store.touchToken(found.token.id, now.toISOString());
    }
    const principal = principalOf(found.user, 'token', found.token.id);
    if (principal) this.verified.remember(hash, principal, now.getTime());
    return principal;
  }

  /** Checks user name and password; a session, or null (the same for an unknown user and a wrong password). */
  async login(username: string, password: string): Promise<Session | null> {
    const user = await this.store.userByName(username);
    const hash = user && !user.disabled_at && user.password_hash ? user.password_hash : DUMMY_HASH;
    const ok = await argon2.verify(hash, password).catch(() => false);
    const principal = ok && hash !== DUMMY_HASH && user ? principalOf(user, 'session', '') : null;
    if (!principal || !user) return null;
    const id = newSecret('');
    const now = this.now();
    const expiresAt = this.sessionExpiry(now, now.toISOString());
    await this.store.deleteExpiredSessions(now.toISOString());
    await this.store.insertSession({ id_hash: sha256(id), user_id: user.id, created_at: now.toISOString(), last_seen_at: now.toISOString(), expires_at: expiresAt });
    return { id, principal: { ...principal, credentialId: sha256(id).slice(0, 16) }, expiresAt };
  }

  /** The principal of a session cookie; sliding idle timeout, capped by the session's maximum age. */
  async authenticateSession(id: string): Promise<Principal | null> {
    if (id.length < 32 || id.length > 100) return null;
    const hash = sha256(id);
    const found = await this.store.session(hash);
    if (!found) return null;
    const now = this.now();
    const lastSeen = Date.parse(found.session.last_seen_at);
    const idleMs = this.config.sessionIdleMinutes * 60_000;
    if (now.getTime() >= Date.parse(this.sessionExpiry(new Date(lastSeen), found.session.created_at)) || now.getTime() - lastSeen >= idleMs) {
      await this.store.deleteSession(hash);
      return null;
    }
    if (now.getTime() - lastSeen > TOUCH_INTERVAL_MS) {
      await this.store.touchSession(hash, now.toISOString(), this.sessionExpiry(now, found.session.created_at));
    }
    return principalOf(found.user, 'session', hash.slice(0, 16));
  }

  async logout(id: string): Promise<void> {
    await this.store.deleteSession(sha256(id));
  }

  /** The bodies a lead leads: those whose registration names the lead's contact. */
  async bodiesLedBy(principal: Principal): Promise<Set<string>> {
    return new Set(principal.contactId ? await this.store.bodiesWithContact(principal.contactId) : []);
  }

  async leads(principal: Principal, bodyId: string): Promise<boolean> {
    return principal.contactId !== null && (await this.store.bodyHasContact(bodyId, principal.contactId));
  }

  private async user(username: string): Promise<UserRow> {
    const user = await this.store.userByName(username);
    if (!user) throw new NotFoundError(`Es gibt keinen Benutzer „${username}“.`);
    return user;
  }

  private sessionExpiry(lastSeen: Date, createdAt: string): string {
    const idle = lastSeen.getTime() + this.config.sessionIdleMinutes * 60_000;
    const max = Date.parse(createdAt) + this.config.sessionMaxHours * 3_600_000;
    return new Date(Math.min(idle, max)).toISOString();
  }

  private timestamp(): string {
    return this.now().toISOString();
  }
}

/** Frozen: one principal may serve many requests (VerifiedTokens), none of them may change it. */
function principalOf(user: UserRow, via: Principal['via'], credentialId: string): Principal | null {
  if (!isRole(user.role) || user.role === 'scheduler') return null;
  return Object.freeze({ userId: user.id, username: user.username, role: user.role, contactId: user.contact_id, via, credentialId });
}

function userView(row: UserRow): UserView {
  return {
    username: row.username,
    role: row.role as UserRole,
    contactId: row.contact_id,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at,
    createdBy: row.created_by,
    disabledAt: row.disabled_at,
  };
}

function tokenView(row: TokenRow): TokenView {
  return {
    id: row.id,
    label: row.label,
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
