import { Database, type SqlValue } from '../database/database';

export interface UserRow {
  id: string;
  username: string;
  role: string;
  contact_id: string | null;
  password_hash: string | null;
  created_at: string;
  created_by: string;
  disabled_at: string | null;
}

export interface TokenRow {
  id: string;
  user_id: string;
  label: string;
  created_at: string;
  created_by: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SessionRow {
  id_hash: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

const USER = 'u.id, u.username, u.role, u.contact_id, u.password_hash, u.created_at, u.created_by, u.disabled_at';
/** At most this many token ids per statement (so at most this many statements to prepare and keep). */
const ACTIVE_BATCH = 16;

const TOKEN = 't.id, t.user_id, t.label, t.created_at, t.created_by, t.last_used_at, t.revoked_at';

/** The SQL of users, API tokens and web sessions. Secrets arrive here already hashed. */
export class AuthStore {
  constructor(private readonly db: Database) {}

  async countUsers(): Promise<number> {
    const [row] = await this.db.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM users');
    return Number(row.n);
  }

  async userByName(username: string): Promise<UserRow | undefined> {
    const [row] = await this.db.query<UserRow>(`SELECT ${USER} FROM users u WHERE u.username = ?`, [username]);
    return row;
  }

  async userById(id: string): Promise<UserRow | undefined> {
    const [row] = await this.db.query<UserRow>(`SELECT ${USER} FROM users u WHERE u.id = ?`, [id]);
    return row;
  }

  listUsers(): Promise<UserRow[]> {
    return this.db.query<UserRow>(`SELECT ${USER} FROM users u ORDER BY u.username`);
  }

  async insertUser(user: Omit<UserRow, 'disabled_at'>, firstToken?: Omit<TokenRow, 'user_id' | 'last_used_at' | 'revoked_at'> & { hash: string }): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        'INSERT INTO users (id, username, role, contact_id, password_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [user.id, user.username, user.role, user.contact_id, user.password_hash, user.created_at, user.created_by],
      );
      if (firstToken) {
        await tx.query('INSERT INTO api_tokens (id, user_id, token_hash, label, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)', [
          firstToken.id,
          user.id,
          firstToken.hash,
          firstToken.label,
          firstToken.created_at,
          firstToken.created_by,
        ]);
      }
    });
  }

  /** Sets the password and ends the user's sessions: whoever knew the old one is signed out. */
  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('UPDATE users SET password_hash = ? WHERE id = ?', [passwordHash, userId]);
      await tx.query('DELETE FROM auth_sessions WHERE user_id = ?', [userId]);
    });
  }

  /** Disables the user and ends its sessions and tokens. */
  async disableUser(userId: string, at: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL', [at, userId]);
      await tx.query('UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', [at, userId]);
      await tx.query('DELETE FROM auth_sessions WHERE user_id = ?', [userId]);
    });
  }

  /** Every body with its title, short name and contacts (from its projection), for finding a contact by body and name. */
  async bodyContacts(): Promise<Array<{ id: string; title: string; shortName: string | null; contactIds: string[] }>> {
    const rows = await this.db.query<{ id: string; title: string; context: string }>('SELECT id, title, context FROM bodies');
    return rows.map((row) => {
      // The profile is in the row's head (src/event-log/stored-context.ts).
      const profile = (JSON.parse(row.context) as { profile?: { shortName?: string | null; contactIds?: string[] } }).profile ?? {};
      return { id: row.id, title: row.title, shortName: profile.shortName ?? null, contactIds: profile.contactIds ?? [] };
    });
  }

  /**
   * The named contacts. One marked erased comes without name and organisation whatever else its
   * row holds, as ContactsStore.findMany gives it: personal data written back into the row after
   * the erasure must not let `user create --contact` match or name the person.
   */
  async contacts(ids: string[]): Promise<Array<{ id: string; name: string | null; organization: string | null }>> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<{ id: string; name: string | null; organization: string | null; erased_at: string | null }>(
      `SELECT id, name, organization, erased_at FROM contacts WHERE id IN (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    return rows.map((r) => (r.erased_at !== null ? { id: r.id, name: null, organization: null } : { id: r.id, name: r.name, organization: r.organization }));
  }

  async contactExists(contactId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT id FROM contacts WHERE id = ?', [contactId]);
    return rows.length > 0;
  }

  async insertToken(token: Omit<TokenRow, 'last_used_at' | 'revoked_at'> & { hash: string }): Promise<void> {
    await this.db.query('INSERT INTO api_tokens (id, user_id, token_hash, label, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)', [
      token.id,
      token.user_id,
      token.hash,
      token.label,
      token.created_at,
      token.created_by,
    ]);
  }

  /** The live token with this hash and its (enabled) user. */
  async activeToken(hash: string): Promise<{ token: TokenRow; user: UserRow } | undefined> {
    const [row] = await this.db.query<TokenRow & { u_id: string }>(
      `SELECT ${TOKEN}, u.id AS u_id FROM api_tokens t JOIN users u ON u.id = t.user_id
       WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled_at IS NULL`,
      [hash],
    );
    if (!row) return undefined;
    const user = await this.userById(row.u_id);
    return user ? { token: row, user } : undefined;
  }

  /** Those of the token ids that exist and are not revoked: one read by primary key per ACTIVE_BATCH of them. */
  async activeTokenIds(ids: readonly string[]): Promise<Set<string>> {
    const active = new Set<string>();
    for (let i = 0; i < ids.length; i += ACTIVE_BATCH) {
      const some = ids.slice(i, i + ACTIVE_BATCH);
      const rows = await this.db.query<{ id: string }>(
        `SELECT id FROM api_tokens WHERE revoked_at IS NULL AND id IN (${some.map(() => '?').join(', ')})`,
        some,
      );
      for (const row of rows) active.add(row.id);
    }
    return active;
  }

  async touchToken(id: string, at: string): Promise<void> {
    await this.db.query('UPDATE api_tokens SET last_used_at = ? WHERE id = ?', [at, id]);
  }

  tokensOf(userId: string): Promise<TokenRow[]> {
    return this.db.query<TokenRow>(`SELECT ${TOKEN} FROM api_tokens t WHERE t.user_id = ? ORDER BY t.created_at, t.id`, [userId]);
  }

  async tokenById(id: string): Promise<(TokenRow & { username: string }) | undefined> {
    const [row] = await this.db.query<TokenRow & { username: string }>(
      `SELECT ${TOKEN}, u.username FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?`,
      [id],
    );
    return row;
  }

  async revokeToken(id: string, at: string): Promise<void> {
    await this.db.query('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [at, id]);
  }

  async insertSession(session: SessionRow): Promise<void> {
    await this.db.query('INSERT INTO auth_sessions (id_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)', [
      session.id_hash,
      session.user_id,
      session.created_at,
      session.last_seen_at,
      session.expires_at,
    ]);
  }

  async session(idHash: string): Promise<{ session: SessionRow; user: UserRow } | undefined> {
    const [session] = await this.db.query<SessionRow>(
      'SELECT id_hash, user_id, created_at, last_seen_at, expires_at FROM auth_sessions WHERE id_hash = ?',
      [idHash],
    );
    if (!session) return undefined;
    const user = await this.userById(session.user_id);
    return user && !user.disabled_at ? { session, user } : undefined;
  }

  async touchSession(idHash: string, at: string, expiresAt: string): Promise<void> {
    await this.db.query('UPDATE auth_sessions SET last_seen_at = ?, expires_at = ? WHERE id_hash = ?', [at, expiresAt, idHash]);
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.query('DELETE FROM auth_sessions WHERE id_hash = ?', [idHash]);
  }

  async deleteExpiredSessions(now: string): Promise<void> {
    await this.db.query('DELETE FROM auth_sessions WHERE expires_at <= ?', [now]);
  }

  /** The bodies whose registration names the contact (body_contacts, kept with every event that changes them). */
  async bodiesWithContact(contactId: string): Promise<string[]> {
    return (await this.db.query<{ body_id: string }>('SELECT body_id FROM body_contacts WHERE contact_id = ?', [contactId])).map((row) => row.body_id);
  }

  /** Whether the body's registration names the contact (a lead's own body). */
  async bodyHasContact(bodyId: string, contactId: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 AS found FROM body_contacts WHERE body_id = ? AND contact_id = ?', [bodyId as SqlValue, contactId])).length > 0;
  }
}

