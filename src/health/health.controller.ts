import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ApiAnswer } from '../common/openapi';
import { Access, PUBLIC } from '../auth/access';
import { AuditService } from '../audit/audit.service';
import { DatabaseUnreachable } from '../database/connection-lost';
import { Database, REPLACED_FILE_REMEDY } from '../database/database';

/** Said by /health while PostgreSQL does not answer: the instance can do nothing then, neither read nor write. */
const DATABASE_UNREACHABLE =
  'Die Datenbank (PostgreSQL) ist nicht erreichbar: die Verbindung brach ab, kommt nicht zustande oder bleibt ohne Antwort, etwa weil sie gerade neu startet, keine Verbindungen annimmt oder ihr Server hängt. Diese Instanz kann nichts lesen und nichts schreiben, bis sie wieder erreichbar ist.';

@ApiTags('Betrieb')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Access(PUBLIC)
  @ApiOperation({
    summary: 'Betriebsbereit: die Datenbank antwortet, und die Instanz signiert mit dem Schlüssel der Datenbank',
    description:
      'Eine Instanz mit einem anderen Signaturschlüssel als dem, an den die Datenbank gebunden ist, schreibt keine Checkpoints und gibt kein Prüfergebnis: sie antwortet 503, ein Load Balancer leitet nicht mehr zu ihr. ' +
      'Ebenso eine Instanz auf PostgreSQL, deren Anmeldung unter den Instanzen ihre Verbindung verlor: bis sie wieder angemeldet ist, und solange das nicht geht, weil inzwischen eine mit anderen Einstellungen der Fristen läuft. ' +
      'Ebenso der Dienst auf SQLite, wenn unter dem Pfad der Datenbank nicht mehr die Datei liegt, die er geöffnet hat (verschoben, gelöscht oder ersetzt, während er lief): er schreibt dann nichts mehr.',
  })
  @ApiAnswer(z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']) }))
  @ApiResponse({
    status: 503,
    description: 'Nicht betriebsbereit: die Instanz hält einen anderen Signaturschlüssel als den der Datenbank (details: keyId, boundKeyId), oder sie ist nicht angemeldet (Verbindung unterbrochen, oder andere Einstellungen der Fristen), oder die Datenbankdatei wurde verschoben, gelöscht oder ersetzt, oder PostgreSQL ist nicht erreichbar',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const problem = await this.notReady();
    if (!problem) return { status: 'ok', database: this.db.kind };
    // The one error shape, said by the controller itself: an error thrown would be logged as a failure at every poll of a load balancer.
    reply.status(503);
    return { statusCode: 503, error: 'Service Unavailable', message: problem.message, details: problem.details ?? null };
  }

  /** Why this instance should get no requests now; null when it is ready. */
  private async notReady(): Promise<{ message: string; details?: { keyId: string; boundKeyId: string } } | null> {
    // On SQLite: the file at the database's path is no longer the one the service opened.
    const replaced = this.db.replacedFile();
    if (replaced) return { message: `${replaced} Der Dienst liest und schreibt nichts mehr: ${REPLACED_FILE_REMEDY}.` };
    try {
      await this.db.query('SELECT 1 AS ok');
    } catch (error) {
      if (error instanceof DatabaseUnreachable) return { message: DATABASE_UNREACHABLE };
      throw error;
    }
    // On PostgreSQL: registered no more, while its lost connection is built anew, or since an instance with other settings of the Fristen came up meanwhile.
    const unregistered = this.db.unregistered();
    if (unregistered) return { message: `Diese Instanz ist nicht angemeldet und schreibt nichts: ${unregistered}` };
    const foreign = await this.audit.foreignKeyHeld();
    return foreign ? { message: foreign.reason, details: { keyId: foreign.keyId, boundKeyId: foreign.boundKeyId } } : null;
  }
}
