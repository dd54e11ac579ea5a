import { z } from 'zod';
import { BODY_KINDS, COMMAND_EVENT_TYPES, EVENT_TYPES, successorSchema } from '../../machines';
import { bodyContextSchema, civilDateSchema, decisionFactsSchema, eventRecordSchema, instantSchema } from '../event-log/event-schema';
import { notYetRecordedSchema } from '../audit/audit-answers';
import { backfillViewSchema } from '../backfill/backfill-answers';
import { bodyStateSchema } from '../lifecycle/command-answer';
import { replacedBySchema, replacementSchema, withdrawalSchema } from '../decisions/decision-answers';

/** A term end as written: a day, a month or a year (machines/term-end.ts). */
const termEndSchema = z.union([civilDateSchema, z.object({ month: z.string() }), z.object({ year: z.string() })]);

const linkedBodySchema = successorSchema.meta({ id: 'LinkedBody', description: 'Vorgänger oder Nachfolger: Name und, wenn registriert, die ID.' });

export const registeredAnswerSchema = z.object({
  id: z.uuid(),
  state: bodyStateSchema,
  version: z.literal(1),
  allowedEvents: z.array(z.enum(COMMAND_EVENT_TYPES)),
});

/** One line of `GET /api/bodies`. */
export const bodySummarySchema = z.object({
  id: z.uuid(),
  title: z.string(),
  shortName: z.string().nullable(),
  kind: z.enum(BODY_KINDS),
  parent: z.string(),
  leads: z.array(z.string()),
  state: bodyStateSchema,
  version: z.number().int().min(1),
  approvedUntil: civilDateSchema.nullable(),
  approvedUntilAsWritten: termEndSchema
    .nullable()
    .describe('Das Ende der Laufzeit, wie der Beschluss es schrieb, wenn gröber als ein Tag (ein Monat {month: "2028-03"}, ein Jahr {year: "2028"}; approvedUntil ist dessen letzter Tag); sonst null'),
  permanent: z.boolean(),
  endedOn: civilDateSchema.nullable(),
  updatedAt: instantSchema,
});

/** `GET /api/bodies/{id}`. */
export const bodyViewSchema = z.object({
  id: z.uuid(),
  version: z.number().int().min(1),
  title: z.string(),
  state: bodyStateSchema,
  allowedEvents: z
    .array(z.object({ type: z.enum(EVENT_TYPES), label: z.string() }))
    .describe('Was das Gremium jetzt annimmt, ohne die Ereignisse des Schedulers; welche davon der Aufrufer senden darf, sagt yourEvents'),
  yourEvents: z
    .array(z.object({ type: z.enum(EVENT_TYPES), label: z.string() }))
    .describe('Die zulässigen Ereignisse, die der Aufrufer mit seiner Rolle senden darf: die Geschäftsstelle alle, die Federführung ihres Gremiums „Bericht eingereicht“ und „Verlängerung beantragt“, Prüfung und Lesezugriff keines'),
  notYetPossible: z
    .array(z.object({ type: z.enum(EVENT_TYPES), label: z.string(), reason: z.string() }))
    .describe('Ereignisse, die der Zustand annimmt, die aber noch nicht möglich sind, mit dem Grund (z. B. „Abgeschlossen“ vor dem zur Kenntnis genommenen Abschlussbericht)'),
  context: bodyContextSchema,
  reportNames: z
    .array(z.object({ obligationId: z.string(), title: z.string().nullable(), label: z.string() }))
    .describe(
      'Der Name jeder Berichtspflicht, wie Seiten und Listen ihn zeigen: title ist ihr Titel, bei einer späteren Periode einer wiederkehrenden Berichtspflicht ohne eigenen Titel der ihrer Reihe (im context steht dort null); label z. B. „Jährlicher Sachstandsbericht (Zwischenbericht)“',
    ),
  reportDates: z
    .array(
      z.object({
        obligationId: z.string(),
        effectiveDate: civilDateSchema.nullable().describe('Der Tag, bis zu dem der Bericht vorliegen muss: die Frist nach Verschiebungen und den Kalenderregeln (§ 193 BGB), wie die Fristen sie zeigen; null, solange sie kein Datum hat (z. B. eine noch nicht terminierte Sitzung)'),
        submittedOn: civilDateSchema.nullable().describe('Der Tag, an dem der Bericht eingereicht wurde, sonst null'),
      }),
    )
    .describe(
      'Die wirksame Frist jeder Berichtspflicht und ihr Einreichungsdatum, auch nachdem das Gremium beendet ist und keine Fristen mehr hat: ein Bericht, eingereicht nach effectiveDate, kam verspätet',
    ),
  contacts: z.array(
    z.object({
      id: z.uuid(),
      name: z.string().nullable(),
      organization: z.string().nullable(),
      /** E-mail and phone: for the secretariat and the body's own leads only (docs/access.md). */
      email: z.string().nullable().optional(),
      phone: z.string().nullable().optional(),
      erased: z.boolean(),
    }),
  ),
  decisions: z.array(
    decisionFactsSchema.extend({
      event: z.string(),
      eventLabel: z.string(),
      version: z.number().int().min(1),
      occurredAt: instantSchema,
      withdrawn: withdrawalSchema.nullable().describe('Zurückgenommen seit (und warum): was der Beschluss anordnete, steht dann ohne Grundlage'),
      replacedBy: replacedBySchema,
      replacedVia: z
        .array(replacementSchema)
        .describe('Bei einer Kette von Ersetzungen die Beschlüsse zwischen diesem und replacedBy, in ihrer Reihenfolge (jeder zurückgenommen und vom nächsten ersetzt); sonst leer'),
    }),
  ),
  predecessors: z.array(linkedBodySchema),
  successors: z.array(linkedBodySchema),
  notYetRecorded: notYetRecordedSchema,
  backfill: backfillViewSchema.nullable().describe('Nacherfassung: die Fristenüberwachung ruht (keine Ereignisse des Schedulers, keine Erinnerungen); null, wenn sie läuft'),
  registeredAt: instantSchema,
  updatedAt: instantSchema,
});

/** `GET /api/bodies/{id}/history`: the stored events with their German label and summary. */
export const bodyHistorySchema = z.object({
  bodyId: z.string(),
  events: z.array(
    eventRecordSchema.extend({
      label: z.string(),
      summary: z.string(),
      intact: z.boolean().describe('Ob der gespeicherte Hash zum Inhalt passt und das Ereignis auf den Hash der Version davor verweist'),
      tampering: z.string().nullable().describe('Wenn nicht: was nicht stimmt, auf Deutsch'),
    }),
  ),
});
