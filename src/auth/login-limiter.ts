/**
 * Failed login attempts per key (client address, user name) in a fixed window. Only failures
 * count: a user who signs in correctly many times from one address is never held up. In memory,
 * per instance: behind a load balancer with n instances an attacker gets at most n times the
 * limit, which still ends online guessing. Time comes from the injected clock.
 */
export class LoginLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly maxAttempts: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** The seconds to wait when any key has used up its failures in the current window, else 0. */
  blocked(keys: string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const window = this.current(key, now);
      if (window && window.count >= this.maxAttempts) wait = Math.max(wait, Math.ceil((window.start + this.windowMs - now) / 1000));
    }
    return wait;
  }

  /** Counts one failed attempt for every key. */
  failed(keys: string[]): void {
    const now = this.now();
    for (const key of keys) {
      const window = this.current(key, now) ?? { start: now, count: 0 };
      window.count++;
      this.windows.set(key, window);
    }
    if (this.windows.size > 10_000) this.prune(now);
  }

  /** A successful login clears the user name's count (not the address's). */
  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string, now: number): { start: number; count: number } | undefined {
    const window = this.windows.get(key);
    return window && now - window.start < this.windowMs ? window : undefined;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}
