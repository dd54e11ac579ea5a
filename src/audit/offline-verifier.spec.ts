import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordStream, typicalLifecycle } from '../../test/audit-builders';
import type { EventRecord } from '../event-log/event-hash';
import { buildCheckpoint, LEAF_ORDER, signCheckpoint } from './checkpoint';
import { EXPORT_FORMAT, exportLine, type ExportLine } from './export-format';
import { CURRENT_MACHINE, machineFingerprint } from './machine-versions';
import { formatReport, verifyExport, verifyInMemory } from './offline-verifier';
import { replayRecords } from './replay';
import { runVerify } from './verify-cli';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');

function exportOf(streams: EventRecord[][]): string[] {
  const events = streams.flat();
  const checkpoint = signCheckpoint(
    buildCheckpoint(events.map((e) => ({ stream: e.bodyId, version: e.version, hash: e.hash })), { sequence: 1, createdAt: '2025-04-01T00:00:00.000Z', previous: null }),
    privateKey,
  );
  const lines: ExportLine[] = [
    { kind: 'header', format: EXPORT_FORMAT, exportedAt: '2025-04-02T00:00:00.000Z', order: LEAF_ORDER },
    { kind: 'machine', id: 'body', version: CURRENT_MACHINE.version, fingerprint: machineFingerprint(CURRENT_MACHINE), definition: CURRENT_MACHINE.definition() },
    ...events.map((event) => ({ kind: 'event' as const, event })),
    ...streams.map((records) => {
      const { snapshot } = replayRecords(records);
      return { kind: 'body' as const, id: records[0].bodyId, version: records.length, machineVersion: CURRENT_MACHINE.version, state: snapshot!.value, context: JSON.parse(JSON.stringify(snapshot!.context)) };
    }),
    { kind: 'checkpoint', checkpoint },
    { kind: 'end', counts: { machine: 1, event: events.length, auditLog: 0, body: streams.length, checkpoint: 1 } },
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

  it('names the event whose line was edited', async () => {
    const lines = exportOf([a, b]);
    const at = lines.findIndex((l) => l.includes(a[2].id) && l.includes('"kind":"event"'));
    lines[at] = lines[at].replace('2025-03-31', '2025-09-30');
    const report = await verifyExport(lines, publicKey);
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ area: 'chain', stream: a[0].bodyId, version: 3 });
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

  it('rejects checkpoints under another public key', async () => {
    const other = generateKeyPairSync('ed25519').publicKey;
    const report = await verifyExport(exportOf([a]), other);
    expect(report.findings.map((f) => f.area)).toEqual(['checkpoint', 'checkpoint']);
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
      expect(failed.join('\n')).toContain('Version 1 (Registriert)');

      expect(await runVerify([file], () => undefined)).toBe(2);

      const publishedFile = join(dir, 'published.json');
      writeFileSync(file, exportOf([a, b]).join('\n') + '\n');
      const checkpointLine = exportOf([a, b]).find((l) => l.includes('"kind":"checkpoint"'))!;
      writeFileSync(publishedFile, JSON.stringify([JSON.parse(checkpointLine).checkpoint]));
      expect(await runVerify([file, '--public-key', keyFile, '--published', publishedFile], () => undefined)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
