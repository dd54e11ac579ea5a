import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, IMPORT_WRITE } from '../auth/access';
import { z } from 'zod';
import { civilDate } from '../../machines';
import { CurrentActor } from '../auth/actor';
import { ValidationError } from '../common/errors';
import { parseInput } from '../common/validation';
import { PROCEDURES } from '../decisions/decisions.service';
import type { Actor } from '../event-log/event-hash';
import { RegistrationImportService } from './registration-import.service';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

const importQuery = z.strictObject({
  applyDecision: flag.optional(),
  decisionDate: civilDate.optional(),
  session: z.coerce.number().int().positive().optional(),
  procedure: z.enum(PROCEDURES).optional(),
  allowDuplicate: flag.optional(),
  registeredAt: civilDate.optional(),
  dryRun: flag.optional(),
});

@ApiTags('Gremien')
@Controller('api/bodies')
export class RegistrationImportController {
  constructor(private readonly imports: RegistrationImportService) {}

  @Post('import')
  @Access(IMPORT_WRITE)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Registrierungsformular (Text) als Entwurf übernehmen; mit applyDecision=true auch den Beschluss erfassen und anwenden',
  })
  @ApiConsumes('text/plain', 'application/json')
  @ApiBody({ schema: { type: 'string', description: 'Das Formular im Textlayout; alternativ JSON {"form": "…"}.' } })
  async import(@Body() body: unknown, @Query() query: unknown, @CurrentActor() actor: Actor) {
    const { dryRun, ...options } = parseInput(importQuery, query, 'query');
    const text = formText(body);
    if (dryRun) return { dryRun: true, ...this.imports.parse(text) };
    return this.imports.import(text, options, actor);
  }
}

function formText(body: unknown): string {
  const text = typeof body === 'string' ? body : (body as { form?: unknown } | null)?.form;
  if (typeof text !== 'string' || text.trim() === '') {
    throw ValidationError.at('body', 'Erwartet das Registrierungsformular als Text (Content-Type: text/plain) oder als JSON {"form": "…"}.');
  }
  return text;
}
