import { z } from 'zod';
import { instantSchema } from '../event-log/event-schema';

/** `BackfillHold`: a body's Nacherfassung as answers show it. */
export const backfillHoldSchema = z
  .object({ since: instantSchema, reason: z.string(), by: z.string().describe('Wer sie begann') })
  .describe('Nacherfassung: die Fristenüberwachung des Gremiums ruht seit since (keine Ereignisse des Schedulers, keine Erinnerungen)');


/** The hold as `GET /api/bodies/:id` gives it, with the sentence pages show. */
export const backfillViewSchema = backfillHoldSchema.extend({ notice: z.string().describe('„Nacherfassung: Fristenüberwachung ruht seit …“') });

/** `RecordedBefore`: what the deadline monitoring had done for a body when its Nacherfassung began. */
export const recordedBeforeSchema = z.object({
  events: z
    .array(z.object({ type: z.string(), label: z.string(), count: z.number().int().min(1), firstOccurredAt: instantSchema, lastOccurredAt: instantSchema }))
    .describe('Die Systemereignisse im Verlauf des Gremiums (Akteur system:scheduler), je Art, in der Reihenfolge ihres ersten Auftretens'),
  reminders: z
    .object({ sent: z.number().int().min(0), waiting: z.number().int().min(0) })
    .describe('Erinnerungen im Ausgang: versandt, und noch wartend auf den Versand'),
  notice: z.string().describe('„Die Fristenüberwachung hat für dieses Gremium bereits erfasst: … Die Nacherfassung hält nur an, was die Fristenüberwachung noch nicht erfasst oder geschrieben hat …“'),
});
