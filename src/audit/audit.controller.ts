import { Readable } from 'node:stream';
import { Controller, Get, Header, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, AUDIT_READ, BODY_HISTORY, PUBLIC, SECRETARIAT_WRITE } from '../auth/access';
import { z } from 'zod';
import { ApiAnswer, ApiParamsFrom, ApiQueryFrom, ApiTextAnswer } from '../common/openapi';
import { ValidationError } from '../common/errors';
import { MAX_INTEGER } from '../common/i-json';
import { parseInput } from '../common/validation';
import { consistencyProofSchema, inclusionProofSchema, publicKeySchema, replayAnswerSchema, signedCheckpointSchema, stateAtAnswerSchema, verifyAnswerSchema } from './audit-answers';
import { AuditService } from './audit.service';
import { CONSISTENCY_TREE_SIZES, INCLUSION_TREE_SIZES, treeSizeIssues, treeSizesInOrder, type TreeSizeParameter } from './proofs';

const stateQuery = z.strictObject({
  asOf: z.string().optional().describe('Fachliches Datum (JJJJ-MM-TT, ganzer Tag) oder Zeitpunkt: Ereignisse mit occurredAt bis dahin'),
  asKnownAt: z.string().optional().describe('Systemzeitpunkt (ISO 8601): Ereignisse, die bis dahin aufgezeichnet waren'),
});
const verifyQuery = z.strictObject({ body: z.string().min(1).max(36).optional().describe('Nur dieses Gremium (ID); ohne: alle Ströme') });
const treeSize = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const inclusionQuery = z.strictObject({
  event: z.string().min(1).max(64).describe('ID des Ereignisses (oder eines Eintrags im Audit-Protokoll)'),
  treeSize: treeSize.optional().describe('Baumgröße; Standard: die des neuesten Checkpoints'),
});
const consistencyQuery = z.strictObject({
  from: treeSize.describe('Baumgröße des älteren Checkpoints'),
  to: treeSize.optional().describe('Baumgröße des neueren; Standard: die des neuesten Checkpoints'),
});
// One message for a number out of bounds: the bound stops the checks (zod's own for unsafe integers would add a second).
const sequenceParam = z.strictObject({
  sequence: z.coerce
    .number()
    .min(1, { abort: true })
    .max(MAX_INTEGER, { abort: true })
    .int()
    .describe(`Laufende Nummer des Checkpoints (1 bis ${MAX_INTEGER})`),
});

