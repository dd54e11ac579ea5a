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
import { CanonicalText, canonicalJson } from '../json/canonical-json';
import { place } from './chain-verifier';
import { CompactRange, MerkleAccumulator, leafHashOfHex } from './merkle';
import { SubtreeRange, type SubtreeHasher } from './subtree-hasher';

export const CHECKPOINT_FORMAT = 'gremienlauf-checkpoint/1';
export const LEAF_ORDER = 'stream-id-ascending/version-ascending';
/**
 * Format 2: the leaves in log order, so that every checkpoint's tree is a prefix of the next
 * one's and RFC 9162 consistency proofs hold between them. The log order appends, checkpoint by
 * checkpoint, the events each one covers beyond the one before it (its batch), the batch sorted
 * by stream id, then version. The payload also names the log's origin for the C2SP note.
 */
export const LOG_CHECKPOINT_FORMAT = 'gremienlauf-checkpoint/2';
export const LOG_ORDER = 'checkpoint-batches/stream-id-ascending/version-ascending';
/**
 * Format 3: format 2's log order and origin, but `heads` names only the streams its batch holds
 * events of (those that moved since the checkpoints before it), each with its new head; the first
 * checkpoint names every stream. Over the sequence the heads add up to every stream's head, and
 * the batches (so the log order and every root) are exactly format 2's. A format-2 checkpoint
 * named every stream each time: with one an hour, the heads of a register that hardly changed
 * were stored, parsed and held by verify again every hour (about 13 MB of text per checkpoint for
 * 100,000 bodies).
 */
export const DELTA_CHECKPOINT_FORMAT = 'gremienlauf-checkpoint/3';

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
  format: typeof CHECKPOINT_FORMAT | typeof LOG_CHECKPOINT_FORMAT | typeof DELTA_CHECKPOINT_FORMAT;
  sequence: number;
  createdAt: Instant;
  treeSize: number;
  rootHash: string;
  order: typeof LEAF_ORDER | typeof LOG_ORDER;
  /** Formats 2 and 3: the log's name in its C2SP checkpoint note. */
  origin?: string;
  /** Every stream's head (formats 1 and 2); format 3: the heads that moved since the checkpoints before it. */
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
  | 'root'
  /** Signed with an earlier key (CheckpointVerifierOptions.earlierKeys): a problem until a checkpoint under this key continues it, a note after. */
  | 'earlierKey';

export interface CheckpointProblem {
  sequence: number;
  kind: CheckpointProblemKind;
  /** The stream and version the problem points at, where it can be located. */
  stream: string | null;
  version: number | null;
  message: string;
}

/** A tree head: the number of leaves and the RFC 9162 Merkle root over them (hex). */
export interface TreeHead {
  size: number;
  root: string;
}

/** Which key signed a checkpoint, as the check that compares its tree head sees it. */
export type Signer = 'current' | 'earlier' | 'other';

/** A checkpoint's claimed tree head and the one the log's leaves give, with what tells why they differ. */
export interface TreeHeadComparison {
  sequence: number;
  keyId: unknown;
  signer: Signer;
  /** Its order string names the log order (formats 2 and 3): the heads of the checkpoints before it place its leaves. */
  inLogOrder: boolean;
  claimed: TreeHead;
  /**
   * What the leaves give: `root` null where the leaves of an earlier checkpoint's batch do not
   * add up to that checkpoint's tree size, so that this tree cannot be joined (the service's
   * verify reads the log once and stops there; the offline verifier places the batches anew).
   */
  found: { size: number; root: string | null };
  /** Its signature was checked with the key that made it, and fails. */
  signatureFails: boolean;
  /** The first checkpoint up to this one that names a head removed from the log or rewritten (`truncated`, `headChanged`). */
  locatedAt: number | null;
}

/**
 * The finding about a checkpoint's root, in the words the service's verify and the offline
 * verifier both give: null where the leaves give the claimed tree head. The recomputed root is
 * not named in the words (the service does not always know it) but the recomputed size is.
 */
