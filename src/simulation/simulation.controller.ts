import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, REMINDERS_READ } from '../auth/access';
import { jsonSchema } from '../common/openapi';
import { simulationInputSchema, SimulationService } from './simulation.service';

@ApiTags('Fristen')
@Controller('api/simulations')
export class SimulationController {
  constructor(private readonly simulation: SimulationService) {}

  @Post()
  @Access(REMINDERS_READ)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Fristenlauf simulieren (from, to): Systemereignisse und Erinnerungen Tag für Tag, auf einer Kopie der Daten',
  })
  @ApiBody({ schema: jsonSchema(simulationInputSchema) })
  simulate(@Body() body: unknown) {
    return this.simulation.simulate(body);
  }
}
