/**
 * RFC 9162 proofs over the audit log, as auditors receive them and check them offline.
 *
 * The log's leaves are the event hashes in log order (checkpoint.ts, formats 2 and 3): the tree of each
 * checkpoint is a prefix of the next one's. A proof is only given up to the newest checkpoint's
 * tree size: what lies beyond has no fixed place in the log yet. Hashes are hex, as everywhere in
 * the API; the C2SP note carries the root in base64 as its format asks.
 *
 * An inclusion proof bundle holds the event itself, so whoever checks it recomputes the event's
 * hash from its content, not trusting the `hash` field; a consistency bundle holds the two
 * checkpoints. `verifyInclusionBundle` and `verifyConsistencyBundle` need nothing but the bundle,
 * the public key and, preferably, the checkpoints the auditor kept from where they were published.
 */
import type { KeyObject } from 'node:crypto';
import type { FieldIssue } from '../common/errors';
import { hashEvent, type EventRecord } from '../event-log/event-hash';
import { AUDIT_LOG_STREAM, hashAuditLogEntry, type AuditLogEntry } from './audit-log';
import { DELTA_CHECKPOINT_FORMAT, hasValidSignature, inLogOrder, keyIdOf, LOG_CHECKPOINT_FORMAT, LogOrderPlacement, type BatchSource, type Leaf, type SignedCheckpoint } from './checkpoint';
import { leafHash, RangeHasher, verifyConsistency, verifyInclusion, type LeafRange } from './merkle';
import { openNote, parseCheckpointNoteText } from './signed-note';

export const INCLUSION_PROOF_FORMAT = 'gremienlauf-inclusion-proof/1';
export const CONSISTENCY_PROOF_FORMAT = 'gremienlauf-consistency-proof/1';

export type ProvenEntry = { kind: 'event'; event: EventRecord } | { kind: 'auditLog'; entry: AuditLogEntry };

export interface InclusionProofBundle {
  format: typeof INCLUSION_PROOF_FORMAT;
  stream: string;
  version: number;
  leafIndex: number;
  treeSize: number;
  /** SHA-256(0x00 || event hash), hex. */
  leafHash: string;
  /** The audit path, bottom up, hex. */
  hashes: string[];
  rootHash: string;
  entry: ProvenEntry;
  /** The newest checkpoint of exactly this tree size, if there is one, and its C2SP note. */
  checkpoint: SignedCheckpoint | null;
  note: string | null;
}

export interface ConsistencyProofBundle {
  format: typeof CONSISTENCY_PROOF_FORMAT;
  from: number;
  to: number;
  fromRoot: string;
  toRoot: string;
  hashes: string[];
  checkpoints: { from: SignedCheckpoint | null; to: SignedCheckpoint | null };
  notes: { from: string | null; to: string | null };
}

const hex = (buffers: Buffer[]) => buffers.map((b) => b.toString('hex'));

/*
 * The proofs are computed while the log's leaves stream by in checkpoint order (stream id, then
 * version, as the store pages them): LogOrderPlacement gives each its place in log order, and
 * only the few subtrees a proof needs are hashed (RangeHasher). Memory grows with log2 of the
 * tree and with the checkpoints, never with the events.
 */

/** Where the leaf of `stream`/`version` stands in log order, with its hash; null if the log has none. Reads no further than that leaf. */
export async function findLeaf(
  leaves: AsyncIterable<Leaf>,
  earlier: readonly BatchSource[],
  target: { stream: string; version: number },
): Promise<{ index: number; leaf: Leaf } | null> {
  const placement = new LogOrderPlacement(earlier);
  for await (const leaf of leaves) {
    const { index } = placement.place(leaf);
    if (leaf.stream === target.stream && leaf.version === target.version) return { index, leaf };
  }
  return null;
}

/** The roots of the given ranges of the log order, reading the leaves once; null if the leaves do not fill them (a log that fails verification). */
export async function rangeRoots(leaves: AsyncIterable<Leaf>, earlier: readonly BatchSource[], ranges: readonly LeafRange[]): Promise<Buffer[] | null> {
  const placement = new LogOrderPlacement(earlier);
  const hasher = new RangeHasher(ranges);
  const end = Math.max(0, ...ranges.map(([, to]) => to));
  for await (const leaf of leaves) {
    const { index } = placement.place(leaf);
    if (index < end) hasher.add(index, leafHash(Buffer.from(leaf.hash, 'hex')));
  }
  return hasher.roots();
}

