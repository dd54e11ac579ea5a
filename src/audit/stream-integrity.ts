/**
 * Whether one body's stored events are still what was recorded, for the routes that show a body's
 * history to auditors (replay, history, state as of): each event's stored hash against its
 * content, and its version and `prevHash` against the event before it. An event changed in the
 * database after it was recorded is named as such, before anything is folded from it or compared
 * with the projection. One SHA-256 per event where the stored JSON is canonical
 * (`storedHashHolds`); never in the write path or in the fold (`replayRecords`).
 */
import { eventLabel } from '../../machines';
import type { Queries } from '../database/database';
import { hashEvent } from '../event-log/event-hash';
import { toRecord, type EventRow } from '../event-log/event-store';
import { isUnreadable, type StoredEvent } from './chain-verifier';
import type { Divergence } from './replay';
import { EVENT_TUPLE_COLUMNS, storedHashHolds, tupleOfRow } from './event-tuple';

/**
 * What is wrong with a stored event: its content no longer hashes to its stored hash
 * (`content`), cannot be read (`unreadable`), its version does not follow the one before
 * (`start`, `gap`, `duplicate`), it changed places with another event of the stream (`swapped`:
 * each of the two is named, as verify names the first), or its `prevHash` is not the stored hash
 * of the one before (`link`: that one was replaced with a recomputed hash).
 */
export type TamperKind = 'content' | 'unreadable' | 'start' | 'gap' | 'duplicate' | 'swapped' | 'link';

export interface TamperedEvent {
  version: number;
  eventId: string;
  type: string;
  label: string;
  kind: TamperKind;
  /** What the chain requires here: the stored hash (content), the version, or the predecessor's hash (link). */
  expected: unknown;
  /** What the stored event gives instead. */
  found: unknown;
  message: string;
}

/** A body's stored events (version order) and those that are not what was recorded. */
export interface CheckedStream {
  events: StoredEvent[];
  tampered: TamperedEvent[];
}

