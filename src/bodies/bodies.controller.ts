import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, BODY_EVENT, BODY_HISTORY, BODY_LIST, BODY_READ, SECRETARIAT_WRITE } from '../auth/access';
import { mayAppend } from '../auth/roles';
import { z } from 'zod';
import { chartStatePaths, EVENT_TYPES, eventDataSchemas, type BodyEventType } from '../../machines';
import { contactInputSchema } from '../contacts/contact-input';
import { CurrentActor } from '../auth/actor';
import { ApiAnswer, ApiQueryFrom, jsonSchema } from '../common/openapi';
import { commandAnswerSchema } from '../lifecycle/command-answer';
import { bodyHistorySchema, bodySummarySchema, bodyViewSchema, registeredAnswerSchema } from './body-answers';
import { objectBody, pageLimit, parseInput } from '../common/validation';
import { HandlesIdempotencyKey } from '../common/idempotency-key';
import { underIdempotencyKey } from '../idempotency/idempotency.interceptor';
import { IdempotencyService } from '../idempotency/idempotency.service';
import type { Actor } from '../event-log/event-hash';
import { LifecycleService, TAKES_CONTACTS } from '../lifecycle/lifecycle.service';
import { BodiesService, seesContactDetails, type ListPosition } from './bodies.service';
import { ValidationError } from '../common/errors';
import { PRINCIPAL, type WithPrincipal } from '../auth/principal';
import { registrationCommandSchema } from '../lifecycle/registration-input';

const listQuery = z.strictObject({
  // The states of the chart, so that a typo is a 400 naming them, not an empty list.
  state: z
    .enum([...chartStatePaths()] as [string, ...string[]])
    .optional()
    .describe('Zustandspfad: draft, active, active.term.expired, closed, …'),
  q: z.string().trim().max(200).optional().describe('Freitext über Titel, Kurzname, Art, Zuordnung, Schwerpunkt und Federführung'),
  limit: pageLimit('Gremien'),
  after: z.string().max(2000).optional().describe('Fortsetzung: der Wert aus dem Link-Header (rel="next") der vorigen Seite, unverändert.'),
});

/** Where a page of the list ends, as the `after` of the next page's link: the last body's title and id, opaque to clients. */
function encodePosition(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.title, position.id])).toString('base64url');
}

function decodePosition(after: string): ListPosition {
  try {
    const [title, id] = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as unknown[];
    if (typeof title === 'string' && typeof id === 'string') return { title, id };
  } catch {
    // answered below
  }
  throw ValidationError.at('query.after', 'Kein gültiger Fortsetzungswert: den Wert aus dem Link-Header (rel="next") der vorigen Seite unverändert übernehmen.');
}

/** The link to the page after this one: the same filter, the same limit, after its last body. */
function nextPageLink(query: { state?: string; q?: string; limit: number }, next: ListPosition): string {
  const params = new URLSearchParams();
  if (query.state) params.set('state', query.state);
  if (query.q) params.set('q', query.q);
  params.set('limit', String(query.limit));
  params.set('after', encodePosition(next));
  return `</api/bodies?${params.toString()}>; rel="next"`;
}

/** A zod schema's JSON Schema inside another one (no `$schema` of its own). */
function embedded(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = jsonSchema(schema);
  return rest;
}

/** What `data` takes for an event type: the statechart's schema, plus inline contact persons where the write path takes them. */
function eventDataDoc(type: BodyEventType): Record<string, unknown> {
  const data = embedded(eventDataSchemas[type]) as { properties?: Record<string, unknown> };
  if (!TAKES_CONTACTS.has(type)) return data;
  const contacts = { ...embedded(z.array(contactInputSchema)), description: 'Ansprechpersonen: bekannte mit {id}, neue mit Name und Organisation; das Ereignis trägt nur ihre IDs (contactIds).' };
  return { ...data, properties: { ...data.properties, contacts } };
}

/** The event command: `data` as the statechart takes it for each `type` (machines/body.events.ts `eventDataSchemas`). */
const eventCommandDoc: Record<string, unknown> = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: [...EVENT_TYPES] },
    data: { type: 'object', description: 'Die Daten des Ereignisses (je nach type, siehe oneOf).' },
    occurredAt: { type: 'string', description: 'Fachliches Datum (JJJJ-MM-TT) oder Zeitpunkt (ISO 8601).' },
    decision: { type: 'string', description: 'Nummer eines erfassten Beschlusses, z. B. 2024/09-AL.' },
    expectedVersion: { type: 'integer', minimum: 1 },
  },
  oneOf: EVENT_TYPES.map((type) => ({ title: type, properties: { type: { const: type }, data: eventDataDoc(type) } })),
};

