import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ContactsController } from './contacts.controller';
import { ContactCorrectionService } from './correction.service';
import { ErasureController } from './erasure.controller';
import { ErasureService } from './erasure.service';

/**
 * Contact persons as people, on top of the audit module: DSGVO erasure (recorded in the audit
 * log chain) and corrections (recorded in each contact's own chain).
 */
@Module({
  imports: [AuditModule],
  controllers: [ErasureController, ContactsController],
  providers: [ErasureService, ContactCorrectionService],
  exports: [ContactCorrectionService],
})
export class ErasureModule {}
