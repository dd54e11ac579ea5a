/**
 * The Merkle Tree Hash of RFC 9162 §2.1.1 (unchanged from RFC 6962), as Certificate
 * Transparency logs compute it, so that any CT tooling can recompute a checkpoint's root:
 *
 *   MTH({})      = SHA-256()
 *   MTH({d0})    = SHA-256(0x00 || d0)                       (leaf)
 *   MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])) (node)
 *
 * where k is the largest power of two smaller than n. The distinct leaf and node prefixes keep
 * a leaf from being passed off as an inner node (second-preimage attack).
 */
import { createHash, hash } from 'node:crypto';

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

// Every leaf of the log and every inner node hashes 33 or 65 bytes: one reused input buffer each
// and the one-shot hash spare a Hash object per call (verify and checkpoints hash millions).
const leafInput = Buffer.alloc(33, 0x00);
const nodeInput = Buffer.alloc(65, 0x01);

/** The hash of one leaf: SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array): Buffer {
  if (data.length !== 32) return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
  leafInput.set(data, 1);
  return hash('sha256', leafInput, 'buffer');
}

/** `leafHash` of the bytes of a hex string, as `Buffer.from(hex, 'hex')` reads them. */
export function leafHashOfHex(hex: string): Buffer {
  if (hex.length === 64 && leafInput.write(hex, 1, 'hex') === 32) return hash('sha256', leafInput, 'buffer');
  return leafHash(Buffer.from(hex, 'hex'));
}

/** The hash of an inner node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== 32 || right.length !== 32) return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return hash('sha256', nodeInput, 'buffer');
}

/** The largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over leaves that are already hashed with `leafHash`. The empty tree's root is SHA-256(""). */
export function rootFromLeafHashes(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  const subtree = (from: number, to: number): Buffer => {
    if (to - from === 1) return Buffer.from(leaves[from]);
    const k = splitPoint(to - from);
    return nodeHash(subtree(from, from + k), subtree(from + k, to));
  };
  return subtree(0, leaves.length);
}

/** MTH over the raw entries D[0..n-1]. */
export function merkleRoot(entries: Iterable<Uint8Array>): Buffer {
  const accumulator = new MerkleAccumulator();
  for (const entry of entries) accumulator.add(entry);
  return accumulator.root();
}

/**
 * MTH computed while the entries arrive, in memory that grows with log2(n): the perfect subtrees
 * of the entries so far, merged as soon as two have the same height. The root folds them from the
 * right, which is exactly RFC 9162's split at the largest power of two.
 */
export class MerkleAccumulator {
  private readonly stack: Array<{ height: number; hash: Buffer }> = [];
  size = 0;

  add(entry: Uint8Array): void {
    this.addLeafHash(leafHash(entry));
  }

  /** Adds an entry already hashed with `leafHash`. */
  addLeafHash(hashed: Buffer): void {
    let node = { height: 0, hash: hashed };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1].height === node.height) {
      const left = this.stack.pop()!;
      node = { height: node.height + 1, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.size++;
  }

  root(): Buffer {
    if (this.stack.length === 0) return createHash('sha256').digest();
    let root = this.stack[this.stack.length - 1].hash;
    for (let i = this.stack.length - 2; i >= 0; i--) root = nodeHash(this.stack[i].hash, root);
    return root;
  }
}

/*
 * Proofs of RFC 9162 §2.1.3 (inclusion) and §2.1.4 (consistency), over leaf hashes. A proof is
 * the list of sibling subtree hashes a verifier needs besides what it already holds (the leaf,
 * or the older root), from the bottom of the tree to the top.
 */

/** A subtree of the log: the leaves [from, to), whose Merkle Tree Hash is MTH(D[from:to]). */
export type LeafRange = readonly [from: number, to: number];

/**
 * The subtrees whose roots make up the audit path PATH(m, D[n]) of leaf `index` in the tree of
 * `treeSize` leaves (§2.1.3.1), bottom up. They depend on the two numbers only, so a proof can
 * be computed by hashing just these ranges while the leaves stream by.
 */
