import { Readable } from 'node:stream';
import { Controller, Get, Header, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Access, AUDIT_READ, BODY_HISTORY, PUBLIC, SECRETARIAT_WRITE } from '../auth/access';
import { z } from 'zod';
import { parseInput } from '../common/validation';
import { AuditService } from './audit.service';

const stateQuery = z.strictObject({ asOf: z.string().optional(), asKnownAt: z.string().optional() });
const verifyQuery = z.strictObject({ body: z.string().min(1).max(36).optional() });
const treeSize = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const inclusionQuery = z.strictObject({ event: z.string().min(1).max(64), treeSize: treeSize.optional() });
const consistencyQuery = z.strictObject({ from: treeSize, to: treeSize.optional() });
const sequenceParam = z.strictObject({ sequence: treeSize });

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

  @Get('audit/proof/inclusion')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Inklusionsbeweis (RFC 9162 §2.1.3) eines Ereignisses im Baum eines Checkpoints, mit dem Ereignis und dem Checkpoint' })
  @ApiQuery({ name: 'event', required: true, description: 'ID des Ereignisses (oder eines Eintrags im Audit-Protokoll)' })
  @ApiQuery({ name: 'treeSize', required: false, description: 'Baumgröße; Standard: die des neuesten Checkpoints' })
  inclusionProof(@Query() query: unknown) {
    return this.audit.inclusionProof(parseInput(inclusionQuery, query, 'query'));
  }

  @Get('audit/proof/consistency')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Konsistenzbeweis (RFC 9162 §2.1.4): der ältere Baum ist Anfang des neueren, das Log ist nur gewachsen' })
  @ApiQuery({ name: 'from', required: true, description: 'Baumgröße des älteren Checkpoints' })
  @ApiQuery({ name: 'to', required: false, description: 'Baumgröße des neueren; Standard: die des neuesten Checkpoints' })
  consistencyProof(@Query() query: unknown) {
    return this.audit.consistencyProof(parseInput(consistencyQuery, query, 'query'));
  }

  @Get('audit/checkpoint')
  @Access(PUBLIC)
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'no-cache')
  @ApiOperation({ summary: 'Der neueste Checkpoint als signierte Notiz nach c2sp.org/tlog-checkpoint (Ed25519)' })
  latestCheckpointNote() {
    return this.audit.checkpointNote();
  }

  @Get('audit/checkpoints/:sequence/note')
  @Access(PUBLIC)
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'Ein Checkpoint als signierte Notiz nach c2sp.org/tlog-checkpoint (Ed25519)' })
  checkpointNote(@Param() params: unknown) {
    return this.audit.checkpointNote(parseInput(sequenceParam, params, 'path').sequence);
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
