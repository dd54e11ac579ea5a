import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { BackfillModule } from '../backfill/backfill.module';
import { BodiesModule } from '../bodies/bodies.module';
import { CalendarModule } from '../calendar/calendar.module';
import { DeadlinesModule } from '../deadlines/deadlines.module';
import { DecisionControlModule } from '../decision-control/decision-control.module';
import { DecisionsModule } from '../decisions/decisions.module';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { LoginController } from './login.controller';
import { Page, WebErrorFilter } from './page';
import { SetupController } from './setup.controller';
import { Templates } from './templates';
import { WebController } from './web.controller';
import { WebService } from './web.service';
import { ErasureModule } from '../contacts/erasure.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { SessionsModule } from '../sessions/sessions.module';
import { RegistrationImportModule } from '../registration-import/registration-import.module';

/** The German web UI for the secretariat, leads and auditors (server-rendered, no front-end build). */
@Module({
  imports: [LifecycleModule, BodiesModule, DecisionsModule, DecisionControlModule, DeadlinesModule, CalendarModule, AuditModule, AuthModule, IdempotencyModule, ErasureModule, SessionsModule, RegistrationImportModule, BackfillModule],
  controllers: [WebController, LoginController, SetupController],
  providers: [Templates, Page, WebService, WebErrorFilter],
})
export class WebModule {}
