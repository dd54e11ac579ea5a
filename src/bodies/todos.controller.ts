import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Access, TODOS_READ } from '../auth/access';
import { ApiAnswer } from '../common/openapi';
import { civilDateSchema } from '../event-log/event-schema';
import { BodiesService } from './bodies.service';

const todoSchema = z.object({
  kind: z.enum(['extensionRequest', 'reportSubmitted']),
  since: civilDateSchema.describe('Tag des Antrags oder der Einreichung'),
  answer: z.enum(['extended', 'reportAcknowledged']).describe('Das Ereignis, das das Anliegen erledigt'),
  obligationId: z.string().nullable(),
  text: z.string(),
  bodyId: z.uuid(),
  title: z.string(),
});

@ApiTags('Gremien')
@Controller('api/todos')
export class TodosController {
  constructor(private readonly bodies: BodiesService) {}

  @Get()
  @Access(TODOS_READ)
  @ApiOperation({
    summary:
      'Offene Anliegen an die Geschäftsstelle (Zu erledigen): unbeantwortete Verlängerungsanträge, eingereichte Berichte vor der Kenntnisnahme; älteste zuerst',
  })
  @ApiAnswer(z.array(todoSchema))
  list() {
    return this.bodies.openRequests();
  }
}
