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
import { createHash } from 'node:crypto';

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** The hash of one leaf: SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** The hash of an inner node: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
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
    let node = { height: 0, hash: leafHash(entry) };
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
