import { Module } from '@nestjs/common';
import { OParlController } from './oparl.controller';
import { OParlService } from './oparl.service';

/** The public OParl 1.1 read API (/oparl/v1) over the register; it reads, it never writes. */
@Module({
  controllers: [OParlController],
  providers: [OParlService],
})
export class OParlModule {}
