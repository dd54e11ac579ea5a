import { z } from 'zod';
import { actorSchema, bodyContextSchema, civilDateSchema, decisionFactsSchema, eventRecordSchema, hashSchema, instantSchema, machineRefSchema } from '../event-log/event-schema';
import { CHECKPOINT_FORMAT, DELTA_CHECKPOINT_FORMAT, LEAF_ORDER, LOG_CHECKPOINT_FORMAT, LOG_ORDER } from './checkpoint';
import { CONSISTENCY_PROOF_FORMAT, INCLUSION_PROOF_FORMAT } from './proofs';

const stateValueSchema = z.union([z.string(), z.record(z.string(), z.unknown())]);

/** A signed checkpoint (`SignedCheckpoint`): the Merkle root over the whole log, Ed25519-signed. */
export const signedCheckpointSchema = z
  .object({
    payload: z.object({
      format: z.enum([CHECKPOINT_FORMAT, LOG_CHECKPOINT_FORMAT, DELTA_CHECKPOINT_FORMAT]),
      sequence: z.number().int().min(1),
      createdAt: instantSchema,
      treeSize: z.number().int().min(0),
      rootHash: hashSchema,
      order: z.enum([LEAF_ORDER, LOG_ORDER]),
      origin: z.string().optional().describe('Format 2 und 3: der Name des Logs in seiner C2SP-Checkpoint-Notiz'),
      heads: z
        .array(z.object({ stream: z.string(), version: z.number().int().min(1), hash: hashSchema }))
        .describe('Format 1 und 2: der Kopf jedes Stroms; Format 3: die Köpfe der Ströme, die seit den Checkpoints davor weitergingen (der erste nennt jeden Strom)'),
      previous: hashSchema.nullable(),
    }),
    signature: z.base64().describe('Ed25519 über die kanonische JSON-Form (RFC 8785) von payload'),
    keyId: hashSchema.describe('SHA-256 des öffentlichen Schlüssels (SPKI DER)'),
  })
  .meta({ id: 'SignedCheckpoint', description: 'Ein signierter Checkpoint: Merkle-Wurzel (RFC 9162) über alle Einträge des Logs.' });

/** `MissingVersions` (chain-verifier.ts): a gap in a chain, or a chain that starts late. */
const neighbourSchema = z.object({ version: z.number().int().min(1), eventId: z.string() });
const missingSchema = z
  .object({
    from: z.number().int().min(1),
    to: z.number().int().min(1),
    after: neighbourSchema.nullable().describe('Das gespeicherte Ereignis vor der Lücke; null, wo der Strom erst nach ihr beginnt'),
    before: neighbourSchema.describe('Das gespeicherte Ereignis nach der Lücke'),
  })
  .describe('Bei kind gap und start: die fehlenden Versionen (from bis to) und die gespeicherten Ereignisse davor und danach');

const problemSchema = z.object({
  area: z.enum(['chain', 'projection', 'checkpoint']),
  kind: z.string(),
  stream: z.string().nullable(),
  title: z
    .string()
    .nullable()
    .describe('Der aktuelle Titel des Gremiums, dessen Kette stream ist; null bei den anderen Ketten (Beschluss, Ansprechperson, Audit-Protokoll) und bei einem Gremium ohne gespeicherten Stand'),
  version: z.number().int().nullable(),
  eventId: z.string().nullable().describe('Das Ereignis, das der Befund betrifft; null, wo keins gespeichert ist (eine Lücke: siehe missing)'),
  message: z.string(),
  missing: missingSchema.optional(),
});

/** A problem in verify's answer, as clients (and the specs) read it. */
export type VerifyProblem = z.infer<typeof problemSchema>;

