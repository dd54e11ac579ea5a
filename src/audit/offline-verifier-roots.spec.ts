/**
 * The offline verifier recomputes the tree head (size and Merkle root) that every checkpoint
 * claims from the exported events, whatever key signed it and whether that key is given: after a
 * key declared lost, a checkpoint of the lost key is named by its root like any other, exported
 * or published. The roots come from one pass over the events in checkpoint order (a compact range
 * per checkpoint batch), checked here against the whole-list definition (logOrder + MTH).
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { recordStream, rehash, typicalLifecycle } from '../../test/audit-builders';
import type { EventRecord } from '../event-log/event-hash';
import {
  buildLogCheckpoint,
  checkpointDigest,
  LEAF_ORDER,
  logOrder,
  signCheckpoint,
  type CheckpointPayload,
  type Leaf,
  type SignedCheckpoint,
} from './checkpoint';
import { EXPORT_FORMAT, exportLine, type ExportLine } from './export-format';
import { CURRENT_MACHINE, machineFingerprint } from './machine-versions';
import { leafHashOfHex, rootFromLeafHashes } from './merkle';
import { formatReport, verifyExport, verifyInMemory, type Finding, type OfflineReport, type VerifyOptions } from './offline-verifier';
import { replayRecords } from './replay';

const lost = generateKeyPairSync('ed25519');
const current = generateKeyPairSync('ed25519');

const bodyId = (n: number) => `b${String(n).padStart(7, '0')}-0000-4000-8000-000000000000`;
/** Bodies of different lengths (registered … extended: up to 5 events), ids in export order. */
const streams = [5, 3, 5, 2, 4, 1].map((length, n) => recordStream(typicalLifecycle.slice(0, length - 1), { bodyId: bodyId(n) }));

const leavesOf = (records: readonly EventRecord[]): Leaf[] => records.map((e) => ({ stream: e.bodyId, version: e.version, hash: e.hash }));

/**
 * Format-3 checkpoints, one per stage, each over the first `stage[n]` events of stream n: the
 * first `lostUpTo` signed with the lost key, the rest with the current one (or as `sign` signs
 * them), each naming the one before it.
 */
function checkpointsOver(
  of: readonly EventRecord[][],
  stages: readonly number[][],
  lostUpTo: number,
  sign: (payload: CheckpointPayload, i: number) => SignedCheckpoint = (payload, i) => signCheckpoint(payload, (i < lostUpTo ? lost : current).privateKey),
): SignedCheckpoint[] {
  const signed: SignedCheckpoint[] = [];
  stages.forEach((stage, i) => {
    const leaves = of.flatMap((records, n) => leavesOf(records.slice(0, stage[n])));
    const previous = signed.at(-1) ?? null;
    const payload = buildLogCheckpoint(
      leaves,
      { sequence: i + 1, createdAt: `2025-04-0${i + 1}T00:00:00.000Z`, previous: previous && checkpointDigest(previous), origin: 'gremienlauf/test' },
      signed.map((c) => c.payload),
    );
    signed.push(sign(payload, i));
  });
  return signed;
}

/** Three checkpoints: 1 and 2 under the lost key, 3 under the current one. Stream 2 grows only between 1 and 2. */
const stages = [
  [2, 1, 1, 1, 2, 1],
  [3, 2, 4, 2, 2, 1],
  [5, 3, 5, 2, 4, 1],
];
const checkpoints = checkpointsOver(streams, stages, 2);

/** The export lines as the service writes them (events and bodies by body id). */
function exportOf(of: readonly EventRecord[][], signed: readonly SignedCheckpoint[], drop: (event: EventRecord) => boolean = () => false): string[] {
  const events = of.flat().filter((event) => !drop(event));
  const lines: ExportLine[] = [
    { kind: 'header', format: EXPORT_FORMAT, exportedAt: '2025-04-09T00:00:00.000Z', order: LEAF_ORDER },
    { kind: 'machine', id: 'body', version: CURRENT_MACHINE.version, fingerprint: machineFingerprint(CURRENT_MACHINE), definition: CURRENT_MACHINE.definition() },
    ...events.map((event) => ({ kind: 'event' as const, event })),
    ...of.map((records) => {
      const { snapshot } = replayRecords(records);
      return { kind: 'body' as const, id: records[0].bodyId, version: records.length, machineVersion: CURRENT_MACHINE.version, state: snapshot!.value, context: JSON.parse(JSON.stringify(snapshot!.context)) };
    }),
    ...signed.map((checkpoint) => ({ kind: 'checkpoint' as const, checkpoint })),
    { kind: 'end', counts: { machine: 1, event: events.length, auditLog: 0, body: of.length, checkpoint: signed.length } },
  ];
  return lines.map((line) => exportLine(line).trimEnd());
}

