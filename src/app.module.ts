import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import type { AppConfig } from '../config/configuration';
import { AuditModule } from './audit/audit.module';
import { BackfillModule } from './backfill/backfill.module';
import { AuthModule } from './auth/auth.module';
import { BodiesModule } from './bodies/bodies.module';
import { CalendarModule } from './calendar/calendar.module';
import { CommonModule, type AppRuntime } from './common/common.module';
import { ErasureModule } from './contacts/erasure.module';
import { DeadlinesModule } from './deadlines/deadlines.module';
import { DecisionControlModule } from './decision-control/decision-control.module';
import { DecisionsModule } from './decisions/decisions.module';
import { HealthController } from './health/health.controller';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { RegistrationImportModule } from './registration-import/registration-import.module';
import { SeedModule } from './seed/seed.module';
import { SessionsModule } from './sessions/sessions.module';
import { WebModule } from './web/web.module';
import { SimulationModule } from './simulation/simulation.module';
import { OParlModule } from './oparl/oparl.module';

@Module({
  imports: [LifecycleModule, BodiesModule, DecisionsModule, SeedModule, RegistrationImportModule, AuditModule, ErasureModule, DeadlinesModule, SessionsModule, CalendarModule, SimulationModule, DecisionControlModule, WebModule, AuthModule, IdempotencyModule, OParlModule, BackfillModule],
  controllers: [HealthController],
})
export class AppModule {
  static forRoot(config: AppConfig, runtime: AppRuntime = {}): DynamicModule {
    // One scheduler registry for the whole app: the deadline sweep, the dispatcher and the checkpoints.
    return { module: AppModule, imports: [CommonModule.forRoot(config, runtime), ScheduleModule.forRoot()] };
  }
}