/** `GET /api/audit/verify`. */
export const verifyAnswerSchema = z.object({
  scope: z.string().describe('all oder die ID des Gremiums'),
  title: z.string().nullable().describe('Mit ?body=: der Titel des Gremiums; sonst null'),
  intact: z.boolean(),
  checkedAt: instantSchema,
  events: z.number().int().min(0),
  streams: z.array(
    z.object({
      stream: z.string(),
      events: z.number().int().min(0),
      head: z.object({ version: z.number().int(), hash: z.string() }).nullable(),
      intact: z.boolean(),
      firstBreak: z
        .object({ stream: z.string(), version: z.number().int(), eventId: z.string().nullable(), kind: z.string(), message: z.string(), missing: missingSchema.optional() })
        .nullable(),
      kind: z.enum(['body', 'decision', 'contact', 'auditLog']),
    }),
  ),
  problems: z.array(problemSchema),
  notes: z
    .array(problemSchema)
    .describe('Was die Prüfung nicht feststellen kann, ohne dass etwas verändert wäre (kind earlierKey: ein Checkpoint mit einem früheren Schlüssel signiert); zählt nicht gegen intact'),
  checkpoints: z.object({
    count: z.number().int().min(0),
    last: z
      .object({ sequence: z.number().int(), createdAt: instantSchema, treeSize: z.number().int(), rootHash: hashSchema })
      .nullable()
      .describe('Der letzte Checkpoint, dessen Signatur hält; null, wenn keiner'),
    uncoveredEvents: z
      .number()
      .int()
      .min(0)
      .describe(
        'Einträge nach dem letzten Checkpoint, dessen Signatur hält; mit ?body= die Ereignisse dieses Gremiums nach dem neuesten Kopf seines Stroms, den die Checkpoints bis zu diesem nennen',
      ),
  }),
});

const replayStepSchema = z
  .object({
    version: z.number().int().min(1),
    eventId: z.string(),
    type: z.string(),
    label: z.string(),
    actor: actorSchema,
    decision: decisionFactsSchema.nullable(),
    occurredAt: instantSchema,
    recordedAt: instantSchema,
    machine: machineRefSchema,
    hash: z.string(),
    allowed: z.boolean(),
    refusal: z.string().nullable(),
    stateAfter: stateValueSchema,
    stateLabelAfter: z.string(),
    summary: z.string(),
  })
  .meta({ id: 'ReplayStep', description: 'Ein Ereignis bei der Wiederholung: ob das Statechart es an dieser Stelle zulässt und der Zustand danach.' });

/** A stored event that is not what was recorded (`TamperedEvent`, stream-integrity.ts). */
const tamperedEventSchema = z
  .object({
    version: z.number().int(),
    eventId: z.string(),
    type: z.string(),
    label: z.string(),
    kind: z.enum(['content', 'unreadable', 'start', 'gap', 'duplicate', 'swapped', 'link']),
    expected: z.unknown(),
    found: z.unknown(),
    message: z.string(),
  })
  .meta({
    id: 'TamperedEvent',
    description:
      'Ein gespeichertes Ereignis, das nicht ist, was aufgezeichnet wurde: sein Hash passt nicht zum Inhalt (content, unreadable), seine Version folgt nicht auf die davor (start, gap, duplicate) oder sein prevHash ist nicht der gespeicherte Hash der Version davor (link).',
  });

const replayCommon = {
  bodyId: z.string(),
  events: z.number().int().min(0),
  tampered: z.array(tamperedEventSchema).describe('Die Ereignisse, deren Hash oder Verkettung nicht stimmt; leer, wenn alle stimmen'),
  steps: z.array(replayStepSchema),
  erasures: z.array(
    z.object({ auditLogVersion: z.number().int(), occurredAt: instantSchema, actor: actorSchema, contactId: z.string(), reason: z.string(), hash: hashSchema }),
  ),
};

const divergenceSchema = z.object({
  version: z.number().int(),
  eventId: z.string().nullable(),
  type: z.string().nullable(),
  label: z.string().nullable(),
  path: z.string(),
  expected: z.unknown(),
  found: z.unknown(),
  message: z.string(),
});

/**
 * `GET /api/bodies/{id}/replay`: "tampered" (an event is not what was recorded: named first,
 * nothing compared), "matches", or the first divergence.
 */
export const replayAnswerSchema = z.discriminatedUnion('verdict', [
  z.object({ ...replayCommon, verdict: z.literal('matches'), state: stateValueSchema, stateLabel: z.string(), machine: machineRefSchema }),
  z.object({ ...replayCommon, verdict: z.literal('diverges'), divergence: divergenceSchema }),
  z.object({
    ...replayCommon,
    verdict: z.literal('tampered'),
    divergence: divergenceSchema.describe('Das erste veränderte Ereignis (path hash, event, version oder prevHash): was die Kette dort verlangt und was gespeichert ist'),
  }),
]);

