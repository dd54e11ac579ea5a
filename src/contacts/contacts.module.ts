import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ContactsStore } from './contacts.store';

/** Contact persons' records; a reused contact's filled-in fields go onto its chain (the audit module's store). */
@Module({ imports: [AuditModule], providers: [ContactsStore], exports: [ContactsStore] })
export class ContactsModule {}
