import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Access, SECRETARIAT_WRITE } from '../auth/access';
import { CurrentActor } from '../auth/actor';
import { ApiAnswer, jsonSchema } from '../common/openapi';
import type { Actor } from '../event-log/event-hash';
import { hashSchema } from '../event-log/event-schema';
import { backfillHoldSchema, recordedBeforeSchema } from './backfill-answers';
import { BackfillService, backfillInput } from './backfill.service';

const backfillAnswerSchema = z.object({
  bodyId: z.uuid(),
  backfill: backfillHoldSchema.nullable().describe('Die Nacherfassung nach dem Aufruf; null, wenn sie beendet ist'),
  auditLog: z.object({ stream: z.literal('audit-log'), version: z.number().int().min(1), hash: hashSchema }).describe('Der Eintrag im Audit-Protokoll, der Beginn oder Ende festhält'),
  recordedBefore: recordedBeforeSchema
    .nullable()
    .optional()
    .describe('Nur beim Beginn: was die Fristenüberwachung für das Gremium schon erfasst und verschickt hatte (dafür kommt die Nacherfassung zu spät); null, wenn nichts'),
});

@ApiTags('Gremien')
@Controller('api/bodies')
export class BackfillController {
  constructor(private readonly backfill: BackfillService) {}

  @Post(':id/backfill')
  @Access(SECRETARIAT_WRITE)
  @HttpCode(201)
  @ApiOperation({ summary: 'Nacherfassung beginnen: die Fristenüberwachung des Gremiums ruht, bis seine bekannte Geschichte erfasst ist' })
  @ApiBody({ schema: jsonSchema(backfillInput) })
  @ApiAnswer(backfillAnswerSchema, { status: 201, description: 'Nacherfassung begonnen' })
  begin(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.backfill.begin(id, body ?? {}, actor);
  }

  @Post(':id/backfill/end')
  @Access(SECRETARIAT_WRITE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Nacherfassung beenden: der Scheduler holt nach, was nach der erfassten Geschichte fällig ist' })
  @ApiBody({ schema: jsonSchema(backfillInput) })
  @ApiAnswer(backfillAnswerSchema, { description: 'Nacherfassung beendet' })
  end(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.backfill.end(id, body ?? {}, actor);
  }
}
