import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { OutboxModule } from '../outbox/outbox.module';
import { DeadlinesController } from './deadlines.controller';
import { DeadlinesService } from './deadlines.service';
import { SchedulerService } from './scheduler.service';
import { SessionsStore } from './sessions.store';

/**
 * Fristen and durable reminders: derives deadlines and timers after every event (a projector
 * on the write path) with the sessions calendar, fires due timers through the write path,
 * and serves the deadlines and reminders.
 */
@Module({
  imports: [LifecycleModule, OutboxModule, AuthModule],
  controllers: [DeadlinesController],
  providers: [DeadlinesService, SchedulerService, SessionsStore],
  exports: [DeadlinesService, SchedulerService, SessionsStore, OutboxModule],
})
export class DeadlinesModule {}
