import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, DEADLINES_READ, REMINDERS_READ } from '../auth/access';
import { z } from 'zod';
import { civilDate } from '../../machines/body.events';
import { parseInput } from '../common/validation';
import { OutboxStore } from '../outbox/outbox.store';
import { DeadlinesService } from './deadlines.service';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

const deadlinesQuery = z.strictObject({
  before: civilDate.optional(),
  body: z.uuid().optional(),
  overdue: bool.optional(),
});

const remindersQuery = z.strictObject({
  status: z.enum(['pending', 'sent', 'dead']).optional(),
  channel: z.enum(['email', 'webhook']).optional(),
  body: z.uuid().optional(),
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
  list(@Query() query: unknown) {
    const q = parseInput(deadlinesQuery, query, 'query');
    return this.deadlines.list({ before: q.before, bodyId: q.body, overdue: q.overdue });
  }

  @Get('reminders')
  @Access(REMINDERS_READ)
  @ApiOperation({ summary: 'Erinnerungen: geplante, und versandte, wartende und gescheiterte Nachrichten mit ihren Versuchen' })
  async reminders(@Query() query: unknown) {
    const q = parseInput(remindersQuery, query, 'query');
    return {
      scheduled: await this.deadlines.scheduledReminders(q.body),
      messages: await this.outbox.list({ status: q.status, channel: q.channel, bodyId: q.body }),
    };
  }
}
