import { SetMetadata } from '@nestjs/common';

export const WITHOUT_IDEMPOTENCY_KEY = 'gremienlauf:without-idempotency-key';

/**
 * A write route that ignores `Idempotency-Key`: signing in and out (a session, not a command),
 * and responses that carry a secret (a new API token), which must never be stored.
 */
export const WithoutIdempotencyKey = () => SetMetadata(WITHOUT_IDEMPOTENCY_KEY, true);
