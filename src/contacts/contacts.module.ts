import { Module } from '@nestjs/common';
import { ContactsStore } from './contacts.store';

@Module({ providers: [ContactsStore], exports: [ContactsStore] })
export class ContactsModule {}
