import type { Principal } from './principal';

/**
 * How long an instance trusts what it read about a verified API token's user (name, role,
 * contact) before it reads the token and user again. Whether the token was revoked is asked
 * on every request (AuthService.authenticateToken), so a revocation — and disabling a user,
 * which revokes its tokens — takes effect at once on every instance.
 */
export const VERIFIED_TOKEN_LIFETIME_MS = 5_000;

/** More tokens in use than this, and the longest known is forgotten first. */
const MAX_VERIFIED_TOKENS = 10_000;

interface Verified {
  principal: Principal;
  verifiedAt: number;
}

/**
 * The API tokens this instance verified lately, by the SHA-256 of their value, with the
 * principal they stand for: a request with a known token is spared the lookup of the token
 * with its user.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Verified>();

  constructor(
    private readonly lifetimeMs: number = VERIFIED_TOKEN_LIFETIME_MS,
    private readonly maxEntries: number = MAX_VERIFIED_TOKENS,
  ) {}

  /** The principal verified for this hash less than the lifetime before `now` (ms); a clock set back counts as expired. */
  get(hash: string, now: number): Principal | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    const age = now - entry.verifiedAt;
    if (age >= 0 && age < this.lifetimeMs) return entry.principal;
    this.entries.delete(hash);
    return undefined;
  }

  remember(hash: string, principal: Principal, verifiedAt: number): void {
    this.entries.delete(hash);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(hash, { principal, verifiedAt });
  }

  /** The token (by its id) was revoked. */
  forgetToken(tokenId: string): void {
    this.forget((principal) => principal.credentialId === tokenId);
  }

  /** The user (by its id) was disabled or changed: none of its tokens is trusted any more. */
  forgetUser(userId: string): void {
    this.forget((principal) => principal.userId === userId);
  }

  private forget(matches: (principal: Principal) => boolean): void {
    for (const [hash, entry] of this.entries) if (matches(entry.principal)) this.entries.delete(hash);
  }
}