export function inclusionProofRanges(index: number, treeSize: number): LeafRange[] {
  if (!Number.isInteger(treeSize) || treeSize < 1) throw new RangeError(`tree size ${treeSize} below 1`);
  if (!Number.isInteger(index) || index < 0 || index >= treeSize) throw new RangeError(`leaf index ${index} outside 0..${treeSize - 1}`);
  const path = (m: number, from: number, to: number): LeafRange[] => {
    if (to - from === 1) return [];
    const k = splitPoint(to - from);
    return m < k ? [...path(m, from, from + k), [from + k, to]] : [...path(m - k, from + k, to), [from, from + k]];
  };
  return path(index, 0, treeSize);
}

/** The subtrees whose roots make up the consistency proof PROOF(m, D[n]) between the trees of `from` and `to` leaves (§2.1.4.1). */
export function consistencyProofRanges(from: number, to: number): LeafRange[] {
  if (!Number.isInteger(to) || to < 0) throw new RangeError(`tree size ${to} below 0`);
  if (!Number.isInteger(from) || from < 0 || from > to) throw new RangeError(`old tree size ${from} outside 0..${to}`);
  if (from === 0 || from === to) return [];
  const subproof = (m: number, start: number, end: number, complete: boolean): LeafRange[] => {
    const n = end - start;
    if (m === n) return complete ? [] : [[start, end]];
    const k = splitPoint(n);
    return m <= k ? [...subproof(m, start, start + k, complete), [start + k, end]] : [...subproof(m - k, start + k, end, false), [start, start + k]];
  };
  return subproof(from, 0, to, true);
}

/** The audit path PATH(m, D[n]) for leaf `index` in the tree of the first `treeSize` leaves (§2.1.3.1). */
export function inclusionProof(leaves: readonly Uint8Array[], index: number, treeSize: number = leaves.length): Buffer[] {
  if (treeSize > leaves.length) throw new RangeError(`tree size ${treeSize} outside 1..${leaves.length}`);
  return inclusionProofRanges(index, treeSize).map(([from, to]) => rootFromLeafHashes(leaves.slice(from, to)));
}

/** The consistency proof PROOF(m, D[n]) between the trees of the first `from` and `to` leaves (§2.1.4.1). */
export function consistencyProof(leaves: readonly Uint8Array[], from: number, to: number = leaves.length): Buffer[] {
  if (to > leaves.length) throw new RangeError(`tree size ${to} outside 0..${leaves.length}`);
  return consistencyProofRanges(from, to).map(([a, b]) => rootFromLeafHashes(leaves.slice(a, b)));
}

/**
 * The roots of a few leaf ranges, from leaves that arrive one at a time with their index, in any
 * order of runs: each range keeps a compact range per run of consecutive indexes it has seen,
 * and joins them at the end. Memory grows with the ranges, the runs and log2 of their sizes,
 * never with the leaves. Every range of an RFC 9162 proof starts at a multiple of the power of
 * two its size rounds up to, so its own tree (MTH(D[from:to])) and the log's subtree coincide.
 */
export class RangeHasher {
  private readonly runs: CompactRange[][];

  constructor(private readonly ranges: readonly LeafRange[]) {
    this.runs = ranges.map(() => []);
  }

  /** Takes the leaf (hashed with `leafHash`) at `index` of the log. */
  add(index: number, hash: Buffer): void {
    this.ranges.forEach(([from, to], r) => {
      if (index < from || index >= to) return;
      const at = index - from;
      const runs = this.runs[r];
      let run = runs.find((c) => c.end === at);
      if (!run) runs.push((run = new CompactRange(at)));
      run.appendLeaf(hash);
    });
  }

  /** Each range's root in the order of the ranges (once, at the end); null if some range did not get every one of its leaves exactly once. */
  roots(): Buffer[] | null {
    const roots: Buffer[] = [];
    for (const [r, [from, to]] of this.ranges.entries()) {
      const [first, ...rest] = [...this.runs[r]].sort((a, b) => a.begin - b.begin);
      if (!first || first.begin !== 0 || !rest.every((run) => first.join(run)) || first.end !== to - from) return null;
      roots.push(first.root());
    }
    return roots;
  }
}

