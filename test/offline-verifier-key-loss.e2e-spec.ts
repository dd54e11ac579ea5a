/**
 * The offline verifier after a signing key was declared lost (GREMIENLAUF_SIGNING_KEY_LOST): it
 * takes the earlier key's checkpoints as the service does — their claims (heads, root) are still
 * compared with the exported events, so a rewrite of what they cover is named, and once a
 * checkpoint under the new key continues them they are notes, not errors. Given the lost key's
 * public key as a further --public-key, it checks their signatures too. Real SQLite files, a real
 * export, the verifier run on files as `node dist/src/audit/verify-cli.js` runs it.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { databaseConfig } from '../config/configuration';
import { Database as Store } from '../src/database/database';
import { verifyExport, type OfflineReport } from '../src/audit/offline-verifier';
import { runVerify } from '../src/audit/verify-cli';
import { exportText } from './support/audit-export';
import { startTestApp, type TestApp } from './support/test-app';
import { rewriteApproval } from './support/rewrite-chain';
import { checkpointsAroundReturn, tamperedCopy, tamperingSuite } from './support/tampered-copy';

describe('the offline verifier after a key declared lost', () => {
  /** The log before the key was lost: `publicKey` is the lost key's, `published` the checkpoints signed with it as an auditor kept them. */
  const recorded = tamperingSuite(checkpointsAroundReturn);
  const { s } = recorded;
  const lostKeyId = () => recorded.published[0].keyId;
  afterAll(() => {
    delete process.env.GREMIENLAUF_SIGNING_KEY_LOST;
  });

  /**
   * A copy of the recorded database without its key file, changed by `tamper`, started with the
   * lost key declared (a new key is written), `then` run on it; its export and new public key in files.
   */
  async function afterKeyLoss(
    tamper: (db: Database.Database) => void,
    then: (app: TestApp) => Promise<unknown>,
  ): Promise<{ dir: string; exportFile: string; keyFile: string; lostKeyFile: string; publicKey: KeyObject }> {
    const { dir, file } = tamperedCopy(recorded.pristine, tamper, recorded.dirs, { withoutKey: true });
    process.env.GREMIENLAUF_SIGNING_KEY_LOST = lostKeyId();
    let app: TestApp;
    try {
      app = await startTestApp({ databaseConfig: databaseConfig(file), now: '2025-04-03T09:00:00Z' });
    } finally {
      delete process.env.GREMIENLAUF_SIGNING_KEY_LOST;
    }
    try {
      await then(app);
      const publicKey = createPublicKey((await app.http.get('/api/audit/public-key').expect(200)).body.pem);
      const exportFile = join(dir, 'audit.jsonl');
      writeFileSync(exportFile, await exportText(app));
      const keyFile = join(dir, 'key.pem');
      writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
      const lostKeyFile = join(dir, 'lost-key.pem');
      writeFileSync(lostKeyFile, recorded.publicKey.export({ type: 'spki', format: 'pem' }));
      return { dir, exportFile, keyFile, lostKeyFile, publicKey };
    } finally {
      await app.close();
    }
  }

  /** The verifier on the files, as the command line runs it: exit code and the lines it prints. */
  async function verifyFiles(args: string[]): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    const code = await runVerify(args, (line) => lines.push(line));
    return { code, lines };
  }

  const offline = async (exportFile: string, publicKey: KeyObject, options: Parameters<typeof verifyExport>[2] = {}): Promise<OfflineReport> =>
    verifyExport(readFileSync(exportFile, 'utf8').split('\n'), publicKey, options);

  const earlier = (sequence: number) =>
    `Checkpoint ${sequence}: mit einem früheren Schlüssel (ID ${lostKeyId().slice(0, 16)}…) signiert; die Signatur ist mit dem aktuellen Schlüssel nicht prüfbar. Baumgröße, Wurzel und Köpfe werden als unsignierte Angaben mit dem Log verglichen;`;

  /** The seed body's approval changed in version 3, every hash after it recomputed (test/support/rewrite-chain.ts). */
  const rewriteSeed = (db: Database.Database) => rewriteApproval(db, s.seed);

  test('before a checkpoint under the new key, the earlier ones are named as the service names them, not as changed', async () => {
    // The start wrote checkpoint 3 under the new key at once: without it, the export is one from before it.
    const { exportFile, keyFile, publicKey } = await afterKeyLoss(
      () => undefined,
      (app) => app.app.get(Store).transaction((tx) => tx.query('DELETE FROM audit_checkpoints WHERE sequence = 3')),
    );
    const report = await offline(exportFile, publicKey);
    expect(report.ok).toBe(false);
    expect(report.findings.map((f) => [f.severity, f.area, f.message.slice(0, earlier(1).length)])).toEqual([
      ['error', 'checkpoint', earlier(1)],
      ['error', 'checkpoint', earlier(2)],
    ]);
    expect(JSON.stringify(report)).not.toMatch(/verändert|ungültig/);
    expect((await verifyFiles([exportFile, '--public-key', keyFile])).code).toBe(1);
  });

  test('once a checkpoint under the new key continues them: exit 0, each earlier checkpoint a note, and the lost key’s public key checks their signatures', async () => {
    // Checkpoint 3, the start's under the new key.
    const { exportFile, keyFile, lostKeyFile, publicKey } = await afterKeyLoss(
      () => undefined,
      async () => undefined,
    );
    const report = await offline(exportFile, publicKey);
    expect(report).toMatchObject({ ok: true, checkpoints: { count: 3, signaturesUnchecked: [1, 2] } });
    expect(report.findings.map((f) => [f.severity, f.message.slice(0, earlier(1).length)])).toEqual([
      ['warning', earlier(1)],
      ['warning', earlier(2)],
    ]);
    expect(report.findings[1].message).toContain('Checkpoint 3 unter dem aktuellen Schlüssel setzt ihn fort.');

    const current = await verifyFiles([exportFile, '--public-key', keyFile]);
    expect(current.code).toBe(0);
    expect(current.lines).toContain(`Hinweis: ${report.findings[0].message}`);
    expect(current.lines.at(-1)).toContain('Checkpoint-Signaturen (bis auf 2 Checkpoints eines früheren Schlüssels, siehe Hinweise)');

    // The lost key's public key, kept from where it was published: the earlier signatures are checked.
    const both = await verifyFiles([exportFile, '--public-key', keyFile, '--public-key', lostKeyFile]);
    expect(both.code).toBe(0);
    expect(both.lines.filter((line) => line.startsWith('Hinweis: Checkpoint'))).toEqual([1, 2].map(
      (sequence) => `Hinweis: Checkpoint ${sequence}: mit einem früheren Schlüssel (ID ${lostKeyId().slice(0, 16)}…) signiert; die Signatur ist mit diesem Schlüssel geprüft und gültig.`,
    ));
    expect(both.lines.at(-1)).toContain('Hashes, Ketten, Checkpoint-Signaturen und die Wiederholung');

    // The checkpoints published before the key was lost are compared with the export, under either key setting.
    const publishedFile = join(exportFile, '..', 'published.json');
    writeFileSync(publishedFile, JSON.stringify(recorded.published));
    const compared = await verifyFiles([exportFile, '--public-key', keyFile, '--published', publishedFile]);
    expect(compared.code).toBe(0);
    expect(compared.lines).toContain('2 veröffentlichte Checkpoints geprüft (Nr. 1–2).');
    expect(compared.lines.filter((line) => line.startsWith('FEHLER'))).toEqual([]);
    expect((await verifyFiles([exportFile, '--public-key', keyFile, '--public-key', lostKeyFile, '--published', publishedFile])).code).toBe(0);
  });

  test('a body rewritten with every hash recomputed after the key changed: the earlier key’s checkpoints still name it offline', async () => {
    const { exportFile, keyFile, lostKeyFile, publicKey } = await afterKeyLoss(rewriteSeed, async (app) => {
      // The service refuses to vouch for it with a new checkpoint.
      await app.http.post('/api/audit/checkpoints').expect(422);
    });
    const report = await offline(exportFile, publicKey);
    expect(report.ok).toBe(false);
    const changed = report.findings.filter((f) => f.area === 'checkpoint' && f.stream === s.seed);
    // Checkpoint 1 names the body's head; checkpoint 2 names only the streams that moved since, and its root no longer holds.
    expect(changed.map((f) => [f.version, f.message.replace(/^(Checkpoint \d \(mit einem früheren Schlüssel signiert\): ).*(hat nicht mehr den bezeugten Hash).*$/, '$1$2')])).toEqual([
      [5, 'Checkpoint 1 (mit einem früheren Schlüssel signiert): hat nicht mehr den bezeugten Hash'],
    ]);
    expect(report.findings.filter((f) => f.area === 'checkpoint' && f.message.includes('ergeben nicht den Baumkopf')).map((f) => f.treeHead?.sequence)).toEqual([1, 2]);
    // The chains hold (every hash was recomputed), and replay reproduces the rewritten projection: only the checkpoints tell.
    expect(report.findings.filter((f) => f.severity === 'error' && f.area !== 'checkpoint')).toEqual([]);

    // With the lost key given too: the signatures hold, the rewrite is still named.
    const both = await verifyFiles([exportFile, '--public-key', keyFile, '--public-key', lostKeyFile]);
    expect(both.code).toBe(1);
    expect(both.lines.filter((line) => line.startsWith('FEHLER:') && line.includes('hat nicht mehr den bezeugten Hash'))).toHaveLength(1);
    expect(both.lines.filter((line) => line.startsWith('FEHLER:') && line.includes('ergeben nicht den Baumkopf'))).toHaveLength(2);
    expect(both.lines.join('\n')).not.toContain('ungültig');
  });
});
