import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AUDIT_READ, Access, DECISION_READ, REGISTER_READ, SECRETARIAT_WRITE } from '../auth/access';
import { z } from 'zod';
import { CurrentActor } from '../auth/actor';
import { jsonSchema } from '../common/openapi';
import { parseInput } from '../common/validation';
import type { Actor } from '../event-log/event-hash';
import { DecisionsService, amendmentInputSchema, decisionInputSchema, withdrawalInputSchema } from './decisions.service';

const listQuery = z.strictObject({
  issuer: z.string().optional(),
  year: z.coerce.number().int().min(1990).max(2999).optional(),
});

@ApiTags('Beschlüsse')
@Controller('api/decisions')
export class DecisionsController {
  constructor(private readonly decisions: DecisionsService) {}

  @Post()
  @Access(SECRETARIAT_WRITE)
  @HttpCode(201)
  @ApiOperation({ summary: 'Beschluss im Register erfassen' })
  @ApiBody({ schema: jsonSchema(decisionInputSchema) })
  record(@Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.decisions.record(body, actor);
  }

  @Get()
  @Access(REGISTER_READ)
  @ApiOperation({ summary: 'Beschlussregister (Filter: issuer, year)' })
  list(@Query() query: unknown) {
    return this.decisions.list(parseInput(listQuery, query, 'query'));
  }

  @Get(':issuer/:number')
  @Access(DECISION_READ)
  @ApiOperation({ summary: 'Ein Beschluss mit den Ereignissen, die ihn zitieren (Nummer URL-kodiert: 2024%2F09-AL)' })
  get(@Param('issuer') issuer: string, @Param('number') number: string) {
    return this.decisions.get(issuer, number);
  }

  @Patch(':issuer/:number')
  @Access(SECRETARIAT_WRITE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Beschluss berichtigen (Titel, Datum, Verfahren, Art, Wirkungen) mit Begründung: auditiertes Ereignis decisionAmended' })
  @ApiBody({ schema: jsonSchema(amendmentInputSchema) })
  amend(@Param('issuer') issuer: string, @Param('number') number: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.decisions.amend(issuer, number, body, actor);
  }

  @Post(':issuer/:number/withdrawal')
  @Access(SECRETARIAT_WRITE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Beschluss zurücknehmen (mit Begründung): auditiertes Ereignis decisionWithdrawn' })
  @ApiBody({ schema: jsonSchema(withdrawalInputSchema) })
  withdraw(@Param('issuer') issuer: string, @Param('number') number: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.decisions.withdraw(issuer, number, body, actor);
  }

  @Get(':issuer/:number/history')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Die Ereignisse eines Beschlusses (erfasst, berichtigt, zurückgenommen) mit ihren Hashes' })
  history(@Param('issuer') issuer: string, @Param('number') number: string) {
    return this.decisions.history(issuer, number);
  }
}
