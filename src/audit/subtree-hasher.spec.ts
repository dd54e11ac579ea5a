import { createHash, generateKeyPairSync } from 'node:crypto';
import { buildLogCheckpoint, checkpointDigest, CheckpointVerifier, LogCheckpointBuilder, orderLeaves, signCheckpoint, type Leaf } from './checkpoint';
import { CompactRange, leafHashOfHex, rootFromLeafHashes } from './merkle';
import { SubtreeHasher, SubtreeRange, withSubtreeHasher } from './subtree-hasher';

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');
/** Event hashes in hex, with a few that a changed stored row could hold (not hex, too short, odd). */
const entries = (count: number) =>
  Array.from({ length: count }, (_, i) => (i % 97 === 5 ? 'zz'.repeat(32) : i % 101 === 7 ? 'abcd' : i % 89 === 3 ? `${hashOf(String(i)).slice(0, 63)}x` : hashOf(String(i))));

/** The root over `before` leaves hashed here followed by the range (which must begin at `before`). */
function rootAfter(before: string[], range: CompactRange): string {
  const tree = new CompactRange(0);
  for (const hex of before) tree.appendLeaf(leafHashOfHex(hex));
  expect(tree.join(range)).toBe(true);
  return tree.root().toString('hex');
}

describe('Merkle subtrees hashed on another thread (SubtreeHasher, SubtreeRange)', () => {
  it.each([
    [0, 0, 5],
    [1, 3, 10],
    [3, 0, 64],
    [3, 5, 77],
    [4, 300, 1000],
  ])('give the root hashing here gives: subtrees of 2^%i leaves, a range from leaf %i, %i leaves', async (level, begin, count) => {
    const all = entries(begin + count);
    const expected = rootFromLeafHashes(all.map(leafHashOfHex)).toString('hex');
    const root = await withSubtreeHasher(async (hasher) => {
      const range = new SubtreeRange(begin, hasher);
      for (const hex of all.slice(begin)) range.appendHex(hex);
      await range.settle();
      return rootAfter(all.slice(0, begin), range.compact());
    }, level);
    expect(root).toBe(expected);
  });

  it('gives its compact range only once settled, and a range without a hasher at once', async () => {
    await withSubtreeHasher(async (hasher) => {
      const range = new SubtreeRange(0, hasher);
      for (const hex of entries(5)) range.appendHex(hex);
      expect(() => range.compact()).toThrow('settle() the range first');
      await range.settle();
      expect(range.compact().end).toBe(5);
    }, 1);
    const here = new SubtreeRange(0, null);
    for (const hex of entries(5)) here.appendHex(hex);
    expect(here.compact().root().toString('hex')).toBe(rootFromLeafHashes(entries(5).map(leafHashOfHex)).toString('hex'));
  });

  it('fails a subtree outstanding when the thread ends, with a message, instead of waiting for ever', async () => {
    const hasher = new SubtreeHasher(2);
    const root = hasher.root(new Uint8Array(4 * 32), new Uint8Array(4));
    await hasher.close();
    await expect(root).rejects.toThrow('Merkle worker thread ended');
  });

  describe('in the log-order trees of verify and of a new checkpoint', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const leaf = (stream: string, version: number): Leaf => ({ stream, version, hash: hashOf(`${stream}@${version}`) });
    const log = orderLeaves(Array.from({ length: 40 }, (_, n) => Array.from({ length: 1 + (n % 7) }, (_, v) => leaf(`s${String(n).padStart(2, '0')}`, v + 1))).flat());
    const meta = (sequence: number) => ({ sequence, createdAt: `2025-0${sequence}-01T00:00:00.000Z`, previous: null, origin: 'test' });
    const first = signCheckpoint(buildLogCheckpoint(log.filter((l) => l.version <= 2), meta(1), []), privateKey);
    const second = signCheckpoint(buildLogCheckpoint(log.filter((l) => l.version <= 5), { ...meta(2), previous: checkpointDigest(first) }, [first.payload]), privateKey);

    async function check(leaves: Leaf[], level: number | null) {
      const run = async (hasher?: SubtreeHasher) => {
        const verifier = new CheckpointVerifier([first, second], publicKey, [], { hasher });
        const builder = new LogCheckpointBuilder([first.payload, second.payload], hasher);
        for (const l of leaves) {
          verifier.add(l);
          builder.add(l);
        }
        await verifier.settle();
        await builder.settle();
        return { problems: verifier.finish().map((p) => [p.sequence, p.kind]), next: builder.build(meta(3)) };
      };
      return level === null ? run() : withSubtreeHasher(run, level);
    }

    it('find the same and build the same checkpoint as the trees hashed here', async () => {
      const here = await check(log, null);
      expect(here.problems).toEqual([]);
      for (const level of [0, 1, 2, 4]) expect(await check(log, level)).toEqual(here);
    });

    it('find a changed event as the trees hashed here do', async () => {
      // Version 1 of a stream of six events: below the heads of both checkpoints.
      const changed = log.map((l) => (l.stream === 's05' && l.version === 1 ? { ...l, hash: hashOf('changed') } : l));
      const here = await check(changed, null);
      expect(here.problems).toEqual([[1, 'root'], [2, 'root']]);
      for (const level of [0, 1, 2]) expect((await check(changed, level)).problems).toEqual(here.problems);
    });
  });
});
