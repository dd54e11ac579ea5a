import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, ALL_BODIES_READ, BODY_READ } from '../auth/access';
import type { FastifyReply } from 'fastify';
import type { RemindersConfig } from '../../config/reminders';
import { DeadlinesService } from '../deadlines/deadlines.service';
import { REMINDERS_CONFIG } from '../deadlines/reminders-config';
import { calendarFeed } from './ics';

const CALENDAR = 'text/calendar; charset=utf-8';

@ApiTags('Fristen')
@Controller()
export class CalendarController {
  constructor(
    private readonly deadlines: DeadlinesService,
    @Inject(REMINDERS_CONFIG) private readonly config: RemindersConfig,
  ) {}

  // The content type is set only on success: an error still goes out as JSON.
  @Get('calendar.ics')
  @Access(ALL_BODIES_READ)
  @ApiOperation({ summary: 'Alle Fristen als iCalendar-Abonnement (RFC 5545)' })
  async all(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const feed = calendarFeed('Gremienlauf – Fristen', await this.deadlines.list(), this.config.publicUrl);
    reply.header('content-type', CALENDAR);
    return feed;
  }

  @Get('api/bodies/:id/calendar.ics')
  @Access(BODY_READ)
  @ApiOperation({ summary: 'Die Fristen eines Gremiums als iCalendar-Abonnement (RFC 5545)' })
  async body(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const title = await this.deadlines.bodyTitle(id);
    const feed = calendarFeed(`Gremienlauf – ${title}`, await this.deadlines.list({ bodyId: id }), this.config.publicUrl);
    reply.header('content-type', CALENDAR);
    return feed;
  }
}
