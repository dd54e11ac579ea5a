import { Body, Controller, Get, HttpCode, Param, Patch } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, AUDIT_READ, SECRETARIAT_WRITE } from '../auth/access';
import { CurrentActor } from '../auth/actor';
import { jsonSchema } from '../common/openapi';
import type { Actor } from '../event-log/event-hash';
import { ContactCorrectionService, contactCorrectionSchema } from './correction.service';

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
  correct(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.corrections.correct(id, body ?? {}, actor);
  }

  @Get(':id/history')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Die Berichtigungen einer Ansprechperson (welche Felder, nie ihre Werte), mit Hashes' })
  history(@Param('id') id: string) {
    return this.corrections.history(id);
  }
}