/**
 * The tree head of each checkpoint by the definition, from the whole list: its tree is the log
 * order fixed by the checkpoints up to it, as long as the leaves its heads reach.
 */
function expectedHeads(leaves: readonly Leaf[], signed: readonly SignedCheckpoint[]): Map<number, { size: number; root: string }> {
  const heads = new Map<number, { size: number; root: string }>();
  signed.forEach((checkpoint, i) => {
    const upTo = signed.slice(0, i + 1).map((c) => c.payload);
    const reach = new Map<string, number>();
    for (const payload of upTo) for (const head of payload.heads) reach.set(head.stream, Math.max(reach.get(head.stream) ?? 0, head.version));
    const size = leaves.filter((leaf) => leaf.version <= (reach.get(leaf.stream) ?? 0)).length;
    const ordered = logOrder(leaves, upTo).slice(0, size);
    heads.set(checkpoint.payload.sequence, { size, root: rootFromLeafHashes(ordered.map((leaf) => leafHashOfHex(leaf.hash))).toString('hex') });
  });
  return heads;
}

/** Streamed (counting how often the file is opened) and read whole: the same report. */
async function verified(lines: string[], publicKey: KeyObject, options: VerifyOptions = {}): Promise<{ report: OfflineReport; opened: number }> {
  let opened = 0;
  const report = await verifyExport(
    () => {
      opened++;
      return lines;
    },
    publicKey,
    options,
  );
  expect(report).toEqual(await verifyInMemory(lines, publicKey, options));
  return { report, opened };
}

const rootFindings = (report: OfflineReport): Finding[] => report.findings.filter((f) => f.treeHead !== undefined);
const keyId = (checkpoint: SignedCheckpoint) => checkpoint.keyId.slice(0, 16);

