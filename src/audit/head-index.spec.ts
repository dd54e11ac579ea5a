import { createHash, generateKeyPairSync } from 'node:crypto';
import { buildLogCheckpoint, CheckpointVerifier, HeadIndex, HeadsByStream, LogOrderPlacement, logOrder, orderLeaves, signCheckpoint, type Leaf, type StreamHead } from './checkpoint';

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');
const leaf = (stream: string, version: number): Leaf => ({ stream, version, hash: hashOf(`${stream}@${version}`) });
const name = (n: number) => `s${String(n).padStart(3, '0')}`;
/** Streams s000…s{count-1}, stream n with 1 + n % 5 events. */
const streams = (count: number) => Array.from({ length: count }, (_, n) => Array.from({ length: 1 + (n % 5) }, (_, v) => leaf(name(n), v + 1))).flat();

describe('one checkpoint\'s heads looked up without a map (HeadIndex, HeadsByStream)', () => {
  // Every second stream named, so that half the streams asked for have no head.
  const heads: StreamHead[] = Array.from({ length: 200 }, (_, n) => ({ stream: name(2 * n), version: n + 1, hash: hashOf(name(2 * n)) }));
  const expected = (stream: string) => heads.findIndex((head) => head.stream === stream);
  /** The position of each stream's head, -1 where the checkpoint names none. */
  const positions = (index: HeadIndex, streams: string[]) => {
    const byStream = new HeadsByStream([index]);
    return streams.map((stream) => byStream.named(stream)[0]?.at ?? -1);
  };
  const asked = (order: number[]) => {
    const found = positions(new HeadIndex(heads), order.map(name));
    return order.map((n, i) => [name(n), found[i]]);
  };
  const all = Array.from({ length: 401 }, (_, n) => n);

  it('finds each stream asked for in checkpoint order, and none for the streams it does not name', () => {
    expect(asked(all)).toEqual(all.map((n) => [name(n), expected(name(n))]));
  });

  it('finds them asked for backwards, far ahead, again, and in any order', () => {
    const jumps = all.filter((n) => n % 37 === 0);
    const shuffled = [...all].sort((x, y) => ((x * 7919) % 401) - ((y * 7919) % 401));
    for (const order of [[...all].reverse(), jumps, [...jumps, ...jumps], shuffled, [398, 2, 2, 399, 0]]) {
      expect(asked(order)).toEqual(order.map((n) => [name(n), expected(name(n))]));
    }
  });

  it('sorts the heads of a payload that lists them out of order, the first head named for a stream counting', () => {
    const index = new HeadIndex([
      { stream: 'c', version: 1, hash: 'c1' },
      { stream: 'a', version: 2, hash: 'a2' },
      { stream: 'c', version: 3, hash: 'c3' },
      { stream: 'b', version: 4, hash: 'b4' },
    ]);
    expect(index.heads.map((head) => head.hash)).toEqual(['a2', 'b4', 'c1']);
    expect(positions(index, ['c', 'a', 'b', 'd'])).toEqual([2, 0, 1, -1]);
  });
});

describe('HeadsByStream: which checkpoints name a stream, without a look into each', () => {
  // 40 checkpoints over streams s000…s119: checkpoint c names every stream n with (n + c) % (c % 7 + 1) === 0
  // (the first every stream, many of the others a few); every fifth is absent (a checkpoint whose payload does not count).
  const named = (c: number) => Array.from({ length: 120 }, (_, n) => n).filter((n) => (n + c) % ((c % 7) + 1) === 0);
  const indexes = Array.from({ length: 40 }, (_, c) =>
    c % 5 === 4 ? null : new HeadIndex(named(c).map((n) => ({ stream: name(n), version: c + 1, hash: hashOf(`${c}:${n}`) }))),
  );
  const expected = (n: number) =>
    indexes.flatMap((index, c) => (index && named(c).includes(n) ? [{ index: c, at: named(c).indexOf(n) }] : []));
  const asked = (order: number[]) => {
    const byStream = new HeadsByStream(indexes);
    return order.map((n) => [name(n), byStream.named(name(n))]);
  };
  const all = Array.from({ length: 125 }, (_, n) => n);

  it('gives every checkpoint that names each stream asked for in order, by checkpoint, and none for streams no checkpoint names', () => {
    expect(asked(all)).toEqual(all.map((n) => [name(n), expected(n)]));
  });

  it('gives the same for streams skipped, asked again, backwards and in any order', () => {
    const shuffled = [...all].sort((x, y) => ((x * 7919) % 125) - ((y * 7919) % 125));
    for (const order of [all.filter((n) => n % 11 === 0), [5, 5, 6, 6, 6], [...all].reverse(), shuffled, [119, 0, 60, 3, 124]]) {
      expect(asked(order)).toEqual(order.map((n) => [name(n), expected(n)]));
    }
  });

  it('gives nothing where no checkpoint counts', () => {
    expect(new HeadsByStream([null, null]).named(name(1))).toEqual([]);
    expect(new HeadsByStream([]).named(name(1))).toEqual([]);
  });
});