@ApiTags('Gremien')
@Controller('api/bodies')
export class BodiesController {
  constructor(
    private readonly bodies: BodiesService,
    private readonly lifecycle: LifecycleService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post()
  @Access(SECRETARIAT_WRITE)
  @HttpCode(201)
  @ApiOperation({ summary: 'Gremium registrieren (Entwurf)' })
  @ApiBody({ schema: jsonSchema(registrationCommandSchema) })
  @ApiAnswer(registeredAnswerSchema, { status: 201, description: 'Registriert: Entwurf in Version 1' })
  async register(@Body() body: unknown, @CurrentActor() actor: Actor) {
    const result = await this.lifecycle.register(body, actor);
    return { id: result.bodyId, state: result.state, version: result.version, allowedEvents: result.allowedEvents };
  }

  @Get()
  @Access(BODY_LIST)
  @ApiOperation({ summary: 'Gremien auflisten (Filter: state, q; seitenweise mit limit)' })
  @ApiQueryFrom(listQuery)
  @ApiAnswer(z.array(bodySummarySchema), {
    headers: { Link: { description: 'Mit limit, wenn weitere Gremien folgen: die nächste Seite (rel="next"), mit demselben Filter.', sometimes: true } },
  })
  async list(@Query() query: unknown, @Req() request: FastifyRequest & WithPrincipal, @Res({ passthrough: true }) reply: FastifyReply) {
    const { limit, after, ...filter } = parseInput(listQuery, query, 'query');
    const principal = request[PRINCIPAL];
    // A lead's list is its own bodies, narrowed in the query so that its pages are full (the access
    // interceptor's check afterwards then finds nothing to remove).
    const lead = principal?.role === 'lead' ? principal.contactId : undefined;
    if (lead === null) return [];
    const narrowed = { ...filter, ...(lead === undefined ? {} : { contactId: lead }), after: after === undefined ? undefined : decodePosition(after) };
    if (limit === undefined) return this.bodies.list(narrowed);
    const page = await this.bodies.page({ ...narrowed, limit });
    if (page.next) reply.header('link', nextPageLink({ ...filter, limit }, page.next));
    return page.bodies;
  }

  @Get(':id')
  @Access(BODY_READ)
  @ApiOperation({ summary: 'Ein Gremium: Zustand, Kontext, zulässige Ereignisse' })
  @ApiAnswer(bodyViewSchema)
  async get(@Param('id') id: string, @CurrentActor() actor: Actor) {
    const body = await this.bodies.get(id, { contactDetails: seesContactDetails(actor.role) });
    // BODY_READ admits a lead to its own bodies only, so its role alone tells what it may send here.
    return { ...body, yourEvents: body.allowedEvents.filter(({ type }) => mayAppend(actor.role, type)) };
  }

  @Post(':id/events')
  @Access(BODY_EVENT)
  @HandlesIdempotencyKey()
  @HttpCode(200)
  @ApiOperation({ summary: 'Ereignis senden (Übergang im Lebenslauf)' })
  @ApiBody({ schema: eventCommandDoc })
  @ApiAnswer(commandAnswerSchema)
  send(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentActor() actor: Actor,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // The most frequent request: it honours Idempotency-Key here, without the interceptor's pipeline.
    return underIdempotencyKey(this.idempotency, request, reply, async () => {
      const result = await this.lifecycle.execute({ ...objectBody(body), bodyId: id } as never, actor);
      return { id: result.bodyId, state: result.state, version: result.version, allowedEvents: result.allowedEvents, event: result.event };
    });
  }

  @Post(':id/machine-upgrade')
  @Access(SECRETARIAT_WRITE)
  @HttpCode(200)
  @ApiOperation({ summary: 'Gremium auf die neueste Version des Lebenslaufs umstellen (auditiertes Ereignis machineUpgraded)' })
  @ApiBody({ schema: { type: 'object', additionalProperties: false, properties: { expectedVersion: { type: 'integer', minimum: 1 } } } })
  @ApiAnswer(commandAnswerSchema)
  async upgradeMachine(@Param('id') id: string, @Body() body: unknown, @CurrentActor() actor: Actor) {
    const result = await this.lifecycle.upgradeMachine({ ...objectBody(body), bodyId: id } as never, actor);
    return { id: result.bodyId, state: result.state, version: result.version, allowedEvents: result.allowedEvents, event: result.event };
  }

  @Get(':id/history')
  @Access(BODY_HISTORY)
  @ApiOperation({ summary: 'Die Ereignisse des Gremiums mit ihren Hashes, in Reihenfolge' })
  @ApiAnswer(bodyHistorySchema)
  history(@Param('id') id: string) {
    return this.bodies.history(id);
  }
}
