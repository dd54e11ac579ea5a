import { Module } from '@nestjs/common';
import { DeadlinesModule } from '../deadlines/deadlines.module';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/** The secretariat's sessions calendar; a change derives every body's Fristen again. */
@Module({
  imports: [DeadlinesModule],
  controllers: [SessionsController],
  providers: [SessionsService],
  exports: [SessionsService],
})
export class SessionsModule {}
