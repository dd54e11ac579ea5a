import { SetMetadata } from '@nestjs/common';

export const WITHOUT_IDEMPOTENCY_KEY = 'gremienlauf:without-idempotency-key';

/**
 * A write route that ignores `Idempotency-Key`: signing in and out (a session, not a command),
 * and responses that carry a secret (a new API token), which must never be stored.
 */
export const WithoutIdempotencyKey = () => SetMetadata(WITHOUT_IDEMPOTENCY_KEY, true);

export const HANDLES_IDEMPOTENCY_KEY = 'gremienlauf:handles-idempotency-key';

/**
 * A write route that honours `Idempotency-Key` in its handler (idempotency's `underIdempotencyKey`)
 * rather than through the interceptor, whose pipeline Nest would run on every request of the
 * route, with a key or without: the most frequent write, an event sent to a body.
 */
export const HandlesIdempotencyKey = () => SetMetadata(HANDLES_IDEMPOTENCY_KEY, true);
