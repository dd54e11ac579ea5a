import { Body, Controller, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, IMPORT_WRITE } from '../auth/access';
import { z } from 'zod';
import { civilDate } from '../../machines';
import { CurrentActor } from '../auth/actor';
import { ValidationError } from '../common/errors';
import { AcceptsText } from '../common/input.guard';
import { ApiAnswer, ApiQueryFrom } from '../common/openapi';
import { parseInput } from '../common/validation';
import { civilDateSchema, instantSchema } from '../event-log/event-schema';
import { bodyStateSchema } from '../lifecycle/command-answer';
import { PROCEDURES } from '../decisions/decisions.service';
import type { Actor } from '../event-log/event-hash';
import { RegistrationImportService } from './registration-import.service';
import { backfillHoldSchema } from '../backfill/backfill-answers';
import { MAX_INTEGER } from '../common/i-json';

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** More contact persons than a form holds. */
const MAX_CONTACT_CHOICES = 50;

/** `2:0e59a1b2-…`: the form's second contact person is the recorded one of that id. */
const contactChoice = z
  .string()
  .trim()
  .regex(/^\d{1,3}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'Erwartet NUMMER:ID – die Nummer der Ansprechperson im Formular (ab 1) und die ID der erfassten Person, z. B. 2:0e59a1b2-7c3d-4e5f-8a9b-0c1d2e3f4a5b.')
  .transform((choice) => {
    const [number, id] = choice.split(':');
    return { number: Number(number), id: id.toLowerCase() };
  });

const importQuery = z.strictObject({
  applyDecision: flag.optional().describe('true: auch den Beschluss, den das Formular nennt, erfassen und anwenden'),
  decisionDate: civilDate.optional().describe('Datum des Beschlusses, wenn das Formular keines nennt'),
  session: z.coerce.number().int().positive().max(MAX_INTEGER).optional().describe('Nummer der Sitzung des Beschlusses, wenn das Formular keine nennt'),
  procedure: z.enum(PROCEDURES).optional(),
  allowDuplicate: flag.optional().describe('true: auch übernehmen, wenn ein Gremium mit demselben Titel registriert ist'),
  registeredAt: civilDate.optional().describe('Fachliches Datum der Registrierung; Standard: das Beschlussdatum beim Anwenden, sonst heute'),
  backfill: flag.optional().describe('true: mit dem Import die Nacherfassung beginnen (die Fristenüberwachung des Gremiums ruht, bis seine bekannte Geschichte erfasst ist)'),
  dryRun: flag.optional().describe('true: nur lesen und zeigen, was übernommen würde; nichts wird geschrieben'),
  contact: z
    .array(contactChoice)
    .max(MAX_CONTACT_CHOICES)
    .optional()
    .describe(
      'NUMMER:ID, auch mehrfach: für die Ansprechperson NUMMER des Formulars (ab 1, in seiner Reihenfolge) die erfasste Person ID nehmen, ' +
        'wo der Abgleich sie nicht zuordnet (gleicher Name, andere E-Mail-Adresse); ihre Angaben bleiben, wie erfasst',
    ),
});

/** The registration as read from the form (`RegistrationInput`). */
const registrationSchema = z.looseObject({ title: z.string() }).describe('Die Angaben des Formulars, wie sie registriert werden (Eingabe von POST /api/bodies)');
const formDecisionSchema = z.object({
  number: z.string(),
  issuer: z.string(),
  outcome: z.enum(['approved', 'rejected']),
  date: civilDateSchema.optional(),
  procedure: z.enum(PROCEDURES).optional(),
  session: z.number().int().positive().optional(),
});
const termEndSchema = z.union([civilDateSchema, z.object({ month: z.string() }), z.object({ year: z.string() })]);

/** `ImportResult`: the body as registered, and the decision if it was applied. */
const importAnswerSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  version: z.number().int().min(1),
  state: bodyStateSchema,
  allowedEvents: z.array(z.string()),
  registration: registrationSchema,
  decision: formDecisionSchema.extend({ recorded: z.boolean(), applied: z.boolean() }).nullable(),
  approvedUntil: termEndSchema.nullable(),
  approvedPermanently: z.boolean(),
  events: z.array(z.object({ version: z.number().int().min(1), type: z.string(), occurredAt: instantSchema, decision: z.string().nullable() })),
  backfill: backfillHoldSchema.nullable().describe('Mit backfill=true: die mit dem Import begonnene Nacherfassung'),
  contacts: z
    .array(z.object({ id: z.uuid(), name: z.string(), status: z.enum(['existing', 'new']) }))
    .describe('Die Ansprechpersonen des Formulars: existing = bereits erfasst (wiederverwendet, kein zweiter Datensatz), new = neu erfasst'),
  warnings: z.array(z.string()),
});

/** `ParsedRegistrationForm` of a dry run: what would be imported. */
const dryRunAnswerSchema = z.object({
  dryRun: z.literal(true),
  registration: registrationSchema,
  decision: formDecisionSchema.optional(),
  approvedUntil: termEndSchema.optional(),
  approvedPermanently: z.boolean().optional(),
  justification: z.string().optional(),
  contactMatches: z
    .array(
      z.object({
        status: z.enum(['existing', 'new', 'repeated']),
        id: z.uuid().optional(),
        chosen: z.literal(true).optional().describe('wie mit contact=NUMMER:ID gewählt'),
        formName: z.string().optional().describe('bei gewählten: der Name, den das Formular nennt (die Registrierung nennt die erfasste Person mit ihrer ID)'),
        candidates: z
          .array(z.object({ id: z.uuid(), name: z.string().nullable(), organization: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() }))
          .optional()
          .describe('bei new (und gewählten): die erfassten Personen gleichen Namens (und die gewählte), zur Wahl mit contact=NUMMER:ID'),
      }),
    )
    .optional()
    .describe('Je Ansprechperson des Formulars (in seiner Reihenfolge): existing = bereits erfasst (mit ID), new = würde neu erfasst, repeated = doppelt genannt'),
  warnings: z.array(z.string()),
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
  @AcceptsText()
  @ApiBody({
    schema: {
      description: 'Das Formular im Textlayout (text/plain) oder als JSON {"form": "…"} (application/json).',
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'object', required: ['form'], properties: { form: { type: 'string', minLength: 1 } } },
      ],
    },
  })
  @ApiQueryFrom(importQuery)
  @ApiAnswer(z.union([importAnswerSchema, dryRunAnswerSchema]), { status: 201, description: 'Übernommen (oder mit dryRun=true: was übernommen würde)' })
  async import(@Body() body: unknown, @Query() query: unknown, @CurrentActor() actor: Actor) {
    // Given once, a parameter is a string; given several times, a list.
    const given = query as Record<string, unknown>;
    const { dryRun, contact, ...rest } = parseInput(importQuery, typeof given.contact === 'string' ? { ...given, contact: [given.contact] } : query, 'query');
    const options = { ...rest, contacts: contact ?? [] };
    const text = formText(body);
    // What the import with these options would read and refuse, without writing.
    if (dryRun) return { dryRun: true, ...(await this.imports.dryRun(text, options)) };
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
