import { Module } from '@nestjs/common';
import { DeadlinesModule } from '../deadlines/deadlines.module';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { BodiesController } from './bodies.controller';
import { BodiesService } from './bodies.service';
import { TodosController } from './todos.controller';

@Module({
  imports: [LifecycleModule, DeadlinesModule],
  controllers: [BodiesController, TodosController],
  providers: [BodiesService],
  exports: [BodiesService],
})
export class BodiesModule {}
