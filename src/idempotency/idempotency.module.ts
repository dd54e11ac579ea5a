import { Global, Module } from '@nestjs/common';
import { IdempotencyService } from './idempotency.service';

/**
 * Exactly-once writes with `Idempotency-Key`. Global: the interceptor is made in the module of
 * each route that can take a key (route-interceptors.ts) and needs IdempotencyService there.
 */
@Global()
@Module({
  providers: [IdempotencyService],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}
