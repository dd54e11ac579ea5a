import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Access, SECRETARIAT_WRITE } from '../auth/access';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../event-log/event-hash';
import { ApiAnswer, jsonSchema } from '../common/openapi';
import { hashSchema, instantSchema } from '../event-log/event-schema';
import { ErasureService, erasureInput } from './erasure.service';

const erasureAnswerSchema = z.object({
  contactId: z.string(),
  erasedAt: instantSchema,
  reason: z.string(),
  bodyIds: z.array(z.string()).describe('Die Gremien, deren Verlauf die Ansprechperson nennt'),
  auditLog: z.object({ stream: z.literal('audit-log'), version: z.number().int().min(1), hash: hashSchema }).describe('Der Eintrag im Audit-Protokoll, der die Löschung festhält'),
});

@ApiTags('Ansprechpersonen')
@Controller('api/contacts')
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  @Post(':id/erasure')
  @Access(SECRETARIAT_WRITE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Personenbezogene Daten einer Ansprechperson löschen (DSGVO Art. 17), mit Begründung' })
  @ApiBody({ schema: jsonSchema(erasureInput) })
  @ApiAnswer(erasureAnswerSchema)
  erase(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.erasure.erase(id, body ?? {}, actor);
  }
}
