import { AsyncResource } from 'node:async_hooks';

interface Waiting {
  resolve: (revoked: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Whether verified API tokens are revoked now, asked of the database once for all the requests
 * that ask in the same turn of the event loop. The read runs after each of them has asked (in
 * the loop's check phase, `setImmediate`), so it sees every revocation committed before any of
 * them came to ask — as at once as a read of each one's own — but costs one statement for all.
 * Under load many requests reach the check in one turn; alone, a request waits only for the end
 * of the turn.
 */
export class RevocationChecks {
  private waiting: Map<string, Waiting[]> | null = null;
  /** Scheduled in the context the checks were made in, not a caller's (whose unit of work may have ended). */
  private readonly readSoon = AsyncResource.bind(() => void setImmediate(() => void this.readWaiting()));

  /** `activeOf(ids)`: those of the token ids that exist and are not revoked. */
  constructor(private readonly activeOf: (ids: string[]) => Promise<ReadonlySet<string>>) {}

  /** Whether the token (by its id) is revoked or gone, as of a read made after this call. */
  revoked(tokenId: string): Promise<boolean> {
    if (!this.waiting) {
      this.waiting = new Map();
      this.readSoon();
    }
    const waiting = this.waiting;
    return new Promise((resolve, reject) => {
      const same = waiting.get(tokenId);
      if (same) same.push({ resolve, reject });
      else waiting.set(tokenId, [{ resolve, reject }]);
    });
  }

  private async readWaiting(): Promise<void> {
    const batch = this.waiting!;
    this.waiting = null;
    try {
      const active = await this.activeOf([...batch.keys()]);
      for (const [tokenId, waiters] of batch) for (const waiter of waiters) waiter.resolve(!active.has(tokenId));
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    }
  }
}
