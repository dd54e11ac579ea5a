import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordStream, rehash, typicalLifecycle } from '../../test/audit-builders';
import type { EventRecord } from '../event-log/event-hash';
import { buildCheckpoint, checkpointDigest, LEAF_ORDER, signCheckpoint, type SignedCheckpoint } from './checkpoint';
import { EXPORT_FORMAT, exportLine, type ExportLine } from './export-format';
import { CURRENT_MACHINE, machineFingerprint } from './machine-versions';
import { formatReport, verifyExport, verifyInMemory } from './offline-verifier';
import { replayRecords } from './replay';
import { runVerify } from './verify-cli';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');

/** A checkpoint over the streams' events, signed with `key`, following `previous`. */
function checkpointOver(streams: EventRecord[][], key: KeyObject, previous: SignedCheckpoint | null = null): SignedCheckpoint {
  const leaves = streams.flat().map((e) => ({ stream: e.bodyId, version: e.version, hash: e.hash }));
  const sequence = (previous?.payload.sequence ?? 0) + 1;
  return signCheckpoint(buildCheckpoint(leaves, { sequence, createdAt: `2025-04-0${sequence}T00:00:00.000Z`, previous: previous && checkpointDigest(previous) }), key);
}

function exportOf(streams: EventRecord[][], checkpoints: SignedCheckpoint[] = [checkpointOver(streams, privateKey)]): string[] {
  const events = streams.flat();
  const lines: ExportLine[] = [
    { kind: 'header', format: EXPORT_FORMAT, exportedAt: '2025-04-02T00:00:00.000Z', order: LEAF_ORDER },
    { kind: 'machine', id: 'body', version: CURRENT_MACHINE.version, fingerprint: machineFingerprint(CURRENT_MACHINE), definition: CURRENT_MACHINE.definition() },
    ...events.map((event) => ({ kind: 'event' as const, event })),
    ...streams.map((records) => {
      const { snapshot } = replayRecords(records);
      return { kind: 'body' as const, id: records[0].bodyId, version: records.length, machineVersion: CURRENT_MACHINE.version, state: snapshot!.value, context: JSON.parse(JSON.stringify(snapshot!.context)) };
    }),
    ...checkpoints.map((checkpoint) => ({ kind: 'checkpoint' as const, checkpoint })),
    { kind: 'end', counts: { machine: 1, event: events.length, auditLog: 0, body: streams.length, checkpoint: checkpoints.length } },
  ];
  return lines.map((line) => exportLine(line).trimEnd());
}

