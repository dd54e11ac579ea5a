import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ErasureController } from './erasure.controller';
import { ErasureService } from './erasure.service';

/** DSGVO erasure of contact persons, recorded in the audit log chain. */
@Module({
  imports: [AuditModule],
  controllers: [ErasureController],
  providers: [ErasureService],
})
export class ErasureModule {}
