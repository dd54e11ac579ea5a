import { Module } from '@nestjs/common';
import { RegistrationImportModule } from '../registration-import/registration-import.module';
import { SeedService } from './seed.service';

@Module({ imports: [RegistrationImportModule], providers: [SeedService] })
export class SeedModule {}
