import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AUDIT_READ, Access, DECISION_READ, REGISTER_READ, SECRETARIAT_WRITE } from '../auth/access';
import { z } from 'zod';
import { CurrentActor } from '../auth/actor';
import { AuthService } from '../auth/auth.service';
import { PRINCIPAL, type WithPrincipal } from '../auth/principal';
import { ApiAnswer, ApiQueryFrom, jsonSchema } from '../common/openapi';
import { decisionDetailSchema, decisionHistorySchema, decisionSchema } from './decision-answers';
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
  constructor(
    private readonly decisions: DecisionsService,
    private readonly auth: AuthService,
  ) {}

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

  @Get(':issuer/:number')
  @Access(DECISION_READ)
  @ApiOperation({ summary: 'Ein Beschluss mit den Ereignissen, die ihn zitieren (Nummer URL-kodiert: 2024%2F09-AL); die Federführung sieht nur die Wirkungen auf ihre Gremien' })
  @ApiAnswer(decisionDetailSchema)
  async get(@Param('issuer') issuer: string, @Param('number') number: string, @Req() request: FastifyRequest & WithPrincipal) {
    const principal = request[PRINCIPAL];
    // A lead sees its own bodies' effects only: another body's, shown without its events, would read as not carried out.
    const bodies = principal?.role === 'lead' ? await this.auth.bodiesLedBy(principal) : undefined;
    return this.decisions.get(issuer, number, bodies);
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
