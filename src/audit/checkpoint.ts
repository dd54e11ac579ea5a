/**
 * Signed checkpoints: a global digest of the whole log at one moment, signed with Ed25519.
 *
 * The leaves are the stored hashes of every event of every stream (each body, and the audit
 * log), in a fixed order: streams by id (ascending UTF-16 code units, as JavaScript compares
 * strings — never a database collation), within a stream by version. Each leaf is the 32 bytes of
 * the event hash, hashed as an RFC 9162 leaf (SHA-256(0x00 || hash)); the root is the RFC 9162
 * Merkle tree hash over them. The checkpoint also lists
 * every stream's head (last version and its hash), so the set of events it covers is exact
 * without relying on clocks, and a later check can say which stream lost or changed events.
 * Each checkpoint names the digest of the one before it, so none can be dropped or replaced
 * unnoticed. Whoever holds a published checkpoint can detect any later rewrite of what it covers.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { Instant } from '../../machines';
import { canonicalJson } from '../event-log/canonical-json';
import { place } from './chain-verifier';
import { merkleRoot } from './merkle';

export const CHECKPOINT_FORMAT = 'gremienlauf-checkpoint/1';
export const LEAF_ORDER = 'stream-id-ascending/version-ascending';

/** A stored event hash and where it sits: what a checkpoint is built from. */
export interface Leaf {
  stream: string;
  version: number;
  hash: string;
}

export interface StreamHead {
  stream: string;
  version: number;
  hash: string;
}

export interface CheckpointPayload {
  format: typeof CHECKPOINT_FORMAT;
  sequence: number;
  createdAt: Instant;
  treeSize: number;
  rootHash: string;
  order: typeof LEAF_ORDER;
  heads: StreamHead[];
  /** `checkpointDigest` of the previous checkpoint, null for the first. */
  previous: string | null;
}

export interface SignedCheckpoint {
  payload: CheckpointPayload;
  /** Ed25519 signature (base64) over the RFC 8785 canonical JSON of the payload. */
  signature: string;
  /** SHA-256 (hex) of the signing public key in SPKI DER form. */
  keyId: string;
}

export type CheckpointProblemKind =
  | 'signature'
  | 'key'
  | 'format'
  | 'sequence'
  | 'previous'
  | 'truncated'
  | 'headChanged'
  | 'root';

