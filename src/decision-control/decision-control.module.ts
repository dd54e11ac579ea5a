import { Module } from '@nestjs/common';
import { BodiesModule } from '../bodies/bodies.module';
import { DeadlinesModule } from '../deadlines/deadlines.module';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { DecisionControlController } from './decision-control.controller';
import { DecisionControlService } from './decision-control.service';

/** "Beschluss umsetzen" (a decision's effect through the write path) and the Beschlusskontrolle. */
@Module({
  imports: [LifecycleModule, BodiesModule, DeadlinesModule],
  controllers: [DecisionControlController],
  providers: [DecisionControlService],
  exports: [DecisionControlService],
})
export class DecisionControlModule {}
