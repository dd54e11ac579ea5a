import { Global, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DEFAULT_AUTH, type AppConfig, type AuthConfig } from '../../config/configuration';
import { Clock } from '../common/clock';
import { APP_CONFIG } from '../common/common.module';
import { InputGuard } from '../common/input.guard';
import { Database } from '../database/database';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { AccessDenied } from './access-denied';
import { AccessGuard, AccessScopeGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthStore } from './auth.store';
import { AUTH_CONFIG, LOGIN_LIMITER } from './auth.tokens';
import { LoginLimiter } from './login-limiter';
import { eventRefusal, isRole, mayAppend } from './roles';
import { FirstAccountSetup } from './first-account';
import { SecurityLog, sinkFor } from './security-log';
import { UsersController } from './users.controller';

/**
 * Authentication (API tokens, web sessions), the role of every route (a global guard) and of
 * every appended event (a check on the write path), and the security log. Global: the access
 * interceptor is made in the module of each route that needs it (route-interceptors.ts) and
 * asks AuthService which bodies a lead leads.
 */
@Global()
@Module({
  imports: [LifecycleModule],
  controllers: [AuthController, UsersController],
  providers: [
    { provide: AUTH_CONFIG, inject: [APP_CONFIG], useFactory: (config: AppConfig): AuthConfig => config.auth ?? DEFAULT_AUTH },
    {
      provide: SecurityLog,
      inject: [AUTH_CONFIG, Clock],
      useFactory: (config: AuthConfig, clock: Clock) => new SecurityLog(sinkFor(config.securityLog ?? DEFAULT_AUTH.securityLog), () => clock.now()),
    },
    {
      provide: LOGIN_LIMITER,
      inject: [AUTH_CONFIG, Clock],
      useFactory: (config: AuthConfig, clock: Clock) =>
        new LoginLimiter(config.loginMaxAttempts, config.loginWindowSeconds * 1000, () => clock.now().getTime()),
    },
    {
      provide: AuthService,
      inject: [Database, AUTH_CONFIG, Clock, SecurityLog],
      useFactory: (db: Database, config: AuthConfig, clock: Clock, log: SecurityLog) =>
        new AuthService(new AuthStore(db), config, () => clock.now(), log),
    },
    FirstAccountSetup,
    // In this order: who calls and whether its role may call the route (from the credential
    // alone: 401 and 403 whatever the request carries); then the input is I-JSON; only then are a
    // body id or a field looked up, and an unreadable body refused (src/auth/body-refusal.ts).
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_GUARD, useClass: InputGuard },
    { provide: APP_GUARD, useClass: AccessScopeGuard },
  ],
  exports: [AuthService, FirstAccountSetup, SecurityLog, LOGIN_LIMITER, AUTH_CONFIG],
})
export class AuthModule implements OnModuleInit {
  constructor(
    private readonly auth: AuthService,
    private readonly lifecycle: LifecycleService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    // The write path checks every event's actor against the role table, whoever calls it.
    this.lifecycle.useRoleTable(mayAppend);
    this.lifecycle.addProjector(async (_tx, { event }) => {
      if (!mayAppend(event.actor.role, event.type)) {
        throw new AccessDenied(`role ${event.actor.role} may not append ${event.type}`, isRole(event.actor.role) ? eventRefusal(event.actor.role, event.type) : null);
      }
    });
    if (this.config.bootstrapToken) await this.auth.bootstrap();
  }
}
