import { z } from 'zod';
import { deadlineSchema } from '../../machines';
import { civilDateSchema, instantSchema } from '../event-log/event-schema';
import { MESSAGE_STATUSES } from '../outbox/outbox.store';

/** A Frist as `GET /api/deadlines` shows it (`DeadlineView`). */
export const deadlineViewSchema = z
  .object({
    key: z.string().describe('<Gremium>/<Art>/<Bezug>, z. B. …/report/r1'),
    bodyId: z.string(),
    bodyTitle: z.string(),
    kind: z.enum(['start', 'report', 'termEnd']),
    ref: z.string(),
    label: z.string(),
    deadline: deadlineSchema.meta({ id: 'DeadlineSpec', description: 'Die Frist, wie sie gesetzt ist: Datum, Monat, Sitzung, erste Sitzung eines Jahres oder bis auf Weiteres.' }),
    originalDate: civilDateSchema.nullable(),
    effectiveDate: civilDateSchema.nullable(),
    rule: z
      .object({
        id: z.literal('nextWorkingDay'),
        citation: z.string(),
        skipped: z.array(z.object({ date: civilDateSchema, reason: z.string() })),
        text: z.string(),
      })
      .nullable()
      .describe('Die Regel, die die Frist auf den nächsten Werktag verschoben hat (§ 193 BGB), oder null'),
    termEndAsWritten: z
      .union([z.object({ month: z.string() }), z.object({ year: z.string() })])
      .nullable()
      .optional()
      .describe('Beim Ende der Laufzeit: wie der Beschluss es schrieb, wenn gröber als ein Tag (ein Monat {month: "2028-03"}, ein Jahr {year: "2028"}); sonst null'),
    description: z.string(),
    status: z.enum(['open', 'due', 'overdue', 'met']),
    metOn: civilDateSchema.nullable().describe('Der Tag, an dem die Frist erledigt wurde (ein Bericht: eingereicht), sonst null'),
    overdue: z.boolean().describe('Überfällig: das Datum ist vorbei und die Frist nicht erledigt; nie, solange die Fristenüberwachung des Gremiums ruht (Nacherfassung)'),
    backfillSince: instantSchema.nullable().optional().describe('Seit wann die Fristenüberwachung des Gremiums für seine Nacherfassung ruht, sonst null'),
    next: z
      .object({ event: z.string(), dueAt: instantSchema, status: z.enum(['pending', 'refused']), error: z.string().nullable() })
      .nullable()
      .describe('Das nächste Systemereignis, das der Scheduler dafür sendet'),
    updatedAt: instantSchema,
  })
  .meta({ id: 'Deadline' });

export const outboxMessageSchema = z
  .object({
    id: z.string(),
    dedupeKey: z.string(),
    channel: z.enum(['email', 'webhook']),
    target: z.union([z.object({ contactIds: z.array(z.string()), secretariat: z.boolean() }), z.object({ url: z.string() })]),
    bodyId: z.string().nullable(),
    topic: z.enum(['reminder', 'event']),
    subject: z.string(),
    payload: z.unknown().describe('E-Mail: {text}; Webhook: das JSON-Dokument, das gesendet wird'),
    status: z.enum(MESSAGE_STATUSES).describe('pending: wartet auf einen Versuch; sent: versandt; dead: unzustellbar; withdrawn: zurückgezogen, nie versandt (die Erinnerung traf nicht mehr zu)'),
    attempts: z.number().int().min(0),
    attemptLog: z
      .array(
        z.union([
          z.object({
            at: instantSchema,
            ok: z.boolean(),
            error: z.string().optional(),
            delivered: z.array(z.string()).optional().describe('E-Mail: die Adressen, die der SMTP-Server bei diesem Versuch annahm'),
            refused: z
              .array(z.object({ address: z.string(), reason: z.string(), permanent: z.boolean() }))
              .optional()
              .describe('E-Mail: die Adressen, die er ablehnte, mit seiner Antwort (permanent: 5xx, kein weiterer Versuch)'),
          }),
          z
            .object({
              at: instantSchema,
              requeuedBy: z.string().describe('Benutzername der Geschäftsstelle'),
            })
            .describe('Kein Versuch: Die Geschäftsstelle hat die unzustellbare Nachricht zu diesem Zeitpunkt erneut in den Ausgang gelegt; dauerhaft abgelehnte Adressen werden danach wieder versucht'),
        ]),
      )
      .describe('Die Zustellversuche und jedes erneute Einlegen in den Ausgang, in der Reihenfolge ihres Geschehens'),
    nextAttemptAt: instantSchema,
    lastError: z.string().nullable(),
    createdAt: instantSchema,
    sentAt: instantSchema.nullable(),
    withdrawnAt: instantSchema.nullable().describe('Wann die Nachricht zurückgezogen wurde, sonst null'),
    withdrawnReason: z.string().nullable().describe('Warum die Nachricht zurückgezogen wurde (z. B. „Die Berichtspflicht … ist entfallen“), sonst null'),
  })
  .meta({ id: 'OutboxMessage', description: 'Eine Nachricht (E-Mail oder Webhook) im Ausgang, mit ihren Zustellversuchen.' });

/** `GET /api/reminders`: the planned reminders (timers) and the messages of the outbox. */
export const remindersAnswerSchema = z.object({
  scheduled: z.array(
    z.looseObject({ key: z.string(), bodyId: z.string(), dueOn: civilDateSchema, dueAt: instantSchema }).describe('Eine geplante Erinnerung mit den Angaben ihres Timers'),
  ),
  messages: z.array(outboxMessageSchema),
});