/** The inclusion bundle from the leaf, its place and the hashes `rangeRoots` gave for [0, treeSize) and `inclusionProofRanges`. */
export function inclusionBundle(
  proof: { leaf: Leaf; leafIndex: number; treeSize: number; rootHash: Buffer; path: Buffer[] },
  entry: ProvenEntry,
  checkpoint: SignedCheckpoint | null,
  note: string | null,
): InclusionProofBundle {
  return {
    format: INCLUSION_PROOF_FORMAT,
    stream: proof.leaf.stream,
    version: proof.leaf.version,
    leafIndex: proof.leafIndex,
    treeSize: proof.treeSize,
    leafHash: leafHash(Buffer.from(proof.leaf.hash, 'hex')).toString('hex'),
    hashes: hex(proof.path),
    rootHash: proof.rootHash.toString('hex'),
    entry,
    checkpoint,
    note,
  };
}

/** The consistency bundle from the roots of [0, from) and [0, to) and the hashes of `consistencyProofRanges`. */
export function consistencyBundle(
  proof: { from: number; to: number; fromRoot: Buffer; toRoot: Buffer; path: Buffer[] },
  checkpoints: ConsistencyProofBundle['checkpoints'],
  notes: ConsistencyProofBundle['notes'],
): ConsistencyProofBundle {
  return {
    format: CONSISTENCY_PROOF_FORMAT,
    from: proof.from,
    to: proof.to,
    fromRoot: proof.fromRoot.toString('hex'),
    toRoot: proof.toRoot.toString('hex'),
    hashes: hex(proof.path),
    checkpoints,
    notes,
  };
}

/** A tree size a proof query names. */
export interface TreeSizeParameter {
  /** The query parameter: `from`, `to`, `treeSize`. */
  name: string;
  /** Whose size it is, for the message that it is missing: `des älteren Baums`. */
  of: string;
  required: boolean;
  /** The parameter it may not exceed, when that is given: `from` ≤ `to`. */
  atMost?: string;
}

export const CONSISTENCY_TREE_SIZES: readonly TreeSizeParameter[] = [
  { name: 'from', of: 'des älteren Baums', required: true, atMost: 'to' },
  { name: 'to', of: 'des neueren Baums', required: false },
];

export const INCLUSION_TREE_SIZES: readonly TreeSizeParameter[] = [{ name: 'treeSize', of: 'des Baums', required: false }];

/** A tree size as the query gives it, read as a number the way the query schema does (a huge one too); null if it is none. */
function treeSizeOf(value: unknown): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : null;
}

/** True when every tree size of the parsed query that has an upper neighbour stays below it (`from` ≤ `to`). */
export function treeSizesInOrder(query: Record<string, unknown>, parameters: readonly TreeSizeParameter[]): boolean {
  return parameters.every((p) => {
    const [value, bound] = [query[p.name], p.atMost === undefined ? undefined : query[p.atMost]];
    return typeof value !== 'number' || typeof bound !== 'number' || value <= bound;
  });
}

/**
 * Why the tree sizes of a proof query (`?from=…&to=…`, `?treeSize=…`, as sent) cannot be proven
 * against: one issue per parameter (`query.from`), in German, saying what was given and which
 * sizes there are — 1 to `newest`, the tree size of the newest checkpoint (0: none yet), and for
 * `from` at most `to`. Empty when every size can be proven against.
 */
