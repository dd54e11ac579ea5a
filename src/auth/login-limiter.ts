/**
 * Login attempts per key (client address, user name) in a fixed window. In memory, per
 * instance: behind a load balancer with n instances an attacker gets at most n times the
 * limit, which still ends online guessing. Time comes from the injected clock.
 */
export class LoginLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly maxAttempts: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Counts one attempt for every key; the seconds to wait when any key is over its limit, else 0. */
  attempt(keys: string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      let window = this.windows.get(key);
      if (!window || now - window.start >= this.windowMs) {
        window = { start: now, count: 0 };
        this.windows.set(key, window);
      }
      window.count++;
      if (window.count > this.maxAttempts) wait = Math.max(wait, Math.ceil((window.start + this.windowMs - now) / 1000));
    }
    if (this.windows.size > 10_000) this.prune(now);
    return wait;
  }

  /** A successful login clears the user name's count (not the address's). */
  reset(key: string): void {
    this.windows.delete(key);
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}
