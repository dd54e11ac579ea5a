import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module';
import { remindersConfigProvider, REMINDERS_CONFIG } from '../../config/reminders-config';
import { DispatcherService } from './dispatcher.service';
import { OutboxStore } from './outbox.store';
import { MailSender, WebhookSender } from './senders';

/** The outbox and its dispatcher: e-mail over SMTP and signed webhooks. */
@Module({
  imports: [ContactsModule],
  providers: [remindersConfigProvider, OutboxStore, MailSender, WebhookSender, DispatcherService],
  exports: [REMINDERS_CONFIG, OutboxStore, DispatcherService],
})
export class OutboxModule {}
