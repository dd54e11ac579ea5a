/**
 * The offline verifier recomputes, from the exported events, the tree head (size and Merkle root)
 * of every checkpoint, also of those signed with a key declared lost (GREMIENLAUF_SIGNING_KEY_LOST),
 * with or without that key's public key, exported or published. A log with checkpoints under two
 * keys: 1 and 2 under the key then lost, 3 under its successor. Untouched, its export verifies;
 * with an approval rewritten that checkpoint 2 (not 1) covers, every hash after it recomputed, the
 * verifier names checkpoints 2 and 3 by their roots: which one, which key, what size, the claimed
 * and the recomputed root. Real SQLite files, a real export, the verifier run on files as
 * `gremienlauf verify` runs it.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { databaseConfig } from '../config/configuration';
import type { SignedCheckpoint } from '../src/audit/checkpoint';
import { runVerify } from '../src/audit/verify-cli';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { exportText } from './support/audit-export';
import { rewriteApproval } from './support/rewrite-chain';
import { tamperedCopy } from './support/tampered-copy';
import { startTestApp, type TestApp } from './support/test-app';

describe('the offline verifier recomputes the roots of a lost key’s checkpoints', () => {
  let pristine: string;
  /** The same log after the key was declared lost, with checkpoint 3 under the new key. */
  let afterLoss: string;
  let seed: string;
  let lostKeyId: string;
  let currentKeyId: string;
  /** Checkpoints 1 and 2 as an auditor kept them from where they were published, before the key was lost. */
  let published: SignedCheckpoint[];
  const dirs: string[] = [];

  beforeAll(async () => {
    const t = await startTestApp({ database: 'sqlite' });
    const ok = async (response: Promise<{ status: number; body: any }>, status = 200) => {
      const r = await response;
      if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const send = (id: string, body: object) => ok(t.http.post(`/api/bodies/${id}/events`).send(body));
    const decision = (number: string, date: string, effects: object[]) =>
      ok(t.http.post('/api/decisions').send({ number, issuer: 'AL-Runde', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects }), 201);

    t.clock.set('2024-06-03T10:00:00Z');
    seed = (await ok(t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }), 201)).id;
    t.clock.set('2024-06-05T10:00:00Z');
    await send(seed, { type: 'submitted', occurredAt: '2024-06-05' });
    // Checkpoint 1: registered and submitted.
    await ok(t.http.post('/api/audit/checkpoints'), 201);
    t.clock.set('2024-06-14T09:00:00Z');
    await decision('2024/09', '2024-06-13', [{ body: seed, effect: 'approved', data: { approvedUntil: '2025-03-31' } }]);
    await send(seed, { type: 'approved', decision: '2024/09-AL', data: { approvedUntil: '2025-03-31' } });
    t.clock.set('2024-07-01T08:00:00Z');
    await send(seed, { type: 'started', occurredAt: '2024-06-17' });
    t.clock.set('2024-11-12T09:00:00Z');
    await decision('2024/30', '2024-11-11', [{ body: seed, effect: 'extended', data: { approvedUntil: '2025-12-31' } }]);
    await send(seed, { type: 'extended', decision: '2024/30-AL', data: { approvedUntil: '2025-12-31' } });
    // Checkpoint 2: the approval (version 3) and what followed.
    await ok(t.http.post('/api/audit/checkpoints'), 201);
    published = await ok(t.http.get('/api/audit/checkpoints'));
    await t.app.close();
    pristine = join((t.config.database as { file: string }).file, '..');
    lostKeyId = published[0].keyId;

    // The key file lost: declared so, the service starts with a new key and at once signs checkpoint 3 with it.
    const { dir, file } = tamperedCopy(pristine, () => undefined, dirs, { withoutKey: true });
    process.env.GREMIENLAUF_SIGNING_KEY_LOST = lostKeyId;
    let app: TestApp;
    try {
      app = await startTestApp({ databaseConfig: databaseConfig(file), now: '2025-04-01T09:00:00Z' });
    } finally {
      delete process.env.GREMIENLAUF_SIGNING_KEY_LOST;
    }
    try {
      await ok(app.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Kooperationsgruppe Datennutzung', kind: 'Kooperationsgruppe', registeredAt: '2025-04-01' }), 201);
      currentKeyId = (await ok(app.http.get('/api/audit/public-key'))).keyId;
    } finally {
      await app.close();
    }
    afterLoss = dir;
    // The lost key's public key, as it was published before the loss.
    writeFileSync(join(afterLoss, 'lost-key.pem'), createPublicKey(createPrivateKey(readFileSync(join(pristine, 'signing-key.pem'), 'utf8'))).export({ type: 'spki', format: 'pem' }));
  }, 60_000);
  afterAll(() => {
    for (const dir of [...dirs, pristine]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of the log after the loss, changed by `tamper`, exported by the service; the files the verifier takes. */
  async function exported(tamper: (db: Database.Database) => void): Promise<{ exportFile: string; keyFile: string; lostKeyFile: string; publishedFile: string }> {
    const { dir, file } = tamperedCopy(afterLoss, tamper, dirs);
    const app = await startTestApp({ databaseConfig: databaseConfig(file), now: '2025-04-02T09:00:00Z' });
    try {
      const exportFile = join(dir, 'audit.jsonl');
      writeFileSync(exportFile, await exportText(app));
      const keyFile = join(dir, 'key.pem');
      writeFileSync(keyFile, createPublicKey((await app.http.get('/api/audit/public-key').expect(200)).body.pem).export({ type: 'spki', format: 'pem' }));
      const publishedFile = join(dir, 'published.json');
      writeFileSync(publishedFile, JSON.stringify(published));
      return { exportFile, keyFile, lostKeyFile: join(dir, 'lost-key.pem'), publishedFile };
    } finally {
      await app.close();
    }
  }

  /** The verifier on the files, as the command line runs it: exit code and the lines it prints. */
  async function verify(args: string[]): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    const code = await runVerify(args, (line) => lines.push(line));
    return { code, lines };
  }

  const rootErrors = (lines: string[]) => lines.filter((line) => /^FEHLER: (veröffentlicht: )?Checkpoint \d+, signiert mit /.test(line));

  test('an untouched export verifies, every checkpoint’s root recomputed whatever key signed it', async () => {
    const { exportFile, keyFile, lostKeyFile, publishedFile } = await exported(() => undefined);
    const recomputed = 'Baumköpfe (Größe und Merkle-Wurzel) aus den exportierten Ereignissen nachgerechnet für Checkpoint Nr. 1–3, gleich mit welchem Schlüssel signiert.';
    for (const args of [
      [exportFile, '--public-key', keyFile],
      [exportFile, '--public-key', keyFile, '--public-key', lostKeyFile],
      [exportFile, '--public-key', keyFile, '--public-key', lostKeyFile, '--published', publishedFile],
    ]) {
      const { code, lines } = await verify(args);
      expect([code, lines.filter((line) => line.startsWith('FEHLER'))]).toEqual([0, []]);
      expect(lines).toContain(recomputed);
    }
  });

  test('an approval rewritten under checkpoint 2 (the lost key’s), every hash after it recomputed: checkpoints 2 and 3 are named by their roots, 1 is not', async () => {
    const { exportFile, keyFile, lostKeyFile, publishedFile } = await exported((db) => rewriteApproval(db, seed));
    const [, second] = published;
    const lost = `einem früheren Schlüssel (ID ${lostKeyId.slice(0, 16)}…)`;
    const current = `dem aktuellen Schlüssel (ID ${currentKeyId.slice(0, 16)}…)`;
    const claimed = (checkpoint: SignedCheckpoint) =>
      `Die Ereignisse des Logs ergeben nicht den Baumkopf, den er bezeugt. Bezeugt: ${checkpoint.payload.treeSize} Einträge, Merkle-Wurzel ${checkpoint.payload.rootHash}; nachgerechnet: ${checkpoint.payload.treeSize} Einträge, aber eine andere Merkle-Wurzel.`;

    // Without the lost key's public key: the root check needs none.
    const alone = await verify([exportFile, '--public-key', keyFile]);
    expect(alone.code).toBe(1);
    const errors = rootErrors(alone.lines);
    expect(errors.map((line) => line.slice(0, line.indexOf(':', 'FEHLER: '.length)))).toEqual([`FEHLER: Checkpoint 2, signiert mit ${lost}`, `FEHLER: Checkpoint 3, signiert mit ${current}`]);
    expect(errors[0]).toContain(claimed(second));

    // With it: its signatures hold, and the roots are named all the same.
    const both = await verify([exportFile, '--public-key', keyFile, '--public-key', lostKeyFile]);
    expect(both.code).toBe(1);
    expect(rootErrors(both.lines)).toEqual(errors);
    expect(both.lines).toContain(`Hinweis: Checkpoint 2: mit ${lost} signiert; die Signatur ist mit diesem Schlüssel geprüft und gültig.`);

    // The published copies: checkpoint 2's root, claimed where it was published, is recomputed too.
    const compared = await verify([exportFile, '--public-key', keyFile, '--published', publishedFile]);
    expect(compared.code).toBe(1);
    expect(rootErrors(compared.lines)).toEqual([...errors, `FEHLER: veröffentlicht: ${errors[0].slice('FEHLER: '.length)}`]);
  });
});