@ApiTags('Prüfung (Audit)')
@Controller('api')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('bodies/:id/state')
  @Access(BODY_HISTORY)
  @ApiOperation({ summary: 'Stand eines Gremiums zu einem fachlichen Datum (asOf) und/oder nach Kenntnisstand (asKnownAt)' })
  @ApiQueryFrom(stateQuery)
  @ApiAnswer(stateAtAnswerSchema)
  state(@Param('id') id: string, @Query() query: unknown) {
    return this.audit.stateAt(id, parseInput(stateQuery, query, 'query'), { asOf: 'query.asOf', asKnownAt: 'query.asKnownAt' });
  }

  @Get('bodies/:id/replay')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Wiederholung aller Ereignisse mit der aufgezeichneten Automatenversion: „matches“ oder die erste Abweichung' })
  @ApiAnswer(replayAnswerSchema)
  replay(@Param('id') id: string) {
    return this.audit.replay(id);
  }

  @Get('audit/verify')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Hashketten, gespeicherte Stände und Checkpoints prüfen (alle Gremien oder eines: ?body=)' })
  @ApiQueryFrom(verifyQuery)
  @ApiAnswer(verifyAnswerSchema)
  verify(@Query() query: unknown) {
    return this.audit.verify(parseInput(verifyQuery, query, 'query').body);
  }

  @Get('audit/checkpoints')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Alle signierten Checkpoints (Merkle-Wurzel über alle Ereignisse, Ed25519)' })
  @ApiAnswer(z.array(signedCheckpointSchema))
  checkpoints() {
    return this.audit.checkpoints();
  }

  @Post('audit/checkpoints')
  @Access(SECRETARIAT_WRITE)
  @HttpCode(201)
  @ApiOperation({ summary: 'Jetzt einen signierten Checkpoint schreiben' })
  @ApiAnswer(signedCheckpointSchema, { status: 201 })
  createCheckpoint() {
    return this.audit.createCheckpoint();
  }

  @Get('audit/proof/inclusion')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Inklusionsbeweis (RFC 9162 §2.1.3) eines Ereignisses im Baum eines Checkpoints, mit dem Ereignis und dem Checkpoint' })
  @ApiQueryFrom(inclusionQuery)
  @ApiAnswer(inclusionProofSchema)
  async inclusionProof(@Query() query: unknown) {
    return this.audit.inclusionProof(await this.proofQuery(inclusionQuery, query, INCLUSION_TREE_SIZES));
  }

  @Get('audit/proof/consistency')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Konsistenzbeweis (RFC 9162 §2.1.4): der ältere Baum ist Anfang des neueren, das Log ist nur gewachsen' })
  @ApiQueryFrom(consistencyQuery)
  @ApiAnswer(consistencyProofSchema)
  async consistencyProof(@Query() query: unknown) {
    return this.audit.consistencyProof(await this.proofQuery(consistencyQuery, query, CONSISTENCY_TREE_SIZES));
  }

  /**
   * A proof's query. Tree sizes that are none, or out of order, are refused naming each
   * parameter with the sizes there are, up to the newest checkpoint's tree size (read only
   * then); a size beyond it the service refuses, as it reads the checkpoints anyway.
   */
  private async proofQuery<S extends z.ZodObject>(schema: S, query: unknown, sizes: readonly TreeSizeParameter[]): Promise<z.output<S>> {
    const parsed = schema.safeParse(query);
    if (parsed.success && treeSizesInOrder(parsed.data, sizes)) return parsed.data;
    const given = (query ?? {}) as Record<string, unknown>;
    const newest = (await this.audit.checkpoints()).at(-1)?.payload.treeSize ?? 0;
    const names = sizes.map((size) => size.name);
    const known = Object.keys(schema.shape);
    const issues = treeSizeIssues(given, sizes, newest);
    // The other parameters as the schema finds them; an unknown one with the names there are.
    for (const issue of parsed.error?.issues ?? []) {
      if (issue.code !== 'unrecognized_keys' && !names.includes(String(issue.path[0]))) issues.push({ path: `query.${String(issue.path[0])}`, message: issue.message });
    }
    for (const name of Object.keys(given).filter((name) => !known.includes(name))) {
      issues.push({ path: `query.${name}`, message: `Unbekannter Parameter; diese Anfrage nimmt ${known.join(', ')}.` });
    }
    if (issues.length === 0) return parseInput(schema, query, 'query');
    throw new ValidationError(issues);
  }

  @Get('audit/checkpoint')
  @Access(PUBLIC)
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'no-cache')
  @ApiOperation({ summary: 'Der neueste Checkpoint als signierte Notiz nach c2sp.org/tlog-checkpoint (Ed25519)' })
  @ApiTextAnswer('text/plain', 'Signierte Notiz: Herkunft, Baumgröße, Wurzel (base64), Leerzeile, Signaturzeile')
  latestCheckpointNote() {
    return this.audit.checkpointNote();
  }

  @Get('audit/checkpoints/:sequence/note')
  @Access(PUBLIC)
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'Ein Checkpoint als signierte Notiz nach c2sp.org/tlog-checkpoint (Ed25519)' })
  @ApiParamsFrom(sequenceParam)
  @ApiTextAnswer('text/plain', 'Signierte Notiz: Herkunft, Baumgröße, Wurzel (base64), Leerzeile, Signaturzeile')
  checkpointNote(@Param() params: unknown) {
    return this.audit.checkpointNote(parseInput(sequenceParam, params, 'path').sequence);
  }

  @Get('audit/public-key')
  @Access(PUBLIC)
  @ApiOperation({ summary: 'Der öffentliche Schlüssel, mit dem Checkpoints geprüft werden' })
  @ApiAnswer(publicKeySchema)
  publicKey() {
    return this.audit.publicKey();
  }

  @Get('audit/export')
  @Access(AUDIT_READ)
  @ApiOperation({ summary: 'Export als JSON Lines für die Offline-Prüfung (gremienlauf verify)' })
  @ApiTextAnswer('application/x-ndjson', 'JSON Lines: Kopfzeile, Statecharts, Ereignisse, Beschlüsse, Audit-Protokoll, Checkpoints, Schlusszeile mit Zählern', {
    headers: { 'Content-Disposition': 'attachment; filename="gremienlauf-audit-export.jsonl"' },
  })
  export(): StreamableFile {
    return new StreamableFile(Readable.from(this.audit.exportLines()), {
      type: 'application/x-ndjson; charset=utf-8',
      disposition: 'attachment; filename="gremienlauf-audit-export.jsonl"',
    });
  }
}
