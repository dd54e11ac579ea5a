import { z } from 'zod';
import type { ObligationState } from '../../machines';
import { civilDateSchema, instantSchema } from '../event-log/event-schema';
import { decisionDetailSchema, effectDetailSchema, replacedBySchema } from '../decisions/decision-answers';
import { CONTROL_STATES, CONTROL_STATES_DESCRIBED } from './decision-control.service';

const OBLIGATION_STATES = ['pending', 'due', 'overdue', 'submitted', 'acknowledged', 'waived'] as const satisfies readonly ObligationState[];

/** How the Beschlusskontrolle follows up on one effect: its Frist, its state, the report it requested. */
const controlStateFields = {
  dueBy: civilDateSchema.nullable().describe('Die Frist eines angeforderten Berichts oder des Abschlussberichts, aufgelöst wie in den Fristen (Sitzungskalender des Adressaten, Werktagsregel), sonst null'),
  state: z.enum(CONTROL_STATES).describe(CONTROL_STATES_DESCRIBED),
  stateLabel: z.string().describe('Der Stand auf Deutsch, z. B. „umgesetzt, Beschluss zurückgenommen“ oder „offen ohne Frist“'),
  report: z
    .object({
      obligationId: z.string(),
      state: z.enum(OBLIGATION_STATES),
      acknowledgedOn: civilDateSchema.nullable(),
      waived: z
        .object({ on: civilDateSchema, decision: z.string().nullable() })
        .nullable()
        .describe('Bei einem entfallenen Bericht: seit wann und durch welchen Beschluss (falls erfasst), sonst null'),
    })
    .nullable(),
};

/** One line of the Beschlusskontrolle (`ControlRow`): one effect of one decision. */
export const controlRowSchema = z
  .object({
    decision: z.object({
      number: z.string(),
      issuer: z.string(),
      issuerName: z.string(),
      date: civilDateSchema,
      title: z.string(),
      withdrawn: z.boolean().describe('Der Beschluss ist zurückgenommen: der Stand jeder seiner Wirkungen ist dann appliedWithdrawn, replaced oder withdrawn'),
    }),
    effectIndex: z.number().int().min(0),
    bodyId: z.string(),
    bodyTitle: z.string(),
    effect: z.string(),
    effectLabel: z.string().describe('Die Wirkung auf Deutsch, z. B. „Verlängert“ (die CSV-Spalte „Wirkung“)'),
    required: z.string().describe('Was der Beschluss fordert, z. B. „Verlängerung bis 30.06.2027“'),
    appliedBy: z
      .object({
        version: z.number().int().min(1),
        type: z.string(),
        occurredAt: instantSchema,
        cites: z.object({ number: z.string(), issuer: z.string() }).optional().describe('Das Ereignis zitiert einen zurückgenommenen Beschluss, den dieser ersetzt'),
      })
      .nullable(),
    replacedBy: replacedBySchema,
    ...controlStateFields,
  })
  .meta({ id: 'DecisionControlRow' });

/**
 * `GET /api/decisions/{issuer}/{number}`: the decision with each effect's state as the
 * Beschlusskontrolle works it out (the fields of its row), by the effect's number in the decision.
 */
export const decisionAnswerSchema = decisionDetailSchema.extend({
  effects: z.array(effectDetailSchema.extend(controlStateFields)),
});
