import { Module } from '@nestjs/common';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { BodiesController } from './bodies.controller';
import { BodiesService } from './bodies.service';
import { TodosController } from './todos.controller';

@Module({
  imports: [LifecycleModule],
  controllers: [BodiesController, TodosController],
  providers: [BodiesService],
  exports: [BodiesService],
})
export class BodiesModule {}
