import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, REMINDERS_READ } from '../auth/access';
import { z } from 'zod';
import { ApiAnswer, jsonSchema } from '../common/openapi';
import { civilDateSchema, instantSchema } from '../event-log/event-schema';

/** One entry of a simulation: a system event, a reminder or an event people recorded. */
const simulationEntrySchema = z.object({
  date: civilDateSchema,
  at: instantSchema,
  kind: z.enum(['event', 'reminder', 'recorded']),
  bodyId: z.string(),
  bodyTitle: z.string(),
  what: z.string().describe('Der Ereignistyp oder der Betreff der Erinnerung'),
  outcome: z
    .enum(['appended', 'written', 'superseded', 'refused', 'skipped', 'recorded', 'sent', 'queued', 'logged'])
    .describe(
      'sent: eine Erinnerung, die der Fristenlauf heute schon vor der Simulation verschickt hatte (zählt nicht in summary.reminders); ' +
        'queued: eine, die er heute schon geschrieben hatte, die aber noch im Postausgang wartet (noch nicht zugestellt oder kein Versandweg eingerichtet; zählt ebenso nicht); ' +
        'logged: ein Systemereignis, das der Fristenlauf heute schon vor der Simulation erfasst hatte (zählt nicht in summary.systemEvents)',
    ),
  detail: z.string().optional(),
});

/** `SimulationResult`: every system event and reminder of the period, day by day. */
const simulationAnswerSchema = z.object({
  from: civilDateSchema,
  to: civilDateSchema,
  entries: z.array(simulationEntrySchema),
  summary: z.object({ systemEvents: z.number().int(), reminders: z.number().int(), recordedEvents: z.number().int(), refused: z.number().int() }),
  refusedBefore: z
    .array(simulationEntrySchema)
    .describe(
      'Vor dem Zeitraum erfasste Ereignisse, die die Simulation nicht nachvollziehen konnte (abgelehnt, mit dem Grund in detail): ab da weicht das Gremium in der Simulation vom erfassten ab, und mit ihm, was der Zeitraum von ihm zeigt',
    ),
});
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
  @ApiAnswer(simulationAnswerSchema)
  simulate(@Body() body: unknown) {
    return this.simulation.simulate(body);
  }
}
