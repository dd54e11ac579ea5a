import { Body, Controller, Get, HttpCode, Param, Patch } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, AUDIT_READ, SECRETARIAT_WRITE } from '../auth/access';
import { CurrentActor } from '../auth/actor';
import { z } from 'zod';
import { CONTACT_FIELDS } from '../audit/contact-log';
import { ApiAnswer, jsonSchema } from '../common/openapi';
import { actorSchema, hashSchema, instantSchema } from '../event-log/event-schema';
import type { Actor } from '../event-log/event-hash';
import { ContactCorrectionService, contactCorrectionSchema } from './correction.service';

const contactLogSchema = z.object({ stream: z.string(), version: z.number().int().min(1), hash: hashSchema });

const correctionAnswerSchema = z.object({
  contact: z.object({ id: z.uuid(), name: z.string().nullable(), organization: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() }),
  changed: z.array(z.enum(CONTACT_FIELDS)),
  contactLog: contactLogSchema.describe('Das Ereignis in der Kette der Ansprechperson, das die Berichtigung festhält'),
});

const contactHistorySchema = z.object({
  contactId: z.uuid(),
  stream: z.string(),
  events: z.array(
    z.object({
      id: z.uuid(),
      stream: z.string(),
      version: z.number().int().min(1),
      type: z.literal('contactCorrected'),
      data: z.object({ contactId: z.uuid(), changed: z.array(z.enum(CONTACT_FIELDS)), reason: z.string().nullable() }),
      actor: actorSchema,
      occurredAt: instantSchema,
      recordedAt: instantSchema,
      prevHash: hashSchema.nullable(),
      hash: hashSchema,
      label: z.string(),
      summary: z.string(),
    }),
  ),
});

@ApiTags('Ansprechpersonen')
@Controller('api/contacts')
export class ContactsController {
  constructor(private readonly corrections: ContactCorrectionService) {}

  @Patch(':id')
  @Access(SECRETARIAT_WRITE)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ansprechperson berichtigen (Name, Organisation, E-Mail, Telefon; leer löscht ein Feld): ein auditiertes Ereignis in der Kette der Ansprechperson',
  })
  @ApiBody({ schema: jsonSchema(contactCorrectionSchema) })
  @ApiAnswer(correctionAnswerSchema)
  correct(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.corrections.correct(id, body ?? {}, actor);
  }

  @Get(':id/history')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Die Berichtigungen einer Ansprechperson (welche Felder, nie ihre Werte), mit Hashes' })
  @ApiAnswer(contactHistorySchema)
  history(@Param('id') id: string) {
    return this.corrections.history(id);
  }
}