/** A stored event as the rest of the code reads it, or, where its JSON does not parse, as unreadable. */
export function toStoredEvent(row: EventRow): StoredEvent {
  try {
    return toRecord(row);
  } catch (error) {
    return {
      id: row.id,
      bodyId: row.body_id,
      version: Number(row.version),
      type: row.type,
      hash: row.hash,
      prevHash: row.prev_hash,
      unreadable: `gespeichertes JSON nicht lesbar: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** Reads one body's events (version order) and checks each against its hash and its predecessor. */
export async function readCheckedStream(q: Queries, bodyId: string): Promise<CheckedStream> {
  const rows = await q.query<EventRow>(`SELECT ${EVENT_TUPLE_COLUMNS} FROM events WHERE body_id = ? ORDER BY version`, [bodyId]);
  return checkStoredEvents(rows);
}

/** Checks stored event rows of one body, in version order: see `TamperKind`. */
export function checkStoredEvents(rows: readonly EventRow[]): CheckedStream {
  const events: StoredEvent[] = [];
  const tampered: TamperedEvent[] = [];
  /** The events found out of place, by their index: the index of the one each changed places with. */
  const swapped = new Map<number, number>();
  let before: { version: number; id: string; hash: string } | null = null;
  for (const [i, row] of rows.entries()) {
    const event = toStoredEvent(row);
    events.push(event);
    const problem = swapped.has(i) ? swappedProblem(rows, i, swapped.get(i)!) : (swapOf(rows, i, before, swapped) ?? problemOf(row, event, before, swappedBefore(rows, i, swapped)));
    if (problem) {
      const type = String(row.type);
      tampered.push({ version: event.version, eventId: event.id, type, label: eventLabel(type), ...problem });
    }
    before = { version: event.version, id: event.id, hash: row.hash };
  }
  return { events, tampered };
}

/**
 * Where the event at `i` does not hold at its place and its `prevHash` is the stored hash of a
 * later event, the two changed places (as verify finds it): both are marked, this one now.
 */
function swapOf(rows: readonly EventRow[], i: number, before: { hash: string } | null, swapped: Map<number, number>): Problem | null {
  const row = rows[i];
  if (row.prev_hash === (before?.hash ?? null) || row.prev_hash === null) return null;
  const later = rows.findIndex((other, j) => j > i && other.hash === row.prev_hash);
  if (later === -1 || Number(rows[later].version) === Number(row.version)) return null;
  swapped.set(later, i);
  return swappedProblem(rows, i, later);
}

function swappedProblem(rows: readonly EventRow[], at: number, other: number): Problem {
  const version = Number(rows[at].version);
  const with_ = Number(rows[other].version);
  return {
    kind: 'swapped',
    expected: with_,
    found: version,
    message: `Version ${version}: Die Reihenfolge wurde verändert: das Ereignis hier gehört ${with_ > version ? 'hinter' : 'vor'} Version ${with_} (mit ihr vertauscht).`,
  };
}

/** The stored hash the event at `i` follows in the recorded order, where the event before it changed places: that of its partner's predecessor. */
function swappedBefore(rows: readonly EventRow[], i: number, swapped: Map<number, number>): string | undefined {
  const partner = i > 0 && swapped.has(i - 1) ? swapped.get(i - 1)! : undefined;
  return partner === undefined ? undefined : rows[partner].hash;
}

type Problem = Pick<TamperedEvent, 'kind' | 'expected' | 'found' | 'message'>;

/** `recordedBefore`: the hash the event followed as recorded, where the one before it changed places (see `swappedBefore`). */
function problemOf(row: EventRow, event: StoredEvent, before: { version: number; id: string; hash: string } | null, recordedBefore?: string): Problem | null {
  const version = event.version;
  if (before === null && version !== 1) {
    return { kind: 'start', expected: 1, found: version, message: `Version 1: Das Ereignis fehlt (gelöscht): der Strom beginnt erst mit Version ${version}.` };
  }
  if (before !== null && version === before.version) {
    return { kind: 'duplicate', expected: version + 1, found: version, message: `Version ${version} kommt mehrfach vor (Ereignisse ${before.id} und ${event.id}).` };
  }
  if (before !== null && version !== before.version + 1) {
    return {
      kind: 'gap',
      expected: before.version + 1,
      found: version,
      message: `Version ${before.version + 1}: Das Ereignis fehlt (gelöscht): auf Version ${before.version} folgt Version ${version}.`,
    };
  }
  if (isUnreadable(event)) {
    return { kind: 'unreadable', expected: row.hash, found: null, message: `Version ${version} wurde nach der Aufzeichnung verändert: ihr gespeicherter Inhalt ist nicht lesbar (${event.unreadable}).` };
  }
  // The cheap check first; where it shows nothing, the full canonical form decides.
  if (!storedHashHolds(tupleOfRow(row))) {
    const recomputed = recompute(event);
    if (recomputed !== row.hash) {
      return {
        kind: 'content',
        expected: row.hash,
        found: recomputed,
        message: `Version ${version} wurde nach der Aufzeichnung verändert (Hash stimmt nicht): „${eventLabel(event.type)}“ hat nicht mehr den Inhalt, über den sein Hash berechnet wurde.`,
      };
    }
  }
  const expectedPrev = before?.hash ?? null;
  if (row.prev_hash !== expectedPrev && row.prev_hash !== recordedBefore) {
    return {
      kind: 'link',
      expected: expectedPrev,
      found: row.prev_hash,
      message:
        before === null
          ? 'Version 1 verweist auf einen Vorgänger, den es nicht gibt.'
          : `Version ${version} verweist nicht auf den gespeicherten Hash von Version ${before.version}: die Kette ist davor unterbrochen (ein Ereignis wurde ersetzt und sein Hash neu berechnet, oder umgestellt).`,
    };
  }
  return null;
}

function recompute(event: Exclude<StoredEvent, { unreadable: string }>): string | null {
  try {
    return hashEvent(event);
  } catch {
    return null;
  }
}

/** The warning of an answer that folds or stands on events that are not what was recorded; null where there are none. */
export function tamperingWarning(tampered: readonly TamperedEvent[]): string | null {
  if (tampered.length === 0) return null;
  const which = tampered.length === 1 ? 'diesem Ereignis' : 'diesen Ereignissen';
  return `Achtung: ${tampered.map((t) => t.message).join(' ')} Die Antwort beruht auf ${which} und ist darum kein Beleg (GET /api/audit/verify prüft das ganze Log).`;
}

/** Replay's verdict on a stream with events that are not what was recorded: "tampered", naming the first, with nothing compared. */
export interface TamperedVerdict {
  verdict: 'tampered';
  events: number;
  /** The first tampered event, in the shape of a divergence: what the chain requires there, what is stored. */
  divergence: Divergence;
}

/** Where a divergence of each kind lies. */
const TAMPER_PATHS: Record<TamperKind, string> = { content: 'hash', unreadable: 'event', start: 'version', gap: 'version', duplicate: 'version', swapped: 'version', link: 'prevHash' };

export function tamperedVerdict(events: number, tampered: readonly TamperedEvent[]): TamperedVerdict {
  const [first] = tampered;
  const more = tampered.length > 1 ? ` Betroffen sind ${tampered.length} Ereignisse (Versionen ${tampered.map((t) => t.version).join(', ')}).` : '';
  return {
    verdict: 'tampered',
    events,
    divergence: {
      version: first.version,
      eventId: first.eventId,
      type: first.type,
      label: first.label,
      path: TAMPER_PATHS[first.kind],
      expected: first.expected,
      found: first.found,
      message: `${first.message}${more} Was das Log hält, ist nicht, was aufgezeichnet wurde: die Wiederholung wird darum nicht mit dem gespeicherten Stand verglichen.`,
    },
  };
}
