import { Module } from '@nestjs/common';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { SeedService } from './seed.service';

@Module({ imports: [LifecycleModule], providers: [SeedService] })
export class SeedModule {}
