import { Module } from '@nestjs/common';
import { DeadlinesModule } from '../deadlines/deadlines.module';
import { RegistrationImportModule } from '../registration-import/registration-import.module';
import { SeedService } from './seed.service';

@Module({ imports: [RegistrationImportModule, DeadlinesModule], providers: [SeedService] })
export class SeedModule {}