export interface CheckpointProblem {
  sequence: number;
  kind: CheckpointProblemKind;
  /** The stream and version the problem points at, where it can be located. */
  stream: string | null;
  version: number | null;
  message: string;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Sorts leaves into the checkpoint order. */
export function orderLeaves(leaves: Iterable<Leaf>): Leaf[] {
  return [...leaves].sort((a, b) => compare(a.stream, b.stream) || a.version - b.version);
}

/** The Merkle root (hex) over leaves already in checkpoint order: MTH with the 32-byte event hashes as entries. */
export function rootOf(ordered: readonly Leaf[]): string {
  return merkleRoot(ordered.map((leaf) => Buffer.from(leaf.hash, 'hex'))).toString('hex');
}

/** The unsigned checkpoint over the given leaves (all events of all streams). */
export function buildCheckpoint(
  leaves: Iterable<Leaf>,
  meta: { sequence: number; createdAt: Instant; previous: string | null },
): CheckpointPayload {
  const ordered = orderLeaves(leaves);
  const heads = new Map<string, StreamHead>();
  for (const leaf of ordered) heads.set(leaf.stream, { stream: leaf.stream, version: leaf.version, hash: leaf.hash });
  return {
    format: CHECKPOINT_FORMAT,
    sequence: meta.sequence,
    createdAt: meta.createdAt,
    treeSize: ordered.length,
    rootHash: rootOf(ordered),
    order: LEAF_ORDER,
    heads: [...heads.values()],
    previous: meta.previous,
  };
}

export function signCheckpoint(payload: CheckpointPayload, privateKey: KeyObject): SignedCheckpoint {
  const signature = sign(null, Buffer.from(canonicalJson(payload), 'utf8'), privateKey).toString('base64');
  return { payload, signature, keyId: keyIdOf(createPublicKey(privateKey)) };
}

export function hasValidSignature(checkpoint: SignedCheckpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(canonicalJson(checkpoint.payload), 'utf8'), publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}

/** What the next checkpoint names as `previous`: SHA-256 (hex) of the canonical payload and signature. */
export function checkpointDigest(checkpoint: SignedCheckpoint): string {
  return createHash('sha256').update(canonicalJson(checkpoint), 'utf8').digest('hex');
}

/** The key id: SHA-256 (hex) of the public key in SPKI DER form. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

/**
 * Checks checkpoints (in any order) against the key and against the log's current leaves:
 * signatures, the unbroken sequence 1..n with each naming its predecessor, every head still
 * present with its hash, and the root recomputed over exactly the events each one covers.
 */
export function verifyCheckpoints(
  checkpoints: readonly SignedCheckpoint[],
  leaves: Iterable<Leaf>,
  publicKey: KeyObject,
): CheckpointProblem[] {
  const problems: CheckpointProblem[] = [];
  const problem = (sequence: number, kind: CheckpointProblemKind, message: string, stream: string | null = null, version: number | null = null) =>
    problems.push({ sequence, kind, stream, version, message: `Checkpoint ${sequence}: ${message}` });

  const streams = new Map<string, Leaf[]>();
  for (const leaf of orderLeaves(leaves)) {
    const list = streams.get(leaf.stream) ?? [];
    list.push(leaf);
    streams.set(leaf.stream, list);
  }
  const keyId = keyIdOf(publicKey);
  const sorted = [...checkpoints].sort((a, b) => a.payload.sequence - b.payload.sequence);

  sorted.forEach((checkpoint, i) => {
    const { payload } = checkpoint;
    const sequence = payload.sequence;
    if (checkpoint.keyId !== keyId) {
      problem(sequence, 'key', `mit einem anderen Schlüssel signiert (Schlüssel-ID ${checkpoint.keyId.slice(0, 16)}…, erwartet ${keyId.slice(0, 16)}…).`);
    }
    if (!hasValidSignature(checkpoint, publicKey)) {
      problem(sequence, 'signature', 'Die Signatur ist ungültig: der Checkpoint wurde verändert oder ersetzt.');
      return; // Nothing else in an unsigned payload is evidence.
    }
    if (payload.format !== CHECKPOINT_FORMAT || payload.order !== LEAF_ORDER) {
      problem(sequence, 'format', `unbekanntes Format „${payload.format}“ oder unbekannte Reihenfolge „${payload.order}“.`);
      return;
    }
    const expectedSequence = i === 0 ? 1 : sorted[i - 1].payload.sequence + 1;
    if (sequence !== expectedSequence) {
      problem(sequence, 'sequence', `Checkpoint ${expectedSequence} fehlt (entfernt): die Folge springt auf ${sequence}.`);
    }
    const expectedPrevious = i === 0 ? null : checkpointDigest(sorted[i - 1]);
    if (i > 0 && payload.previous !== expectedPrevious) {
      problem(sequence, 'previous', `verweist nicht auf Checkpoint ${sorted[i - 1].payload.sequence} als Vorgänger: ein Checkpoint dazwischen wurde ersetzt oder entfernt.`);
    }

    const covered: Leaf[] = [];
    let located = false;
    for (const head of payload.heads) {
      const stream = streams.get(head.stream) ?? [];
      const prefix = stream.filter((leaf) => leaf.version <= head.version);
      covered.push(...prefix);
      const atHead = stream.find((leaf) => leaf.version === head.version);
      if (!atHead) {
        const last = stream.at(-1)?.version ?? 0;
        problem(
          sequence,
          'truncated',
          `${place(head.stream, head.version, null)} ist bezeugt, fehlt aber im Log (${last === 0 ? 'der ganze Strom fehlt' : `der Strom endet bei Version ${last}`}): Ereignisse wurden entfernt.`,
          head.stream,
          last + 1,
        );
        located = true;
      } else if (atHead.hash !== head.hash) {
        problem(
          sequence,
          'headChanged',
          `${place(head.stream, head.version, null)} hat nicht mehr den bezeugten Hash: dieser Strom wurde bis einschließlich Version ${head.version} umgeschrieben.`,
          head.stream,
          head.version,
        );
        located = true;
      }
    }
    const ordered = orderLeaves(covered);
    if (!located && (ordered.length !== payload.treeSize || rootOf(ordered) !== payload.rootHash)) {
      problem(
        sequence,
        'root',
        `Der Merkle-Wurzelhash über die ${payload.treeSize} bezeugten Ereignisse stimmt nicht mehr: ein erfasstes Ereignis wurde verändert, entfernt oder eingefügt (die Kettenprüfung nennt die Stelle).`,
      );
    }
  });
  return problems;
}