export function treeSizeIssues(query: Record<string, unknown>, parameters: readonly TreeSizeParameter[], newest: number): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const newestRange =
    newest > 0 ? `von 1 bis ${newest} (die Baumgröße des neuesten Checkpoints)` : 'ab 1, sobald es einen Checkpoint gibt; noch gibt es keinen';
  for (const parameter of parameters) {
    const raw = query[parameter.name];
    const size = treeSizeOf(raw);
    const bound = parameter.atMost === undefined ? null : treeSizeOf(query[parameter.atMost]);
    // The upper neighbour counts only when it can itself be proven against.
    const below = bound !== null && bound < newest ? bound : null;
    const range = below === null ? newestRange : `von 1 bis ${below} (${parameter.atMost}, die Baumgröße ${describeOf(parameters, parameter.atMost!)})`;
    const expected = `erwartet wird eine ganze Zahl ${range}`;
    let message: string | null = null;
    if (raw === undefined) {
      if (parameter.required) message = `Pflichtangabe fehlt: die Baumgröße ${parameter.of}; ${expected}.`;
    } else if (Array.isArray(raw)) {
      message = `Mehrfach angegeben; ${expected}.`;
    } else if (size === null) {
      message = `${typeof raw === 'string' && raw.trim() === '' ? 'Ohne Wert angegeben' : `„${String(raw)}“ ist keine Baumgröße`}; ${expected}.`;
    } else if (size > newest) {
      const shown = String(raw).trim();
      message =
        newest > 0
          ? `${shown} liegt über der Baumgröße des neuesten Checkpoints; erwartet wird eine ganze Zahl von 1 bis ${newest}. Spätere Ereignisse bezeugt erst der nächste Checkpoint.`
          : `Es gibt noch keinen Checkpoint, also noch keine Baumgröße ${shown}; Beweise beziehen sich auf die Baumgröße eines Checkpoints.`;
    } else if (bound !== null && bound <= newest && size > bound) {
      message = `${size} ist größer als ${parameter.atMost} (${bound}): der ältere Baum kann nicht größer sein als der neuere; ${expected}.`;
    }
    if (message) issues.push({ path: `query.${parameter.name}`, message });
  }
  return issues;
}

function describeOf(parameters: readonly TreeSizeParameter[], name: string): string {
  return parameters.find((p) => p.name === name)?.of ?? name;
}

/** A checkpoint as the auditor holds it: the signed JSON, or the C2SP note text. */
export type TrustedCheckpoint = { json: SignedCheckpoint } | { note: string };

export interface ProofVerdict {
  ok: boolean;
  /** German, one sentence each: what was checked and what failed. */
  messages: string[];
}

interface SignedTree {
  treeSize: number;
  rootHash: string;
  label: string;
}

/** Checks the checkpoint's signature and reads its tree size and root; a string is the German reason it fails. */
export function openCheckpoint(checkpoint: TrustedCheckpoint, publicKey: KeyObject): SignedTree | string {
  if ('note' in checkpoint) {
    const origin = checkpoint.note.split('\n', 1)[0];
    const opened = openNote(checkpoint.note, origin, publicKey);
    if (!opened.ok) return `Checkpoint-Notiz: ${opened.reason}`;
    const body = parseCheckpointNoteText(opened.text);
    if (!body) return 'Checkpoint-Notiz: kein Checkpoint nach c2sp.org/tlog-checkpoint (Herkunft, Baumgröße, Wurzel).';
    return { treeSize: body.treeSize, rootHash: body.rootHash, label: `Checkpoint-Notiz ${origin} (Baumgröße ${body.treeSize})` };
  }
  const { payload } = checkpoint.json;
  if (checkpoint.json.keyId !== keyIdOf(publicKey) || !hasValidSignature(checkpoint.json, publicKey)) {
    return `Checkpoint ${payload?.sequence}: die Signatur passt nicht zum öffentlichen Schlüssel.`;
  }
  if (!inLogOrder(payload)) {
    return `Checkpoint ${payload.sequence} hat das Format ${payload.format}: Beweise gelten erst für Checkpoints im Format ${LOG_CHECKPOINT_FORMAT} oder ${DELTA_CHECKPOINT_FORMAT}.`;
  }
  return { treeSize: payload.treeSize, rootHash: payload.rootHash, label: `Checkpoint ${payload.sequence} (Baumgröße ${payload.treeSize})` };
}

/** The event's hash recomputed from its content, or the German reason it cannot be. */
function recomputedHash(entry: ProvenEntry): { stream: string; version: number; hash: string; stored: string } | string {
  try {
    if (entry.kind === 'event') return { stream: entry.event.bodyId, version: entry.event.version, hash: hashEvent(entry.event), stored: entry.event.hash };
    if (entry.kind === 'auditLog') return { stream: AUDIT_LOG_STREAM, version: entry.entry.version, hash: hashAuditLogEntry(entry.entry), stored: entry.entry.hash };
  } catch (error) {
    return `Das Ereignis ist nicht lesbar: ${error instanceof Error ? error.message : String(error)}`;
  }
  return 'Der Beweis enthält kein Ereignis.';
}

/**
 * Does the bundle prove its event in the checkpoint? The checkpoint is `trusted` (kept from
 * where it was published) or else the one in the bundle; its signature is checked either way.
 */
