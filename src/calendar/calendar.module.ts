import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DeadlinesModule } from '../deadlines/deadlines.module';
import { CalendarFeedsService } from './calendar-feeds.service';
import { CalendarController } from './calendar.controller';

/** The Fristen as iCalendar: feeds per body and for all, and the subscribable per-user feeds. */
@Module({
  imports: [DeadlinesModule, AuthModule],
  controllers: [CalendarController],
  providers: [CalendarFeedsService],
  exports: [CalendarFeedsService],
})
export class CalendarModule {}