describe('LogOrderPlacement over many streams', () => {
  it('places every leaf where logOrder puts it, with checkpoints that name some of the streams each', () => {
    const log = streams(300);
    const meta = (sequence: number) => ({ sequence, createdAt: `2025-0${sequence}-01T00:00:00.000Z`, previous: null, origin: 'test' });
    // Checkpoint 1 saw the first two events of every third stream, checkpoint 2 the whole of
    // every second stream besides, checkpoint 3 everything up to stream 250.
    const one = log.filter((l) => Number(l.stream.slice(1)) % 3 === 0 && l.version <= 2);
    const two = [...one, ...log.filter((l) => Number(l.stream.slice(1)) % 2 === 0)];
    const three = [...two, ...log.filter((l) => Number(l.stream.slice(1)) < 250)];
    const unique = (leaves: Leaf[]) => orderLeaves([...new Map(leaves.map((l) => [`${l.stream}@${l.version}`, l])).values()]);
    const first = buildLogCheckpoint(unique(one), meta(1), []);
    const second = buildLogCheckpoint(unique(two), meta(2), [first]);
    const third = buildLogCheckpoint(unique(three), meta(3), [first, second]);
    const expected = new Map(logOrder(log, [first, second, third]).map((l, index) => [`${l.stream}@${l.version}`, index]));
    const placement = new LogOrderPlacement([third, first, second]);
    const places = orderLeaves(log).map((l) => [`${l.stream}@${l.version}`, placement.place(l).index]);
    expect(places).toEqual(orderLeaves(log).map((l) => [`${l.stream}@${l.version}`, expected.get(`${l.stream}@${l.version}`)]));
  });
});

describe('CheckpointVerifier over many streams', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const log = streams(60);
  const checkpoint = signCheckpoint(buildLogCheckpoint(log, { sequence: 1, createdAt: '2025-01-01T00:00:00.000Z', previous: null, origin: 'test' }, []), privateKey);

  it('names, in the order of the heads, a stream missing, one cut short and one rewritten, then the root they change, and no other', () => {
    // s014 has 5 events: cut after 2; s029 (5 events) is missing; s044 (5 events) has another head.
    const tampered = log
      .filter((l) => l.stream !== name(29) && !(l.stream === name(14) && l.version > 2))
      .map((l) => (l.stream === name(44) && l.version === 5 ? { ...l, hash: hashOf('rewritten') } : l));
    const verifier = new CheckpointVerifier([checkpoint], publicKey);
    for (const l of orderLeaves(tampered)) verifier.add(l);
    const problems = verifier.finish();
    expect(problems.map((p) => [p.kind, p.stream, p.version, p.message.match(/\(([^)]*)\): Ereignisse/)?.[1] ?? null])).toEqual([
      ['truncated', name(14), 3, 'der Strom endet bei Version 2'],
      ['truncated', name(29), 1, 'der ganze Strom fehlt'],
      ['headChanged', name(44), 5, null],
      // The checkpoint's root no longer holds either, named as the offline verifier names it (pointing to the heads above).
      ['root', null, null, null],
    ]);
    expect(problems.at(-1)?.message).toContain('Checkpoint 1 nennt die Stelle');
  });

  it('finds nothing wrong with the whole log, fed stream by stream or leaf by leaf', () => {
    const byLeaf = new CheckpointVerifier([checkpoint], publicKey);
    for (const l of log) byLeaf.add(l);
    const byStream = new CheckpointVerifier([checkpoint], publicKey);
    for (let n = 0; n < 60; n++) byStream.addStream(name(n), log.filter((l) => l.stream === name(n)).map((l) => l.hash));
    expect([byLeaf.finish(), byStream.finish()]).toEqual([[], []]);
  });
});
