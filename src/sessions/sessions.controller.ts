import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, REGISTER_READ, SECRETARIAT_WRITE } from '../auth/access';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CurrentActor } from '../auth/actor';
import { ApiAnswer, ApiQueryFrom, jsonSchema } from '../common/openapi';
import { civilDateSchema, instantSchema } from '../event-log/event-schema';

/** A session of the calendar (`SessionRecord`). */
const sessionSchema = z
  .object({ issuer: z.string(), number: z.number().int().positive(), date: civilDateSchema, recordedAt: instantSchema, recordedBy: z.string() })
  .meta({ id: 'Session', description: 'Eine Sitzung im Sitzungskalender.' });

/** A session as the calendar lists it: with the days it had before it was moved. */
const listedSessionSchema = sessionSchema
  .extend({
    earlierDates: z
      .array(z.object({ date: civilDateSchema, recordedAt: instantSchema, recordedBy: z.string() }))
      .describe('Die Tage, an denen die Sitzung stand, bevor sie verlegt wurde (der älteste zuerst), jeweils mit Zeitpunkt und Person der Eintragung'),
  })
  .meta({ id: 'ListedSession', description: 'Eine Sitzung im Sitzungskalender, mit ihren früheren Tagen.' });

/** What recording a session answers: the session, the day it had before, and a hint where its day is no working day. */
const recordedSessionSchema = sessionSchema.extend({
  previousDate: civilDateSchema.nullable(),
  warnings: z.array(z.string()).describe('Hinweise, z. B. wenn der Tag ein Samstag, Sonntag oder Feiertag ist'),
});
import { parseInput } from '../common/validation';
import type { Actor } from '../event-log/event-hash';
import { sessionInputSchema, SessionsService } from './sessions.service';

const listQuery = z.strictObject({ issuer: z.string().trim().min(1).max(60).optional().describe('IT-PLR oder AL-Runde') });

@ApiTags('Sitzungen')
@Controller('api/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post()
  @Access(SECRETARIAT_WRITE)
  @ApiOperation({ summary: 'Sitzung eintragen oder verlegen (201 neu, 200 verlegt oder unverändert)' })
  @ApiBody({ schema: jsonSchema(sessionInputSchema) })
  @ApiAnswer(recordedSessionSchema, { status: 201, description: 'Neu eingetragen' })
  @ApiAnswer(recordedSessionSchema, { description: 'Verlegt (previousDate: das alte Datum) oder unverändert' })
  async record(@Body() body: unknown, @CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.sessions.record(body, actor);
    void reply.status(result.created ? 201 : 200);
    return { ...result.session, previousDate: result.previousDate, warnings: result.warnings };
  }

  @Get()
  @Access(REGISTER_READ)
  @ApiOperation({ summary: 'Sitzungskalender (Filter: issuer)' })
  @ApiQueryFrom(listQuery)
  @ApiAnswer(z.array(listedSessionSchema))
  list(@Query() query: unknown) {
    return this.sessions.list(parseInput(listQuery, query, 'query').issuer);
  }
}
