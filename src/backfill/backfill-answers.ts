import { z } from 'zod';
import { instantSchema } from '../event-log/event-schema';

/** `BackfillHold`: a body's Nacherfassung as answers show it. */
export const backfillHoldSchema = z
  .object({ since: instantSchema, reason: z.string(), by: z.string().describe('Wer sie begann') })
  .describe('Nacherfassung: die Fristenüberwachung des Gremiums ruht seit since (keine Ereignisse des Schedulers, keine Erinnerungen)');


/** The hold as `GET /api/bodies/:id` gives it, with the sentence pages show. */
export const backfillViewSchema = backfillHoldSchema.extend({ notice: z.string().describe('„Nacherfassung: Fristenüberwachung ruht seit …“') });
