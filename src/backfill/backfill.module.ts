import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DeadlinesModule } from '../deadlines/deadlines.module';
import { EventLogModule } from '../event-log/event-log.module';
import { BackfillController } from './backfill.controller';
import { BackfillService } from './backfill.service';

/** Nacherfassung: a body's deadline monitoring held while its history is entered (backfill.service.ts). */
@Module({
  imports: [AuditModule, DeadlinesModule, EventLogModule],
  controllers: [BackfillController],
  providers: [BackfillService],
  exports: [BackfillService],
})
export class BackfillModule {}
