import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_IDEMPOTENCY_KEY_HOURS, type AppConfig } from '../../config/configuration';
import { Clock } from '../common/clock';
import { APP_CONFIG } from '../common/common.module';
import { DomainError } from '../common/errors';
import { StoredResponse, isClientError, toErrorBody } from '../common/http-errors';
import { Database, isUniqueViolation, type Transaction } from '../database/database';
import { canonicalJson } from '../json/canonical-json';

/** Who sent which key with which request (method, URL and body, hashed). */
export interface IdempotencyClaim {
  principal: string;
  key: string;
  requestHash: string;
}

/** A key is 1–255 visible ASCII characters (the draft's structured-field string, quotes allowed). */
export const IDEMPOTENCY_KEY = /^"?([\x21\x23-\x7e]{1,255})"?$/;

/** The hash a repeat must match: method, URL with its query, and the body. */
export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(canonicalJson({ method, url, body: body ?? null }), 'utf8').digest('hex');
}

/** The same key was sent with another request: 422. */
export class IdempotencyKeyReused extends DomainError {
  readonly kind = 'refused';
  readonly details = { header: 'Idempotency-Key' };
  constructor(key: string) {
    super(`Der Idempotency-Key „${key}“ wurde bereits für eine andere Anfrage verwendet; für eine neue Anfrage bitte einen neuen Schlüssel senden.`);
  }
}

interface StoredRow {
  request_hash: string;
  status: number | string | null;
  response: string | null;
}

type Outcome = { ok: true; value: unknown; status: number; body: string } | { ok: false; error: unknown; status: number; body: string };

/**
 * Runs a command at most once per principal and key. The key's row is inserted in the same
 * transaction as the command, before it runs: a concurrent repeat fails on the primary key (on
 * PostgreSQL it waits for the first to commit; on SQLite it comes after it in the one writer)
 * and replays the stored response, which was written in that same transaction. A refused
 * command (4xx) is stored too, with nothing of it written; a server error stores nothing, so
 * the client may try again with the same key.
 */
@Injectable()
export class IdempotencyService {
  private readonly keyMs: number;
  private lastSweep = 0;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.keyMs = (config.idempotencyKeyHours ?? DEFAULT_IDEMPOTENCY_KEY_HOURS) * 3_600_000;
  }

  /**
   * The value of `run` (the first time) or a StoredResponse thrown (every repeat). `status`
   * tells, once `run` is done, the status of its response.
   */
  async once(claim: IdempotencyClaim, run: () => Promise<unknown>, status: () => number): Promise<unknown> {
    const now = this.clock.now();
    const expiredBefore = new Date(now.getTime() - this.keyMs).toISOString();
    await this.sweep(now.getTime(), expiredBefore);
    const stored = await this.find(claim, expiredBefore);
    if (stored) return this.replay(stored, claim);
    let outcome: Outcome;
    try {
      outcome = await this.db.transaction(async (tx) => {
        await this.claimKey(tx, claim, now, expiredBefore);
        const result = await this.attempt(run, status);
        await this.storeAnswer(tx, claim, result.status, result.body);
        return result;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const first = await this.find(claim, expiredBefore);
      if (!first) throw error;
      return this.replay(first, claim);
    }
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  /**
   * For the web forms: `run` once per key, its value (where to go next) stored with it. A
   * repeat (a double click) gets that value without running anything; a refusal stores nothing,
   * so the corrected form may be sent again.
   */
  async remember<T>(claim: IdempotencyClaim, run: () => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const expiredBefore = new Date(now.getTime() - this.keyMs).toISOString();
    const stored = await this.find(claim, expiredBefore);
    if (stored) return this.storedValue<T>(stored, claim);
    try {
      return await this.db.transaction(async (tx) => {
        await this.claimKey(tx, claim, now, expiredBefore);
        const value = await run();
        await this.storeAnswer(tx, claim, 200, JSON.stringify(value ?? null));
        return value;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const first = await this.find(claim, expiredBefore);
      if (!first) throw error;
      return this.storedValue<T>(first, claim);
    }
  }

  /** Takes the key for this request inside the command's transaction (an expired row gives way). */
  private async claimKey(tx: Transaction, claim: IdempotencyClaim, now: Date, expiredBefore: string): Promise<void> {
    await tx.query('DELETE FROM idempotency_keys WHERE principal = ? AND idempotency_key = ? AND created_at < ?', [claim.principal, claim.key, expiredBefore]);
    await tx.query('INSERT INTO idempotency_keys (principal, idempotency_key, request_hash, created_at) VALUES (?, ?, ?, ?)', [
      claim.principal,
      claim.key,
      claim.requestHash,
      now.toISOString(),
    ]);
  }

  /** Stores the first answer with its key, in the same transaction. */
  private async storeAnswer(tx: Transaction, claim: IdempotencyClaim, status: number, body: string): Promise<void> {
    await tx.query('UPDATE idempotency_keys SET status = ?, response = ? WHERE principal = ? AND idempotency_key = ?', [status, body, claim.principal, claim.key]);
  }

  private storedValue<T>(stored: StoredRow, claim: IdempotencyClaim): T {
    if (stored.request_hash !== claim.requestHash) throw new IdempotencyKeyReused(claim.key);
    return JSON.parse(stored.response ?? 'null') as T;
  }

  /** The command in a savepoint of its own: a refusal undoes its writes but not the key's row. */
  private async attempt(run: () => Promise<unknown>, status: () => number): Promise<Outcome> {
    try {
      const value = await this.db.transaction(() => run());
      return { ok: true, value, status: status(), body: value === undefined ? '' : JSON.stringify(value) };
    } catch (error) {
      if (!isClientError(error)) throw error;
      const body = toErrorBody(error);
      return { ok: false, error, status: body.statusCode, body: JSON.stringify(body) };
    }
  }

  private replay(stored: StoredRow, claim: IdempotencyClaim): never {
    if (stored.request_hash !== claim.requestHash) throw new IdempotencyKeyReused(claim.key);
    throw new StoredResponse(Number(stored.status), stored.response ?? '');
  }

  private async find(claim: IdempotencyClaim, expiredBefore: string): Promise<StoredRow | undefined> {
    const [row] = await this.db.query<StoredRow>(
      'SELECT request_hash, status, response FROM idempotency_keys WHERE principal = ? AND idempotency_key = ? AND created_at >= ? AND status IS NOT NULL',
      [claim.principal, claim.key, expiredBefore],
    );
    return row;
  }

  /** At most once an hour, the expired keys go. */
  private async sweep(now: number, expiredBefore: string): Promise<void> {
    if (now - this.lastSweep < 3_600_000) return;
    this.lastSweep = now;
    await this.db.transaction((tx) => tx.query('DELETE FROM idempotency_keys WHERE created_at < ?', [expiredBefore]));
  }
}
