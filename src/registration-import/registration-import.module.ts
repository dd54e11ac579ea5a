import { Module } from '@nestjs/common';
import { BackfillModule } from '../backfill/backfill.module';
import { BodiesModule } from '../bodies/bodies.module';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { RegistrationImportController } from './registration-import.controller';
import { RegistrationImportService } from './registration-import.service';

/** Registration forms in their text layout → draft bodies (and, on request, their approval). */
@Module({
  imports: [LifecycleModule, BodiesModule, BackfillModule],
  controllers: [RegistrationImportController],
  providers: [RegistrationImportService],
  exports: [RegistrationImportService],
})
export class RegistrationImportModule {}
