import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, SECRETARIAT_WRITE } from '../auth/access';
import { CurrentActor } from '../auth/actor';
import type { Actor } from '../event-log/event-hash';
import { ErasureService } from './erasure.service';

@ApiTags('Ansprechpersonen')
@Controller('api/contacts')
export class ErasureController {
  constructor(private readonly erasure: ErasureService) {}

  @Post(':id/erasure')
  @Access(SECRETARIAT_WRITE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Personenbezogene Daten einer Ansprechperson löschen (DSGVO Art. 17), mit Begründung' })
  @ApiBody({ schema: { type: 'object', required: ['reason'], properties: { reason: { type: 'string', minLength: 3 } } } })
  erase(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    return this.erasure.erase(id, body ?? {}, actor);
  }
}
