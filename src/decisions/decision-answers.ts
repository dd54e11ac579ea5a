import { z } from 'zod';
import { DECISION_EFFECT_TYPES, DECISION_TYPES, EVENT_TYPES } from '../../machines';
import { actorSchema, civilDateSchema, hashSchema, instantSchema } from '../event-log/event-schema';
import { PROCEDURES } from './register';

const decisionRef = z.object({ number: z.string(), issuer: z.string() });

/** A decision's withdrawal: when, by whom, why. */
export const withdrawalSchema = z.object({ at: instantSchema, actor: z.string(), reason: z.string() });

/**
 * A decision that took over a withdrawn one's carried-out effect (`StandingReplacement`), with
 * its date and its own withdrawal as the decision answer gives it.
 */
export const replacementSchema = decisionRef
  .extend({
    date: civilDateSchema,
    withdrawn: withdrawalSchema
      .nullable()
      .describe(
        'Auch dieser ersetzende Beschluss ist zurückgenommen (wann, von wem, warum: wie withdrawn des Beschlusses selbst); ist er der letzte der Kette, steht das Ereignis ohne Grundlage, ein neuer Beschluss, der ihn ersetzt, ist nötig; null, solange er gilt',
      ),
  })
  .meta({ id: 'DecisionReplacement' });

/**
 * The decision a withdrawn one's carried-out effect rests on now (`StandingReplacement`), as the
 * decision answer, the Beschlusskontrolle and the body answer name it.
 */
export const replacedBySchema = replacementSchema
  .nullable()
  .describe(
    'Bei einem zurückgenommenen Beschluss, dessen Wirkung umgesetzt ist: der Beschluss, der ihn ersetzt und das Ereignis als Umsetzung seiner Wirkung übernommen hat; ' +
      'wurde auch dieser zurückgenommen und ersetzt, der letzte dieser Kette. Sonst null',
  );

const effectSchema = z
  .object({
    body: z.uuid(),
    effect: z.enum(DECISION_EFFECT_TYPES),
    data: z.record(z.string(), z.unknown()),
    replaces: decisionRef
      .extend({ version: z.number().int().min(1) })
      .optional()
      .describe('Übernommen von einem zurückgenommenen Beschluss, den dieser ersetzt: dort umgesetzt durch diese Version des Gremiums'),
  })
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
    withdrawn: withdrawalSchema.nullable(),
    version: z.number().int().min(1),
    issuerName: z.string(),
  })
  .meta({ id: 'Decision', description: 'Ein Beschluss im Register.' });

const eventReference = z.object({ bodyId: z.string(), version: z.number().int().min(1), type: z.enum([...EVENT_TYPES, 'registered', 'machineUpgraded']), occurredAt: instantSchema });

const citingReference = eventReference.extend({
  cites: decisionRef.optional().describe('Das Ereignis zitiert einen anderen, zurückgenommenen Beschluss, den dieser ersetzt'),
});

/** An effect in the answer of one decision: its number in the decision, the event that applied it, the decision that took it over. */
export const effectDetailSchema = effectSchema.extend({
  index: z.number().int().min(0).describe('Die Nummer der Wirkung im Beschluss (ab 0), wie apply sie als effect nimmt; auch in der Antwort an die Federführung, die nur die Wirkungen auf ihre Gremien sieht'),
  appliedBy: citingReference.nullable(),
  replacedBy: replacedBySchema,
});

/**
 * A decision with the event that applied each effect and every event citing it (for a lead: its
 * own bodies' only); `GET /api/decisions/{issuer}/{number}` adds each effect's state (`decisionAnswerSchema`).
 */
export const decisionDetailSchema = decisionSchema.extend({
  effects: z.array(effectDetailSchema),
  citedBy: z.array(citingReference),
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
