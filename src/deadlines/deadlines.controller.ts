import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, DEADLINES_READ, REMINDERS_READ } from '../auth/access';
import { z } from 'zod';
import { civilDate } from '../../machines/body.events';
import { ApiAnswer, ApiQueryFrom } from '../common/openapi';
import { parseInput } from '../common/validation';
import { deadlineViewSchema, remindersAnswerSchema } from './deadline-answers';
import { OutboxStore } from '../outbox/outbox.store';
import { DeadlinesService } from './deadlines.service';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

const deadlinesQuery = z.strictObject({
  before: civilDate.optional().describe('Nur Fristen mit wirksamem Datum vor diesem Tag (JJJJ-MM-TT)'),
  body: z.uuid().optional().describe('Nur die Fristen dieses Gremiums'),
  overdue: bool.optional().describe('true: nur überfällige; false: nur nicht überfällige'),
});

const remindersQuery = z.strictObject({
  status: z.enum(['pending', 'sent', 'dead']).optional().describe('Stand der Nachricht im Ausgang'),
  channel: z.enum(['email', 'webhook']).optional(),
  body: z.uuid().optional().describe('Nur die Erinnerungen und Nachrichten dieses Gremiums'),
});

@ApiTags('Fristen')
@Controller('api')
export class DeadlinesController {
  constructor(
    private readonly deadlines: DeadlinesService,
    private readonly outbox: OutboxStore,
  ) {}

  @Get('deadlines')
  @Access(DEADLINES_READ)
  @ApiOperation({ summary: 'Fristen mit ursprünglichem und wirksamem Datum (Filter: before, body, overdue)' })
  @ApiQueryFrom(deadlinesQuery)
  @ApiAnswer(z.array(deadlineViewSchema))
  list(@Query() query: unknown) {
    const q = parseInput(deadlinesQuery, query, 'query');
    return this.deadlines.list({ before: q.before, bodyId: q.body, overdue: q.overdue });
  }

  @Get('reminders')
  @Access(REMINDERS_READ)
  @ApiOperation({ summary: 'Erinnerungen: geplante, und versandte, wartende und gescheiterte Nachrichten mit ihren Versuchen' })
  @ApiQueryFrom(remindersQuery)
  @ApiAnswer(remindersAnswerSchema)
  async reminders(@Query() query: unknown) {
    const q = parseInput(remindersQuery, query, 'query');
    return {
      scheduled: await this.deadlines.scheduledReminders(q.body),
      messages: await this.outbox.list({ status: q.status, channel: q.channel, bodyId: q.body }),
    };
  }
}
