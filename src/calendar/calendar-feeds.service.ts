/**
 * Subscribable calendar feeds: a capability URL per feed (`/feeds/<secret>.ics`) that a calendar
 * client (Outlook, Thunderbird, a phone) can fetch without any header. The secret is shown once
 * and stored as its SHA-256 only; the feed is read-only, serves exactly what its owner may read
 * at the moment of each fetch (a lead only the bodies it leads, a disabled user nothing), can be
 * narrowed to one body, and is revoked by its owner (or with the owner's account).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { RemindersConfig } from '../../config/reminders';
import { AuthService } from '../auth/auth.service';
import type { Principal } from '../auth/principal';
import { isRole } from '../auth/roles';
import { Clock } from '../common/clock';
import { NotFoundError } from '../common/errors';
import { parseInput } from '../common/validation';
import { Database } from '../database/database';
import { DeadlinesService } from '../deadlines/deadlines.service';
import { REMINDERS_CONFIG } from '../../config/reminders-config';
import { calendarFeed } from './ics';

export const feedInputSchema = z.strictObject({
  bodyId: z.string().min(1).max(36).optional(),
  label: z.string().trim().min(1).max(100).optional(),
});

export interface CalendarFeedView {
  id: string;
  bodyId: string | null;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface IssuedCalendarFeed extends CalendarFeedView {
  /** The subscription URL with its secret: shown only now. */
  url: string;
}

interface FeedRow {
  id: string;
  user_id: string;
  body_id: string | null;
  label: string | null;
  created_at: string;
  revoked_at: string | null;
}

/** The roles whose users may subscribe: everyone who may read deadlines. */
const SUBSCRIBERS = new Set(['secretariat', 'auditor', 'reader', 'lead']);

const hashOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');
const view = (row: FeedRow): CalendarFeedView => ({ id: row.id, bodyId: row.body_id, label: row.label, createdAt: row.created_at, revokedAt: row.revoked_at });

@Injectable()
export class CalendarFeedsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly auth: AuthService,
    private readonly deadlines: DeadlinesService,
    @Inject(REMINDERS_CONFIG) private readonly config: RemindersConfig,
  ) {}

  /** A new feed for the principal's own user, over everything it may read or one body. */
  async create(principal: Principal, input: unknown): Promise<IssuedCalendarFeed> {
    const { bodyId, label } = parseInput(feedInputSchema, input);
    if (bodyId !== undefined) {
      await this.deadlines.bodyTitle(bodyId); // 404 for an unknown body
      if (principal.role === 'lead' && !(await this.auth.leads(principal, bodyId))) throw new NotFoundError(`Gremium ${bodyId} ist nicht registriert.`);
    }
    const secret = `glc_${randomBytes(32).toString('base64url')}`;
    const row: FeedRow = { id: randomUUID(), user_id: principal.userId, body_id: bodyId ?? null, label: label ?? null, created_at: this.clock.now().toISOString(), revoked_at: null };
    await this.db.query('INSERT INTO calendar_feeds (id, user_id, token_hash, body_id, label, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      row.id,
      row.user_id,
      hashOf(secret),
      row.body_id,
      row.label,
      row.created_at,
    ]);
    return { ...view(row), url: `${this.config.publicUrl}/feeds/${secret}.ics` };
  }

  /** The principal of a user by name, for the local command line, which acts for a named user. */
  async principalOf(username: string): Promise<Principal> {
    const [user] = await this.db.query<{ id: string; username: string; role: string; contact_id: string | null; disabled_at: string | null }>(
      'SELECT id, username, role, contact_id, disabled_at FROM users WHERE username = ?',
      [username],
    );
    if (!user || user.disabled_at || !isRole(user.role)) throw new NotFoundError(`Es gibt keinen aktiven Benutzer „${username}“.`);
    return { userId: user.id, username: user.username, role: user.role, contactId: user.contact_id, via: 'token', credentialId: 'cli' };
  }

  async list(principal: Principal): Promise<CalendarFeedView[]> {
    const rows = await this.db.query<FeedRow>('SELECT id, user_id, body_id, label, created_at, revoked_at FROM calendar_feeds WHERE user_id = ? ORDER BY created_at, id', [principal.userId]);
    return rows.map(view);
  }

  /** Revokes one of the principal's own feeds; someone else's is a 404, as if it did not exist. */
  async revoke(principal: Principal, id: string): Promise<CalendarFeedView> {
    const [row] = await this.db.query<FeedRow>('SELECT id, user_id, body_id, label, created_at, revoked_at FROM calendar_feeds WHERE id = ? AND user_id = ?', [id, principal.userId]);
    if (!row) throw new NotFoundError(`Es gibt kein Kalender-Abonnement ${id}.`);
    if (!row.revoked_at) {
      row.revoked_at = this.clock.now().toISOString();
      await this.db.query('UPDATE calendar_feeds SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [row.revoked_at, id]);
    }
    return view(row);
  }

  /**
   * The feed behind a secret, as iCalendar text, or null for an unknown or revoked secret, a
   * disabled owner, or a body its owner may no longer read: all look the same from outside.
   */
  async feed(secret: string): Promise<{ name: string; ics: string } | null> {
    if (!/^glc_[A-Za-z0-9_-]{43}$/.test(secret)) return null;
    const [row] = await this.db.query<FeedRow & { username: string; role: string; contact_id: string | null; disabled_at: string | null }>(
      `SELECT f.id, f.user_id, f.body_id, f.label, f.created_at, f.revoked_at, u.username, u.role, u.contact_id, u.disabled_at
         FROM calendar_feeds f JOIN users u ON u.id = f.user_id WHERE f.token_hash = ?`,
      [hashOf(secret)],
    );
    if (!row || row.revoked_at || row.disabled_at || !isRole(row.role) || !SUBSCRIBERS.has(row.role)) return null;
    const owner: Principal = { userId: row.user_id, username: row.username, role: row.role, contactId: row.contact_id, via: 'token', credentialId: row.id };
    if (row.body_id) {
      if (owner.role === 'lead' && !(await this.auth.leads(owner, row.body_id))) return null;
      const title = await this.deadlines.bodyTitle(row.body_id).catch(() => null);
      if (title === null) return null;
      const name = `Gremienlauf – ${title}`;
      return { name, ics: calendarFeed(name, await this.deadlines.list({ bodyId: row.body_id }), this.config.publicUrl) };
    }
    // A lead's feed reads the Fristen of its bodies only (by its contact, as GET /api/deadlines
    // does), not every Frist to drop the rest; a lead without a contact leads none.
    const lead = owner.role === 'lead';
    const deadlines = lead && owner.contactId === null ? [] : await this.deadlines.list(lead ? { contactId: owner.contactId! } : {});
    const name = owner.role === 'lead' ? 'Gremienlauf – Fristen meiner Gremien' : 'Gremienlauf – Fristen';
    return { name, ics: calendarFeed(name, deadlines, this.config.publicUrl) };
  }
}
