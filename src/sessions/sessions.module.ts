import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DeadlinesModule } from '../deadlines/deadlines.module';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/** The secretariat's sessions calendar; a change derives every body's Fristen again. */
@Module({
  imports: [AuditModule, DeadlinesModule],
  controllers: [SessionsController],
  providers: [SessionsService],
  exports: [SessionsService],
})
export class SessionsModule {}
