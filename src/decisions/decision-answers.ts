import { z } from 'zod';
import { DECISION_EFFECT_TYPES, DECISION_TYPES, EVENT_TYPES } from '../../machines';
import { actorSchema, civilDateSchema, hashSchema, instantSchema } from '../event-log/event-schema';
import { PROCEDURES } from './register';

const effectSchema = z
  .object({ body: z.uuid(), effect: z.enum(DECISION_EFFECT_TYPES), data: z.record(z.string(), z.unknown()) })
  .meta({ id: 'DecisionEffect', description: 'Was der Beschluss für ein Gremium bewirkt: ein Ereignis mit seinen Daten, z. B. extended {approvedUntil}.' });

const decisionFields = {
  number: z.string(),
  issuer: z.string(),
  date: civilDateSchema,
  procedure: z.enum(PROCEDURES),
  session: z.number().int().positive().nullable(),
  type: z.enum(DECISION_TYPES),
  title: z.string(),
};

/** A decision as the register shows it (`Decision` of decisions.service.ts). */
export const decisionSchema = z
  .object({
    ...decisionFields,
    effects: z.array(effectSchema),
    recordedAt: instantSchema,
    recordedBy: z.string(),
    withdrawn: z.object({ at: instantSchema, actor: z.string(), reason: z.string() }).nullable(),
    version: z.number().int().min(1),
    issuerName: z.string(),
  })
  .meta({ id: 'Decision', description: 'Ein Beschluss im Register.' });

const eventReference = z.object({ bodyId: z.string(), version: z.number().int().min(1), type: z.enum([...EVENT_TYPES, 'registered', 'machineUpgraded']), occurredAt: instantSchema });

/** `GET /api/decisions/{issuer}/{number}`: with the event that applied each effect and every event citing it. */
export const decisionDetailSchema = decisionSchema.extend({
  effects: z.array(effectSchema.extend({ appliedBy: eventReference.nullable() })),
  citedBy: z.array(eventReference),
});

/** `GET /api/decisions/{issuer}/{number}/history`: the decision's own hash-chained stream. */
export const decisionHistorySchema = z.object({
  issuer: z.string(),
  number: z.string(),
  stream: z.string(),
  events: z.array(
    z.object({
      id: z.uuid(),
      stream: z.string(),
      version: z.number().int().min(1),
      type: z.enum(['decisionRecorded', 'decisionAmended', 'decisionWithdrawn']),
      data: z.record(z.string(), z.unknown()).describe('decisionRecorded: die Angaben und reason; decisionAmended: {changes, reason}; decisionWithdrawn: {reason}'),
      actor: actorSchema,
      occurredAt: instantSchema,
      recordedAt: instantSchema,
      prevHash: hashSchema.nullable(),
      hash: hashSchema,
    }),
  ),
});
