import { createHash } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Access, ALL_BODIES_READ, BODY_READ, CALENDAR_FEEDS, PUBLIC } from '../auth/access';
import { PRINCIPAL, type WithPrincipal } from '../auth/principal';
import { NotFoundError } from '../common/errors';
import { z } from 'zod';
import { ApiAnswer, ApiTextAnswer, jsonSchema } from '../common/openapi';
import { instantSchema } from '../event-log/event-schema';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RemindersConfig } from '../../config/reminders';
import { DeadlinesService } from '../deadlines/deadlines.service';
import { REMINDERS_CONFIG } from '../../config/reminders-config';
import { CalendarFeedsService, feedInputSchema } from './calendar-feeds.service';
import { calendarFeed } from './ics';

const CALENDAR = 'text/calendar; charset=utf-8';

/** A calendar subscription without its secret URL (`CalendarFeedView`). */
const calendarFeedSchema = z
  .object({ id: z.uuid(), bodyId: z.string().nullable(), label: z.string().nullable(), createdAt: instantSchema, revokedAt: instantSchema.nullable() })
  .meta({ id: 'CalendarFeed', description: 'Ein Kalender-Abonnement (ohne seine geheime URL).' });

@ApiTags('Fristen')
@Controller()
export class CalendarController {
  constructor(
    private readonly deadlines: DeadlinesService,
    private readonly feeds: CalendarFeedsService,
    @Inject(REMINDERS_CONFIG) private readonly config: RemindersConfig,
  ) {}

  @Post('api/calendar-feeds')
  @Access(CALENDAR_FEEDS)
  @HttpCode(201)
  @ApiOperation({ summary: 'Ein Kalender-Abonnement anlegen: eine geheime URL, die Kalenderprogramme ohne Anmeldung abrufen (nur jetzt angezeigt)' })
  @ApiBody({ schema: jsonSchema(feedInputSchema) })
  @ApiAnswer(calendarFeedSchema.extend({ url: z.url().describe('Die geheime Abonnement-URL: nur jetzt angezeigt') }), { status: 201 })
  createFeed(@Req() request: FastifyRequest & WithPrincipal, @Body() body: unknown) {
    return this.feeds.create(request[PRINCIPAL]!, body ?? {});
  }

  @Get('api/calendar-feeds')
  @Access(CALENDAR_FEEDS)
  @ApiOperation({ summary: 'Die eigenen Kalender-Abonnements (ohne ihre geheimen URLs)' })
  @ApiAnswer(z.array(calendarFeedSchema))
  listFeeds(@Req() request: FastifyRequest & WithPrincipal) {
    return this.feeds.list(request[PRINCIPAL]!);
  }

  @Delete('api/calendar-feeds/:id')
  @Access(CALENDAR_FEEDS)
  @ApiOperation({ summary: 'Ein eigenes Kalender-Abonnement widerrufen: die URL liefert danach nichts mehr' })
  @ApiAnswer(calendarFeedSchema)
  revokeFeed(@Req() request: FastifyRequest & WithPrincipal, @Param('id') id: string) {
    return this.feeds.revoke(request[PRINCIPAL]!, id);
  }

  /**
   * The subscription itself: public, because the secret in the URL is the credential (calendar
   * clients send no header). Unknown, revoked and no-longer-readable feeds are one 404.
   */
  @Get('feeds/:file')
  @Access(PUBLIC)
  @ApiOperation({ summary: 'Kalender-Abonnement über seine geheime URL (RFC 5545), ohne Anmeldung; ETag und Cache-Control' })
  @ApiTextAnswer('text/calendar', 'iCalendar (RFC 5545)', {
    headers: { ETag: 'Für bedingte Abrufe (If-None-Match)', 'Cache-Control': 'private, max-age=300' },
  })
  @ApiResponse({ status: 304, description: 'Unverändert (If-None-Match traf das ETag)' })
  async subscription(@Param('file') file: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const feed = file.endsWith('.ics') ? await this.feeds.feed(file.slice(0, -'.ics'.length)) : null;
    if (!feed) throw new NotFoundError('Dieses Kalender-Abonnement gibt es nicht (mehr).');
    const etag = `"${createHash('sha256').update(feed.ics, 'utf8').digest('base64url').slice(0, 27)}"`;
    reply.header('cache-control', 'private, max-age=300');
    reply.header('etag', etag);
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-robots-tag', 'noindex');
    if (request.headers['if-none-match'] === etag) {
      reply.status(304);
      return '';
    }
    reply.header('content-type', CALENDAR);
    return feed.ics;
  }

  // The content type is set only on success: an error still goes out as JSON.
  @Get('calendar.ics')
  @Access(ALL_BODIES_READ)
  @ApiOperation({ summary: 'Alle Fristen als iCalendar-Abonnement (RFC 5545)' })
  @ApiTextAnswer('text/calendar', 'iCalendar (RFC 5545)')
  async all(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const feed = calendarFeed('Gremienlauf – Fristen', await this.deadlines.list(), this.config.publicUrl);
    reply.header('content-type', CALENDAR);
    return feed;
  }

  @Get('api/bodies/:id/calendar.ics')
  @Access(BODY_READ)
  @ApiOperation({ summary: 'Die Fristen eines Gremiums als iCalendar-Abonnement (RFC 5545)' })
  @ApiTextAnswer('text/calendar', 'iCalendar (RFC 5545)')
  async body(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const title = await this.deadlines.bodyTitle(id);
    const feed = calendarFeed(`Gremienlauf – ${title}`, await this.deadlines.list({ bodyId: id }), this.config.publicUrl);
    reply.header('content-type', CALENDAR);
    return feed;
  }
}
