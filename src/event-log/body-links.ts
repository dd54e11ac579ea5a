import type { Transaction } from '../database/database';

/** The context's parts that name other bodies (a head or a whole context; anything else names none). */
interface NamesBodies {
  successor?: { bodyId?: string } | null;
  profile?: { predecessors?: Array<{ bodyId?: string }> };
}

/** The other bodies a context names (its successor, its predecessors), each once, sorted. */
export function linkedBodyIds(context: unknown): string[] {
  const c = (context ?? {}) as NamesBodies;
  const ids = [c.successor?.bodyId, ...(c.profile?.predecessors ?? []).map((p) => p.bodyId)].filter((id): id is string => typeof id === 'string');
  return [...new Set(ids)].sort();
}

/**
 * Keeps the `body_links` rows of a body in line with its new context. `previous`: the context the
 * rows were written from, or null when that is not known (then they are rewritten). Most events
 * change no link: then nothing is written.
 */
export async function writeBodyLinks(tx: Transaction, bodyId: string, previous: object | null, next: object): Promise<void> {
  const before = previous === null ? null : linkedBodyIds(previous);
  const after = linkedBodyIds(next);
  if (before && before.join(' ') === after.join(' ')) return;
  if (before === null || before.length > 0) await tx.query('DELETE FROM body_links WHERE body_id = ?', [bodyId]);
  for (const linked of after) await tx.query('INSERT INTO body_links (body_id, linked_id) VALUES (?, ?)', [bodyId, linked]);
}