export function verifyInclusionBundle(bundle: InclusionProofBundle, publicKey: KeyObject, trusted?: TrustedCheckpoint): ProofVerdict {
  const messages: string[] = [];
  const fail = (message: string): ProofVerdict => ({ ok: false, messages: [...messages, message] });
  if (bundle?.format !== INCLUSION_PROOF_FORMAT) return fail(`Kein Inklusionsbeweis im Format ${INCLUSION_PROOF_FORMAT}.`);
  const source = trusted ?? (bundle.checkpoint ? { json: bundle.checkpoint } : bundle.note ? { note: bundle.note } : null);
  if (!source) return fail(`Zur Baumgröße ${bundle.treeSize} gibt es keinen Checkpoint: bitte einen veröffentlichten Checkpoint angeben.`);
  const tree = openCheckpoint(source, publicKey);
  if (typeof tree === 'string') return fail(tree);
  messages.push(`${tree.label}: Signatur gültig.`);
  const event = recomputedHash(bundle.entry);
  if (typeof event === 'string') return fail(event);
  if (event.hash !== event.stored) return fail(`Ereignis ${event.stream} Version ${event.version}: der Inhalt ergibt nicht den angegebenen Hash; das Ereignis wurde verändert.`);
  if (bundle.treeSize !== tree.treeSize) return fail(`Der Beweis gilt für Baumgröße ${bundle.treeSize}, der Checkpoint hat ${tree.treeSize}.`);
  const leaf = leafHash(Buffer.from(event.hash, 'hex'));
  const proof = (bundle.hashes ?? []).map((h) => Buffer.from(h, 'hex'));
  if (!verifyInclusion(bundle.leafIndex, tree.treeSize, leaf, proof, Buffer.from(tree.rootHash, 'hex'))) {
    return fail(`Ereignis ${event.stream} Version ${event.version} ist laut Beweis NICHT an Stelle ${bundle.leafIndex} in ${tree.label} enthalten.`);
  }
  messages.push(`Ereignis ${event.stream} Version ${event.version} (Hash aus dem Inhalt neu berechnet) ist an Stelle ${bundle.leafIndex} in ${tree.label} enthalten.`);
  return { ok: true, messages };
}

/** Does the bundle prove the older checkpoint's tree a prefix of the newer one's (the log only grew)? */
export function verifyConsistencyBundle(
  bundle: ConsistencyProofBundle,
  publicKey: KeyObject,
  trusted: { from?: TrustedCheckpoint; to?: TrustedCheckpoint } = {},
): ProofVerdict {
  const messages: string[] = [];
  const fail = (message: string): ProofVerdict => ({ ok: false, messages: [...messages, message] });
  if (bundle?.format !== CONSISTENCY_PROOF_FORMAT) return fail(`Kein Konsistenzbeweis im Format ${CONSISTENCY_PROOF_FORMAT}.`);
  const pick = (given: TrustedCheckpoint | undefined, json: SignedCheckpoint | null, note: string | null, which: string) =>
    given ?? (json ? { json } : note ? { note } : `Zum ${which} Stand (Baumgröße ${which === 'alten' ? bundle.from : bundle.to}) gibt es keinen Checkpoint.`);
  const trees: SignedTree[] = [];
  for (const [given, json, note, which] of [
    [trusted.from, bundle.checkpoints?.from ?? null, bundle.notes?.from ?? null, 'alten'],
    [trusted.to, bundle.checkpoints?.to ?? null, bundle.notes?.to ?? null, 'neuen'],
  ] as const) {
    const source = pick(given, json, note, which);
    if (typeof source === 'string') return fail(source);
    const tree = openCheckpoint(source, publicKey);
    if (typeof tree === 'string') return fail(tree);
    messages.push(`${tree.label}: Signatur gültig.`);
    trees.push(tree);
  }
  const [older, newer] = trees;
  if (bundle.from !== older.treeSize || bundle.to !== newer.treeSize) {
    return fail(`Der Beweis gilt für Baumgrößen ${bundle.from} → ${bundle.to}, die Checkpoints haben ${older.treeSize} → ${newer.treeSize}.`);
  }
  const proof = (bundle.hashes ?? []).map((h) => Buffer.from(h, 'hex'));
  if (!verifyConsistency(older.treeSize, newer.treeSize, Buffer.from(older.rootHash, 'hex'), Buffer.from(newer.rootHash, 'hex'), proof)) {
    return fail(`${newer.label} setzt ${older.label} NICHT fort: das Log wurde umgeschrieben, nicht nur fortgeschrieben.`);
  }
  messages.push(`${newer.label} setzt ${older.label} fort: das Log ist dazwischen nur gewachsen.`);
  return { ok: true, messages };
}
