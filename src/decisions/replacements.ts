/**
 * Which decision a withdrawn one's carried-out effect rests on now: the decisions that took it
 * over (`replaces`), followed along a chain of replacements to the last. Read by the register, the
 * Beschlusskontrolle and the body answer alike.
 */
import type { CivilDate } from '../../machines';
import type { Queries } from '../database/database';
import { DECISION_COLUMNS, toDecisionState, type DecisionRow } from './decision-rows';
import { replacementChain, replacementsOf, type DecisionState } from './register';

/**
 * A decision that took over a withdrawn one's carried-out effect, with its date and its own
 * withdrawal as the decision answer gives it (then nothing stands on it: a new decision is
 * needed), as every answer names it (`replacementSchema`).
 */
export type StandingReplacement = { number: string; issuer: string; date: CivilDate; withdrawn: DecisionState['withdrawn'] };

/** A decision as `replacementChains` needs it: what it took over, its date and its withdrawal. */
export type ReplacingDecision = Pick<DecisionState, 'number' | 'issuer' | 'date' | 'effects' | 'withdrawn'>;

/**
 * For a withdrawn decision and the body's event that carried out its effect: the chain of
 * decisions that took the event over, in order (`replacementChain`), each with its date and
 * withdrawal; empty when none took it over. The last is the one the event rests on now.
 * `decisions` must include every replacing one.
 */
export function replacementChains(
  decisions: readonly ReplacingDecision[],
): (withdrawn: { issuer: string; number: string }, event: { bodyId: string; version: number }) => StandingReplacement[] {
  const replacements = replacementsOf(decisions);
  const byKey = new Map(decisions.map((d) => [`${d.issuer} ${d.number}`, d]));
  return (withdrawn, event) =>
    replacementChain(replacements, withdrawn, event.bodyId, event.version).flatMap(({ issuer, number }) => {
      const link = byKey.get(`${issuer} ${number}`);
      return link ? [{ number: link.number, issuer: link.issuer, date: link.date, withdrawn: link.withdrawn && { at: link.withdrawn.at, actor: link.withdrawn.actor, reason: link.withdrawn.reason } }] : [];
    });
}

/**
 * For a withdrawn decision and the body's event that carried out its effect: the last of the chain
 * of decisions that took the event over (`replacementChains`), or null when none took it over.
 */
export function standingReplacement(
  decisions: readonly ReplacingDecision[],
): (withdrawn: { issuer: string; number: string }, event: { bodyId: string; version: number }) => StandingReplacement | null {
  const chainOf = replacementChains(decisions);
  return (withdrawn, event) => chainOf(withdrawn, event).at(-1) ?? null;
}

/**
 * The decisions that took over an effect of a withdrawn one (their effects name it in `replaces`),
 * read as the register reads every decision (`toDecisionState`): so a withdrawal reads the same here.
 */
export async function replacingDecisions(q: Queries): Promise<ReplacingDecision[]> {
  const rows = await q.query<DecisionRow>(`SELECT ${DECISION_COLUMNS} FROM decisions WHERE effects LIKE ?`, ['%"replaces"%']);
  // Effects that no longer parse stay a string: such a decision takes nothing over here.
  return rows.map(toDecisionState).filter((d) => Array.isArray(d.effects));
}
