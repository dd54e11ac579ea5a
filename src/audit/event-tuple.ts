/**
 * A stored event as the array of its column values, the way verify, export and checkpoints read
 * the whole log (ReadView.batches): no object per row, and the stored JSON text of `data` and
 * `decision` at hand, so the event's canonical form can often be hashed without building it.
 */
import { hash } from 'node:crypto';
import type { EventRow } from '../event-log/event-store';
import { canonicalJson } from '../json/canonical-json';

/**
 * The columns of an event tuple, in this order. The last, `decision_number`, is outside the hash:
 * verify compares it with `decision` (CitationColumnCheck); a tuple built from a row may lack it.
 */
export const EVENT_TUPLE_COLUMNS =
  'id, body_id, version, type, data, actor_id, actor_role, occurred_at, recorded_at, machine_id, machine_version, decision, prev_hash, hash, decision_number';

export type EventTuple = unknown[];

/** Where each column stands in an event tuple. */
export const E = {
  id: 0,
  bodyId: 1,
  version: 2,
  type: 3,
  data: 4,
  actorId: 5,
  actorRole: 6,
  occurredAt: 7,
  recordedAt: 8,
  machineId: 9,
  machineVersion: 10,
  decision: 11,
  prevHash: 12,
  hash: 13,
  decisionNumber: 14,
} as const;

/** The tuple as the row object the rest of the code reads (for the rare event that needs it). */
export function rowOfTuple(t: EventTuple): EventRow {
  return {
    id: t[E.id],
    body_id: t[E.bodyId],
    version: t[E.version],
    type: t[E.type],
    data: t[E.data],
    actor_id: t[E.actorId],
    actor_role: t[E.actorRole],
    occurred_at: t[E.occurredAt],
    recorded_at: t[E.recordedAt],
    machine_id: t[E.machineId],
    machine_version: t[E.machineVersion],
    decision: t[E.decision],
    prev_hash: t[E.prevHash],
    hash: t[E.hash],
  } as EventRow;
}

/** The row object as a tuple. */
export function tupleOfRow(row: EventRow): EventTuple {
  return [
    row.id,
    row.body_id,
    row.version,
    row.type,
    row.data,
    row.actor_id,
    row.actor_role,
    row.occurred_at,
    row.recorded_at,
    row.machine_id,
    row.machine_version,
    row.decision,
    row.prev_hash,
    row.hash,
  ];
}

const q = JSON.stringify;
const sha256 = (text: string) => hash('sha256', text, 'hex');

/** Stands between `data` and `decision` in the canonical form: the one place where the stored texts meet. */
const DECISION_MEMBER = ',"decision":';

/**
 * Whether the stored hash is the hash of the stored event (what `hashEvent(toRecord(row))` would
 * compute), decided cheaply; false means "not shown here", and the caller takes the full path,
 * which also names what is wrong. The canonical form (RFC 8785, members sorted: actor, bodyId,
 * data, decision, id, machine, occurredAt, prevHash, recordedAt, type, version) is written
 * around the stored JSON text of `data` and `decision` as it is: where that text is already
 * canonical (most small objects are), it is the canonical form, and no JSON is parsed. Only when
 * that hash differs are the parsed values canonicalised. Where the last event of the same type
 * held only in its canonicalised form (its stored text is written in another member order, say),
 * that form is tried first: the answer is the same, one hash is spared.
 *
 * Why a match with the stored texts proves the content: every other member is written here with
 * JSON.stringify, so its quotes are escaped and the member names around it (`,"data":`,
 * `,"id":`) stand only where this function puts them; and neither stored text contains
 * `,"decision":` (checked). The bytes the writer hashed then split into the same columns in
 * only one way: each stored text is exactly the canonical JSON of its value.
 */
export function storedHashHolds(t: EventTuple): boolean {
  const [id, bodyId, version, type, data, actorId, actorRole, occurredAt, recordedAt, machineId, machineVersion, decision, prevHash, stored] = t;
  if (
    typeof id !== 'string' ||
    typeof bodyId !== 'string' ||
    typeof type !== 'string' ||
    typeof data !== 'string' ||
    typeof actorId !== 'string' ||
    typeof actorRole !== 'string' ||
    typeof occurredAt !== 'string' ||
    typeof recordedAt !== 'string' ||
    typeof machineId !== 'string' ||
    (decision !== null && typeof decision !== 'string') ||
    (prevHash !== null && typeof prevHash !== 'string') ||
    typeof stored !== 'string'
  ) {
    return false;
  }
  const v = Number(version);
  const mv = Number(machineVersion);
  if (!Number.isFinite(v) || !Number.isFinite(mv)) return false;
  const head = `{"actor":{"id":${q(actorId)},"role":${q(actorRole)}},"bodyId":${q(bodyId)},"data":`;
  const tail =
    `,"id":${q(id)},"machine":{"id":${q(machineId)},"version":${q(mv)}},"occurredAt":${q(occurredAt)},"prevHash":${q(prevHash)},` +
    `"recordedAt":${q(recordedAt)},"type":${q(type)},"version":${q(v)}}`;
  const verbatim = !data.includes(DECISION_MEMBER) && !(decision && decision.includes(DECISION_MEMBER));
  const verbatimHolds = () => verbatim && sha256(`${head}${data}${DECISION_MEMBER}${decision || 'null'}${tail}`) === stored;
  const canonicalHolds = () => {
    try {
      const canonicalData = canonicalJson(JSON.parse(data));
      const canonicalDecision = decision ? canonicalJson(JSON.parse(decision)) : 'null';
      return sha256(`${head}${canonicalData}${DECISION_MEMBER}${canonicalDecision}${tail}`) === stored;
    } catch {
      return false;
    }
  };
  // The answer is "either form hashes to the stored hash", whichever is tried first; trying
  // first the form that held for the last event of this type spares a hash of the other.
  if (canonicalFirst.has(type)) {
    if (canonicalHolds()) return true;
    if (!verbatimHolds()) return false;
    canonicalFirst.delete(type);
    return true;
  }
  if (verbatimHolds()) return true;
  if (!canonicalHolds()) return false;
  canonicalFirst.add(type);
  return true;
}

/** The event types whose last event held only in its canonicalised form (its stored text is not canonical, e.g. members in another order). */
const canonicalFirst = new Set<string>();
