import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access, ALL_BODIES_READ, DEADLINES_READ, DECISION_READ, SECRETARIAT_WRITE } from '../auth/access';
import { AuthService } from '../auth/auth.service';
import { PRINCIPAL, type WithPrincipal } from '../auth/principal';
import { CurrentActor } from '../auth/actor';
import { z } from 'zod';
import { ApiAnswer, ApiQueryFrom, ApiTextAnswer, jsonSchema } from '../common/openapi';
import { commandAnswerSchema } from '../lifecycle/command-answer';
import { controlRowSchema, decisionAnswerSchema } from './control-answers';
import { parseInput } from '../common/validation';
import type { Actor } from '../event-log/event-hash';
import { DecisionControlService, applyInputSchema, controlCsv, controlQuerySchema, type ControlQuery } from './decision-control.service';

@ApiTags('Beschlüsse')
@Controller()
export class DecisionControlController {
  constructor(
    private readonly control: DecisionControlService,
    private readonly auth: AuthService,
  ) {}

  @Get('api/decisions/:issuer/:number')
  @Access(DECISION_READ)
  @ApiOperation({
    summary:
      'Ein Beschluss mit den Ereignissen, die ihn zitieren, und dem Stand jeder Wirkung wie in der Beschlusskontrolle (Nummer URL-kodiert: 2024%2F09-AL); ' +
      'die Federführung sieht nur die Wirkungen auf ihre Gremien, jede mit ihrer Nummer im Beschluss (index)',
  })
  @ApiAnswer(decisionAnswerSchema)
  async get(@Param('issuer') issuer: string, @Param('number') number: string, @Req() request: FastifyRequest & WithPrincipal) {
    const principal = request[PRINCIPAL];
    // A lead sees its own bodies' effects only: another body's, shown without its events, would read as not carried out.
    const bodies = principal?.role === 'lead' ? await this.auth.bodiesLedBy(principal) : undefined;
    return this.control.decision(issuer, number, bodies);
  }

  @Post('api/decisions/:issuer/:number/apply')
  @Access(SECRETARIAT_WRITE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Beschluss umsetzen: sendet die Wirkung für das Gremium als Ereignis, das den Beschluss zitiert' })
  @ApiBody({ schema: jsonSchema(applyInputSchema) })
  @ApiAnswer(commandAnswerSchema)
  async apply(@Param('issuer') issuer: string, @Param('number') number: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    const result = await this.control.apply(issuer, number, body, actor);
    return { id: result.bodyId, state: result.state, version: result.version, allowedEvents: result.allowedEvents, event: result.event };
  }

  @Get('api/decision-control')
  @Access(DEADLINES_READ)
  @ApiOperation({ summary: 'Beschlusskontrolle: je Beschluss und Wirkung das Gremium, was gefordert ist, bis wann, ob umgesetzt (Filter: year, issuer, state)' })
  @ApiQueryFrom(controlQuerySchema)
  @ApiAnswer(z.array(controlRowSchema))
  list(@Query() query: unknown) {
    return this.control.rows(controlQuery(query));
  }

  // The content type is set only on success: an error still goes out as JSON.
  @Get('api/decision-control.csv')
  @Access(ALL_BODIES_READ)
  @ApiOperation({ summary: 'Beschlusskontrolle als CSV (Semikolon, UTF-8 mit BOM)' })
  @ApiQueryFrom(controlQuerySchema)
  @ApiTextAnswer('text/csv', 'Eine Zeile je Beschluss und Wirkung, Kopfzeile auf Deutsch', {
    headers: { 'Content-Disposition': 'attachment; filename="beschlusskontrolle.csv"' },
  })
  async csv(@Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const rows = await this.control.rows(controlQuery(query));
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', 'attachment; filename="beschlusskontrolle.csv"');
    return controlCsv(rows);
  }
}

/** The filters of the query; one given empty (`?year=`) counts as not given, as on the page (`jahr=`: alle Jahre). */
function controlQuery(query: unknown): ControlQuery {
  const given = Object.entries((query ?? {}) as Record<string, unknown>).filter(([, value]) => !(typeof value === 'string' && value.trim() === ''));
  return parseInput(controlQuerySchema, Object.fromEntries(given), 'query');
}