describe('the offline verifier recomputes every checkpoint’s tree head from the exported events', () => {
  it('passes an untouched export under two keys, every root recomputed, with and without the lost key given', async () => {
    for (const options of [{}, { earlierKeys: [lost.publicKey] }]) {
      const { report, opened } = await verified(exportOf(streams, checkpoints), current.publicKey, options);
      expect(report).toMatchObject({ ok: true, checkpoints: { count: 3, rootsRecomputed: [1, 2, 3], rootsNotRecomputed: [] } });
      expect(rootFindings(report)).toEqual([]);
      expect(opened).toBe(3);
      expect(formatReport(report)).toContain(
        'Baumköpfe (Größe und Merkle-Wurzel) aus den exportierten Ereignissen nachgerechnet für Checkpoint Nr. 1–3, gleich mit welchem Schlüssel signiert.',
      );
    }
  });

  it('names each checkpoint whose root a rewritten event no longer gives: which one, its key, its size, the claimed and the recomputed root', async () => {
    // Stream 2's fourth event, covered from checkpoint 2 (the lost key's) on, rewritten and every hash after it recomputed.
    const rewritten = streams.map((records, n) => (n === 2 ? rehash(records.map((e) => (e.version === 4 ? { ...e, occurredAt: '2025-03-13T10:00:00.000Z' } : e))) : records));
    const lines = exportOf(rewritten, checkpoints);
    const expected = expectedHeads(leavesOf(rewritten.flat()), checkpoints);
    for (const options of [{}, { earlierKeys: [lost.publicKey] }]) {
      const { report } = await verified(lines, current.publicKey, options);
      expect(report.ok).toBe(false);
      expect(rootFindings(report).map((f) => f.treeHead)).toEqual(
        [2, 3].map((sequence) => ({
          sequence,
          keyId: checkpoints[sequence - 1].keyId,
          claimed: { size: checkpoints[sequence - 1].payload.treeSize, root: checkpoints[sequence - 1].payload.rootHash },
          found: expected.get(sequence),
        })),
      );
      const [second, third] = rootFindings(report);
      const { treeSize, rootHash } = checkpoints[1].payload;
      expect(second).toMatchObject({ severity: 'error', area: 'checkpoint', stream: null, version: null });
      expect(second.message).toBe(
        `Checkpoint 2, signiert mit einem früheren Schlüssel (ID ${keyId(checkpoints[0])}…): Die Ereignisse des Logs ergeben nicht den Baumkopf, den er bezeugt. ` +
          `Bezeugt: ${treeSize} Einträge, Merkle-Wurzel ${rootHash}; nachgerechnet: ${treeSize} Einträge, aber eine andere Merkle-Wurzel. ` +
          'Ein erfasstes Ereignis wurde verändert, entfernt oder eingefügt: Checkpoint 2 nennt die Stelle (dort fehlt ein bezeugter Kopf oder hat einen anderen Hash).',
      );
      expect(third.message).toMatch(new RegExp(`^Checkpoint 3, signiert mit dem aktuellen Schlüssel \\(ID ${keyId(checkpoints[2])}…\\): `));
      expect(formatReport(report)).toContain(`FEHLER: ${second.message}`);
    }
  });

  it('recomputes the roots of format-3 checkpoints after a format-2 one (every stream named), as a log written before format 3 has them', async () => {
    const sign = (payload: CheckpointPayload, i: number) =>
      signCheckpoint(i === 0 ? { ...payload, format: 'gremienlauf-checkpoint/2' } : payload, (i < 2 ? lost : current).privateKey);
    const mixed = checkpointsOver(streams, stages, 2, sign);
    expect(mixed.map((c) => [c.payload.format, c.payload.heads.length])).toEqual([
      ['gremienlauf-checkpoint/2', 6],
      ['gremienlauf-checkpoint/3', 4],
      ['gremienlauf-checkpoint/3', 4],
    ]);
    expect((await verified(exportOf(streams, mixed), current.publicKey)).report).toMatchObject({ ok: true, checkpoints: { rootsRecomputed: [1, 2, 3] } });
    const rewritten = streams.map((records, n) => (n === 2 ? rehash(records.map((e) => (e.version === 4 ? { ...e, occurredAt: '2025-03-13T10:00:00.000Z' } : e))) : records));
    const expected = expectedHeads(leavesOf(rewritten.flat()), mixed);
    const { report } = await verified(exportOf(rewritten, mixed), current.publicKey);
    expect(rootFindings(report).map((f) => [f.treeHead!.sequence, f.treeHead!.found])).toEqual([2, 3].map((sequence) => [sequence, expected.get(sequence)]));
  });

  it('recomputes a published checkpoint’s root from number 2 on, signed with the lost key, also where the export’s copies were forged', async () => {
    // Whoever holds the current key rewrote stream 2 and put forged claims under the lost key's name
    // into the export (without that key, their signatures cannot be checked), re-signing checkpoint 3.
    const rewritten = streams.map((records, n) => (n === 2 ? rehash(records.map((e) => (e.version === 4 ? { ...e, occurredAt: '2025-03-13T10:00:00.000Z' } : e))) : records));
    const forged = checkpointsOver(rewritten, stages, 0, (payload, i) => {
      const resigned = signCheckpoint(payload, current.privateKey);
      return i < 2 ? { ...resigned, keyId: checkpoints[i].keyId } : resigned;
    });
    const lines = exportOf(rewritten, forged);
    // On its own the forged export holds together: the lost key's claims are unsigned.
    expect((await verified(lines, current.publicKey)).report).toMatchObject({ ok: true, checkpoints: { rootsRecomputed: [1, 2, 3] } });

    const published = checkpoints.slice(0, 2);
    const { report, opened } = await verified(lines, current.publicKey, { published });
    expect(report.ok).toBe(false);
    // The published order (their heads) is another than the export's: a tree of its own, in the same pass.
    expect(opened).toBe(3);
    const expected = expectedHeads(leavesOf(rewritten.flat()), checkpoints);
    expect(rootFindings(report).map((f) => [f.message.slice(0, f.message.indexOf(':', 20)), f.treeHead!.claimed.root, f.treeHead!.found])).toEqual([
      [`veröffentlicht: Checkpoint 2, signiert mit einem früheren Schlüssel (ID ${keyId(checkpoints[0])}…)`, checkpoints[1].payload.rootHash, expected.get(2)],
    ]);
    expect(report.findings.map((f) => f.message)).toEqual(expect.arrayContaining([expect.stringContaining('Der Checkpoint 2 im Export weicht vom veröffentlichten ab')]));
  });

  it('places the batches where the events show them when they do not add up to the claimed sizes (an event removed), in one more reading of the file', async () => {
    // Stream 0's first event is in checkpoint 1's batch: without it, every batch after it starts one place earlier.
    const removed = streams[0][0];
    const lines = exportOf(streams, checkpoints, (event) => event.id === removed.id);
    const { report, opened } = await verified(lines, current.publicKey);
    expect(opened).toBe(4);
    const expected = expectedHeads(leavesOf(streams.flat().filter((e) => e.id !== removed.id)), checkpoints);
    expect(rootFindings(report).map((f) => [f.treeHead!.sequence, f.treeHead!.claimed.size, f.treeHead!.found])).toEqual(
      [1, 2, 3].map((sequence) => [sequence, checkpoints[sequence - 1].payload.treeSize, expected.get(sequence)]),
    );
    expect(rootFindings(report).every((f) => f.treeHead!.found.size === f.treeHead!.claimed.size - 1)).toBe(true);
  });

  it('says which roots it could not recompute: those after a checkpoint missing from the export', async () => {
    const lines = exportOf(streams, [checkpoints[0], checkpoints[2]]);
    const { report } = await verified(lines, current.publicKey);
    expect(report.checkpoints).toMatchObject({ rootsRecomputed: [1], rootsNotRecomputed: [3] });
    expect(rootFindings(report)).toEqual([]);
    expect(formatReport(report)).toContain(
      'Hinweis: Die Baumköpfe der Checkpoints Nr. 3 ließen sich nicht nachrechnen: sie selbst oder ein Checkpoint vor ihnen fehlen oder sind in keinem bekannten Format, so dass die Reihenfolge des Logs nicht feststeht.',
    );
    // The published copy of the missing one fixes the order again.
    const { report: withPublished } = await verified(lines, current.publicKey, { published: [checkpoints[1]] });
    expect(rootFindings(withPublished)).toEqual([]);
    expect(withPublished.findings.map((f) => f.message)).toContain('Der veröffentlichte Checkpoint 2 fehlt im Export: die Checkpoints wurden entfernt oder neu angelegt.');
  });

  it('gives the roots of the definition for random logs, checkpoints and tampering, streamed and whole', async () => {
    let seed = 0x5eed;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n);
    };
    for (let round = 0; round < 30; round++) {
      const lengths = Array.from({ length: 2 + random(6) }, () => 1 + random(5));
      const log = lengths.map((length, n) => recordStream(typicalLifecycle.slice(0, length - 1), { bodyId: bodyId(100 + n) }));
      // 1 to 4 stages, each reaching at least as far as the one before.
      const reached = lengths.map(() => 0);
      const plan = Array.from({ length: 1 + random(4) }, () => reached.map((at, n) => (reached[n] = at + random(lengths[n] - at + 1))));
      // The last under the current key, any before it under the lost one.
      const signed = checkpointsOver(log, plan, random(plan.length));
      // Tampering: none, an event removed, or an event rewritten with its chain recomputed.
      const target = log[random(log.length)];
      const version = 1 + random(target.length);
      const kind = random(3);
      const tampered = log.map((records) =>
        kind === 2 && records === target ? rehash(records.map((e) => (e.version === version ? { ...e, recordedAt: '2025-01-01T00:00:00.000Z' } : e))) : records,
      );
      const dropped = (event: EventRecord) => kind === 1 && event.id === target[version - 1].id;
      const { report } = await verified(exportOf(tampered, signed, dropped), current.publicKey);
      const expected = expectedHeads(leavesOf(tampered.flat().filter((e) => !dropped(e))), signed);
      const differing = signed.filter(({ payload }) => {
        const head = expected.get(payload.sequence)!;
        return head.size !== payload.treeSize || head.root !== payload.rootHash;
      });
      expect(report.checkpoints.rootsRecomputed).toEqual(signed.map((c) => c.payload.sequence));
      expect(rootFindings(report).map((f) => f.treeHead)).toEqual(
        differing.map(({ payload, keyId: id }: { payload: CheckpointPayload; keyId: string }) => ({
          sequence: payload.sequence,
          keyId: id,
          claimed: { size: payload.treeSize, root: payload.rootHash },
          found: expected.get(payload.sequence),
        })),
      );
      if (kind === 0) expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    }
  });
});
