import { Module } from '@nestjs/common';
import { SessionsStore } from '../deadlines/sessions.store';
import { EventLogModule } from '../event-log/event-log.module';
import { DecisionsController } from './decisions.controller';
import { DecisionsService } from './decisions.service';

/**
 * The register of decisions. It reads the sessions calendar (SessionsStore, a plain store on the
 * database) to resolve the Fristen its effects set.
 */
@Module({
  imports: [EventLogModule],
  controllers: [DecisionsController],
  providers: [DecisionsService, SessionsStore],
  exports: [DecisionsService],
})
export class DecisionsModule {}
