import { Module } from '@nestjs/common';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { BodiesController } from './bodies.controller';
import { BodiesService } from './bodies.service';

@Module({
  imports: [LifecycleModule],
  controllers: [BodiesController],
  providers: [BodiesService],
  exports: [BodiesService],
})
export class BodiesModule {}