/** Due system events the log does not hold yet: what the scheduler records next (or the body's next write). */
export const notYetRecordedSchema = z
  .array(z.object({ type: z.string(), label: z.string(), dueAt: z.string() }))
  .describe(
    'Systemereignisse, die bis zum Stichtag (ohne: bis jetzt) fällig sind, aber noch nicht im Log stehen; der Zustand zeigt sie (und was aus ihnen folgt) noch nicht',
  );

/** `GET /api/bodies/{id}/state`: the state as of a business date and/or as known at a system time. */
export const stateAtAnswerSchema = z.object({
  bodyId: z.string(),
  asOf: z.string().nullable(),
  asKnownAt: z.string().nullable(),
  state: stateValueSchema,
  stateLabel: z.string(),
  statePaths: z.array(z.string()),
  context: bodyContextSchema,
  basedOn: replayStepSchema.describe('Das letzte Ereignis, auf dem die Antwort steht'),
  excluded: z.number().int().min(0),
  refused: z.array(replayStepSchema),
  notYetRecorded: notYetRecordedSchema,
  tampered: z.array(tamperedEventSchema).describe('Die Ereignisse, die die Antwort faltet oder auf denen sie steht und deren Hash oder Verkettung nicht stimmt'),
  warning: z.string().nullable().describe('Die Warnung dazu, auf Deutsch; null, wenn alle stimmen'),
});

const auditLogEntrySchema = z.object({
  id: z.string(),
  version: z.number().int().min(1),
  type: z.enum(['contactErased', 'backfillBegun', 'backfillEnded', 'sessionScheduled', 'sessionMoved']),
  data: z.union([
    z.object({ contactId: z.string(), reason: z.string(), bodyIds: z.array(z.string()) }).describe('contactErased'),
    z.object({ bodyId: z.string(), reason: z.string() }).describe('backfillBegun, backfillEnded: die Nacherfassung eines Gremiums'),
    z
      .object({ issuer: z.string(), number: z.number().int().min(1), date: civilDateSchema, previousDate: civilDateSchema.nullable() })
      .describe('sessionScheduled, sessionMoved: eine Sitzung im Sitzungskalender eingetragen oder verlegt (previousDate: der Tag davor)'),
  ]),
  actor: actorSchema,
  occurredAt: instantSchema,
  recordedAt: instantSchema,
  prevHash: hashSchema.nullable(),
  hash: hashSchema,
});

/** `GET /api/audit/proof/inclusion` (`InclusionProofBundle`, RFC 9162 §2.1.3). */
export const inclusionProofSchema = z.object({
  format: z.literal(INCLUSION_PROOF_FORMAT),
  stream: z.string(),
  version: z.number().int().min(1),
  leafIndex: z.number().int().min(0),
  treeSize: z.number().int().min(1),
  leafHash: hashSchema,
  hashes: z.array(hashSchema).describe('Der Prüfpfad, von unten nach oben'),
  rootHash: hashSchema,
  entry: z.discriminatedUnion('kind', [z.object({ kind: z.literal('event'), event: eventRecordSchema }), z.object({ kind: z.literal('auditLog'), entry: auditLogEntrySchema })]),
  checkpoint: signedCheckpointSchema.nullable(),
  note: z.string().nullable(),
});

/** `GET /api/audit/proof/consistency` (`ConsistencyProofBundle`, RFC 9162 §2.1.4). */
export const consistencyProofSchema = z.object({
  format: z.literal(CONSISTENCY_PROOF_FORMAT),
  from: z.number().int().min(1),
  to: z.number().int().min(1),
  fromRoot: hashSchema,
  toRoot: hashSchema,
  hashes: z.array(hashSchema),
  checkpoints: z.object({ from: signedCheckpointSchema.nullable(), to: signedCheckpointSchema.nullable() }),
  notes: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
});

export const publicKeySchema = z.object({
  algorithm: z.literal('Ed25519'),
  keyId: hashSchema,
  logOrigin: z.string(),
  noteVerifierKey: z.string().describe('Der Schlüssel für C2SP-Notizen: name+keyid+base64'),
  pem: z.string(),
  spki: z.base64(),
});

