import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module';
import { DecisionsModule } from '../decisions/decisions.module';
import { EventLogModule } from '../event-log/event-log.module';
import { LifecycleService } from './lifecycle.service';

/** The write path, below every caller: REST, CLI, web forms and the scheduler. */
@Module({
  imports: [EventLogModule, ContactsModule, DecisionsModule],
  providers: [LifecycleService],
  exports: [LifecycleService, EventLogModule, ContactsModule, DecisionsModule],
})
export class LifecycleModule {}