export function treeHeadProblem(c: TreeHeadComparison): string | null {
  if (c.found.size === c.claimed.size && c.found.root === c.claimed.root) return null;
  const entries = (n: number) => `${n} ${n === 1 ? 'Eintrag' : 'Einträge'}`;
  const id = typeof c.keyId === 'string' ? `ID ${c.keyId.slice(0, 16)}…` : 'ohne Schlüssel-ID';
  const signedWith = { current: 'dem aktuellen Schlüssel', earlier: 'einem früheren Schlüssel', other: 'einem anderen Schlüssel' }[c.signer];
  const found = c.found.size === c.claimed.size ? `${entries(c.found.size)}, aber eine andere Merkle-Wurzel` : entries(c.found.size);
  // A log-order checkpoint's tree follows the batches of those before it: changed heads there move leaves in it.
  const before = c.inLogOrder && c.sequence > 1 ? ', oder die Köpfe eines Checkpoints davor, die die Reihenfolge des Logs festlegen, wurden verändert' : '';
  const why = c.signatureFails
    ? 'Seine Signatur hält nicht: die Angaben des Checkpoints selbst wurden verändert.'
    : c.locatedAt !== null
      ? `Ein erfasstes Ereignis wurde verändert, entfernt oder eingefügt: Checkpoint ${c.locatedAt} nennt die Stelle (dort fehlt ein bezeugter Kopf oder hat einen anderen Hash).`
      : `Ein erfasstes Ereignis wurde verändert, entfernt oder eingefügt${before}.`;
  return (
    `Checkpoint ${c.sequence}, signiert mit ${signedWith} (${id}): Die Ereignisse des Logs ergeben nicht den Baumkopf, den er bezeugt. ` +
    `Bezeugt: ${entries(c.claimed.size)}, Merkle-Wurzel ${c.claimed.root}; nachgerechnet: ${found}. ${why}`
  );
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Sorts leaves into the checkpoint order. */
export function orderLeaves(leaves: Iterable<Leaf>): Leaf[] {
  return [...leaves].sort((a, b) => compare(a.stream, b.stream) || a.version - b.version);
}

/** The Merkle root (hex) over leaves already in checkpoint order: MTH with the 32-byte event hashes as entries. */
export function rootOf(ordered: Iterable<Leaf>): string {
  const accumulator = new MerkleAccumulator();
  for (const leaf of ordered) accumulator.addLeafHash(leafHashOfHex(leaf.hash));
  return accumulator.root().toString('hex');
}

/** Fails when leaves that must come in checkpoint order do not. */
class OrderGuard {
  private last: Leaf | null = null;

  check(leaf: Leaf): void {
    if (this.last && (compare(this.last.stream, leaf.stream) || this.last.version - leaf.version) > 0) {
      throw new Error(`Leaves out of checkpoint order: ${leaf.stream}@${leaf.version} after ${this.last.stream}@${this.last.version}`);
    }
    this.last = leaf;
  }
}

/** Builds a checkpoint from leaves that arrive in checkpoint order, in memory that grows with the streams, not the events. */
export class CheckpointBuilder {
  private readonly order = new OrderGuard();
  /** Null when only the heads are asked for (a log-order checkpoint builds its tree in log order). */
  private readonly tree: MerkleAccumulator | null;
  private readonly heads: StreamHead[] = [];

  constructor(options: { tree: boolean } = { tree: true }) {
    this.tree = options.tree ? new MerkleAccumulator() : null;
  }

  add(leaf: Leaf): void {
    this.order.check(leaf);
    this.tree?.addLeafHash(leafHashOfHex(leaf.hash));
    const head = this.heads.at(-1);
    if (head?.stream === leaf.stream) {
      head.version = leaf.version;
      head.hash = leaf.hash;
    } else {
      this.heads.push({ stream: leaf.stream, version: leaf.version, hash: leaf.hash });
    }
  }

  /** Every stream's head so far (last version and its hash), by stream id. */
  streamHeads(): StreamHead[] {
    return this.heads.map((head) => ({ ...head }));
  }

  get size(): number {
    return this.tree?.size ?? 0;
  }

  build(meta: { sequence: number; createdAt: Instant; previous: string | null }): CheckpointPayload {
    if (!this.tree) throw new Error('A builder without a tree gives heads only');
    return {
      format: CHECKPOINT_FORMAT,
      sequence: meta.sequence,
      createdAt: meta.createdAt,
      treeSize: this.tree.size,
      rootHash: this.tree.root().toString('hex'),
      order: LEAF_ORDER,
      heads: this.heads.map((head) => ({ ...head })),
      previous: meta.previous,
    };
  }
}

/** The unsigned checkpoint over the given leaves (all events of all streams). */
export function buildCheckpoint(
  leaves: Iterable<Leaf>,
  meta: { sequence: number; createdAt: Instant; previous: string | null },
): CheckpointPayload {
  const builder = new CheckpointBuilder();
  for (const leaf of orderLeaves(leaves)) builder.add(leaf);
  return builder.build(meta);
}

/** Whether the payload is in a log-order format (2 or 3). */
export function inLogOrder(payload: CheckpointPayload): boolean {
  return (payload.format === LOG_CHECKPOINT_FORMAT || payload.format === DELTA_CHECKPOINT_FORMAT) && payload.order === LOG_ORDER && typeof payload.origin === 'string';
}

/**
 * The newest version of the stream the checkpoints name: what they cover of it. A format-3
 * checkpoint names only the streams that moved, so the one that covers a stream's newest events
 * may be any before it.
 */
export function coveredVersion(checkpoints: readonly Pick<CheckpointPayload, 'heads'>[], stream: string): number {
  let covered = 0;
  for (const { heads } of checkpoints) {
    for (const head of heads) if (head.stream === stream && head.version > covered) covered = head.version;
  }
  return covered;
}

/** Whether the payload is in a format this build checks (1, 2 or 3). */
function knownFormat(payload: CheckpointPayload): boolean {
  return inLogOrder(payload) || (payload.format === CHECKPOINT_FORMAT && payload.order === LEAF_ORDER);
}

export type BatchSource = Pick<CheckpointPayload, 'sequence' | 'heads' | 'treeSize'>;

/**
 * One checkpoint's heads by stream id, without a map (HeadsByStream finds a stream's among them
 * as the streams go by): a checkpoint lists them so, and a copy is sorted where a payload does
 * not. Maps of every stream a checkpoint names held about 15 MB for 100,000 streams, and V8 lets
 * the heap grow in proportion to what is live: verify peaked at 314 MiB with one checkpoint.
 */
export class HeadIndex {
  readonly heads: readonly StreamHead[];

  constructor(heads: readonly StreamHead[]) {
    this.heads = heads.every((head, i) => i === 0 || compare(heads[i - 1].stream, head.stream) < 0) ? heads : firstOfEachStream(heads);
  }
}

/**
 * Which checkpoints name a stream, for streams asked for in ascending order (as the leaves come):
 * the checkpoints wait in a heap by the stream of their next head, so a stream costs the heads that
 * name it (a log2 of the checkpoints each), not a look into every checkpoint. With a checkpoint an
 * hour, the looks of every stream into every checkpoint grew with their product. A stream asked
 * for out of that order starts the heap anew from a binary search in each checkpoint.
 */
export class HeadsByStream {
  /** Per checkpoint, the position of its next head. */
  private readonly next: number[];
  /** Checkpoints (their position in `indexes`) by the stream of their next head, then position. */
  private heap: number[] = [];
  private asked: { stream: string; named: Array<{ index: number; at: number }> } | null = null;

  constructor(private readonly indexes: ReadonlyArray<HeadIndex | null>) {
    this.next = indexes.map(() => 0);
    this.restart('');
  }

  /** The checkpoints that name the stream (by their position in `indexes`, ascending) and where its head is in each. */
  named(stream: string): Array<{ index: number; at: number }> {
    if (this.asked?.stream === stream) return this.asked.named;
    if (this.asked && compare(stream, this.asked.stream) < 0) this.restart(stream);
    const named: Array<{ index: number; at: number }> = [];
    while (this.heap.length > 0) {
      const index = this.heap[0];
      const heads = this.indexes[index]!.heads;
      const order = compare(heads[this.next[index]].stream, stream);
      if (order > 0) break;
      if (order === 0) named.push({ index, at: this.next[index]++ });
      else this.next[index] = lowerBound(heads, stream, this.next[index]);
      if (this.next[index] < heads.length) this.siftDown(0);
      else this.pop();
    }
    named.sort((a, b) => a.index - b.index);
    this.asked = { stream, named };
    return named;
  }

  private restart(stream: string): void {
    this.heap = [];
    this.indexes.forEach((index, i) => {
      if (!index) return;
      this.next[i] = lowerBound(index.heads, stream, 0);
      if (this.next[i] < index.heads.length) this.heap.push(i);
    });
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private before(a: number, b: number): boolean {
    const order = compare(this.indexes[a]!.heads[this.next[a]].stream, this.indexes[b]!.heads[this.next[b]].stream);
    return order < 0 || (order === 0 && a < b);
  }

  private pop(): void {
    const last = this.heap.pop()!;
    if (this.heap.length === 0) return;
    this.heap[0] = last;
    this.siftDown(0);
  }

  private siftDown(from: number): void {
    const { heap } = this;
    let at = from;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= heap.length) return;
      const child = left + 1 < heap.length && this.before(heap[left + 1], heap[left]) ? left + 1 : left;
      if (!this.before(heap[child], heap[at])) return;
      [heap[at], heap[child]] = [heap[child], heap[at]];
      at = child;
    }
  }
}