describe('offline verifier', () => {
  const a = recordStream(typicalLifecycle, { bodyId: 'aaaaaaaa-0000-4000-8000-000000000000' });
  const b = recordStream(typicalLifecycle.slice(0, 2), { bodyId: 'bbbbbbbb-0000-4000-8000-000000000000' });

  it('passes an untouched export', async () => {
    const report = await verifyExport(exportOf([a, b]), publicKey);
    expect(report.findings).toEqual([]);
    expect(report).toMatchObject({ ok: true, counts: { event: 8, body: 2, checkpoint: 1 }, checkpoints: { uncovered: 0 } });
    // The events counted are the bodies' (the register's and the log's are counted apart).
    expect(formatReport(report)[0]).toBe('Export: 8 Ereignisse von 2 Gremien, 0 Einträge im Audit-Protokoll, 0 Ereignisse im Beschlussregister, 1 Checkpoint, 1 Automatenversion.');
  });

  it('names the event whose line was edited, and does not blame the stored state for differing from the forged value', async () => {
    const lines = exportOf([a, b]);
    const at = lines.findIndex((l) => l.includes(a[2].id) && l.includes('"kind":"event"'));
    lines[at] = lines[at].replace('2025-03-31', '2025-09-30');
    const report = await verifyExport(lines, publicKey);
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ area: 'chain', stream: a[0].bodyId, version: 3 });
    // The stored state holds the recorded 2025-03-31: a replay of the forged event would call that the divergence.
    expect(report.findings.filter((f) => f.area === 'replay')).toEqual([
      {
        severity: 'warning',
        area: 'replay',
        stream: a[0].bodyId,
        version: 3,
        message: `Gremium ${a[0].bodyId}: Die Kette ist bei Version 3 gebrochen (oben): was der Export hält, ist nicht, was aufgezeichnet wurde; die Wiederholung wird darum nicht mit dem gespeicherten Stand verglichen.`,
      },
    ]);
    expect(formatReport(report).join('\n')).not.toMatch(/erwartet|gespeichert "/);
    // The stored hash was left alone: the checkpoint still holds, the chain names the change.
    expect(report.findings.filter((f) => f.severity === 'error').map((f) => f.area)).toEqual(['chain']);
  });

  it('notices a removed event line twice: in the counts and in the chain or checkpoint', async () => {
    const lines = exportOf([a, b]).filter((l) => !l.includes(`"id":"${a[4].id}"`));
    const report = await verifyExport(lines, publicKey);
    expect(report.findings.map((f) => f.area)).toEqual(expect.arrayContaining(['file', 'checkpoint']));
    expect(report.findings.find((f) => f.area === 'checkpoint')).toMatchObject({ stream: a[0].bodyId, version: 5 });
  });

  it('notices a file cut off before its end line', async () => {
    const report = await verifyExport(exportOf([a]).slice(0, -1), publicKey);
    expect(report.findings[0].message).toContain('abgeschnitten');
  });

  it('rejects checkpoints under another public key, asking whether the key given is the current one', async () => {
    const other = generateKeyPairSync('ed25519').publicKey;
    const report = await verifyExport(exportOf([a]), other);
    expect(report.ok).toBe(false);
    // Without a checkpoint under the key given, an earlier key's (not yet continued) and a wrong key look the same.
    expect(report.findings).toEqual([expect.objectContaining({ severity: 'error', area: 'checkpoint' })]);
    expect(report.findings[0].message).toMatch(/^Checkpoint 1: mit einem früheren Schlüssel \(ID [0-9a-f]{16}…\) signiert; die Signatur ist mit dem aktuellen Schlüssel nicht prüfbar\./);
    expect(report.findings[0].message).toMatch(/Unter dem gegebenen Schlüssel \(ID [0-9a-f]{16}…\) ist kein Checkpoint des Exports signiert: ist es der aktuelle Schlüssel des Dienstes\?$/);
  });

  it('refuses a machine definition that differs from the one it replays with', async () => {
    const lines = exportOf([a]);
    lines[1] = lines[1].replace('"rulesHold"', '"alwaysTrue"');
    const report = await verifyExport(lines, publicKey);
    expect(report.findings[0]).toMatchObject({ area: 'machine' });
  });

  it('checks checkpoints kept from where they were published against the export', async () => {
    const lines = exportOf([a, b]);
    const published = [JSON.parse(lines.find((l) => l.includes('"kind":"checkpoint"'))!).checkpoint];
    expect((await verifyExport(lines, publicKey, { published })).ok).toBe(true);

    // The same events, checkpointed anew with the right key: fine on its own, not against the published root.
    const rewritten = recordStream(typicalLifecycle.slice(0, 3), { bodyId: a[0].bodyId });
    const report = await verifyExport(exportOf([rewritten, b]), publicKey, { published });
    expect(report.ok).toBe(false);
    expect(report.findings.map((f) => f.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('Der Checkpoint 1 im Export weicht vom veröffentlichten ab')]),
    );
    expect(report.findings.find((f) => f.stream === a[0].bodyId)).toMatchObject({ area: 'checkpoint' });
  });

  describe('reads the export in passes (constant memory), with the findings of the whole-file check', () => {
    const c = recordStream(typicalLifecycle.slice(0, 3), { bodyId: 'cccccccc-0000-4000-8000-000000000000' });
    const lines = () => exportOf([a, b, c]);
    const eventOf = (all: string[], id: string) => all.findIndex((l) => l.startsWith('{"kind":"event"') && l.includes(`"id":"${id}"`));
    const bodyOf = (all: string[], id: string) => all.findIndex((l) => l.startsWith('{"kind":"body"') && l.includes(`"id":"${id}"`));
    const edit = (change: (all: string[]) => void) => () => {
      const all = lines();
      change(all);
      return all;
    };
    const inOrder: Array<[string, () => string[]]> = [
      ['untouched', lines],
      ['an event line edited', edit((all) => (all[eventOf(all, a[2].id)] = all[eventOf(all, a[2].id)].replace('2025-03-31', '2025-09-30')))],
      ['an event line removed', edit((all) => all.splice(eventOf(all, b[1].id), 1))],
      ['a body’s events all removed', edit((all) => all.splice(eventOf(all, b[0].id), 2))],
      ['a body line removed', edit((all) => all.splice(bodyOf(all, c[0].bodyId), 1))],
      ['a body line changed', edit((all) => (all[bodyOf(all, b[0].bodyId)] = all[bodyOf(all, b[0].bodyId)].replace('"version":2,', '"version":3,')))],
      ['an event line no JSON', edit((all) => (all[eventOf(all, c[1].id)] = all[eventOf(all, c[1].id)].slice(0, -2)))],
      ['two event lines of a body swapped', edit((all) => all.splice(eventOf(all, a[3].id), 2, all[eventOf(all, a[4].id)], all[eventOf(all, a[3].id)]))],
      ['a header after the end', edit((all) => all.push(all[0]))],
      ['cut off', edit((all) => all.splice(-3))],
    ];
    const outOfOrder: Array<[string, () => string[]]> = [
      ['a body’s event moved behind another body', edit((all) => all.splice(eventOf(all, c[2].id) + 1, 0, ...all.splice(eventOf(all, a[1].id), 1)))],
      ['a body line twice', edit((all) => all.splice(bodyOf(all, b[0].bodyId), 0, all[bodyOf(all, b[0].bodyId)]))],
      ['an event line written differently', edit((all) => (all[eventOf(all, b[0].id)] = JSON.stringify(JSON.parse(all[eventOf(all, b[0].id)]), null, 1).replace(/\n/g, '')))],
    ];

    it.each([...inOrder, ...outOfOrder])('%s', async (name, manipulated) => {
      const published = [JSON.parse(lines().find((l) => l.includes('"kind":"checkpoint"'))!).checkpoint];
      let opened = 0;
      const source = () => {
        opened++;
        return manipulated();
      };
      const report = await verifyExport(source, publicKey, { published });
      expect(report).toEqual(await verifyInMemory(manipulated(), publicKey, { published }));
      if (name === 'untouched') expect(report.ok).toBe(true);
      // In export order: one pass for all but events and bodies, one reader each for the events and the bodies;
      // out of it, one more read for the whole-file check.
      if (inOrder.some(([n]) => n === name)) expect(opened).toBe(3);
      else expect(opened).toBeGreaterThanOrEqual(2);
    });

    it('takes a stream that can be read only once (stdin), and a list', async () => {
      const expected = await verifyInMemory(lines(), publicKey);
      async function* once() {
        yield* lines();
      }
      expect(await verifyExport(once(), publicKey)).toEqual(expected);
      expect(await verifyExport(lines(), publicKey)).toEqual(expected);
    });
  });

  describe('after a key declared lost (GREMIENLAUF_SIGNING_KEY_LOST), as the service checks it', () => {
    // Checkpoint 1 signed with the lost key, checkpoint 2 with the new one, continuing it.
    const lost = generateKeyPairSync('ed25519');
    const lostId = (c: SignedCheckpoint) => c.keyId.slice(0, 16);
    const first = checkpointOver([a, b], lost.privateKey);
    const second = checkpointOver([a, b], privateKey, first);

    it('compares an earlier key’s checkpoint with the log and notes that its signature cannot be checked', async () => {
      const report = await verifyExport(exportOf([a, b], [first, second]), publicKey);
      expect(report).toMatchObject({ ok: true, checkpoints: { count: 2, signaturesUnchecked: [1] } });
      expect(report.findings).toEqual([
        {
          severity: 'warning',
          area: 'checkpoint',
          stream: null,
          version: null,
          message: `Checkpoint 1: mit einem früheren Schlüssel (ID ${lostId(first)}…) signiert; die Signatur ist mit dem aktuellen Schlüssel nicht prüfbar. Baumgröße, Wurzel und Köpfe werden als unsignierte Angaben mit dem Log verglichen; Checkpoint 2 unter dem aktuellen Schlüssel setzt ihn fort.`,
        },
      ]);
      const text = formatReport(report);
      expect(text).toContain(report.findings.map((f) => `Hinweis: ${f.message}`)[0]);
      expect(text.at(-1)).toBe(
        'Ergebnis: Alle Prüfungen bestanden — Hashes, Ketten, Checkpoint-Signaturen (bis auf 1 Checkpoint eines früheren Schlüssels, siehe Hinweise) und die Wiederholung jedes Gremiums stimmen.',
      );
      // Its published copy is checked against the export as well, without an error for its key.
      expect(await verifyExport(exportOf([a, b], [first, second]), publicKey, { published: [first, second] })).toMatchObject({ ok: true, published: [1, 2] });
    });

    it('still names a rewrite of what the earlier key’s checkpoint covers', async () => {
      // The forger rewrote the approval in a (every hash recomputed) and signed checkpoint 2 over the rewrite.
      const rewritten = rehash(a.map((e) => (e.version === 3 ? { ...e, data: { ...(e.data as object), approvedUntil: '2025-06-30' } } : e)));
      const resigned = checkpointOver([rewritten, b], privateKey, first);
      const report = await verifyExport(exportOf([rewritten, b], [first, resigned]), publicKey);
      expect(report.ok).toBe(false);
      expect(report.findings.filter((f) => f.severity === 'error')).toEqual([
        expect.objectContaining({ area: 'checkpoint', stream: a[0].bodyId, version: 5, message: expect.stringMatching(/^Checkpoint 1 \(mit einem früheren Schlüssel signiert\): Gremium .*, Version 5 hat nicht mehr den bezeugten Hash/) }),
        // Its root, recomputed whatever key signed it, is not what it claims either.
        expect.objectContaining({ area: 'checkpoint', stream: null, treeHead: expect.objectContaining({ sequence: 1, keyId: first.keyId }), message: expect.stringMatching(/^Checkpoint 1, signiert mit einem früheren Schlüssel/) }),
      ]);
      // Streamed or read whole, the same.
      expect(report).toEqual(await verifyInMemory(exportOf([rewritten, b], [first, resigned]), publicKey));
    });

    it('checks the earlier key’s signatures with that key where it is given', async () => {
      const lines = exportOf([a, b], [first, second]);
      const report = await verifyExport(lines, publicKey, { earlierKeys: [lost.publicKey] });
      expect(report).toMatchObject({ ok: true, checkpoints: { signaturesUnchecked: [] } });
      expect(report.findings.map((f) => [f.severity, f.message])).toEqual([
        ['warning', `Checkpoint 1: mit einem früheren Schlüssel (ID ${lostId(first)}…) signiert; die Signatur ist mit diesem Schlüssel geprüft und gültig.`],
      ]);
      expect(formatReport(report).at(-1)).toContain('Hashes, Ketten, Checkpoint-Signaturen und die Wiederholung');

      // A signature by someone else under the lost key's id: not checkable without the key, invalid with it.
      const forged = { ...first, signature: signCheckpoint(first.payload, generateKeyPairSync('ed25519').privateKey).signature };
      const withForged = exportOf([a, b], [forged, checkpointOver([a, b], privateKey, forged)]);
      expect((await verifyExport(withForged, publicKey)).ok).toBe(true);
      const checked = await verifyExport(withForged, publicKey, { earlierKeys: [lost.publicKey] });
      expect(checked.ok).toBe(false);
      expect(checked.findings.map((f) => [f.severity, f.message])).toEqual([
        ['error', `Checkpoint 1: mit einem früheren Schlüssel (ID ${lostId(first)}…) signiert; die Signatur ist mit diesem Schlüssel ungültig: der Checkpoint wurde verändert oder ersetzt.`],
      ]);
      expect(await verifyExport(withForged, publicKey, { earlierKeys: [lost.publicKey], published: [forged] })).toMatchObject({
        findings: expect.arrayContaining([expect.objectContaining({ message: expect.stringMatching(/^veröffentlicht: Checkpoint 1: .* ungültig/) })]),
      });
      expect(checked).toEqual(await verifyInMemory(withForged, publicKey, { earlierKeys: [lost.publicKey] }));
    });

    it('an earlier key given as the current one: the checkpoint after it under the other key is named, with the order of the keys', async () => {
      const report = await verifyExport(exportOf([a, b], [first, second]), lost.publicKey, { earlierKeys: [publicKey] });
      expect(report.ok).toBe(false);
      expect(report.findings.map((f) => f.message)).toEqual([
        expect.stringMatching(/^Checkpoint 2: mit einem anderen Schlüssel signiert .* Der Schlüssel ist als früherer gegeben; ein früherer Schlüssel gilt nur vor dem ersten Checkpoint unter dem aktuellen \(dem ersten --public-key\)\.$/),
        'Checkpoint 2: Die Signatur ist ungültig: der Checkpoint wurde verändert oder ersetzt.',
      ]);
    });
  });

  it('runs from the command line with exit code 0 only if all checks hold', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gremienlauf-verify-'));
    try {
      const file = join(dir, 'export.jsonl');
      const keyFile = join(dir, 'public.pem');
      writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
      writeFileSync(file, exportOf([a, b]).join('\n') + '\n');
      const out: string[] = [];
      expect(await runVerify([file, '--public-key', keyFile], (l) => out.push(l))).toBe(0);
      expect(out.at(-1)).toContain('Alle Prüfungen bestanden');

      const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
      writeFileSync(file, exportOf([a, b]).join('\n').replace('Weiterentwicklung', 'Weiterentwicklunq'));
      const failed: string[] = [];
      expect(await runVerify([file, '--public-key', der], (l) => failed.push(l))).toBe(1);
      expect(failed.join('\n')).toContain('Version 1 „Registriert“');

      expect(await runVerify([file], () => undefined)).toBe(2);

      const publishedFile = join(dir, 'published.json');
      writeFileSync(file, exportOf([a, b]).join('\n') + '\n');
      const checkpointLine = exportOf([a, b]).find((l) => l.includes('"kind":"checkpoint"'))!;
      writeFileSync(publishedFile, JSON.stringify([JSON.parse(checkpointLine).checkpoint]));
      expect(await runVerify([file, '--public-key', keyFile, '--published', publishedFile], () => undefined)).toBe(0);

      // After a key loss: the current key first, the earlier one after it.
      const lost = generateKeyPairSync('ed25519');
      const lostFile = join(dir, 'lost.pem');
      writeFileSync(lostFile, lost.publicKey.export({ type: 'spki', format: 'pem' }));
      const first = checkpointOver([a, b], lost.privateKey);
      writeFileSync(file, exportOf([a, b], [first, checkpointOver([a, b], privateKey, first)]).join('\n') + '\n');
      const both: string[] = [];
      expect(await runVerify([file, '--public-key', keyFile, '--public-key', lostFile], (l) => both.push(l))).toBe(0);
      expect(both).toContain(`Hinweis: Checkpoint 1: mit einem früheren Schlüssel (ID ${first.keyId.slice(0, 16)}…) signiert; die Signatur ist mit diesem Schlüssel geprüft und gültig.`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not claim checkpoint signatures it had none to check', async () => {
    const report = await verifyExport(exportOf([a, b], []), publicKey);
    expect(report).toMatchObject({ ok: true, counts: { checkpoint: 0 } });
    const result = formatReport(report).at(-1);
    expect(result).toBe(
      'Ergebnis: Alle Prüfungen bestanden — Hashes, Ketten und die Wiederholung jedes Gremiums stimmen. Keine Checkpoints im Export: es war keine Signatur zu prüfen.',
    );
    expect(formatReport(report)).toContain('Hinweis: Der Export enthält keine Checkpoints: ein vollständig neu berechnetes Log wäre nicht zu erkennen.');
  });

  it('takes the key as GET /api/audit/public-key answers it, and says what is missing from other JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gremienlauf-verify-'));
    try {
      const file = join(dir, 'export.jsonl');
      writeFileSync(file, exportOf([a, b]).join('\n') + '\n');
      const answerFile = join(dir, 'public-key.json');
      const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
      writeFileSync(answerFile, JSON.stringify({ algorithm: 'Ed25519', keyId: 'ab'.repeat(32), logOrigin: 'gremienlauf', noteVerifierKey: 'x', pem, spki }, null, 2));
      const out: string[] = [];
      expect(await runVerify([file, '--public-key', answerFile], (l) => out.push(l))).toBe(0);
      expect(out.at(-1)).toContain('Alle Prüfungen bestanden');

      const other = join(dir, 'other.json');
      writeFileSync(other, JSON.stringify({ key: pem }));
      const refused: string[] = [];
      expect(await runVerify([file, '--public-key', other], (l) => refused.push(l))).toBe(2);
      expect(refused).toEqual([
        `Der öffentliche Schlüssel ist nicht lesbar: Die Datei „${other}“ ist JSON, aber ohne Feld „pem“ mit dem Schlüssel als PEM-Text, wie GET /api/audit/public-key ihn nennt.`,
      ]);
      writeFileSync(other, '{"pem": ');
      const broken: string[] = [];
      expect(await runVerify([file, '--public-key', other], (l) => broken.push(l))).toBe(2);
      expect(broken[0]).toContain(`Der öffentliche Schlüssel ist nicht lesbar: Die Datei „${other}“ beginnt mit „{“, ist aber kein gültiges JSON (`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
