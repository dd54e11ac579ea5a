import { z } from 'zod';
import { EVENT_TYPES } from '../../machines';
import { eventRecordSchema } from '../event-log/event-schema';

/** A body's lifecycle state: the statechart value, its German label, and every state path it is in. */
export const bodyStateSchema = z
  .object({
    value: z.union([z.string(), z.record(z.string(), z.unknown())]).describe('Zustandswert des Statecharts: ein Name oder verschachtelte Regionen'),
    label: z.string(),
    paths: z.array(z.string()),
  })
  .meta({ id: 'BodyState' });

/** What a write to a body answers (`CommandResult` of the write path): where the body stands after the event. */
export const commandAnswerSchema = z
  .object({
    id: z.uuid(),
    state: bodyStateSchema,
    version: z.number().int().min(1),
    allowedEvents: z
      .array(z.enum(EVENT_TYPES))
      .describe('Was das Gremium jetzt annimmt (welche davon eine Rolle senden darf, regelt der Zugriff): ohne die Ereignisse des Schedulers, Berichtsereignisse nur, wenn eine Berichtspflicht dafür in Frage kommt'),
    event: eventRecordSchema,
  })
  .meta({ id: 'CommandAnswer', description: 'Das geschriebene Ereignis und der Stand des Gremiums danach.' });
