import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { CalendarFeedsService } from '../calendar/calendar-feeds.service';
import { CalendarController } from '../calendar/calendar.controller';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { OutboxModule } from '../outbox/outbox.module';
import { SessionsController } from '../sessions/sessions.controller';
import { SessionsService } from '../sessions/sessions.service';
import { SessionsStore } from '../sessions/sessions.store';
import { DeadlinesController } from './deadlines.controller';
import { DeadlinesService } from './deadlines.service';
import { SchedulerService } from './scheduler.service';

/**
 * Fristen and durable reminders: derives deadlines and timers after every event (a projector
 * on the write path), keeps the sessions calendar, fires due timers through the write path,
 * and serves the deadlines, reminders and calendar feeds.
 */
@Module({
  imports: [LifecycleModule, OutboxModule, AuthModule],
  controllers: [DeadlinesController, SessionsController, CalendarController],
  providers: [DeadlinesService, SchedulerService, SessionsStore, SessionsService, CalendarFeedsService],
  exports: [DeadlinesService, SchedulerService, SessionsStore, OutboxModule, CalendarFeedsService],
})
export class DeadlinesModule {}
