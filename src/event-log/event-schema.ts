import { z } from 'zod';
import { DECISION_TYPES, EVENT_TYPES } from '../../machines';

/** An instant in UTC as the log writes it (`2026-11-28T09:00:00.000Z`). */
export const instantSchema = z.iso.datetime();
/** A civil date (`2026-11-28`). */
export const civilDateSchema = z.iso.date();
/** A SHA-256 digest, hex. */
export const hashSchema = z.string().regex(/^[0-9a-f]{64}$/);

export const actorSchema = z.object({ id: z.string(), role: z.string() }).meta({ id: 'Actor', description: 'Wer das Ereignis ausgelöst hat (Benutzer und Rolle, oder das System).' });

export const decisionFactsSchema = z
  .object({ number: z.string(), issuer: z.string(), date: civilDateSchema, type: z.enum(DECISION_TYPES) })
  .meta({ id: 'DecisionFacts', description: 'Der zitierte Beschluss, wie das Ereignis ihn festhält.' });

export const machineRefSchema = z.object({ id: z.string(), version: z.number().int().min(1) }).meta({ id: 'MachineRef', description: 'Statechart und Version, unter der das Ereignis aufgezeichnet wurde.' });

/** One stored event (event-hash.ts `EventRecord`, DESIGN §5). */
export const eventRecordSchema = z
  .object({
    id: z.uuid(),
    bodyId: z.string(),
    version: z.number().int().min(1),
    type: z.enum([...EVENT_TYPES, 'registered', 'machineUpgraded']),
    data: z.unknown().describe('Die Daten des Ereignisses, je nach type.'),
    actor: actorSchema,
    occurredAt: instantSchema,
    recordedAt: instantSchema,
    machine: machineRefSchema,
    decision: decisionFactsSchema.nullable(),
    prevHash: hashSchema.nullable(),
    hash: hashSchema,
  })
  .meta({ id: 'Event', description: 'Ein gespeichertes Ereignis mit Hashkette: hash = SHA-256 der kanonischen JSON-Form aller anderen Felder.' });

/** The statechart's context of a body (machines/body.context.ts): profile, term, obligations, … — open, it grows with the statechart. */
export const bodyContextSchema = z
  .looseObject({ profile: z.looseObject({ title: z.string() }) })
  .meta({ id: 'BodyContext', description: 'Kontext des Statecharts: Stammdaten (profile), Laufzeit, Berichtspflichten, Anträge; wächst mit dem Statechart.' });
