import { Readable } from 'node:stream';
import { Controller, Get, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Access, AUDIT_READ, BODY_HISTORY, PUBLIC, SECRETARIAT_WRITE } from '../auth/access';
import { z } from 'zod';
import { parseInput } from '../common/validation';
import { AuditService } from './audit.service';

const stateQuery = z.strictObject({ asOf: z.string().optional(), asKnownAt: z.string().optional() });
const verifyQuery = z.strictObject({ body: z.string().min(1).max(36).optional() });

@ApiTags('Prüfung (Audit)')
@Controller('api')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('bodies/:id/state')
  @Access(BODY_HISTORY)
  @ApiOperation({ summary: 'Stand eines Gremiums zu einem fachlichen Datum (asOf) und/oder nach Kenntnisstand (asKnownAt)' })
  @ApiQuery({ name: 'asOf', required: false, description: 'Fachliches Datum (JJJJ-MM-TT, ganzer Tag) oder Zeitpunkt: Ereignisse mit occurredAt bis dahin' })
  @ApiQuery({ name: 'asKnownAt', required: false, description: 'Systemzeitpunkt (ISO 8601): Ereignisse, die bis dahin aufgezeichnet waren' })
  state(@Param('id') id: string, @Query() query: unknown) {
    return this.audit.stateAt(id, parseInput(stateQuery, query, 'query'));
  }

  @Get('bodies/:id/replay')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Wiederholung aller Ereignisse mit der aufgezeichneten Automatenversion: „matches“ oder die erste Abweichung' })
  replay(@Param('id') id: string) {
    return this.audit.replay(id);
  }

  @Get('audit/verify')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Hashketten, gespeicherte Stände und Checkpoints prüfen (alle Gremien oder eines: ?body=)' })
  verify(@Query() query: unknown) {
    return this.audit.verify(parseInput(verifyQuery, query, 'query').body);
  }

  @Get('audit/checkpoints')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Alle signierten Checkpoints (Merkle-Wurzel über alle Ereignisse, Ed25519)' })
  checkpoints() {
    return this.audit.checkpoints();
  }

  @Post('audit/checkpoints')
  @Access(SECRETARIAT_WRITE)
  @HttpCode(201)
  @ApiOperation({ summary: 'Jetzt einen signierten Checkpoint schreiben' })
  createCheckpoint() {
    return this.audit.createCheckpoint();
  }

  @Get('audit/public-key')
  @Access(PUBLIC)
  @ApiOperation({ summary: 'Der öffentliche Schlüssel, mit dem Checkpoints geprüft werden' })
  publicKey() {
    return this.audit.publicKey();
  }

  @Get('audit/export')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Export als JSON Lines für die Offline-Prüfung (gremienlauf verify)' })
  export(): StreamableFile {
    return new StreamableFile(Readable.from(this.audit.exportLines()), {
      type: 'application/x-ndjson; charset=utf-8',
      disposition: 'attachment; filename="gremienlauf-audit-export.jsonl"',
    });
  }
}
