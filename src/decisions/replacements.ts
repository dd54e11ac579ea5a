/**
 * Which decision a withdrawn one's carried-out effect rests on now: the decisions that took it
 * over (`replaces`), followed along a chain of replacements to the last. Read by the register, the
 * Beschlusskontrolle and the body answer alike.
 */
import type { CivilDate, Instant } from '../../machines';
import type { Queries } from '../database/database';
import { lastReplacement, replacementsOf, type DecisionState, type Effect } from './register';

/**
 * The decision a withdrawn one's carried-out effect rests on now, with its date and its own
 * withdrawal (then nothing stands: a new decision is needed), as every answer names it
 * (`replacedBySchema`).
 */
export type StandingReplacement = { number: string; issuer: string; date: CivilDate; withdrawn: { at: Instant; reason: string } | null };

/** A decision as `standingReplacement` needs it: what it took over, its date and its withdrawal. */
export type ReplacingDecision = Pick<DecisionState, 'number' | 'issuer' | 'date' | 'effects'> & { withdrawn: { at: Instant; reason: string } | null };

/**
 * For a withdrawn decision and the body's event that carried out its effect: the last of the chain
 * of decisions that took the event over (`lastReplacement`), with its date and withdrawal, or null
 * when none took it over. `decisions` must include every replacing one.
 */
export function standingReplacement(
  decisions: readonly ReplacingDecision[],
): (withdrawn: { issuer: string; number: string }, event: { bodyId: string; version: number }) => StandingReplacement | null {
  const replacements = replacementsOf(decisions);
  const byKey = new Map(decisions.map((d) => [`${d.issuer} ${d.number}`, d]));
  return (withdrawn, event) => {
    const last = lastReplacement(replacements, withdrawn, event.bodyId, event.version);
    const standing = last && byKey.get(`${last.issuer} ${last.number}`);
    if (!standing) return null;
    return { number: standing.number, issuer: standing.issuer, date: standing.date, withdrawn: standing.withdrawn ? { at: standing.withdrawn.at, reason: standing.withdrawn.reason } : null };
  };
}

/** The decisions that took over an effect of a withdrawn one (their effects name it in `replaces`), with their date and withdrawal. */
export async function replacingDecisions(q: Queries): Promise<ReplacingDecision[]> {
  const rows = await q.query<{ number: string; issuer: string; decided_on: string; effects: string; withdrawn_at: string | null; withdrawal_reason: string | null }>(
    `SELECT number, issuer, decided_on, effects, withdrawn_at, withdrawal_reason FROM decisions WHERE effects LIKE ?`,
    ['%"replaces"%'],
  );
  return rows.flatMap((row) => {
    try {
      const withdrawn = row.withdrawn_at === null ? null : { at: row.withdrawn_at, reason: row.withdrawal_reason ?? '' };
      return [{ number: row.number, issuer: row.issuer, date: row.decided_on, effects: JSON.parse(row.effects) as Effect[], withdrawn }];
    } catch {
      return [];
    }
  });
}
