import { generateKeyPairSync } from 'node:crypto';
import { recordStream, rehash, typicalLifecycle } from '../../test/audit-builders';
import type { EventRecord } from '../event-log/event-hash';
import {
  buildCheckpoint,
  buildLogCheckpoint,
  CheckpointVerifier,
  logOrder,
  checkpointDigest,
  checkpointPayloadText,
  factsFromText,
  hasValidSignature,
  signCheckpoint,
  verifyCheckpoints,
  type Leaf,
  type SignedCheckpoint,
} from './checkpoint';
import { consistencyProof, leafHash, merkleRoot, verifyConsistency } from './merkle';
import { canonicalJson } from '../json/canonical-json';

const leavesOf = (events: EventRecord[]): Leaf[] => events.map((e) => ({ stream: e.bodyId, version: e.version, hash: e.hash }));

describe('signed checkpoints', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const a = recordStream(typicalLifecycle, { bodyId: 'aaaaaaaa-0000-4000-8000-000000000000' });
  const b = recordStream(typicalLifecycle.slice(0, 2), { bodyId: 'bbbbbbbb-0000-4000-8000-000000000000' });

  function checkpoints(...logs: EventRecord[][]): SignedCheckpoint[] {
    const out: SignedCheckpoint[] = [];
    logs.forEach((log, i) => {
      const payload = buildCheckpoint(leavesOf(log), {
        sequence: i + 1,
        createdAt: `2025-0${i + 1}-01T00:00:00.000Z`,
        previous: out.length ? checkpointDigest(out[out.length - 1]) : null,
      });
      out.push(signCheckpoint(payload, privateKey));
    });
    return out;
  }

  it('is the RFC 9162 root over the event hashes, streams by id, then by version', () => {
    const payload = buildCheckpoint(leavesOf([...b, ...a].reverse()), { sequence: 1, createdAt: '2025-01-01T00:00:00.000Z', previous: null });
    const expected = merkleRoot([...a, ...b].map((e) => Buffer.from(e.hash, 'hex'))).toString('hex');
    expect(payload).toMatchObject({ treeSize: 8, rootHash: expected });
    expect(payload.heads).toEqual([
      { stream: a[0].bodyId, version: 5, hash: a[4].hash },
      { stream: b[0].bodyId, version: 3, hash: b[2].hash },
    ]);
  });

  it('verifies against the untouched log, and later events do not disturb earlier checkpoints', () => {
    const cps = checkpoints([...a.slice(0, 2)], [...a.slice(0, 4), ...b], [...a, ...b]);
    expect(cps.every((cp) => hasValidSignature(cp, publicKey))).toBe(true);
    expect(verifyCheckpoints(cps, leavesOf([...a, ...b]), publicKey)).toEqual([]);
  });

  it('rejects a checkpoint whose payload was changed, and one signed with another key', () => {
    const [cp] = checkpoints([...a, ...b]);
    const forged = { ...cp, payload: { ...cp.payload, treeSize: 7 } };
    expect(verifyCheckpoints([forged], leavesOf([...a, ...b]), publicKey)).toMatchObject([{ sequence: 1, kind: 'signature' }]);
    const other = generateKeyPairSync('ed25519');
    const foreign = signCheckpoint(cp.payload, other.privateKey);
    const problems = verifyCheckpoints([foreign], leavesOf([...a, ...b]), publicKey);
    expect(problems.map((p) => p.kind)).toEqual(['key', 'signature']);
  });

  it('notices a checkpoint removed from the sequence or replaced by an older one', () => {
    const cps = checkpoints(a.slice(0, 2), a.slice(0, 3), a);
    expect(verifyCheckpoints([cps[0], cps[2]], leavesOf(a), publicKey)).toMatchObject([{ sequence: 3, kind: 'sequence' }, { sequence: 3, kind: 'previous' }]);
  });

  it('names a checkpoint whose predecessor was changed after signing apart from one whose predecessor was replaced or removed', () => {
    const cps = checkpoints(a.slice(0, 2), a.slice(0, 3), a);
    const [changed] = verifyCheckpoints([{ ...cps[0], payload: { ...cps[0].payload, treeSize: 3 } }, cps[1]], leavesOf(a), publicKey).filter((p) => p.kind === 'previous');
    expect(changed).toMatchObject({ sequence: 2, message: expect.stringContaining('verweist auf Checkpoint 1 als Vorgänger, der nach seiner Signatur verändert oder ersetzt wurde') });
    expect(changed.message).not.toContain('dazwischen');
    // Checkpoint 2 gone, 3 renumbered into its place: both signatures hold, so one was really replaced or removed.
    const removed = verifyCheckpoints([cps[0], cps[2]], leavesOf(a), publicKey).find((p) => p.kind === 'previous');
    expect(removed?.message).toBe('Checkpoint 3: verweist nicht auf Checkpoint 1 als Vorgänger: ein Checkpoint dazwischen wurde ersetzt oder entfernt.');
  });

  it('names the stream whose tail was cut off and where', () => {
    const [cp] = checkpoints([...a, ...b]);
    const [problem] = verifyCheckpoints([cp], leavesOf([...a.slice(0, 3), ...b]), publicKey);
    expect(problem).toMatchObject({ kind: 'truncated', stream: a[0].bodyId, version: 4 });
    expect(problem.message).toContain('der Strom endet bei Version 3');
  });

  it('names the stream that was rewritten with recomputed hashes', () => {
    const [cp] = checkpoints([...a, ...b]);
    const rewritten = rehash([...b.slice(0, 2), { ...b[2], data: { approvedUntil: '2030-12-31', reports: [] } }]);
    const [problem] = verifyCheckpoints([cp], leavesOf([...a, ...rewritten]), publicKey);
    expect(problem).toMatchObject({ kind: 'headChanged', stream: b[0].bodyId, version: 3 });
  });

  describe('after a lost key was replaced (earlierKeys)', () => {
    const lost = generateKeyPairSync('ed25519').privateKey;
    /** Checkpoints 1 and 2 under the lost key, 3 under the current one, each naming the one before. */
    const replaced = (): SignedCheckpoint[] => {
      const out: SignedCheckpoint[] = [];
      [a.slice(0, 2), [...a.slice(0, 4), ...b], [...a, ...b]].forEach((log, i) => {
        const payload = buildCheckpoint(leavesOf(log), { sequence: i + 1, createdAt: `2025-0${i + 1}-01T00:00:00.000Z`, previous: out.length ? checkpointDigest(out[i - 1]) : null });
        out.push(signCheckpoint(payload, i < 2 ? lost : privateKey));
      });
      return out;
    };
    const verify = (cps: SignedCheckpoint[], leaves: Leaf[]) => {
      const verifier = new CheckpointVerifier(cps, publicKey, [], { earlierKeys: true });
      for (const leaf of leaves) verifier.add(leaf);
      return { problems: verifier.finish(), notes: verifier.notes };
    };

    it('names the checkpoints before the first under the current key as signed with an earlier key, and no problem', () => {
      const { problems, notes } = verify(replaced(), leavesOf([...a, ...b]));
      expect(problems).toEqual([]);
      expect(notes.map((n) => [n.sequence, n.kind])).toEqual([
        [1, 'earlierKey'],
        [2, 'earlierKey'],
      ]);
      expect(notes[0].message).toContain('mit einem früheren Schlüssel (ID');
      expect(notes[0].message).toContain('Checkpoint 3 unter dem aktuellen Schlüssel setzt ihn fort');
      // Without the option: a key and a signature problem each, as before.
      expect(verifyCheckpoints(replaced(), leavesOf([...a, ...b]), publicKey).map((p) => [p.sequence, p.kind])).toEqual([
        [1, 'key'],
        [1, 'signature'],
        [2, 'key'],
        [2, 'signature'],
      ]);
    });

    it('before a checkpoint under the current key continues them, each is a problem of its own kind, not a key and a signature problem', () => {
      const { problems, notes } = verify(replaced().slice(0, 2), leavesOf([...a, ...b]));
      expect(notes).toEqual([]);
      expect(problems.map((p) => [p.sequence, p.kind])).toEqual([
        [1, 'earlierKey'],
        [2, 'earlierKey'],
      ]);
      expect(problems[0].message).toMatch(/^Checkpoint 1: mit einem früheren Schlüssel \(ID [0-9a-f]{16}…\) signiert; die Signatur ist mit dem aktuellen Schlüssel nicht prüfbar\./);
    });

    it('compares their heads and roots with the log as claims: a rewrite is named', () => {
      const rewritten = rehash([...b.slice(0, 2), { ...b[2], data: { approvedUntil: '2030-12-31', reports: [] } }]);
      const { problems } = verify(replaced(), leavesOf([...a, ...rewritten]));
      expect(problems.map((p) => [p.sequence, p.kind, p.stream, p.version])).toEqual([
        [2, 'headChanged', b[0].bodyId, 3],
        [2, 'root', null, null],
        [3, 'headChanged', b[0].bodyId, 3],
        [3, 'root', null, null],
      ]);
      expect(problems[0].message).toMatch(/^Checkpoint 2 \(mit einem früheren Schlüssel signiert\): /);
    });

    it('an earlier checkpoint replaced breaks the link of the one under the current key after it', () => {
      const cps = replaced();
      const other = generateKeyPairSync('ed25519').privateKey;
      cps[1] = signCheckpoint({ ...cps[1].payload, createdAt: '2025-02-02T00:00:00.000Z' }, other);
      const { problems, notes } = verify(cps, leavesOf([...a, ...b]));
      expect(notes).toHaveLength(2);
      expect(problems.map((p) => [p.sequence, p.kind])).toEqual([[3, 'previous']]);
    });

    it('a checkpoint under another key after one under the current key is no earlier key', () => {
      const cps = replaced();
      cps[2] = signCheckpoint(cps[2].payload, lost);
      const more = buildCheckpoint(leavesOf([...a, ...b]), { sequence: 4, createdAt: '2025-04-01T00:00:00.000Z', previous: checkpointDigest(cps[2]) });
      const fourth = signCheckpoint(more, privateKey);
      const fifth = signCheckpoint({ ...more, sequence: 5, previous: checkpointDigest(fourth) }, lost);
      const { problems, notes } = verify([...cps, fourth, fifth], leavesOf([...a, ...b]));
      expect(notes.map((n) => n.sequence)).toEqual([1, 2, 3]);
      expect(problems.map((p) => [p.sequence, p.kind])).toEqual([
        [5, 'key'],
        [5, 'signature'],
      ]);
    });
  });

  it('notices a covered event replaced inside a stream whose head is unchanged', () => {
    const [cp] = checkpoints(a);
    const leaves = leavesOf(a);
    leaves[1] = { ...leaves[1], hash: 'ff'.repeat(32) };
    expect(verifyCheckpoints([cp], leaves, publicKey)).toMatchObject([{ kind: 'root' }]);
  });

  describe('checked over the text it is stored as (factsFromText)', () => {
    const [first, second] = checkpoints([...a.slice(0, 2)], [...a, ...b]);

    it('gives the signature check and the digest that the canonical JSON of the payload gives', () => {
      for (const checkpoint of [first, second]) {
        expect(factsFromText(checkpoint, canonicalJson(checkpoint.payload), publicKey)).toEqual({ signatureHolds: true, digest: checkpointDigest(checkpoint) });
      }
      expect(verifyCheckpoints([first, second], leavesOf([...a, ...b]), publicKey)).toEqual([]);
    });

    it('is signed and stored as the canonical JSON of its payload, its heads written in one piece (checkpointPayloadText)', () => {
      // Heads whose members come in another order, and stream names JSON must escape.
      const heads = [
        { version: 3, hash: a[2].hash, stream: 'audit-log' },
        { stream: 'decision:2024/09 "neu"', hash: a[0].hash, version: 1 },
        { hash: b[1].hash, version: 2, stream: 'kontakt\\ä\u2028' },
      ];
      const payload = { ...second.payload, heads };
      const text = checkpointPayloadText(payload);
      expect(text).toBe(canonicalJson(payload));
      expect(text).toContain('"heads":[{"hash":');
      const signed = signCheckpoint(payload, privateKey);
      expect(signed).toEqual(signCheckpoint(payload, privateKey, text));
      expect(hasValidSignature(signed, publicKey)).toBe(true);
      expect(factsFromText(signed, text, publicKey)).toEqual({ signatureHolds: true, digest: checkpointDigest(signed) });
    });

    it('judges a text stored with other spacing by its content, and a changed one as changed', () => {
      expect(factsFromText(second, JSON.stringify(second.payload, null, 2), publicKey)).toEqual({ signatureHolds: true, digest: checkpointDigest(second) });
      const changed = { ...second, payload: { ...second.payload, treeSize: 7 } };
      expect(factsFromText(changed, canonicalJson(changed.payload), publicKey)).toEqual({ signatureHolds: false, digest: checkpointDigest(changed) });
    });

    it('takes what the texts established in place of its own checks', () => {
      // Facts that contradict the payloads (as a changed stored text would): the verifier goes by them.
      const fromText = new Map([
        [first, { signatureHolds: true, digest: 'ab'.repeat(32) }],
        [second, { signatureHolds: false, digest: checkpointDigest(second) }],
      ]);
      const verifier = new CheckpointVerifier([first, second], publicKey, [], { fromText });
      for (const leaf of leavesOf([...a, ...b])) verifier.add(leaf);
      expect(verifier.finish().map((p) => [p.sequence, p.kind])).toEqual([
        [2, 'signature'],
      ]);
      const chained = new Map([[first, { signatureHolds: true, digest: 'ab'.repeat(32) }]]);
      const again = new CheckpointVerifier([first, second], publicKey, [], { fromText: chained });
      for (const leaf of leavesOf([...a, ...b])) again.add(leaf);
      expect(again.finish().map((p) => [p.sequence, p.kind])).toEqual([[2, 'previous']]);
    });
  });

  describe('in log order (formats 2 and 3)', () => {
    const later = recordStream(typicalLifecycle.slice(0, 3), { bodyId: 'aaaa0000-0000-4000-8000-000000000000' });
    const logCheckpoints = (first: EventRecord[], second: EventRecord[], firstFormat: 1 | 2 = 2) => {
      const meta = { sequence: 1, createdAt: '2025-01-01T00:00:00.000Z', previous: null, origin: 'example.org/log' };
      const one = signCheckpoint(firstFormat === 2 ? buildLogCheckpoint(leavesOf(first), meta, []) : buildCheckpoint(leavesOf(first), meta), privateKey);
      const two = signCheckpoint(
        buildLogCheckpoint(leavesOf(second), { ...meta, sequence: 2, createdAt: '2025-02-01T00:00:00.000Z', previous: checkpointDigest(one) }, [one.payload]),
        privateKey,
      );
      return [one, two];
    };

    it('appends what a checkpoint adds after what the earlier ones covered, even in a stream that sorts first', () => {
      const ordered = logOrder(leavesOf([...later, ...a, ...b]), [{ sequence: 1, heads: [{ stream: a[0].bodyId, version: 4, hash: a[3].hash }, { stream: b[0].bodyId, version: 2, hash: b[1].hash }] }]);
      expect(ordered.map((leaf) => `${leaf.stream.slice(0, 8)}@${leaf.version}`)).toEqual([
        ...a.slice(0, 4).map((e) => `aaaaaaaa@${e.version}`),
        ...b.slice(0, 2).map((e) => `bbbbbbbb@${e.version}`),
        // Not yet covered, by stream: the new stream sorts before the first one, yet comes after what was covered.
        ...later.map((e) => `aaaa0000@${e.version}`),
        ...a.slice(4).map((e) => `aaaaaaaa@${e.version}`),
        ...b.slice(2).map((e) => `bbbbbbbb@${e.version}`),
      ]);
    });

    it('makes each checkpoint tree a prefix of the next: a consistency proof holds between them', () => {
      const [one, two] = logCheckpoints([...a, ...b], [...a, ...b, ...later]);
      expect(verifyCheckpoints([one, two], leavesOf([...a, ...b, ...later]), publicKey)).toEqual([]);
      const leaves = logOrder(leavesOf([...a, ...b, ...later]), [one.payload]).map((leaf) => leafHash(Buffer.from(leaf.hash, 'hex')));
      const proof = consistencyProof(leaves, one.payload.treeSize, two.payload.treeSize);
      const root = (hex: string) => Buffer.from(hex, 'hex');
      expect(verifyConsistency(one.payload.treeSize, two.payload.treeSize, root(one.payload.rootHash), root(two.payload.rootHash), proof)).toBe(true);
      // In the old order (all sorted by stream) the new stream's events would land in front: no prefix.
      const sorted = buildCheckpoint(leavesOf([...a, ...b, ...later]), { sequence: 2, createdAt: '2025-02-01T00:00:00.000Z', previous: null });
      expect(verifyConsistency(one.payload.treeSize, sorted.treeSize, root(one.payload.rootHash), root(sorted.rootHash), proof)).toBe(false);
    });

    it('verifies format-1 checkpoints followed by log-order ones, and finds a changed event under both', () => {
      const [one, two] = logCheckpoints([...a, ...b], [...a, ...b, ...later], 1);
      expect(one.payload.format).toBe('gremienlauf-checkpoint/1');
      expect(verifyCheckpoints([one, two], leavesOf([...a, ...b, ...later]), publicKey)).toEqual([]);
      const changed = rehash([...a.slice(0, 2), { ...a[2], occurredAt: '2024-06-13T00:00:00.000Z' }, ...a.slice(3)]);
      const kinds = verifyCheckpoints([one, two], leavesOf([...changed, ...b, ...later]), publicKey).map((p) => [p.sequence, p.kind]);
      // The second names only the stream that moved since the first: its root names the change (and the first's root, as the offline verifier does).
      expect(kinds).toEqual([[1, 'headChanged'], [1, 'root'], [2, 'root']]);
    });

    describe('format 3: the heads that moved since the checkpoints before', () => {
      const meta = (sequence: number, previous: string | null) => ({ sequence, createdAt: `2025-0${sequence}-01T00:00:00.000Z`, previous, origin: 'example.org/log' });
      /** Checkpoints over each of the logs in turn, format 3 unless `first` makes the first one format 2 (it names every stream as format 3's first does). */
      const chain = (logs: EventRecord[][], first: 2 | 3 = 3) => {
        const signed: SignedCheckpoint[] = [];
        logs.forEach((log, i) => {
          const payload = buildLogCheckpoint(leavesOf(log), meta(i + 1, i === 0 ? null : checkpointDigest(signed[i - 1])), signed.map((c) => c.payload));
          signed.push(signCheckpoint(i === 0 && first === 2 ? { ...payload, format: 'gremienlauf-checkpoint/2' } : payload, privateKey));
        });
        return signed;
      };
      const headsOf = (checkpoint: SignedCheckpoint) => checkpoint.payload.heads.map((head) => `${head.stream.slice(0, 8)}@${head.version}`);

      it('names every stream in the first, then only the streams with events beyond the checkpoints before', () => {
        const cps = chain([[...a.slice(0, 3), ...b.slice(0, 1)], [...a.slice(0, 3), ...b], [...a.slice(0, 3), ...b], [...a, ...b, ...later]]);
        expect(cps.map((c) => c.payload.format)).toEqual(Array(4).fill('gremienlauf-checkpoint/3'));
        expect(cps.map(headsOf)).toEqual([['aaaaaaaa@3', 'bbbbbbbb@1'], [`bbbbbbbb@${b.length}`], [], [`aaaa0000@${later.length}`, `aaaaaaaa@${a.length}`]]);
        expect(verifyCheckpoints(cps, leavesOf([...a, ...b, ...later]), publicKey)).toEqual([]);
        // The same batches as checkpoints that name every stream's head: the same log order.
        const everyHead = cps.map((c, i) => {
          const heads = new Map(cps.slice(0, i + 1).flatMap((earlier) => earlier.payload.heads.map((head) => [head.stream, head] as const)));
          return { sequence: c.payload.sequence, heads: [...heads.values()].sort((x, y) => (x.stream < y.stream ? -1 : 1)) };
        });
        const all = leavesOf([...a, ...b, ...later]);
        expect(logOrder(all, everyHead)).toEqual(logOrder(all, cps.map((c) => c.payload)));
      });

      it('names a stream cut off at the checkpoint whose head it was last, and every later root', () => {
        const cps = chain([[...a, ...b.slice(0, 1)], [...a, ...b], [...a, ...b, ...later]]);
        const cut = verifyCheckpoints(cps, leavesOf([...a.slice(0, 4), ...b, ...later]), publicKey);
        expect(cut.map((p) => [p.sequence, p.kind, p.stream?.slice(0, 8) ?? null, p.version])).toEqual([
          [1, 'truncated', 'aaaaaaaa', 5],
          [1, 'root', null, null],
          [2, 'root', null, null],
          [3, 'root', null, null],
        ]);
        // The roots point to the checkpoint that names the place, not to the chain check (a cut-off tail breaks no chain).
        expect(cut.slice(1).every((p) => p.message.endsWith('Checkpoint 1 nennt die Stelle (dort fehlt ein bezeugter Kopf oder hat einen anderen Hash).'))).toBe(true);
      });

      it('follows a format-2 checkpoint, with consistency proofs between them', () => {
        const cps = chain([[...a, ...b.slice(0, 1)], [...a, ...b], [...a, ...b, ...later]], 2);
        expect(cps.map((c) => c.payload.format)).toEqual(['gremienlauf-checkpoint/2', 'gremienlauf-checkpoint/3', 'gremienlauf-checkpoint/3']);
        expect(verifyCheckpoints(cps, leavesOf([...a, ...b, ...later]), publicKey)).toEqual([]);
        const leaves = logOrder(leavesOf([...a, ...b, ...later]), cps.map((c) => c.payload)).map((leaf) => leafHash(Buffer.from(leaf.hash, 'hex')));
        const root = (hex: string) => Buffer.from(hex, 'hex');
        const [one, , three] = cps.map((c) => c.payload);
        expect(verifyConsistency(one.treeSize, three.treeSize, root(one.rootHash), root(three.rootHash), consistencyProof(leaves, one.treeSize, three.treeSize))).toBe(true);
      });
    });
  });
});
