/**
 * The `export` and `verify` commands, run with the command context the CLI gives them, against
 * the application under test over HTTP (as `gremienlauf --url` does).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../src/cli/api';
import type { CommandContext } from '../src/cli/command';
import { exportCommand } from '../src/cli/commands/export';
import { verifyCommand } from '../src/cli/commands/verify';
import { verifyProofCommand } from '../src/cli/commands/verify-proof';
import { UsageError } from '../src/cli/errors';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { recordScenario } from './audit-scenario';
import { startTestApp, type TestApp } from './support/test-app';

describe('gremienlauf export and verify', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'gremienlauf-cli-audit-'));
  const out: string[] = [];
  const notes: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ database: 'sqlite' });
    await recordScenario(t);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The CLI's API client, sending through supertest to the application under test. */
  function client(): ApiClient {
    return new ApiClient('test', async (method, url, headers, body) => {
      const request = (method === 'POST' ? t.http.post(url) : t.http.get(url)).set(headers).buffer(true).parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => done(null, text));
      });
      const response = await (body === undefined ? request : request.send(body));
      return { status: response.status, body: response.body as string };
    });
  }

  function context(args: Record<string, string>, options: Record<string, string | boolean> = {}): CommandContext {
    out.length = 0;
    notes.length = 0;
    return {
      args,
      options,
      rest: [],
      json: false,
      env: {},
      out: { line: (text = '') => out.push(text), note: (text) => notes.push(text), result: (value, render) => out.push(render(value)) },
      api: async () => client(),
      readInput: async (path) => readFileSync(path, 'utf8'),
    };
  }

  it('exports after a fresh checkpoint, and the export verifies with the public key (exit 0)', async () => {
    const file = join(dir, 'audit.jsonl');
    expect(await exportCommand.run(context({ DATEI: file }, { checkpoint: true }))).toBeUndefined();
    expect(notes[0]).toBe('Checkpoint 1 über 9 Ereignisse geschrieben.'); // 7 body events, 2 of the decision register
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, (await t.http.get('/api/audit/public-key').expect(200)).body.pem);

    expect(await verifyCommand.run(context({ DATEI: file }, { 'public-key': keyFile }))).toBe(0);
    expect(out.join('\n')).toContain('Alle Prüfungen bestanden');

    writeFileSync(file, readFileSync(file, 'utf8').replace('"2025-03-31"', '"2025-03-30"'));
    expect(await verifyCommand.run(context({ DATEI: file }, { 'public-key': keyFile }))).toBe(1);
    expect(out.join('\n')).toMatch(/FEHLER: Gremium [0-9a-f-]+, Version 3 „Eingerichtet \(Beschluss\)“/);
  });

  it('is a usage error without a key or with an unreadable one', async () => {
    await expect(verifyCommand.run(context({ DATEI: join(dir, 'audit.jsonl') }))).rejects.toThrow(UsageError);
    await expect(verifyCommand.run(context({ DATEI: join(dir, 'audit.jsonl') }, { 'public-key': 'kein Schlüssel' }))).rejects.toThrow(
      'Der öffentliche Schlüssel ist nicht lesbar: „kein Schlüssel“ ist weder eine Datei, die es gibt, noch ein Schlüssel als PEM-Text oder Base64.',
    );
    const notAKey = join(dir, 'not-a-key.pem');
    writeFileSync(notAKey, 'kein Schlüssel\n');
    await expect(verifyCommand.run(context({ DATEI: join(dir, 'audit.jsonl') }, { 'public-key': notAKey }))).rejects.toThrow(
      `Der öffentliche Schlüssel ist nicht lesbar: die Datei „${notAKey}“ enthält keinen Schlüssel als PEM-Text, Base64 oder JSON von GET /api/audit/public-key.`,
    );
  });

  it('export writes to stdout with „-“, and names a file it cannot write with its reason, as a usage error', async () => {
    expect(await exportCommand.run(context({ DATEI: '-' }))).toBeUndefined();
    expect(out.join('\n')).toContain('"kind":"event"');
    const missing = join(dir, 'fehlt', 'audit.jsonl');
    await expect(exportCommand.run(context({ DATEI: missing }))).rejects.toThrow(
      new UsageError(`Die Datei „${missing}“ lässt sich nicht schreiben: das Verzeichnis „${join(dir, 'fehlt')}“ gibt es nicht.`),
    );
    await expect(exportCommand.run(context({ DATEI: dir }))).rejects.toThrow(`Die Datei „${dir}“ lässt sich nicht schreiben: das ist ein Verzeichnis.`);
  });

  it('verify-proof checks an inclusion proof against a published checkpoint note, and a consistency proof between two checkpoints', async () => {
    const first = (await t.http.post('/api/audit/checkpoints').expect(201)).body;
    const noteFile = join(dir, 'checkpoint.note');
    writeFileSync(noteFile, (await t.http.get('/api/audit/checkpoint').expect(200)).text);
    const events = (await t.http.get('/api/audit/export').buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => done(null, text));
    })).body as string;
    const eventId = JSON.parse(events.split('\n').find((line) => line.includes('"kind":"event"'))!).event.id;
    const proofFile = join(dir, 'inclusion.json');
    writeFileSync(proofFile, JSON.stringify((await t.http.get(`/api/audit/proof/inclusion?event=${eventId}`).expect(200)).body));
    const noteKey = (await t.http.get('/api/audit/public-key').expect(200)).body.noteVerifierKey;
    expect(await verifyProofCommand.run(context({ BEWEISDATEI: proofFile }, { 'public-key': noteKey, checkpoint: noteFile }))).toBe(0);
    expect(out.join('\n')).toContain('Ergebnis: Der Beweis gilt.');

    const forged = JSON.parse(readFileSync(proofFile, 'utf8'));
    forged.entry.event.occurredAt = '2024-01-01T00:00:00.000Z';
    forged.entry.event.hash = 'ab'.repeat(32);
    writeFileSync(proofFile, JSON.stringify(forged));
    expect(await verifyProofCommand.run(context({ BEWEISDATEI: proofFile }, { 'public-key': noteKey, checkpoint: noteFile }))).toBe(1);
    expect(out.join('\n')).toContain('Ergebnis: Der Beweis gilt NICHT.');

    const [older, newer] = [join(dir, 'old.json'), join(dir, 'new.json')];
    writeFileSync(older, JSON.stringify(first));
    await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Noch eine Projektgruppe', contacts: [] }).expect(201);
    const second = (await t.http.post('/api/audit/checkpoints').expect(201)).body;
    expect(second.payload.treeSize).toBe(first.payload.treeSize + 1);
    writeFileSync(newer, JSON.stringify(second));
    const consistencyFile = join(dir, 'consistency.json');
    const proof = (await t.http.get(`/api/audit/proof/consistency?from=${first.payload.treeSize}&to=${second.payload.treeSize}`).expect(200)).body;
    writeFileSync(consistencyFile, JSON.stringify(proof));
    const keyFile = join(dir, 'proof-key.pem');
    writeFileSync(keyFile, (await t.http.get('/api/audit/public-key').expect(200)).body.pem);
    expect(await verifyProofCommand.run(context({ BEWEISDATEI: consistencyFile }, { 'public-key': keyFile, old: older, new: newer }))).toBe(0);
    expect(await verifyProofCommand.run(context({ BEWEISDATEI: consistencyFile }, { 'public-key': keyFile, old: newer, new: older }))).toBe(1);
    await expect(verifyProofCommand.run(context({ BEWEISDATEI: keyFile }, { 'public-key': keyFile }))).rejects.toThrow(UsageError);
  });
});
