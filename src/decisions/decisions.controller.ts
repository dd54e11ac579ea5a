import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AUDIT_READ, Access, REGISTER_READ, SECRETARIAT_WRITE } from '../auth/access';
import { z } from 'zod';
import { CurrentActor } from '../auth/actor';
import { ApiAnswer, ApiQueryFrom, jsonSchema } from '../common/openapi';
import { decisionHistorySchema, decisionSchema } from './decision-answers';
import { parseInput } from '../common/validation';
import type { Actor } from '../event-log/event-hash';
import { DecisionsService, amendmentInputSchema, decisionInputSchema, withdrawalInputSchema } from './decisions.service';

const listQuery = z.strictObject({
  issuer: z.string().optional().describe('Beschließendes Gremium: IT-PLR oder AL-Runde'),
  year: z.coerce.number().int().min(1990).max(2999).optional().describe('Jahr des Beschlussdatums'),
});

@ApiTags('Beschlüsse')
@Controller('api/decisions')
export class DecisionsController {
  // One decision (GET :issuer/:number) is answered by DecisionControlController: with each effect's state in the Beschlusskontrolle.
  constructor(private readonly decisions: DecisionsService) {}

  @Post()
  @Access(SECRETARIAT_WRITE)
  @HttpCode(201)
  @ApiOperation({ summary: 'Beschluss im Register erfassen; mit replaces übernimmt er umgesetzte Wirkungen eines zurückgenommenen Beschlusses' })
  @ApiBody({ schema: jsonSchema(decisionInputSchema) })
  @ApiAnswer(decisionSchema, { status: 201, description: 'Erfasst' })
  record(@Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.decisions.record(body, actor);
  }

  @Get()
  @Access(REGISTER_READ)
  @ApiOperation({ summary: 'Beschlussregister (Filter: issuer, year)' })
  @ApiQueryFrom(listQuery)
  @ApiAnswer(z.array(decisionSchema))
  list(@Query() query: unknown) {
    return this.decisions.list(parseInput(listQuery, query, 'query'));
  }

  @Patch(':issuer/:number')
  @Access(SECRETARIAT_WRITE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Beschluss berichtigen (Titel, Datum, Verfahren, Art, Wirkungen) mit Begründung: auditiertes Ereignis decisionAmended' })
  @ApiBody({ schema: jsonSchema(amendmentInputSchema) })
  @ApiAnswer(decisionSchema)
  amend(@Param('issuer') issuer: string, @Param('number') number: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.decisions.amend(issuer, number, body, actor);
  }

  @Post(':issuer/:number/withdrawal')
  @Access(SECRETARIAT_WRITE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Beschluss zurücknehmen (mit Begründung): auditiertes Ereignis decisionWithdrawn' })
  @ApiBody({ schema: jsonSchema(withdrawalInputSchema) })
  @ApiAnswer(decisionSchema)
  withdraw(@Param('issuer') issuer: string, @Param('number') number: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.decisions.withdraw(issuer, number, body, actor);
  }

  @Get(':issuer/:number/history')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Die Ereignisse eines Beschlusses (erfasst, berichtigt, zurückgenommen) mit ihren Hashes' })
  @ApiAnswer(decisionHistorySchema)
  history(@Param('issuer') issuer: string, @Param('number') number: string) {
    return this.decisions.history(issuer, number);
  }
}
