import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import {
  DECISION_EFFECT_TYPES,
  EVENT_LABELS,
  approvedUntilAfterDecision,
  extendsTerm,
  startOfBerlinDay,
  type BodyEventOf,
  type CivilDate,
  type Deadline,
  type TermEnd,
  berlinDate,
  civilDate,
  countOf,
  decisionTypeSchema,
  eventDataSchemas,
  germanDate,
  type BodyEventType,
  type DecisionFacts,
  type ReportObligation,
} from '../../machines';
import { APP_CONFIG } from '../common/common.module';
import type { AppConfig } from '../../config/configuration';
import { Clock } from '../common/clock';
import { timeOrderedId } from '../common/time-ordered-id';
import { DuplicateError, LifecycleRefusal, NotFoundError, ValidationError, type FieldIssue } from '../common/errors';
import { parseInput } from '../common/validation';
import { Database, isUniqueViolation, type Queries, type Transaction } from '../database/database';
import { SessionsStore } from '../deadlines/sessions.store';
import { canonicalJson } from '../json/canonical-json';
import { effectRequirement, namesReport } from './effect-labels';
import { storedContext } from '../event-log/stored-context';
import type { Actor, EventRecord } from '../event-log/event-hash';
import { toRecord, type EventRow } from '../event-log/event-store';
import { parseDecisionNumber, unknownIssuer, type DecisionNumber } from './decision-number';
import { replacementChains, replacingDecisions, standingReplacement, type StandingReplacement } from './replacements';
import { commandDataIssues } from '../event-log/command-data';
import {
  bodyEndedBy,
  closureSetsFrist,
  fristBeforeDay,
  fristSetBy,
  fristenSetBy,
  readsCalendar,
  registeredSuccessor,
  rescheduleSetsFrist,
  successorEndedBy,
  successorNameOmitted,
  successorNameProblem,
  withSuccessorName,
  type FristCalendar,
} from '../event-log/command-checks';
import {
  DECISION_COLUMNS,
  DECISION_EVENT_COLUMNS,
  decisionEventValues,
  decisionRowValues,
  toDecisionEvent,
  toDecisionState,
  type DecisionEventRow,
  type DecisionRow,
} from './decision-rows';
import {
  PROCEDURES,
  decisionStream,
  effectMatches,
  foldDecision,
  hashDecisionEvent,
  type DecisionChanges,
  type DecisionEvent,
  type DecisionEventData,
  type DecisionState,
  type Effect,
  eventKey,
  replacementKey,
  replacementsOf,
} from './register';

export { PROCEDURES } from './register';

const reason = z.string().trim().min(1).max(2000);

/** The withdrawn decision whose carried-out effects this one takes over (recorded under the wrong number, say). */
const replacesSchema = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .describe(
    'Nummer des zurückgenommenen Beschlusses, den dieser ersetzt (z. B. 2026/38-AL): seine umgesetzten Wirkungen, die dieser Beschluss gleich anordnet, gelten als durch dieses Ereignis umgesetzt. ' +
      'Gelesen als Nummer des eigenen beschließenden Gremiums; nennt sie so keinen erfassten (oder diesen selbst), wie geschrieben aber einen des anderen (2026/41: IT-PLR, 2026/41-AL: AL-Runde), dann diesen',
  );

