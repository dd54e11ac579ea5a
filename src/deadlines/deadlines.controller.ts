import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, DEADLINES_READ, REMINDERS_READ, SECRETARIAT_WRITE } from '../auth/access';
import { CurrentActor } from '../auth/actor';
import { SecurityLog } from '../auth/security-log';
import { Clock } from '../common/clock';
import type { Actor } from '../event-log/event-hash';
import { PRINCIPAL, type WithPrincipal } from '../auth/principal';
import { z } from 'zod';
import { civilDate } from '../../machines/body.events';
import { ApiAnswer, ApiQueryFrom } from '../common/openapi';
import { pageLimit, parseInput } from '../common/validation';
import { deadlineViewSchema, outboxMessageSchema, remindersAnswerSchema } from './deadline-answers';
import { MESSAGE_STATUSES, OutboxStore } from '../outbox/outbox.store';
import { DeadlinesService } from './deadlines.service';
import { MAX_INTEGER } from '../common/i-json';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

const deadlinesQuery = z.strictObject({
  before: civilDate.optional().describe('Nur Fristen mit wirksamem Datum vor diesem Tag (JJJJ-MM-TT)'),
  body: z.uuid().optional().describe('Nur die Fristen dieses Gremiums'),
  overdue: bool.optional().describe('true: nur überfällige; false: nur nicht überfällige (auch die noch ohne Datum)'),
  met: bool.optional().describe('true: nur erledigte; false: nur nicht erledigte'),
  held: bool.optional().describe('true: nur die Fristen der Gremien in Nacherfassung (Fristenüberwachung ruht); false: nur die der übrigen'),
  limit: pageLimit('Fristen'),
  offset: z.coerce.number().int().min(0).max(MAX_INTEGER).optional().describe('Mit limit: so viele Fristen der Liste überspringen (die nächste Seite nennt der Link-Header)'),
}).refine((q) => q.offset === undefined || q.limit !== undefined, { path: ['offset'], message: 'offset gilt nur zusammen mit limit (eine Seite).' });

/** The link to the page after this one: the same filter and limit, `limit` Fristen further on. */
function nextPageLink(query: z.infer<typeof deadlinesQuery>, limit: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && name !== 'offset') params.set(name, String(value));
  params.set('offset', String((query.offset ?? 0) + limit));
  return `</api/deadlines?${params.toString()}>; rel="next"`;
}

const remindersQuery = z.strictObject({
  status: z.enum(MESSAGE_STATUSES).optional().describe('Stand der Nachricht im Ausgang (withdrawn: zurückgezogen)'),
  channel: z.enum(['email', 'webhook']).optional(),
  body: z.uuid().optional().describe('Nur die Erinnerungen und Nachrichten dieses Gremiums'),
});

@ApiTags('Fristen')
@Controller('api')
export class DeadlinesController {
  constructor(
    private readonly deadlines: DeadlinesService,
    private readonly outbox: OutboxStore,
    private readonly clock: Clock,
    private readonly securityLog: SecurityLog,
  ) {}

  @Get('deadlines')
  @Access(DEADLINES_READ)
  @ApiOperation({ summary: 'Fristen mit ursprünglichem und wirksamem Datum (Filter: before, body, overdue, met, held; seitenweise mit limit)' })
  @ApiQueryFrom(deadlinesQuery)
  @ApiAnswer(z.array(deadlineViewSchema), {
    headers: { Link: { description: 'Mit limit, wenn weitere Fristen folgen: die nächste Seite (rel="next"), mit demselben Filter.', sometimes: true } },
  })
  async list(@Query() query: unknown, @Req() request: FastifyRequest & WithPrincipal, @Res({ passthrough: true }) reply: FastifyReply) {
    const q = parseInput(deadlinesQuery, query, 'query');
    const principal = request[PRINCIPAL];
    // A lead's Fristen are its own bodies', chosen in the query so that its pages are full (the
    // access interceptor's check afterwards then finds nothing to remove).
    const lead = principal?.role === 'lead' ? principal.contactId : undefined;
    if (lead === null) return [];
    const filter = { before: q.before, bodyId: q.body, overdue: q.overdue, met: q.met, held: q.held, ...(lead === undefined ? {} : { contactId: lead }) };
    if (q.limit === undefined) return this.deadlines.list(filter);
    // One more than the page holds says whether another page follows.
    const rows = await this.deadlines.list({ ...filter, limit: q.limit + 1, offset: q.offset ?? 0 });
    if (rows.length > q.limit) reply.header('link', nextPageLink(q, q.limit));
    return rows.slice(0, q.limit);
  }

  @Get('reminders')
  @Access(REMINDERS_READ)
  @ApiOperation({ summary: 'Erinnerungen: geplante, und versandte, wartende, gescheiterte und zurückgezogene Nachrichten mit ihren Versuchen' })
  @ApiQueryFrom(remindersQuery)
  @ApiAnswer(remindersAnswerSchema)
  async reminders(@Query() query: unknown) {
    const q = parseInput(remindersQuery, query, 'query');
    return {
      scheduled: await this.deadlines.scheduledReminders(q.body),
      messages: await this.outbox.list({ status: q.status, channel: q.channel, bodyId: q.body }),
    };
  }

  @Post('reminders/:id/requeue')
  @Access(SECRETARIAT_WRITE)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Eine unzustellbare Nachricht (dead) erneut in den Ausgang legen, etwa nachdem die Adresse oder der SMTP-Server berichtigt ist: ihre Versuche beginnen von vorn, wer sie schon erhalten hat, erhält sie nicht noch einmal. 404 für eine unbekannte ID, 409 für eine Nachricht, die nicht unzustellbar ist (eine zurückgezogene geht nie mehr hinaus).',
  })
  @ApiAnswer(outboxMessageSchema, { description: 'Die Nachricht, wieder im Ausgang (pending)' })
  async requeue(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() request: FastifyRequest) {
    const message = await this.outbox.requeue(id, this.clock.now().toISOString(), actor.id);
    // Who sent which message once more: recorded as the other acts of the accounts, without any address.
    this.securityLog.record({ event: 'outbox.requeued', username: actor.id, role: actor.role, message: message.id, channel: message.channel, method: request.method, route: request.url });
    return message;
  }
}
