import { createHash } from 'node:crypto';
import { buildLogCheckpoint, logOrder, orderLeaves, type CheckpointPayload, type Leaf } from './checkpoint';
import { consistencyProof, consistencyProofRanges, inclusionProof, inclusionProofRanges, leafHash, RangeHasher, rootFromLeafHashes } from './merkle';
import { findLeaf, rangeRoots } from './proofs';

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');
const leaf = (stream: string, version: number): Leaf => ({ stream, version, hash: hashOf(`${stream}@${version}`) });
const stream = (name: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => leaf(name, from + i));

async function* inCheckpointOrder(leaves: Leaf[]): AsyncGenerator<Leaf> {
  yield* orderLeaves(leaves);
}

/**
 * A log whose checkpoint batches interleave: checkpoint 1 covers parts of two streams, checkpoint
 * 2 adds a stream that sorts first and continues the others, a third stream and leaves beyond
 * every checkpoint follow. In checkpoint order the leaves of different batches alternate.
 */
function interleavedLog(): { all: Leaf[]; payloads: CheckpointPayload[] } {
  const meta = (sequence: number) => ({ sequence, createdAt: `2025-0${sequence}-01T00:00:00.000Z`, previous: null, origin: 'test' });
  const first = [...stream('s2', 1, 3), ...stream('s4', 1, 2)];
  const second = [...first, ...stream('s1', 1, 2), ...stream('s2', 4, 5), ...stream('s3', 1, 1)];
  const one = buildLogCheckpoint(first, meta(1), []);
  const two = buildLogCheckpoint(second, meta(2), [one]);
  const third = [...second, ...stream('s0', 1, 3), ...stream('s4', 3, 4), ...stream('s2', 6, 6)];
  const three = buildLogCheckpoint(third, meta(3), [one, two]);
  return { all: [...third, ...stream('s1', 3, 4)], payloads: [one, two, three] };
}

describe('RFC 9162 proofs computed while the leaves stream by', () => {
  const { all, payloads } = interleavedLog();
  const inLogOrder = logOrder(all, payloads).map((l) => leafHash(Buffer.from(l.hash, 'hex')));
  const covered = payloads.at(-1)!.treeSize;

  it('builds the fixture as intended: three checkpoints of growing size and leaves beyond them', () => {
    expect(payloads.map((p) => p.treeSize)).toEqual([5, 10, 16]);
    expect(all).toHaveLength(18);
  });

  it('finds each leaf at its place in log order', async () => {
    const order = logOrder(all, payloads);
    for (const [index, expected] of order.entries()) {
      expect(await findLeaf(inCheckpointOrder(all), payloads, expected)).toEqual({ index, leaf: expected });
    }
    expect(await findLeaf(inCheckpointOrder(all), payloads, { stream: 's9', version: 1 })).toBeNull();
  });

  it('gives every inclusion proof and root of every tree size the in-memory computation gives', async () => {
    for (let treeSize = 1; treeSize <= covered; treeSize++) {
      for (let index = 0; index < treeSize; index++) {
        const [root, ...path] = (await rangeRoots(inCheckpointOrder(all), payloads, [[0, treeSize], ...inclusionProofRanges(index, treeSize)]))!;
        expect({ treeSize, index, root: root.toString('hex'), path }).toEqual({
          treeSize,
          index,
          root: rootFromLeafHashes(inLogOrder.slice(0, treeSize)).toString('hex'),
          path: inclusionProof(inLogOrder, index, treeSize),
        });
      }
    }
    // And each checkpoint's root is the root of its tree size.
    for (const p of payloads) expect((await rangeRoots(inCheckpointOrder(all), payloads, [[0, p.treeSize]]))![0].toString('hex')).toBe(p.rootHash);
  });

  it('gives every consistency proof the in-memory computation gives', async () => {
    for (let to = 1; to <= covered; to++) {
      for (let from = 1; from <= to; from++) {
        const path = await rangeRoots(inCheckpointOrder(all), payloads, consistencyProofRanges(from, to));
        expect({ from, to, path }).toEqual({ from, to, path: consistencyProof(inLogOrder, from, to) });
      }
    }
  });

  it('refuses to give roots when the leaves do not fill a range (a leaf missing from the log)', async () => {
    const missing = all.filter((l) => !(l.stream === 's2' && l.version === 2));
    expect(await rangeRoots(inCheckpointOrder(missing), payloads, [[0, covered]])).toBeNull();
  });

  it('joins the runs of a range in place order whatever order they arrive in', () => {
    const leaves = Array.from({ length: 13 }, (_, i) => leafHash(Buffer.from([i])));
    const hasher = new RangeHasher([[0, 13], [8, 12]]);
    for (const run of [[8, 13], [0, 3], [3, 8]]) for (let i = run[0]; i < run[1]; i++) hasher.add(i, leaves[i]);
    expect(hasher.roots()).toEqual([rootFromLeafHashes(leaves), rootFromLeafHashes(leaves.slice(8, 12))]);
  });
});