export const effectInputSchema = z.strictObject({
  body: z.uuid(),
  effect: z.enum(DECISION_EFFECT_TYPES as [BodyEventType, ...BodyEventType[]]),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type EffectInput = z.input<typeof effectInputSchema>;

const SESSION_MISSING = 'Bei einem Beschluss in einer Sitzung die Nummer der Sitzung angeben.';
const SESSION_UNWANTED = 'Ein Beschluss im Umlaufverfahren hat keine Nummer der Sitzung; bitte leer lassen.';

/**
 * What is wrong with the session number for the procedure, or null: a decision taken in a session
 * names its number, one taken by written procedure has none. Said without the parameters' names:
 * the API's answers name the path (`session`), and the web form shows it at its field.
 */
function sessionProblem(d: { procedure?: string; session?: number | null }): string | null {
  const hasSession = d.session !== undefined && d.session !== null;
  if (d.procedure === 'Sitzung' && !hasSession) return SESSION_MISSING;
  if (d.procedure === 'Umlaufverfahren' && hasSession) return SESSION_UNWANTED;
  return null;
}

/**
 * What a decision of each type may order. A Kenntnisnahme takes note (of a report: its
 * Kenntnisnahme is the one effect it carries); an Empfehlung recommends and orders nothing. Only
 * a Beschluss or an Auftrag sets up, extends, moves or ends a body.
 */
const EFFECTS_OF_TYPE: Partial<Record<string, { allowed: readonly string[]; says: string }>> = {
  Kenntnisnahme: { allowed: ['reportAcknowledged'], says: 'Eine Kenntnisnahme nimmt zur Kenntnis (etwa einen Bericht)' },
  Empfehlung: { allowed: [], says: 'Eine Empfehlung empfiehlt' },
};

/** Refuses an effect the decision's type cannot order, at the effect (or, for a changed type, at `type`). */
function checkEffectsFitType(type: string, effects: ReadonlyArray<{ effect: string }>, at?: 'type'): void {
  const rule = EFFECTS_OF_TYPE[type];
  if (!rule) return;
  const i = effects.findIndex((e) => !rule.allowed.includes(e.effect));
  if (i === -1) return;
  throw ValidationError.at(
    at ?? `effects[${i}].effect`,
    `${rule.says}; „${EVENT_LABELS[effects[i].effect as BodyEventType] ?? effects[i].effect}“ ordnet nur ein Beschluss oder Auftrag an.`,
  );
}

export const decisionInputSchema = z
  .strictObject({
    number: z.string().trim().min(1).max(40),
    issuer: z.string().trim().min(1).max(60),
    date: civilDate,
    procedure: z.enum(PROCEDURES),
    session: z.number().int().positive().optional(),
    type: decisionTypeSchema,
    title: z.string().trim().min(1).max(1000),
    effects: z.array(effectInputSchema).max(5000).default([]),
    replaces: replacesSchema.optional(),
    reason: reason.optional(),
  })
  .refine((d) => sessionProblem(d) !== SESSION_MISSING, { message: SESSION_MISSING, path: ['session'] })
  .refine((d) => sessionProblem(d) !== SESSION_UNWANTED, { message: SESSION_UNWANTED, path: ['session'] });
export type DecisionInput = z.input<typeof decisionInputSchema>;

export const amendmentInputSchema = z
  .strictObject({
    date: civilDate.optional(),
    procedure: z.enum(PROCEDURES).optional(),
    session: z.number().int().positive().nullable().optional(),
    type: decisionTypeSchema.optional(),
    title: z.string().trim().min(1).max(1000).optional(),
    effects: z.array(effectInputSchema).max(5000).optional(),
    replaces: replacesSchema.optional(),
    reason,
  })
  .refine((d) => Object.keys(d).some((k) => k !== 'reason'), {
    message: 'Keine Änderung angegeben: erwartet wird mindestens eines von date, procedure, session, type, title, effects, replaces.',
  });

export const withdrawalInputSchema = z.strictObject({ reason });

/** A decision as the register shows it. */
export interface Decision extends Omit<DecisionState, 'lastHash' | 'updatedAt'> {
  issuerName: string;
}

/** The events citing a decision, and for each effect the event that carried it out. */
interface Citations {
  events: EventRecord[];
  /** Per effect (same index), the citing event that applied it, or null. */
  appliedBy: Array<EventRecord | null>;
  /** The events that cite a withdrawn decision this one replaces and carried out effects this one took over. */
  takenOver: EventRecord[];
}

/** A citing event's row, with the number it cites as a column of its own (indexed). */
type CitingRow = EventRow & { decision_number: string };

const CITING_COLUMNS =
  'id, body_id, version, type, data, actor_id, actor_role, occurred_at, recorded_at, machine_id, machine_version, decision_number, decision, prev_hash, hash';

/**
 * The events that cite the decision by its number (of its issuer: numbers repeat across issuers)
 * and, per effect, the first of them not yet taken that carried it out, in the events' order.
 * With `bodyId` the events are that body's only, so only its own effects are matched (another
 * body's effect never matches them).
 */
function appliedEffects(
  decision: DecisionState,
  citingNumber: readonly EventRecord[],
  bodyId?: string,
  byKey: ReadonlyMap<string, EventRecord> = new Map(),
): Citations {
  const events = citingNumber.filter((e) => e.decision?.issuer === decision.issuer);
  const taken = new Set<EventRecord>();
  const takenOver: EventRecord[] = [];
  const appliedBy = decision.effects.map((): EventRecord | null => null);
  for (const i of bodyId === undefined ? decision.effects.keys() : effectsOfBody(decision, bodyId)) {
    const effect = decision.effects[i];
    if (effect.replaces) {
      // Carried out under the withdrawn decision it replaces: by that body's event, which cites the other number.
      const event = byKey.get(eventKey(effect.body, effect.replaces.version)) ?? null;
      if (event) takenOver.push(event);
      appliedBy[i] = event;
      continue;
    }
    const event = events.find((e) => !taken.has(e) && effectMatches(effect, e.bodyId, e.type, e.data)) ?? null;
    if (event) taken.add(event);
    appliedBy[i] = event;
  }
  return { events, appliedBy, takenOver };
}

const effectIndexes = new WeakMap<DecisionState, Map<string, number[]>>();

/**
 * The indexes of the decision's effects for one body, in order. Kept per parsed decision (which is
 * never changed), so that citing a decision with an effect for each of many bodies does not
 * walk all of them.
 */
function effectsOfBody(decision: DecisionState, bodyId: string): readonly number[] {
  let byBody = effectIndexes.get(decision);
  if (!byBody) {
    byBody = new Map();
    for (const [i, effect] of decision.effects.entries()) {
      const indexes = byBody.get(effect.body);
      if (indexes) indexes.push(i);
      else byBody.set(effect.body, [i]);
    }
    effectIndexes.set(decision, byBody);
  }
  return byBody.get(bodyId) ?? [];
}

/**
 * A decision with, per effect, the event that carried it out (or null) and, for a withdrawn
 * decision's carried-out effect, the last of the chain of decisions that took it over (or null).
 */
export interface DecisionCitations {
  decision: Decision;
  appliedBy: Array<EventRecord | null>;
  replacedBy: Array<StandingReplacement | null>;
}

/** How many cited decisions the write path keeps parsed. */
const MAX_CITED_DECISIONS = 1_000;

/** The register of decisions (Beschlüsse) of the IT-PLR and the AL-Runde: an audited stream per decision. */
@Injectable()
export class DecisionsService {
  /** Decisions as the write path last read them, by issuer and number (see `cited`). */
  private readonly citedDecisions = new Map<string, { revision: string; decision: DecisionState }>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly sessions: SessionsStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async record(input: unknown, actor: Actor): Promise<Decision> {
    return this.db.transaction((tx) => this.recordIn(tx, input, actor));
  }

  /** Records a decision inside the caller's transaction: the `decisionRecorded` event opens its stream. */
  async recordIn(tx: Transaction, input: unknown, actor: Actor): Promise<Decision> {
    const d = parseInput(decisionInputSchema, input);
    const number = this.parseNumber(d.number, d.issuer);
    const now = this.clock.now().toISOString();
    this.checkDate(number, d.date, now);
    await this.checkSessionDay(tx, number.issuer.id, d, 'date');
    const checked = await this.checkEffects(tx, d.effects, 'effects');
    checkEffectsFitType(d.type, checked);
    const effects = d.replaces === undefined ? checked : await this.takeOver(tx, d.replaces, { number: number.canonical, issuer: number.issuer.id, date: d.date }, checked, [...checked.keys()]);
    // What is taken over is carried out already: only the other effects must still be possible.
    await this.checkEffectsPossible(tx, effects, d.date, 'effects', [...effects.keys()].filter((i) => !effects[i].replaces));
    const data = {
      number: number.canonical,
      issuer: number.issuer.id,
      date: d.date,
      procedure: d.procedure,
      session: d.session ?? null,
      type: d.type,
      title: d.title,
      effects,
      reason: d.reason ?? null,
    };
    const event = this.seal({ stream: decisionStream(data.issuer, data.number), version: 1, prevHash: null, actor, now }, { type: 'decisionRecorded', data });
    const state = foldDecision([event])!;
    try {
      await tx.query(`INSERT INTO decisions (id, ${DECISION_COLUMNS}) VALUES (?, ${DECISION_COLUMNS.split(',').map(() => '?').join(', ')})`, [
        randomUUID(),
        ...decisionRowValues(state),
      ]);
      await this.appendEvent(tx, event);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DuplicateError(`Beschluss ${data.number} (${data.issuer}) ist bereits erfasst.`, { issuer: data.issuer, number: data.number });
      }
      throw error;
    }
    return this.toDecision(state);
  }

  /**
   * Corrects a decision (title, date, procedure, type, effects): a `decisionAmended` event with the
   * reason. What an event citing it relied on — the decision's date and type, the effect it
   * applied — cannot change any more.
   */
  async amend(issuerId: string, rawNumber: string, input: unknown, actor: Actor): Promise<Decision> {
    const changes = parseInput(amendmentInputSchema, input);
    return this.db.transaction(async (tx) => {
      const current = await this.load(tx, issuerId, rawNumber);
      if (current.withdrawn) throw new LifecycleRefusal(`${this.name(current)} ist zurückgenommen; ein zurückgenommener Beschluss wird nicht mehr geändert.`);
      const { reason: why, effects: effectInput, replaces, ...fields } = changes;
      const amended: DecisionChanges = Object.fromEntries(
        Object.entries(fields).filter(([key, value]) => canonicalJson(value ?? null) !== canonicalJson(current[key as keyof DecisionState] ?? null)),
      );
      if (effectInput !== undefined) {
        const effects = keepReplacements(await this.checkEffects(tx, effectInput, 'effects'), current.effects);
        if (canonicalJson(effects) !== canonicalJson(current.effects)) amended.effects = effects;
      }
      const citations = await this.citations(tx, current);
      if (replaces !== undefined) {
        // Only an effect not carried out yet (nor taken over already) can take over another decision's event.
        const effects = amended.effects ?? current.effects;
        const carriedOut = new Set(current.effects.flatMap((effect, i) => (citations.appliedBy[i] ? [canonicalJson(effect)] : [])));
        const open = [...effects.keys()].filter((i) => !effects[i].replaces && !carriedOut.has(canonicalJson(effects[i])));
        amended.effects = await this.takeOver(tx, replaces, { ...current, date: amended.date ?? current.date }, effects, open);
      }
      if (Object.keys(amended).length === 0) throw ValidationError.at('effects', 'Die Angaben entsprechen dem erfassten Beschluss; es gibt nichts zu ändern.');
      const next = { ...current, ...amended };
      if (amended.type !== undefined || amended.effects !== undefined) checkEffectsFitType(next.type, next.effects, amended.effects === undefined ? 'type' : undefined);
      const sessionWrong = sessionProblem(next);
      if (sessionWrong) throw ValidationError.at('session', sessionWrong);
      if (amended.date !== undefined) this.checkDate(this.parseNumber(current.number, current.issuer), amended.date, this.clock.now().toISOString());
      if (amended.date !== undefined || amended.procedure !== undefined || amended.session !== undefined) {
        await this.checkSessionDay(tx, current.issuer, next, amended.date !== undefined ? 'date' : 'session');
      }

      const relied = await this.reliedUpon(tx, current, amended, citations);
      if (relied.length > 0) {
        throw new LifecycleRefusal(`${this.name(current)} wird bereits zitiert; was die Ereignisse voraussetzen, bleibt: ${relied.join(' ')}`, {
          violations: relied,
        });
      }
      if (amended.effects !== undefined || amended.date !== undefined) {
        // An added effect is checked as at recording; with another date, every effect not carried out yet.
        const applied = new Map(current.effects.map((effect, i) => [canonicalJson(effect), citations.appliedBy[i] !== null]));
        const open = next.effects.flatMap((effect, i) => {
          if (effect.replaces) return [];
          const known = applied.get(canonicalJson(effect));
          return known === undefined || (amended.date !== undefined && !known) ? [i] : [];
        });
        await this.checkEffectsPossible(tx, next.effects, next.date, 'effects', open);
      }
      return this.toDecision(await this.next(tx, current, actor, { type: 'decisionAmended', data: { changes: amended, reason: why } }));
    });
  }

  /**
   * Withdraws a decision, always with a reason: it can no longer be cited, and stays in the
   * register (with the events that cited it) for everyone to see.
   */
  async withdraw(issuerId: string, rawNumber: string, input: unknown, actor: Actor): Promise<Decision> {
    const { reason: why } = parseInput(withdrawalInputSchema, input);
    return this.db.transaction(async (tx) => {
      const current = await this.load(tx, issuerId, rawNumber);
      if (current.withdrawn) throw new LifecycleRefusal(`${this.name(current)} ist bereits am ${germanDate(berlinDate(current.withdrawn.at))} zurückgenommen worden.`);
      return this.toDecision(await this.next(tx, current, actor, { type: 'decisionWithdrawn', data: { reason: why } }));
    });
  }

  /** A filter by issuer names a configured one (another would list nothing); `path` names the field. */
  assertIssuerFilter(issuer: string | undefined, path: string): void {
    if (issuer !== undefined && !this.config.issuers.some((i) => i.id === issuer)) throw ValidationError.at(path, unknownIssuer(issuer, this.config.issuers));
  }

  async list(filter: { issuer?: string; year?: number }): Promise<Decision[]> {
    this.assertIssuerFilter(filter.issuer, 'query.issuer');
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.issuer) {
      where.push('issuer = ?');
      params.push(filter.issuer);
    }
    if (filter.year) {
      where.push('decided_on LIKE ?');
      params.push(`${filter.year}-%`);
    }
    const rows = await this.db.query<DecisionRow>(
      `SELECT ${DECISION_COLUMNS} FROM decisions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY decided_on, number`,
      params,
    );
    return rows.map((row) => this.toDecision(toDecisionState(row)));
  }

  /**
   * One decision with the events (bodies, transitions) that cite it and, per effect, the event that
   * applied it. An effect taken over from a withdrawn decision counts as carried out by the event
   * that cited that one (`appliedBy.cites` names it), and that event is among `citedBy`; an effect
   * another decision took over since names in `replacedBy` the last of the chain of replacements
   * (its `withdrawn`: that one is withdrawn too, nothing stands). With `bodies` (a lead's own), only
   * the effects on those bodies and the events of those bodies; each effect keeps its `index`, its
   * number in the decision.
   */
  async get(issuerId: string, rawNumber: string, bodies?: ReadonlySet<string>) {
    return (await this.getWithCitations(issuerId, rawNumber, bodies)).detail;
  }

  /**
   * `get`'s answer and, read in the same transaction, the decision's citations as `withCitations`
   * gives them for every decision: what the Beschlusskontrolle works out an effect's state from.
   */
  async getWithCitations(issuerId: string, rawNumber: string, bodies?: ReadonlySet<string>) {
    return this.db.transaction(async (tx) => {
      const decision = await this.load(tx, issuerId, rawNumber);
      const citations = await this.citations(tx, decision);
      const replacing = decision.withdrawn ? await replacingDecisions(tx) : [];
      const standing = standingReplacement(replacing);
      const replacedBy = citations.appliedBy.map((applied) => (applied ? standing(decision, applied) : null));
      const seen = (bodyId: string) => bodies === undefined || bodies.has(bodyId);
      const cited = (e: EventRecord) => ({ ...reference(e)!, ...citesOther(decision, e) });
      const detail = {
        ...this.toDecision(decision),
        effects: decision.effects.flatMap((effect, index) => {
          if (!seen(effect.body)) return [];
          const applied = citations.appliedBy[index];
          return [{ ...effect, index, appliedBy: applied ? cited(applied) : null, replacedBy: replacedBy[index] }];
        }),
        citedBy: [...citations.events, ...citations.takenOver].filter((e) => seen(e.bodyId)).map(cited),
      };
      const cites: DecisionCitations = { decision: this.toDecision(decision), appliedBy: citations.appliedBy, replacedBy };
      return { detail, citations: cites };
    });
  }

  /**
   * Every decision with its effects and, per effect, the event that carried it out (for the
   * Beschlusskontrolle); with `bodyId`, only the decisions with an effect for that body, and of
   * their effects only the body's own are matched (another body's never counts as carried out
   * here). The citing events are read in one query, not one per decision. For a withdrawn
   * decision's carried-out effect, `replacedBy` is the last of the chain of decisions that took
   * it over (its `withdrawn` set when that one is withdrawn too and nothing replaced it), else null.
   */
  async withCitations(bodyId?: string): Promise<DecisionCitations[]> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<DecisionRow>(`SELECT ${DECISION_COLUMNS} FROM decisions ORDER BY decided_on, number`);
      const all = rows.map(toDecisionState);
      const decisions = all.filter((d) => bodyId === undefined || d.effects.some((effect) => effect.body === bodyId));
      if (decisions.length === 0) return [];
      const rowsCiting = bodyId
        ? await tx.query<CitingRow>(`SELECT ${CITING_COLUMNS} FROM events WHERE body_id = ? AND decision_number IS NOT NULL ORDER BY version`, [bodyId])
        : await tx.query<CitingRow>(`SELECT ${CITING_COLUMNS} FROM events WHERE decision_number IS NOT NULL ORDER BY occurred_at, body_id, version`);
      const citing = new Map<string, EventRecord[]>();
      const byKey = new Map<string, EventRecord>();
      for (const row of rowsCiting) {
        const event = readableRecord(row);
        // A citing event whose stored content no longer reads carries nothing out here; verify and replay name it.
        if (!event) continue;
        const events = citing.get(row.decision_number) ?? [];
        if (events.length === 0) citing.set(row.decision_number, events);
        events.push(event);
        byKey.set(eventKey(event.bodyId, event.version), event);
      }
      const standing = standingReplacement(all);
      return decisions.map((decision) => {
        const { appliedBy } = appliedEffects(decision, citing.get(decision.number) ?? [], bodyId, byKey);
        return {
          decision: this.toDecision(decision),
          appliedBy,
          replacedBy: appliedBy.map((event) => (event && decision.withdrawn ? standing(decision, event) : null)),
        };
      });
    });
  }

  /** The decision's stream: its recording, amendments and withdrawal, with hashes. */
  async history(issuerId: string, rawNumber: string) {
    return this.db.transaction(async (tx) => {
      const decision = await this.load(tx, issuerId, rawNumber);
      const stream = decisionStream(decision.issuer, decision.number);
      const rows = await tx.query<DecisionEventRow>(`SELECT ${DECISION_EVENT_COLUMNS} FROM decision_events WHERE stream = ? ORDER BY version`, [stream]);
      return { issuer: decision.issuer, number: decision.number, stream, events: rows.map(toDecisionEvent) };
    });
  }

  /**
   * The facts of a recorded decision an event cites, read inside the command's transaction. An
   * unreadable number is bad input (400). A number nobody recorded, a withdrawn decision, an event
   * that matches none of the decision's effects for the body, or an effect already carried out
   * is refused (422).
   */
  async resolve(tx: Transaction, rawNumber: string, citing: { bodyId: string; type: BodyEventType; data: unknown }): Promise<DecisionFacts> {
    const number = parseDecisionNumber(rawNumber, this.config.issuers);
    if (typeof number === 'string') throw ValidationError.at('decision', number);
    const decision = await this.cited(tx, number);
    if (!decision) {
      throw new LifecycleRefusal(
        `Beschluss ${number.canonical} (${number.issuer.name}) ist nicht erfasst; zuerst im Beschlussregister erfassen (POST /api/decisions, gremienlauf record-decision).`,
      );
    }
    if (decision.withdrawn) {
      throw new LifecycleRefusal(
        `${this.name(decision)} wurde am ${germanDate(berlinDate(decision.withdrawn.at))} zurückgenommen („${decision.withdrawn.reason}“) und kann nicht mehr zitiert werden.`,
      );
    }
    const requested = { effect: citing.type, data: withoutNote(citing.data) };
    const details = {
      decision: { number: decision.number, issuer: decision.issuer, date: decision.date },
      effects: decision.effects,
      requested: { body: citing.bodyId, ...requested },
    };
    const candidates = effectsOfBody(decision, citing.bodyId)
      .map((i) => ({ effect: decision.effects[i], i }))
      .filter(({ effect }) => effectMatches(effect, citing.bodyId, citing.type, citing.data));
    if (candidates.length === 0) {
      // Said in the register's words („Verlängern bis 30.06.2027“); the effects themselves are in the details.
      const own = decision.effects.filter((e) => e.body === citing.bodyId);
      const others = new Set(decision.effects.filter((e) => e.body !== citing.bodyId).map((e) => e.body)).size;
      const required = await this.requirements(tx, [{ body: citing.bodyId, ...requested }, ...own]);
      throw new LifecycleRefusal(
        `${this.name(decision)} sieht für dieses Gremium nicht vor, was das Ereignis verlangt („${required({ body: citing.bodyId, ...requested })}“). ` +
          (own.length > 0
            ? `Seine ${own.length === 1 ? 'Wirkung' : 'Wirkungen'} für dieses Gremium: ${own.map((e) => `„${required(e)}“`).join(', ')}.`
            : `Er hat für dieses Gremium keine Wirkung${others > 0 ? ` (nur für ${countOf(others, 'anderes Gremium', 'andere Gremien')})` : ''}.`) +
          ' Die Wirkung im Beschlussregister ergänzen („Wirkung ergänzen“) oder den passenden Beschluss nennen.',
        details,
      );
    }
    const { appliedBy } = await this.citations(tx, decision, citing.bodyId);
    const open = candidates.find(({ i }) => appliedBy[i] === null);
    if (!open) {
      const done = appliedBy[candidates[0].i]!;
      const required = await this.requirements(tx, [candidates[0].effect]);
      throw new LifecycleRefusal(
        `${this.name(decision)}: die Wirkung „${required(candidates[0].effect)}“ ist für dieses Gremium bereits umgesetzt (Version ${done.version} vom ${germanDate(berlinDate(done.occurredAt))}).`,
        details,
      );
    }
    return { number: decision.number, issuer: decision.issuer, date: decision.date, type: decision.type };
  }

  /**
   * The effect of a decision to apply: the given one (index from 0), else the only open one for
   * the body, else, without a body, the decision's only open effect. A refusal lists the open
   * effects in the register's words, each with its number („Wirkung 0: …“), and names the bodies
   * by title; it names the parameter by its path only (`body`, `effect`), so that the CLI can
   * say its own option instead.
   */
  async effectToApply(issuerId: string, rawNumber: string, bodyId: string | undefined, index?: number): Promise<{ decision: Decision; effect: Effect }> {
    return this.db.transaction(async (tx) => {
      const decision = await this.load(tx, issuerId, rawNumber);
      const { appliedBy } = await this.citations(tx, decision);
      if (index !== undefined) {
        const effect = decision.effects[index];
        if (!effect) {
          const last = decision.effects.length - 1;
          const there = last < 0 ? '' : last === 0 ? ' (nur Wirkung 0)' : ` (nur Wirkung 0 bis ${last})`;
          throw ValidationError.at('effect', `${this.name(decision)} hat keine Wirkung ${index}${there}.`);
        }
        if (bodyId !== undefined && effect.body !== bodyId) {
          const names = await this.bodyNames(tx, [effect.body, bodyId]);
          throw ValidationError.at('effect', `${this.name(decision)}: Wirkung ${index} gilt ${names.get(effect.body)}, nicht ${names.get(bodyId)}.`);
        }
        return { decision: this.toDecision(decision), effect };
      }
      const open = [...decision.effects.entries()].filter(([i, e]) => (bodyId === undefined || e.body === bodyId) && appliedBy[i] === null);
      if (open.length === 1) return { decision: this.toDecision(decision), effect: open[0][1] };
      const bodies = new Set([...(bodyId === undefined ? [] : [bodyId]), ...open.map(([, e]) => e.body)]);
      const names = await this.bodyNames(tx, bodies);
      const one = bodies.size === 1 ? [...bodies][0] : undefined;
      const forBody = one === undefined ? '' : ` für ${names.get(one)}`;
      if (open.length === 0) throw ValidationError.at('effect', `${this.name(decision)} hat${forBody} keine offene Wirkung.`);
      const required = await this.requirements(tx, open.map(([, e]) => e));
      const listed = open.map(([i, e]) => `Wirkung ${i}: ${required(e)}${one === undefined ? ` für ${names.get(e.body)}` : ''}`).join('; ');
      throw one === undefined
        ? ValidationError.at('body', `${this.name(decision)} hat offene Wirkungen für mehrere Gremien – ${listed}. Bitte das Gremium angeben oder die Nummer der Wirkung.`)
        : ValidationError.at('effect', `${this.name(decision)} hat${forBody} mehrere offene Wirkungen – ${listed}. Bitte die Nummer der Wirkung angeben.`);
    });
  }

  /** The decisions with an open effect of this type for the body, newest first (the web forms' choices). */
  async openEffects(bodyId: string): Promise<Array<{ decision: Decision; effect: Effect; index: number }>> {
    const all = await this.withCitations(bodyId);
    return all
      .filter(({ decision }) => !decision.withdrawn)
      .flatMap(({ decision, appliedBy }) =>
        decision.effects.flatMap((effect, index) => (effect.body === bodyId && appliedBy[index] === null ? [{ decision, effect, index }] : [])),
      )
      .reverse();
  }

  private parseNumber(raw: string, issuer?: string): DecisionNumber {
    const number = parseDecisionNumber(raw, this.config.issuers, issuer);
    if (typeof number === 'string') throw ValidationError.at(number.startsWith('Unbekanntes') ? 'issuer' : 'number', number);
    return number;
  }

  private checkDate(number: DecisionNumber, date: string, now: string): void {
    const year = Number(date.slice(0, 4));
    if (number.year !== year) {
      throw ValidationError.at('number', `Das Jahr der Beschlussnummer (${number.year}) muss dem Jahr des Beschlussdatums (${year}) entsprechen.`);
    }
    if (date > berlinDate(now)) throw ValidationError.at('date', `Das Beschlussdatum ${germanDate(date)} liegt in der Zukunft.`);
  }

  /**
   * A decision taken in a session the calendar knows is dated on that session's day (refused at
   * `at` otherwise). Holds the issuer's calendar as the sessions' writers do (SessionsStore
   * `lockCalendarOf`): a session entered or moved meanwhile waits for this decision and then sees
   * it, or this decision waits for the session, also for one not yet in the calendar.
   */
  private async checkSessionDay(tx: Transaction, issuer: string, d: { procedure?: string; session?: number | null; date: string }, at: 'date' | 'session'): Promise<void> {
    if (d.procedure !== 'Sitzung' || d.session === undefined || d.session === null) return;
    await this.db.lockUntilCommit(tx, 'sessionsCalendar', issuer);
    const [session] = await tx.query<{ held_on: string }>(`SELECT held_on FROM sessions WHERE issuer = ? AND number = ?${this.db.forUpdate}`, [issuer, d.session]);
    if (!session || session.held_on === d.date) return;
    const day = germanDate(session.held_on);
    throw ValidationError.at(
      at,
      `Die ${d.session}. Sitzung (${issuer}) ist laut Sitzungskalender am ${day}: Ein Beschluss in dieser Sitzung ist vom ${day}, nicht vom ${germanDate(d.date)}.`,
    );
  }

  /** Each effect's parameters must be valid data of its event; its body must be registered. Keeps only the parameters given. */
  private async checkEffects(tx: Transaction, input: EffectInput[], at: string): Promise<Effect[]> {
    const issues: FieldIssue[] = [];
    const effects: Effect[] = [];
    const unnamed = new Set<number>();
    for (const [i, raw] of input.entries()) {
      let given = withoutNote(raw.data ?? {});
      if (successorNameOmitted(raw.effect, given)) {
        // A successor named by its registered body alone takes the body's title; one not registered is refused below.
        const registered = await registeredSuccessor(tx, (given.successor as { bodyId: string }).bodyId);
        given = withSuccessorName(given, registered?.title ?? 'Nachfolgegremium');
        unnamed.add(i);
      }
      const parsed = eventDataSchemas[raw.effect].safeParse(given);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          issues.push({ path: [`${at}[${i}].data`, ...issue.path.map(String)].join('.'), message: issue.message });
        }
        continue;
      }
      const repeated = commandDataIssues(raw.effect, given, `${at}[${i}].data`);
      if (repeated.length > 0) {
        issues.push(...repeated);
        continue;
      }
      const kept = Object.fromEntries(Object.keys(given).map((key) => [key, (parsed.data as Record<string, unknown>)[key]]));
      effects.push({ body: raw.body, effect: raw.effect, data: kept });
    }
    if (issues.length > 0) throw new ValidationError(issues);
    for (const [i, effect] of effects.entries()) {
      const [row] = await tx.query('SELECT id FROM bodies WHERE id = ?', [effect.body]);
      if (!row) throw ValidationError.at(`${at}[${i}].body`, `Gremium ${effect.body} ist nicht registriert.`);
      // A successor the event that carries the effect out would refuse is refused here, where it is written down.
      const successor = (effect.data as { successor?: { bodyId?: string } }).successor?.bodyId;
      if (successor === undefined) continue;
      const path = `${at}[${i}].data.successor.bodyId`;
      if (successor === effect.body) throw ValidationError.at(path, 'Ein Gremium kann nicht sein eigener Nachfolger sein.');
      const named = await registeredSuccessor(tx, successor);
      if (!named) throw ValidationError.at(path, `Nachfolgegremium ${successor} ist nicht registriert.`);
      const problem = unnamed.has(i) ? null : successorNameProblem((effect.data.successor as { name: string }).name, named);
      if (problem) throw ValidationError.at(`${at}[${i}].data.successor.name`, problem);
    }
    return effects;
  }

  /**
   * The decision `raw` names for `replaces`: read as a number of `own`'s issuer (`2026/41` of the
   * AL-Runde is 2026/41-AL, as the forms write it), unless that names this decision itself or
   * none recorded, while read as written it names another issuer's recorded decision (`2026/41`
   * is the IT-PLR's, `2026/41-AL` the AL-Runde's): a decision recorded under the wrong issuer is
   * replaced by the one under the right issuer. A German message where `raw` is no number.
   */
  private async replacedNumber(q: Queries, raw: string, own: { number: string; issuer: string }): Promise<DecisionNumber | string> {
    const asOwn = parseDecisionNumber(raw, this.config.issuers, own.issuer);
    const asWritten = parseDecisionNumber(raw, this.config.issuers);
    if (typeof asWritten === 'string' || asWritten.issuer.id === own.issuer) return asOwn;
    if (typeof asOwn === 'string' || asOwn.canonical === own.number) return asWritten;
    const recorded = async (n: DecisionNumber) => (await q.query('SELECT 1 AS found FROM decisions WHERE issuer = ? AND number = ?', [n.issuer.id, n.canonical])).length > 0;
    // Both name another decision: the own issuer's, unless only the other issuer's is recorded.
    return (await recorded(asOwn)) || !(await recorded(asWritten)) ? asOwn : asWritten;
  }

  /**
   * Takes over what the withdrawn decision `raw` (a number, of `own`'s issuer unless it names
   * another's: `replacedNumber`) ordered and a body carried out: each effect at `indexes` that orders the same as one
   * of the withdrawn decision's carried-out effects — same body, event and parameters — not taken
   * over by another decision yet, gets `replaces` (the withdrawn decision and the body's event).
   * Refused at `replaces` when the named decision is not recorded or not withdrawn (422), or when
   * none of the effects can take anything over, saying for each why (422). Returns the effects,
   * with `replaces` where taken over.
   */
  private async takeOver(
    tx: Transaction,
    raw: string,
    own: { number: string; issuer: string; date: CivilDate },
    effects: readonly Effect[],
    indexes: readonly number[],
  ): Promise<Effect[]> {
    const number = await this.replacedNumber(tx, raw, own);
    if (typeof number === 'string') throw ValidationError.at('replaces', number);
    const refuse = (message: string) => new LifecycleRefusal(message, { path: 'replaces' });
    if (number.issuer.id === own.issuer && number.canonical === own.number) throw refuse(`Beschluss ${own.number} kann nicht sich selbst ersetzen.`);
    // Held until commit: two decisions taking over the same event wait for each other, the second sees the first.
    const [row] = await tx.query<DecisionRow>(`SELECT ${DECISION_COLUMNS} FROM decisions WHERE issuer = ? AND number = ?${this.db.forUpdate}`, [number.issuer.id, number.canonical]);
    if (!row) throw refuse(`Beschluss ${number.canonical} (${number.issuer.id}) ist nicht erfasst; ersetzt werden kann nur ein zurückgenommener Beschluss.`);
    const withdrawn = toDecisionState(row);
    if (!withdrawn.withdrawn) {
      throw refuse(`${this.name(withdrawn)} ist nicht zurückgenommen; ersetzt werden kann nur ein zurückgenommener Beschluss. Zuerst zurücknehmen (mit Begründung), dann ersetzen.`);
    }
    const { appliedBy } = await this.citations(tx, withdrawn);
    const replacing = await replacingDecisions(tx);
    const taken = replacementsOf(replacing);
    const chainOf = replacementChains(replacing);
    const next = [...effects];
    const used = new Set<number>();
    const why: Array<{ effect: Effect; problem: (required: (e: Effect) => string, name: string) => string }> = [];
    for (const i of indexes) {
      const effect = effects[i];
      const sameKind = [...withdrawn.effects.keys()].filter((j) => withdrawn.effects[j].body === effect.body && withdrawn.effects[j].effect === effect.effect);
      const same = sameKind.filter((j) => sameEffect(withdrawn.effects[j], effect));
      const carried = same.filter((j) => appliedBy[j] !== null && !used.has(j));
      const free = carried.find((j) => !taken.has(replacementKey(withdrawn, effect.body, appliedBy[j]!.version)));
      const event = free === undefined ? null : appliedBy[free]!;
      const day = event && berlinDate(event.occurredAt);
      if (event && day! < own.date) {
        // As when it is applied: the event falls on the decision's day or later, never before it.
        why.push({
          effect,
          problem: (required, name) =>
            `Seine Wirkung „${required(effect)}“ wurde für ${name} am ${germanDate(day!)} umgesetzt (Version ${event.version}), vor dem Datum dieses Beschlusses (${germanDate(own.date)}); ein Ereignis beruht nicht auf einem späteren Beschluss`,
        });
        continue;
      }
      if (event) {
        used.add(free!);
        next[i] = { ...effect, replaces: { number: withdrawn.number, issuer: withdrawn.issuer, version: event.version } };
        continue;
      }
      if (sameKind.length === 0) {
        why.push({ effect, problem: (_, name) => `Er hatte für ${name} keine Wirkung „${EVENT_LABELS[effect.effect] ?? effect.effect}“` });
      } else if (same.length === 0) {
        why.push({
          effect,
          problem: (required, name) =>
            `Die Wirkungen unterscheiden sich: für ${name} ordnete er ${sameKind.map((j) => `„${required(withdrawn.effects[j])}“`).join(', ')} an, dieser Beschluss „${required(effect)}“`,
        });
      } else if (carried.length === 0) {
        why.push({ effect, problem: (required, name) => `Seine Wirkung „${required(effect)}“ wurde für ${name} nicht umgesetzt; es gibt nichts zu übernehmen` });
      } else {
        const by = taken.get(replacementKey(withdrawn, effect.body, appliedBy[carried[0]]!.version))!;
        const chain = chainOf(withdrawn, { bodyId: effect.body, version: appliedBy[carried[0]]!.version });
        why.push({
          effect,
          problem: (required, name) => `Seine umgesetzte Wirkung „${required(effect)}“ für ${name} hat bereits Beschluss ${by.number} (${by.issuer}) übernommen${chainEnd(chain)}`,
        });
      }
    }
    if (used.size > 0) return next;
    const head = `Beschluss ${own.number} kann ${this.name(withdrawn)} nicht ersetzen:`;
    if (why.length === 0) throw refuse(`${head} Ohne Wirkung übernimmt er nichts. Die Wirkung angeben, die der zurückgenommene Beschluss angeordnet hatte und die umgesetzt ist.`);
    const required = await this.requirements(tx, [...why.map((w) => w.effect), ...withdrawn.effects]);
    const names = await this.bodyNames(tx, why.map((w) => w.effect.body));
    throw refuse(`${head} ${why.map((w) => w.problem(required, names.get(w.effect.body)!)).join('. ')}.`);
  }

  /**
   * Refuses an effect (of those at `indexes`) that its event would refuse whatever happens until
   * it is carried out, with the reason the event would be given, at the effect's field: an effect
   * for a body whose life ended by the decision's day, a transfer or closure into a successor
   * ended by then, an approval until a day before the decision, an extension that does not go
   * beyond the body's current end (a term only grows), an extension or Entfristung of a body made
   * permanent, a report's Frist (requested, or planned by
   * an approval) that has passed on the decision's day (resolved with the sessions calendar, as the Fristen are). Anything that may
   * still change before the effect is carried out is left to the write path.
   */
  private async checkEffectsPossible(tx: Transaction, effects: readonly Effect[], date: CivilDate, at: string, indexes: readonly number[]): Promise<void> {
    const issues: FieldIssue[] = [];
    let calendar: FristCalendar | undefined;
    for (const i of indexes) {
      const { body, effect, data } = effects[i];
      const path = `${at}[${i}].data`;
      const ended = await bodyEndedBy(tx, body, date);
      if (ended) {
        issues.push({ path: `${at}[${i}].body`, message: ended });
        continue;
      }
      const successorId = (data as { successor?: { bodyId?: string } }).successor?.bodyId;
      if (successorId !== undefined) {
        const successor = await registeredSuccessor(tx, successorId);
        const problem = successor && successorEndedBy(successor, date, 'Beschluss vom');
        if (problem) issues.push({ path: `${path}.successor.bodyId`, message: problem });
        continue;
      }
      if (effect === 'approved') {
        if (data.approvedUntil !== undefined) {
          const event = { type: 'approved', data, occurredAt: startOfBerlinDay(date), decision: { number: '', issuer: '', date, type: 'Beschluss' } } as BodyEventOf<'approved'>;
          const context = await storedContext(tx, body);
          const problem = context && approvedUntilAfterDecision(context, event);
          if (problem) issues.push({ path: `${path}.approvedUntil`, message: problem });
        }
        // The reports it plans are owed from the approval on: none may have passed by the decision's day.
        for (const set of fristenSetBy(effect, data, null)) {
          if (readsCalendar(set.due)) calendar ??= { sessions: await this.sessions.all(tx), issuers: this.config.issuers };
          const problem = fristBeforeDay(set, date, 'dem Beschluss', calendar ?? { sessions: [], issuers: this.config.issuers });
          if (problem) issues.push({ path: `${path}.${set.field}`, message: problem });
        }
        continue;
      }
      if (effect === 'extended' || effect === 'madePermanent') {
        const context = await storedContext(tx, body);
        // A body made permanent has no term left to extend, and stays permanent.
        if (context?.permanent) {
          const what = effect === 'extended' ? 'eine Verlängerung ist nicht mehr möglich' : 'eine weitere Entfristung bewirkt nichts';
          issues.push({ path: `${at}[${i}].effect`, message: `Das Gremium ist bereits dauerhaft eingerichtet (entfristet): ${what}.` });
          continue;
        }
        const problem = effect === 'extended' && context && extendsTerm(context, { data: data as { approvedUntil: TermEnd } });
        if (problem) issues.push({ path: `${path}.approvedUntil`, message: problem });
        continue;
      }
      if (effect !== 'reportRequested' && effect !== 'closureInitiated' && effect !== 'reportRescheduled') continue;
      // The addressee of a closure's final report (the parent) and of a rescheduled report are the body's.
      const context = effect === 'reportRequested' ? null : await storedContext(tx, body);
      const set = fristSetBy(effect, data, context);
      if (!set) continue;
      if (effect === 'closureInitiated' && !closureSetsFrist(set.due, context?.obligations ?? [])) continue;
      if (effect === 'reportRescheduled' && !rescheduleSetsFrist(context, data as { obligationId?: string; due: Deadline })) continue;
      if (readsCalendar(set.due)) calendar ??= { sessions: await this.sessions.all(tx), issuers: this.config.issuers };
      const problem = fristBeforeDay(set, date, 'dem Beschluss', calendar ?? { sessions: [], issuers: this.config.issuers });
      if (problem) issues.push({ path: `${path}.${set.field}`, message: problem });
    }
    if (issues.length > 0) throw new ValidationError(issues);
  }

  /** What the citing events rely on and the amendment would change, as German sentences. */
  private async reliedUpon(tx: Transaction, current: DecisionState, amended: DecisionChanges, citations: Citations): Promise<string[]> {
    // The events citing it, and those of a withdrawn decision whose effects it took over: both rest on it.
    const relied = [...citations.events, ...citations.takenOver];
    if (relied.length === 0) return [];
    const first = relied[0];
    const dropped =
      amended.effects === undefined
        ? []
        : current.effects.flatMap((effect, i) => {
            const applied = citations.appliedBy[i];
            return applied && !amended.effects!.some((e) => canonicalJson(e) === canonicalJson(effect)) ? [{ effect, applied }] : [];
          });
    if (amended.date === undefined && amended.type === undefined && dropped.length === 0) return [];
    const names = await this.bodyNames(tx, [first.bodyId, ...dropped.map(({ effect }) => effect.body)]);
    const where = `${names.get(first.bodyId)}, Version ${first.version} „${EVENT_LABELS[first.type]}“`;
    const problems: string[] = [];
    if (amended.date !== undefined) problems.push(`Das Datum ${germanDate(current.date)} steht in ${where}.`);
    if (amended.type !== undefined) problems.push(`Die Art „${current.type}“ steht in ${where}.`);
    const required = await this.requirements(tx, dropped.map(({ effect }) => effect));
    for (const { effect, applied } of dropped) {
      problems.push(`Die Wirkung „${required(effect)}“ für ${names.get(effect.body)} ist durch Version ${applied.version} „${EVENT_LABELS[applied.type]}“ umgesetzt und bleibt.`);
    }
    return problems;
  }

  /**
   * How messages say what effects require: a report an effect names by its id is named as the
   * body's page names it (title, addressee, Frist), from the body's report obligations as stored.
   */
  private async requirements(tx: Transaction, effects: ReadonlyArray<Pick<Effect, 'body' | 'effect' | 'data'>>): Promise<(effect: Pick<Effect, 'body' | 'effect' | 'data'>) => string> {
    const reports = new Map<string, ReportObligation[] | null>();
    for (const { body } of effects.filter(namesReport)) {
      if (!reports.has(body)) reports.set(body, (await storedContext(tx, body))?.obligations ?? null);
    }
    return (effect) => effectRequirement(effect, reports.get(effect.body) ?? null);
  }

  /**
   * How messages name bodies: by title (`„AG X“`), with the id where another registered body bears
   * the same title (`„AG X“ (ID)`); an id no body has stays an id (`Gremium ID`).
   */
  private async bodyNames(tx: Transaction, ids: Iterable<string>): Promise<Map<string, string>> {
    const wanted = [...new Set(ids)];
    const names = new Map(wanted.map((id) => [id, `Gremium ${id}`]));
    if (wanted.length === 0) return names;
    const rows = await tx.query<{ id: string; title: string }>(
      `SELECT id, title FROM bodies WHERE title IN (SELECT title FROM bodies WHERE id IN (${wanted.map(() => '?').join(', ')}))`,
      wanted,
    );
    const bearers = new Map<string, number>();
    for (const row of rows) bearers.set(row.title, (bearers.get(row.title) ?? 0) + 1);
    for (const row of rows) if (names.has(row.id)) names.set(row.id, bearers.get(row.title)! > 1 ? `„${row.title}“ (${row.id})` : `„${row.title}“`);
    return names;
  }

  /** The events citing the decision (of one body, when given) and which effect each carried out. */
  private async citations(tx: Transaction, decision: DecisionState, bodyId?: string): Promise<Citations> {
    const rows = bodyId
      ? await tx.query<EventRow>(`SELECT ${CITING_COLUMNS} FROM events WHERE decision_number = ? AND body_id = ? ORDER BY version`, [decision.number, bodyId])
      : await tx.query<EventRow>(`SELECT ${CITING_COLUMNS} FROM events WHERE decision_number = ? ORDER BY occurred_at, body_id, version`, [decision.number]);
    // The events of the effects taken over from a withdrawn decision cite that one's number: read by body and version.
    const byKey = new Map<string, EventRecord>();
    for (const { body, replaces } of decision.effects) {
      if (!replaces || (bodyId !== undefined && body !== bodyId)) continue;
      const [row] = await tx.query<EventRow>(`SELECT ${CITING_COLUMNS} FROM events WHERE body_id = ? AND version = ?`, [body, replaces.version]);
      if (row) byKey.set(eventKey(body, replaces.version), toRecord(row));
    }
    return appliedEffects(decision, rows.map(toRecord), bodyId, byKey);
  }

  /**
   * The decision an event cites, as stored, or null. A decision that many bodies cite carries an
   * effect per body, so its row is large: reading and parsing it dominated the write. The parsed
   * decision is kept with the row's `revision`, which every change of the row renews (a database
   * trigger, so a change made around the register counts too); a citation reads only that number
   * and the whole row only when it differs. What a unit of work that rolls back taught is forgotten
   * (on SQLite its revision number may be given again).
   */
  private async cited(tx: Transaction, number: DecisionNumber): Promise<DecisionState | null> {
    const key = `${number.issuer.id}/${number.canonical}`;
    const where = [number.issuer.id, number.canonical];
    const [head] = await tx.query<{ revision: number | string }>('SELECT revision FROM decisions WHERE issuer = ? AND number = ?', where);
    const known = this.citedDecisions.get(key);
    this.citedDecisions.delete(key);
    if (!head) return null;
    if (known && known.revision === String(head.revision)) {
      this.citedDecisions.set(key, known);
      return known.decision;
    }
    const [row] = await tx.query<DecisionRow & { revision: number | string }>(`SELECT ${DECISION_COLUMNS}, revision FROM decisions WHERE issuer = ? AND number = ?`, where);
    if (!row) return null;
    const entry = { revision: String(row.revision), decision: toDecisionState(row) };
    if (this.citedDecisions.size >= MAX_CITED_DECISIONS) this.citedDecisions.delete(this.citedDecisions.keys().next().value!);
    this.citedDecisions.set(key, entry);
    this.db.onRollback(() => {
      if (this.citedDecisions.get(key) === entry) this.citedDecisions.delete(key);
    });
    return entry.decision;
  }

  private async load(tx: Transaction, issuerId: string, rawNumber: string): Promise<DecisionState> {
    const number = parseDecisionNumber(rawNumber, this.config.issuers, issuerId);
    if (typeof number === 'string') throw new NotFoundError(`Beschluss ${rawNumber} (${issuerId}) ist nicht erfasst. ${number}`);
    const [row] = await tx.query<DecisionRow>(`SELECT ${DECISION_COLUMNS} FROM decisions WHERE issuer = ? AND number = ?`, [
      number.issuer.id,
      number.canonical,
    ]);
    if (!row) throw new NotFoundError(`Beschluss ${number.canonical} (${number.issuer.id}) ist nicht erfasst.`);
    return toDecisionState(row);
  }

  /** Appends the next event of the decision's stream and rewrites its row. */
  private async next(tx: Transaction, current: DecisionState, actor: Actor, event: DecisionEventData): Promise<DecisionState> {
    const stream = decisionStream(current.issuer, current.number);
    const rows = await tx.query<DecisionEventRow>(`SELECT ${DECISION_EVENT_COLUMNS} FROM decision_events WHERE stream = ? ORDER BY version`, [stream]);
    const events = rows.map(toDecisionEvent);
    const head = events.at(-1);
    const sealed = this.seal(
      { stream, version: (head?.version ?? 0) + 1, prevHash: head?.hash ?? null, actor, now: this.clock.now().toISOString() },
      event,
    );
    await this.appendEvent(tx, sealed);
    const state = foldDecision([...events, sealed])!;
    await tx.query(`UPDATE decisions SET ${DECISION_COLUMNS.split(', ').map((c) => `${c} = ?`).join(', ')} WHERE issuer = ? AND number = ?`, [
      ...decisionRowValues(state),
      current.issuer,
      current.number,
    ]);
    return state;
  }

  private async appendEvent(tx: Transaction, event: DecisionEvent): Promise<void> {
    await tx.query(`INSERT INTO decision_events (${DECISION_EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, decisionEventValues(event));
  }

  private seal(
    head: { stream: string; version: number; prevHash: string | null; actor: Actor; now: string },
    event: DecisionEventData,
  ): DecisionEvent {
    const unsealed = {
      id: timeOrderedId(),
      stream: head.stream,
      version: head.version,
      ...event,
      actor: head.actor,
      occurredAt: head.now,
      recordedAt: head.now,
      prevHash: head.prevHash,
    } as Omit<DecisionEvent, 'hash'>;
    return { ...unsealed, hash: hashDecisionEvent(unsealed) } as DecisionEvent;
  }

  private name(decision: { number: string; issuer: string; date: string }): string {
    return `Beschluss ${decision.number} (${decision.issuer}) vom ${germanDate(decision.date)}`;
  }

  private toDecision(state: DecisionState): Decision {
    const { lastHash: _hash, updatedAt: _updated, ...rest } = state;
    return { ...rest, issuerName: this.config.issuers.find((i) => i.id === state.issuer)?.name ?? state.issuer };
  }
}

/**
 * After „hat bereits Beschluss X übernommen“: when X is withdrawn too, says so and names the last
 * decision of the chain of replacements that starts at X (`chain`), the one a new decision
 * replaces while it is withdrawn as well; empty while X stands.
 */
function chainEnd(chain: readonly StandingReplacement[]): string {
  const [first] = chain;
  const last = chain.at(-1);
  if (!first?.withdrawn || !last) return '';
  const needed = `ein neuer Beschluss ist nötig, einer, der ${last.number} ersetzt`;
  if (last === first) return `, auch dieser zurückgenommen: ${needed}`;
  return `, auch dieser zurückgenommen, zuletzt Beschluss ${last.number} (${last.issuer})${last.withdrawn ? `, auch dieser zurückgenommen: ${needed}` : ', der gilt'}`;
}

/** Two effects order the same: same body and event, and each one's parameters match the other's. */
function sameEffect(a: Effect, b: Effect): boolean {
  return effectMatches(a, b.body, b.effect, b.data) && effectMatches(b, a.body, a.effect, a.data);
}

/**
 * The effects as given, each with the `replaces` of the same effect as recorded: an amendment
 * that lists the effects again (as the API shows them, without it) keeps what they took over.
 */
function keepReplacements(given: readonly Effect[], current: readonly Effect[]): Effect[] {
  const recorded = current.filter((e) => e.replaces);
  if (recorded.length === 0) return [...given];
  const left = [...recorded];
  return given.map((effect) => {
    const k = left.findIndex(({ replaces: _replaces, ...e }) => canonicalJson(e) === canonicalJson(effect));
    if (k === -1) return effect;
    const [kept] = left.splice(k, 1);
    return { ...effect, replaces: kept.replaces };
  });
}

function withoutNote(data: unknown): Record<string, unknown> {
  const { note: _note, ...rest } = (data ?? {}) as Record<string, unknown>;
  return rest;
}

/** For an event that cites another decision than `decision` (a withdrawn one it replaces): `{cites: {number, issuer}}`. */
export function citesOther(decision: { number: string; issuer: string }, event: EventRecord): { cites?: { number: string; issuer: string } } {
  const cited = event.decision;
  return cited && (cited.number !== decision.number || cited.issuer !== decision.issuer) ? { cites: { number: cited.number, issuer: cited.issuer } } : {};
}

function reference(event: EventRecord | null) {
  return event ? { bodyId: event.bodyId, version: event.version, type: event.type, occurredAt: event.occurredAt } : null;
}

/** The event of a stored row, or null where its stored JSON does not parse (changed behind the service). */
function readableRecord(row: CitingRow): EventRecord | null {
  try {
    return toRecord(row);
  } catch {
    return null;
  }
}