/** The heads sorted by stream id, the first one named for each stream (a stable sort keeps the payload's order among equals). */
function firstOfEachStream(heads: readonly StreamHead[]): StreamHead[] {
  const sorted = [...heads].sort((a, b) => compare(a.stream, b.stream));
  return sorted.filter((head, i) => i === 0 || sorted[i - 1].stream !== head.stream);
}

/** The first position at or after `from` whose stream is not below `stream`. */
function lowerBound(heads: readonly StreamHead[], stream: string, from: number): number {
  let low = from;
  let high = heads.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(heads[middle].stream, stream) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Where each leaf goes in log order (formats 2 and 3) when the leaves arrive in checkpoint order
 * (stream id, version): each checkpoint's batch is a run of consecutive places starting at the
 * tree size of the checkpoint before it, and a leaf belongs to the first batch whose head of its
 * stream reaches its version; the leaves beyond every checkpoint follow the last one. Memory
 * grows with the checkpoints, not with the streams or the events.
 */
export class LogOrderPlacement {
  /** Per batch, in sequence order: its checkpoint's sequence and the next free place. */
  readonly batches: Array<{ sequence: number; begin: number; next: number }> = [];
  private readonly heads: HeadIndex[];
  private readonly byStream: HeadsByStream;
  private beyond: number;
  /**
   * The stream asked for last, and where its leaves go: the versions up to which batches take
   * them, each above the one before (a later checkpoint that names an older head takes none),
   * and those batches.
   */
  private stream: string | null = null;
  private readonly until: number[] = [];
  private readonly batchOf: number[] = [];

  constructor(earlier: readonly BatchSource[]) {
    const sorted = [...earlier].sort((a, b) => a.sequence - b.sequence);
    sorted.forEach((checkpoint, i) => {
      const begin = i === 0 ? 0 : sorted[i - 1].treeSize;
      this.batches.push({ sequence: checkpoint.sequence, begin, next: begin });
    });
    this.heads = sorted.map((checkpoint) => new HeadIndex(checkpoint.heads));
    this.byStream = new HeadsByStream(this.heads);
    this.beyond = sorted.at(-1)?.treeSize ?? 0;
  }

  /** Whether some checkpoint's batch holds leaves of the stream (the others' leaves go beyond every checkpoint). */
  reaches(stream: string): boolean {
    this.look(stream);
    return this.until.length > 0;
  }

  /** The next leaf's batch (null: beyond every checkpoint) and its place in the log. */
  place(leaf: Pick<Leaf, 'stream' | 'version'>): { batch: number | null; index: number } {
    this.look(leaf.stream);
    for (let entry = 0; entry < this.until.length; entry++) {
      if (this.until[entry] < leaf.version) continue;
      const batch = this.batchOf[entry];
      return { batch, index: this.batches[batch].next++ };
    }
    return { batch: null, index: this.beyond++ };
  }

  private look(stream: string): void {
    if (stream === this.stream) return;
    this.stream = stream;
    this.until.length = 0;
    this.batchOf.length = 0;
    for (const { index: batch, at } of this.byStream.named(stream)) {
      const { version } = this.heads[batch].heads[at];
      if (this.until.length > 0 && version <= this.until[this.until.length - 1]) continue;
      this.until.push(version);
      this.batchOf.push(batch);
    }
  }
}

/**
 * The log-order tree of leaves that arrive in checkpoint order (stream id, version): each leaf
 * goes into the compact range of its batch (LogOrderPlacement), the leaves beyond every
 * checkpoint into one more range. Joining the ranges gives each checkpoint's root, in memory
 * that grows with the checkpoints and the streams, not with the events.
 */
export class LogOrderTree {
  private readonly placement: LogOrderPlacement;
  private readonly batches: Array<{ sequence: number; range: SubtreeRange }>;
  /** The leaves beyond every checkpoint; null when only the checkpoints' roots are asked for (verification). */
  private readonly beyond: SubtreeRange | null;

  /** With a hasher, the subtrees are hashed on its thread: `settle` before asking for the roots. */
  constructor(earlier: readonly BatchSource[], options: { beyond: boolean; hasher?: SubtreeHasher } = { beyond: true }) {
    const hasher = options.hasher ?? null;
    this.placement = new LogOrderPlacement(earlier);
    this.batches = this.placement.batches.map(({ sequence, begin }) => ({ sequence, range: new SubtreeRange(begin, hasher) }));
    this.beyond = options.beyond ? new SubtreeRange([...earlier].sort((a, b) => a.sequence - b.sequence).at(-1)?.treeSize ?? 0, hasher) : null;
  }

  /** Whether a leaf of the stream counts: false when it goes beyond every checkpoint and those leaves are not kept. */
  takes(stream: string): boolean {
    return this.beyond !== null || this.placement.reaches(stream);
  }

  /** Adds the next leaf; leaves must come in checkpoint order. True where it goes beyond every checkpoint. */
  add(leaf: Leaf): boolean {
    const { batch } = this.placement.place(leaf);
    const range = batch === null ? this.beyond : this.batches[batch].range;
    range?.appendHex(leaf.hash);
    return batch === null;
  }

  /** Waits for the subtrees the hasher's thread computes. */
  async settle(): Promise<void> {
    for (const { range } of this.batches) await range.settle();
    await this.beyond?.settle();
  }

  /**
   * The tree after each checkpoint, by sequence (its size the leaves of its batch and those
   * before), and after all leaves (`all`); the root null from the first batch that does not start
   * where the tree before it ends (the leaves do not add up to the earlier checkpoints' tree
   * sizes) onwards, `all` null then.
   */
  roots(): { bySequence: Map<number, { size: number; root: string | null }>; all: { size: number; root: string } | null } {
    const tree = new CompactRange(0);
    let whole = true;
    let size = 0;
    const bySequence = new Map<number, { size: number; root: string | null }>();
    for (const { sequence, range } of this.batches) {
      const compact = range.compact();
      size += compact.end - compact.begin;
      whole = whole && tree.join(compact);
      bySequence.set(sequence, { size, root: whole ? tree.root().toString('hex') : null });
    }
    whole = whole && this.beyond !== null && tree.join(this.beyond.compact());
    return { bySequence, all: whole ? { size: tree.end, root: tree.root().toString('hex') } : null };
  }
}

/**
 * The leaves in log order (formats 2 and 3), in memory: first the batches of the given earlier
 * checkpoints (in sequence order), each the events its heads cover beyond those before it, then
 * the leaves no earlier checkpoint covers; each batch sorted by stream id, then version.
 */
export function logOrder(leaves: Iterable<Leaf>, earlier: readonly Pick<CheckpointPayload, 'sequence' | 'heads'>[]): Leaf[] {
  const streams = new Map<string, Leaf[]>();
  for (const leaf of orderLeaves(leaves)) {
    const stream = streams.get(leaf.stream) ?? [];
    stream.push(leaf);
    streams.set(leaf.stream, stream);
  }
  const taken = new Map<string, number>(); // per stream: how many leaves earlier batches took
  const out: Leaf[] = [];
  for (const checkpoint of [...earlier].sort((a, b) => a.sequence - b.sequence)) {
    const batch: Leaf[] = [];
    for (const head of checkpoint.heads) {
      const stream = streams.get(head.stream) ?? [];
      let next = taken.get(head.stream) ?? 0;
      while (next < stream.length && stream[next].version <= head.version) batch.push(stream[next++]);
      taken.set(head.stream, next);
    }
    out.push(...orderLeaves(batch));
  }
  for (const [name, stream] of [...streams].sort(([a], [b]) => compare(a, b))) out.push(...stream.slice(taken.get(name) ?? 0));
  return out;
}

/**
 * Builds a format-3 checkpoint from leaves that arrive in checkpoint order, after the earlier
 * checkpoints: its heads are those of the streams with leaves beyond every earlier checkpoint.
 */
export class LogCheckpointBuilder {
  private readonly order = new OrderGuard();
  /** The heads of the leaves beyond every earlier checkpoint: a stream's are its last ones. */
  private readonly heads = new CheckpointBuilder({ tree: false });
  private readonly tree: LogOrderTree;

  /** With a hasher, the tree is hashed on its thread: `settle` before `build`. */
  constructor(earlier: readonly BatchSource[], hasher?: SubtreeHasher) {
    this.tree = new LogOrderTree(earlier, { beyond: true, hasher });
  }

  add(leaf: Leaf): void {
    this.order.check(leaf);
    if (this.tree.add(leaf)) this.heads.add(leaf);
  }

  settle(): Promise<void> {
    return this.tree.settle();
  }

  build(meta: { sequence: number; createdAt: Instant; previous: string | null; origin: string }): CheckpointPayload {
    const all = this.tree.roots().all;
    if (!all) throw new Error('The leaves do not add up to the earlier checkpoints: verify the log before building a checkpoint.');
    const heads = this.heads.streamHeads();
    return {
      format: DELTA_CHECKPOINT_FORMAT,
      sequence: meta.sequence,
      createdAt: meta.createdAt,
      treeSize: all.size,
      rootHash: all.root,
      order: LOG_ORDER,
      origin: meta.origin,
      heads,
      previous: meta.previous,
    };
  }
}

/** The unsigned format-3 checkpoint over all leaves, in log order after the earlier checkpoints. */
export function buildLogCheckpoint(
  leaves: Iterable<Leaf>,
  meta: { sequence: number; createdAt: Instant; previous: string | null; origin: string },
  earlier: readonly BatchSource[],
): CheckpointPayload {
  const builder = new LogCheckpointBuilder(earlier);
  for (const leaf of orderLeaves(leaves)) builder.add(leaf);
  return builder.build(meta);
}

/**
 * The payload's canonical JSON: the text a checkpoint is signed over and stored as. The heads go
 * in as one piece (CanonicalText), each written by JSON.stringify with its members in canonical
 * order; the first checkpoint over a register of 100,000 bodies names them all.
 */
export function checkpointPayloadText(payload: CheckpointPayload): string {
  const heads = JSON.stringify(payload.heads.map(({ hash, stream, version }) => ({ hash, stream, version })));
  return canonicalJson({ ...payload, heads: new CanonicalText(heads) });
}

/** Signs the payload; `payloadText` is its text (checkpointPayloadText) where the caller has it already. */
export function signCheckpoint(payload: CheckpointPayload, privateKey: KeyObject, payloadText: string = checkpointPayloadText(payload)): SignedCheckpoint {
  const signature = sign(null, Buffer.from(payloadText, 'utf8'), privateKey).toString('base64');
  return { payload, signature, keyId: keyIdOf(createPublicKey(privateKey)) };
}

export function hasValidSignature(checkpoint: SignedCheckpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(canonicalJson(checkpoint.payload), 'utf8'), publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * What a checkpoint's stored text establishes (`factsFromText`): whether its signature holds and
 * its digest, without writing the payload out again as canonical JSON. For a payload that names
 * 100,000 heads that is a 13 MB string built from a million small ones, and the garbage made
 * V8 grow verify's heap by about 50 MiB.
 */
export interface TextFacts {
  signatureHolds: boolean;
  digest: string;
}

/**
 * `hasValidSignature` and `checkpointDigest` of a checkpoint parsed from `payloadText`, checked
 * over that text as it is. A text the signature holds over is the signed one, the payload's
 * canonical JSON (checkpoints are signed so and stored so), and the digest's canonical JSON of
 * the signed checkpoint holds it between the key id and the signature. A text it does not hold
 * over (stored otherwise, or changed) is judged as before, by the payload's canonical JSON.
 */
export function factsFromText(checkpoint: SignedCheckpoint, payloadText: string, publicKey: KeyObject): TextFacts {
  let holds = false;
  try {
    holds = verify(null, Buffer.from(payloadText, 'utf8'), publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    holds = false;
  }
  if (!holds) return { signatureHolds: hasValidSignature(checkpoint, publicKey), digest: checkpointDigest(checkpoint) };
  const digest = createHash('sha256')
    .update(`{"keyId":${JSON.stringify(checkpoint.keyId)},"payload":`, 'utf8')
    .update(payloadText, 'utf8')
    .update(`,"signature":${JSON.stringify(checkpoint.signature)}}`, 'utf8')
    .digest('hex');
  return { signatureHolds: true, digest };
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
  /** Earlier checkpoints that fix the log order of log-order ones checked alone (e.g. a published one). */
  context: readonly SignedCheckpoint[] = [],
  options: CheckpointVerifierOptions = {},
): CheckpointProblem[] {
  const verifier = new CheckpointVerifier(checkpoints, publicKey, context, options);
  for (const leaf of orderLeaves(leaves)) verifier.add(leaf);
  return verifier.finish();
}

export interface CheckpointVerifierOptions {
  /**
   * Whether checkpoints signed with another key *before* the first one that holds under this
   * key are taken as signed with an earlier key (the operator replaced a lost key:
   * GREMIENLAUF_SIGNING_KEY_LOST). Their signatures cannot be checked; each is named as such
   * (kind `earlierKey`) instead of as a key and a signature problem, and its payload is compared
   * with the log as an unsigned claim (sequence, predecessor, heads, root), so a rewrite of what
   * it covers is still named. Once a checkpoint under this key follows them, it names the last of
   * them as its predecessor and so vouches for all of them: they are `notes` then. Until then each
   * is a problem of kind `earlierKey` (a log re-signed with a stranger's key looks the same).
   * Without the option (the default), such a checkpoint is a key and a signature problem and
   * nothing in its payload counts. A checkpoint under another key after one under this key is
   * never taken as earlier.
   */
  earlierKeys?: boolean;
  /** What the checkpoints' stored texts establish (factsFromText), by checkpoint: their payloads are not written out again. */
  fromText?: ReadonlyMap<SignedCheckpoint, TextFacts>;
  /** Hashes the log-order tree on another thread: `settle` before `finish`. */
  hasher?: SubtreeHasher;
}

/** What one checkpoint's check needs while the leaves go by. */
/** What the leaves showed of a head a checkpoint names (CheckpointCheck.found): none reached it yet, or the one of its version has its hash, or another. */
const NOT_REACHED = 0;
const SAME_HASH = 1;
const OTHER_HASH = 2;

interface CheckpointCheck {
  checkpoint: SignedCheckpoint;
  /** Problems found before any leaf (key, sequence, predecessor). */
  early: Array<[CheckpointProblemKind, string]>;
  /** False when nothing in the payload counts (bad signature, unknown format). */
  trusted: boolean;
  /** Signed with an earlier key: its payload counts as an unsigned claim (CheckpointVerifierOptions.earlierKeys). */
  earlierKey: boolean;
  /** The heads it names (null when nothing in its payload counts), and what the leaves showed of each, by position. */
  heads: HeadIndex | null;
  found: Uint8Array;
  /** Where a head's stream ended before reaching it: the stream's last version, by the head's position. */
  endedAt: Map<number, number>;
  /** Format 1: the tree over the covered leaves in checkpoint order (formats 2 and 3 take the log-order tree). */
  tree: MerkleAccumulator | null;
}

/**
 * `verifyCheckpoints` for leaves that arrive in checkpoint order (from a database cursor or a
 * file): every checkpoint's root is computed as they go by, so memory grows with the streams the
 * checkpoints name, never with the events.
 */
export class CheckpointVerifier {
  private readonly order = new OrderGuard();
  private readonly checks: CheckpointCheck[];
  /** The stream the leaves are in, its last version so far, and the heads of it that checkpoints name. */
  private current: { stream: string; last: number; named: Array<{ check: CheckpointCheck; at: number }> } | null = null;
  /** The log-order tree of the checkpoints (and the context) whose signatures hold, for the log-order roots. */
  private readonly logTree: LogOrderTree;
  /** The checkpoints that name each stream (their heads, by position in `checks`). */
  private readonly byStream: HeadsByStream;
  /** Sequence numbers the log order is known for: every earlier checkpoint is there. */
  private readonly orderKnown = new Set<number>();
  /**
   * The checkpoints signed with an earlier key that a checkpoint under this key continues, each
   * named once: what the check cannot establish, with nothing found wrong (CheckpointVerifierOptions.earlierKeys).
   */
  readonly notes: CheckpointProblem[] = [];

  constructor(checkpoints: readonly SignedCheckpoint[], publicKey: KeyObject, context: readonly SignedCheckpoint[] = [], options: CheckpointVerifierOptions = {}) {
    const keyId = keyIdOf(publicKey);
    const sorted = [...checkpoints].sort((a, b) => a.payload.sequence - b.payload.sequence);
    // One signature check per checkpoint.
    const holds = sorted.map((checkpoint) => options.fromText?.get(checkpoint)?.signatureHolds ?? hasValidSignature(checkpoint, publicKey));
    const signed = (i: number) => sorted[i].keyId === keyId && holds[i];
    // Before the first checkpoint that holds under this key, another key's are an earlier key's.
    const firstSigned = sorted.findIndex((_, i) => signed(i));
    const earlier = (i: number) =>
      options.earlierKeys === true && sorted[i].keyId !== keyId && (firstSigned === -1 || i < firstSigned) && knownFormat(sorted[i].payload);
    // The batches come from every validly signed checkpoint (the context's fill in what is not
    // checked here), and from the claims of an earlier key's.
    const batches = new Map<number, CheckpointPayload>();
    for (const checkpoint of context) {
      if (checkpoint.keyId === keyId && hasValidSignature(checkpoint, publicKey)) batches.set(checkpoint.payload.sequence, checkpoint.payload);
    }
    sorted.forEach((checkpoint, i) => {
      if (signed(i) || earlier(i)) batches.set(checkpoint.payload.sequence, checkpoint.payload);
    });
    this.logTree = new LogOrderTree([...batches.values()], { beyond: false, hasher: options.hasher });
    for (let sequence = 1; batches.has(sequence); sequence++) this.orderKnown.add(sequence);
    this.checks = sorted.map((checkpoint, i) => {
      const { payload } = checkpoint;
      const early: CheckpointCheck['early'] = [];
      // Only format 1 needs a tree of its own (its leaves sorted, not in log order).
      const check: CheckpointCheck = {
        checkpoint,
        early,
        trusted: false,
        earlierKey: false,
        heads: null,
        found: new Uint8Array(0),
        endedAt: new Map(),
        tree: inLogOrder(payload) ? null : new MerkleAccumulator(),
      };
      if (earlier(i)) {
        check.earlierKey = true;
        const unchecked = `mit einem früheren Schlüssel (ID ${checkpoint.keyId.slice(0, 16)}…) signiert; die Signatur ist mit dem aktuellen Schlüssel nicht prüfbar. Baumgröße, Wurzel und Köpfe werden als unsignierte Angaben mit dem Log verglichen`;
        if (firstSigned === -1) {
          early.push([
            'earlierKey',
            `${unchecked}; noch bestätigt ihn kein Checkpoint unter dem aktuellen Schlüssel (der nächste tut es: POST /api/audit/checkpoints oder der periodische).`,
          ]);
        } else {
          const anchor = sorted[firstSigned].payload.sequence;
          this.notes.push({ sequence: payload.sequence, kind: 'earlierKey', stream: null, version: null, message: `Checkpoint ${payload.sequence}: ${unchecked}; Checkpoint ${anchor} unter dem aktuellen Schlüssel setzt ihn fort.` });
        }
      } else {
        if (checkpoint.keyId !== keyId) {
          early.push(['key', `mit einem anderen Schlüssel signiert (Schlüssel-ID ${checkpoint.keyId.slice(0, 16)}…, erwartet ${keyId.slice(0, 16)}…).`]);
        }
        if (!holds[i]) {
          early.push(['signature', 'Die Signatur ist ungültig: der Checkpoint wurde verändert oder ersetzt.']);
          return check; // Nothing else in an unsigned payload is evidence.
        }
      }
      if (!knownFormat(payload)) {
        early.push(['format', `unbekanntes Format „${payload.format}“ oder unbekannte Reihenfolge „${payload.order}“.`]);
        return check;
      }
      const expectedSequence = i === 0 ? 1 : sorted[i - 1].payload.sequence + 1;
      if (payload.sequence !== expectedSequence) {
        early.push(['sequence', `Checkpoint ${expectedSequence} fehlt (entfernt): die Folge springt auf ${payload.sequence}.`]);
      }
      if (i > 0 && payload.previous !== (options.fromText?.get(sorted[i - 1])?.digest ?? checkpointDigest(sorted[i - 1]))) {
        const before = sorted[i - 1].payload.sequence;
        // A predecessor whose own signature fails was itself changed: its digest moved with it, nothing lies between.
        early.push([
          'previous',
          holds[i - 1] || earlier(i - 1)
            ? `verweist nicht auf Checkpoint ${before} als Vorgänger: ein Checkpoint dazwischen wurde ersetzt oder entfernt.`
            : `verweist auf Checkpoint ${before} als Vorgänger, der nach seiner Signatur verändert oder ersetzt wurde: sein Digest stimmt nicht mehr (siehe die ungültige Signatur von Checkpoint ${before}).`,
        ]);
      }
      check.heads = new HeadIndex(payload.heads);
      check.found = new Uint8Array(check.heads.heads.length);
      check.trusted = true;
      return check;
    });
    this.byStream = new HeadsByStream(this.checks.map((check) => check.heads));
  }

  /** The checkpoints whose payload counts (signed, or an earlier key's claims, in a known format), by sequence. */
  counted(): SignedCheckpoint[] {
    return this.checks.filter((check) => check.trusted).map((check) => check.checkpoint);
  }

  /** The newest checkpoint whose signature holds under this key (in a known format): the last one a summary may quote; null for none. */
  lastSigned(): SignedCheckpoint | null {
    return this.checks.findLast((check) => check.trusted && !check.earlierKey)?.checkpoint ?? null;
  }

  /**
   * A whole stream's leaves (versions 1..n, their hashes in order) at once. Where no checkpoint
   * names the stream or places its leaves in its batch, they change nothing `add` keeps: only
   * their order is checked.
   */
  addStream(stream: string, hashes: readonly string[]): void {
    if (this.named(stream).length > 0 || this.logTree.takes(stream)) {
      hashes.forEach((hash, i) => this.add({ stream, version: i + 1, hash }));
    } else if (hashes.length > 0) {
      this.order.check({ stream, version: 1, hash: hashes[0] });
      this.order.check({ stream, version: hashes.length, hash: hashes[hashes.length - 1] });
    }
  }

  add(leaf: Leaf): void {
    this.order.check(leaf);
    this.logTree.add(leaf);
    const named = this.named(leaf.stream);
    if (named.length === 0) return; // No checkpoint names this stream.
    this.current!.last = leaf.version;
    for (const { check, at } of named) {
      const head = check.heads!.heads[at];
      if (leaf.version > head.version) continue;
      check.tree?.addLeafHash(leafHashOfHex(leaf.hash));
      if (leaf.version === head.version && check.found[at] === NOT_REACHED) check.found[at] = leaf.hash === head.hash ? SAME_HASH : OTHER_HASH;
    }
  }

  /** The heads of the stream the checkpoints name; a new stream ends the one before (the leaves come in checkpoint order). */
  private named(stream: string): Array<{ check: CheckpointCheck; at: number }> {
    if (this.current?.stream === stream) return this.current.named;
    this.endStream();
    const named = this.byStream.named(stream).map(({ index, at }) => ({ check: this.checks[index], at }));
    this.current = { stream, last: 0, named };
    return named;
  }

  /** The heads of the stream just ended that no leaf reached: the stream ends before them. */
  private endStream(): void {
    for (const { check, at } of this.current?.named ?? []) {
      if (check.found[at] === NOT_REACHED) check.endedAt.set(at, this.current!.last);
    }
    this.current = null;
  }

  /** Waits for the subtrees of the log-order tree that the hasher's thread computes. */
  settle(): Promise<void> {
    return this.logTree.settle();
  }

  finish(): CheckpointProblem[] {
    this.endStream();
    const problems: CheckpointProblem[] = [];
    const logRoots = this.logTree.roots().bySequence;
    /** The first checkpoint that named a head removed or rewritten. */
    let locatedAt: number | null = null;
    for (const { checkpoint, early, trusted, earlierKey, heads, found, endedAt, tree } of this.checks) {
      const { payload } = checkpoint;
      const sequence = payload.sequence;
      // What such a checkpoint's claims show is named as coming from an earlier key's.
      const which = earlierKey ? ' (mit einem früheren Schlüssel signiert)' : '';
      const problem = (kind: CheckpointProblemKind, message: string, stream: string | null = null, version: number | null = null) =>
        problems.push({ sequence, kind, stream, version, message: `Checkpoint ${sequence}${kind === 'earlierKey' ? '' : which}: ${message}` });
      for (const [kind, message] of early) problem(kind, message);
      if (!trusted || !heads) continue;
      for (const [at, head] of heads.heads.entries()) {
        if (found[at] === NOT_REACHED) {
          const last = endedAt.get(at) ?? 0;
          problem(
            'truncated',
            `${place(head.stream, head.version, null)} ist bezeugt, fehlt aber im Log (${last === 0 ? 'der ganze Strom fehlt' : `der Strom endet bei Version ${last}`}): Ereignisse wurden entfernt.`,
            head.stream,
            last + 1,
          );
          locatedAt ??= sequence;
        } else if (found[at] === OTHER_HASH) {
          problem(
            'headChanged',
            `${place(head.stream, head.version, null)} hat nicht mehr den bezeugten Hash: dieser Strom wurde bis einschließlich Version ${head.version} umgeschrieben.`,
            head.stream,
            head.version,
          );
          locatedAt ??= sequence;
        }
      }
      // Formats 2 and 3: the tree over the log order, known only when no earlier checkpoint is missing
      // (a gap is reported as such above). Format 1: the tree over all covered leaves, sorted.
      const actual = tree ? { size: tree.size, root: tree.root().toString('hex') } : this.orderKnown.has(sequence) ? (logRoots.get(sequence) ?? null) : null;
      if (!actual) continue;
      const message = treeHeadProblem({
        sequence,
        keyId: checkpoint.keyId,
        signer: earlierKey ? 'earlier' : 'current',
        inLogOrder: inLogOrder(payload),
        claimed: { size: payload.treeSize, root: payload.rootHash },
        found: actual,
        signatureFails: false,
        locatedAt,
      });
      // Its own words name the checkpoint and its key: not prefixed as the others are.
      if (message) problems.push({ sequence, kind: 'root', stream: null, version: null, message });
    }
    return problems;
  }
}