/** The root an inclusion proof leads to (§2.1.3.2), or null if the proof cannot be one for that index and size. */
export function rootFromInclusionProof(index: number, treeSize: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Buffer | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize) return null;
  let fn = BigInt(index);
  let sn = BigInt(treeSize - 1);
  let r: Buffer = Buffer.from(leaf);
  for (const p of proof) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

/** Whether `proof` shows the leaf hash at `index` in the tree of `treeSize` leaves with that root. */
export function verifyInclusion(index: number, treeSize: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (leaf.length !== 32 || proof.some((p) => p.length !== 32)) return false;
  const computed = rootFromInclusionProof(index, treeSize, leaf, proof);
  return computed !== null && computed.equals(root);
}

/**
 * Whether `proof` shows that the tree of `from` leaves with `fromRoot` is a prefix of the tree of
 * `to` leaves with `toRoot` (§2.1.4.2). Equal sizes need an empty proof and equal roots. An
 * empty old tree is refused, as the reference verifier does: a check against it proves nothing.
 */
export function verifyConsistency(from: number, to: number, fromRoot: Uint8Array, toRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) return false;
  if (proof.some((p) => p.length !== 32)) return false;
  if (from === 0) return false;
  if (from === to) return proof.length === 0 && Buffer.from(fromRoot).equals(toRoot);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(from) ? [fromRoot, ...proof] : [...proof];
  let fn = BigInt(from - 1);
  let sn = BigInt(to - 1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr: Buffer = Buffer.from(path[0]);
  let sr: Buffer = Buffer.from(path[0]);
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && fr.equals(fromRoot) && sr.equals(toRoot);
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/**
 * A compact range (as transparency-dev/merkle calls it): the hashes of the perfect subtrees that
 * exactly cover leaves [begin, end) of a tree, in memory that grows with log2 of the range. Leaves
 * and whole ranges are appended at the right; a range starting at 0 gives the RFC 9162 root of
 * the tree of its `end` leaves. This computes the root of a log whose leaves arrive in another
 * order than their place in the tree: each run of consecutive places gets its own range, and the
 * ranges are joined in place order at the end.
 */
export class CompactRange {
  private readonly nodes: Array<{ level: number; index: number; hash: Buffer }> = [];
  end: number;

  constructor(readonly begin: number) {
    this.end = begin;
  }

  /** Appends the next leaf (already hashed with `leafHash`). */
  appendLeaf(hash: Buffer): void {
    this.push({ level: 0, index: this.end, hash });
    this.end++;
  }

  /** Appends the root of the perfect subtree over the next 2^level leaves; the range must end on a multiple of 2^level. */
  appendSubtree(level: number, hash: Buffer): void {
    const width = 2 ** level;
    if (this.end % width !== 0) throw new RangeError(`a subtree of ${width} leaves cannot follow leaf ${this.end}`);
    this.push({ level, index: this.end / width, hash });
    this.end += width;
  }

  /** Appends a range that starts where this one ends; false (and nothing changed) if it does not. */
  join(next: CompactRange): boolean {
    if (next.begin !== this.end) return false;
    for (const node of next.nodes) this.push({ ...node });
    this.end = next.end;
    return true;
  }

  /** The root of the tree of leaves [0, end): only for a range that starts at 0. */
  root(): Buffer {
    if (this.begin !== 0) throw new Error('root of a range that does not start at 0');
    if (this.nodes.length === 0) return createHash('sha256').digest();
    let root = this.nodes[this.nodes.length - 1].hash;
    for (let i = this.nodes.length - 2; i >= 0; i--) root = nodeHash(this.nodes[i].hash, root);
    return root;
  }

  private push(node: { level: number; index: number; hash: Buffer }): void {
    let current = node;
    for (;;) {
      const last = this.nodes[this.nodes.length - 1];
      if (!last || last.level !== current.level || (current.index & 1) === 0 || last.index !== current.index - 1) break;
      this.nodes.pop();
      current = { level: current.level + 1, index: current.index >> 1, hash: nodeHash(last.hash, current.hash) };
    }
    this.nodes.push(current);
  }
}
