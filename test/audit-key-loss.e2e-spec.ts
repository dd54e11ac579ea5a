/**
 * The signing key file lost while the log holds checkpoints signed with it: the start is refused
 * with one German line (the file, the key id the checkpoints name, what to do), no new key is
 * written; only GREMIENLAUF_SIGNING_KEY_LOST naming that key id starts with a new key, and that
 * start writes a checkpoint under it that continues the earlier ones. Those are named as signed
 * with an earlier key (not as changed), their heads and roots are still compared with the log as
 * unsigned claims (a rewrite is named, and then no checkpoint continues them). Real SQLite files; the tampering is made in the file.
 */
import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { databaseConfig } from '../config/configuration';
import { signCheckpoint, type CheckpointPayload } from '../src/audit/checkpoint';
import { CheckpointScheduler } from '../src/audit/checkpoint.scheduler';
import { recordScenario, type Scenario } from './audit-scenario';
import { startTestApp, type TestApp } from './support/test-app';
import { rewriteApproval } from './support/rewrite-chain';
import { tamperedCopy } from './support/tampered-copy';
import type { VerifyProblem } from '../src/audit/audit-answers';

type Problem = VerifyProblem;

describe('a lost signing key', () => {
  let pristine: string;
  let s: Scenario;
  let oldKeyId: string;
  let contactStream: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    const t = await startTestApp({ database: 'sqlite' });
    s = await recordScenario(t);
    // A contact's own chain, covered by the checkpoints like every other.
    await t.http.patch(`/api/contacts/${s.contactIds[0]}`).send({ phone: '+49 30 1234', reason: 'Durchwahl' }).expect(200);
    contactStream = `contact:${s.contactIds[0]}`;
    await t.http.post('/api/audit/checkpoints').expect(201);
    t.clock.set('2025-04-02T09:00:00Z');
    await t.http.post(`/api/bodies/${s.other}/events`).send({ type: 'returnedForRevision', data: { reason: 'Ziele schärfen' } }).expect(200);
    await t.http.post('/api/audit/checkpoints').expect(201);
    oldKeyId = (await t.http.get('/api/audit/public-key').expect(200)).body.keyId;
    await t.app.close();
    pristine = join((t.config.database as { file: string }).file, '..');
  }, 30_000);
  afterAll(() => {
    delete process.env.GREMIENLAUF_SIGNING_KEY_LOST;
    for (const dir of [...dirs, pristine]) rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of the recorded database without its key file, changed by `tamper`. */
  function withoutKey(tamper: (db: Database.Database) => void = () => undefined): { dir: string; file: string } {
    return tamperedCopy(pristine, tamper, dirs, { withoutKey: true });
  }

  /** Starts on the file with GREMIENLAUF_SIGNING_KEY_LOST set to `lost` (unset: undefined). */
  async function start(file: string, lost?: string): Promise<TestApp> {
    if (lost === undefined) delete process.env.GREMIENLAUF_SIGNING_KEY_LOST;
    else process.env.GREMIENLAUF_SIGNING_KEY_LOST = lost;
    try {
      return await startTestApp({ databaseConfig: databaseConfig(file), now: '2025-04-03T09:00:00Z' });
    } finally {
      delete process.env.GREMIENLAUF_SIGNING_KEY_LOST;
    }
  }

  /** The seed body's approval changed in version 3, every hash after it recomputed (test/support/rewrite-chain.ts). */
  const rewriteSeed = (db: Database.Database) => rewriteApproval(db, s.seed);

  test('a start without the key file is refused in one German line naming the file, the key id and what to do; no key is written', async () => {
    const { dir, file } = withoutKey();
    const refusal = await start(file).then(
      async (app) => {
        await app.close();
        return null;
      },
      (error: Error) => error,
    );
    expect(refusal).toBeInstanceOf(Error);
    const message = refusal!.message;
    expect(message).not.toContain('\n');
    expect(message).toContain(join(dir, 'signing-key.pem'));
    expect(message).toContain(oldKeyId);
    expect(message).toContain('2 Checkpoints');
    expect(message).toContain('aus der Sicherung');
    expect(message).toContain(`GREMIENLAUF_SIGNING_KEY_LOST=${oldKeyId}`);
    expect(existsSync(join(dir, 'signing-key.pem'))).toBe(false);
  });

  test('GREMIENLAUF_SIGNING_KEY_LOST naming another key id is refused too, naming both', async () => {
    const { dir, file } = withoutKey();
    const other = 'ab'.repeat(32);
    await expect(start(file, other)).rejects.toThrow(new RegExp(`GREMIENLAUF_SIGNING_KEY_LOST nennt ${other.slice(0, 16)}.*${oldKeyId}`));
    await expect(start(file, 'verloren')).rejects.toThrow('GREMIENLAUF_SIGNING_KEY_LOST');
    expect(existsSync(join(dir, 'signing-key.pem'))).toBe(false);
  });

  test('with the lost key named, a new key is written and the start continues the earlier checkpoints under it: verify is intact at once, naming them as notes', async () => {
    const { dir, file } = withoutKey();
    const app = await start(file, oldKeyId.slice(0, 16));
    try {
      expect(readFileSync(join(dir, 'signing-key.pem'), 'utf8')).toContain('BEGIN PRIVATE KEY');
      const newKeyId = (await app.http.get('/api/audit/public-key').expect(200)).body.keyId;
      expect(newKeyId).not.toBe(oldKeyId);

      // The start wrote checkpoint 3 under the new key over the unchanged log: it continues the
      // earlier ones (log order and `previous`), which verify names as notes, not as changed.
      const lead = (sequence: number) =>
        `Checkpoint ${sequence}: mit einem früheren Schlüssel (ID ${oldKeyId.slice(0, 16)}…) signiert; die Signatur ist mit dem aktuellen Schlüssel nicht prüfbar. Baumgröße, Wurzel und Köpfe werden als unsignierte Angaben mit dem Log verglichen;`;
      const [, second, third] = (await app.http.get('/api/audit/checkpoints').expect(200)).body;
      expect(third).toMatchObject({ keyId: newKeyId, payload: { sequence: 3, previous: expect.any(String), treeSize: second.payload.treeSize } });
      const verified = (await app.http.get('/api/audit/verify').expect(200)).body;
      expect(verified).toMatchObject({ intact: true, problems: [], checkpoints: { count: 3, uncoveredEvents: 0 } });
      expect(verified.notes.map((n: Problem) => [n.kind, n.message.slice(0, lead(1).length)])).toEqual([
        ['earlierKey', lead(1)],
        ['earlierKey', lead(2)],
      ]);
      expect(verified.notes[1].message).toContain('Checkpoint 3 unter dem aktuellen Schlüssel setzt ihn fort.');
      expect(JSON.stringify(verified)).not.toContain('verändert');

      // The next checkpoints follow under the new key, with a proof across the replacement.
      await app.http.post(`/api/bodies/${s.other}/events`).send({ type: 'submitted' }).expect(200);
      const fourth = (await app.http.post('/api/audit/checkpoints').expect(201)).body;
      expect(fourth).toMatchObject({ keyId: newKeyId, payload: { sequence: 4 } });
      expect(fourth.payload.treeSize).toBe(second.payload.treeSize + 1);
      expect((await app.http.get('/api/audit/verify').expect(200)).body).toMatchObject({ intact: true, problems: [], checkpoints: { count: 4, uncoveredEvents: 0 } });
      await app.http.get('/api/audit/proof/consistency').query({ from: second.payload.treeSize, to: fourth.payload.treeSize }).expect(200);
    } finally {
      await app.close();
    }
    // The new key is in the file now: the next start takes it, the setting no longer matters.
    const again = await start(file);
    try {
      expect((await again.http.get('/api/audit/verify').expect(200)).body).toMatchObject({ intact: true, problems: [] });
    } finally {
      await again.close();
    }
  });

  test('after the key changed, an event rewritten with recomputed hashes is still named by the earlier checkpoints, and no checkpoint vouches for it', async () => {
    const { file } = withoutKey(rewriteSeed);
    const app = await start(file, oldKeyId);
    try {
      const verified = (await app.http.get('/api/audit/verify').expect(200)).body;
      expect(verified.intact).toBe(false);
      expect(verified.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ area: 'checkpoint', kind: 'headChanged', stream: s.seed, version: 5 }),
        ]),
      );
      expect(verified.problems.find((p: Problem) => p.kind === 'headChanged').message).toMatch(/^Checkpoint 1 \(mit einem früheren Schlüssel signiert\): Gremium .*, Version 5 hat nicht mehr den bezeugten Hash/);
      expect(verified.problems.map((p: Problem) => p.kind)).not.toContain('signature');
      expect(verified.problems.map((p: Problem) => p.kind)).toContain('earlierKey');
      const refused = (await app.http.post('/api/audit/checkpoints').expect(422)).body;
      expect(refused.message).toContain('hat nicht mehr den bezeugten Hash');
      // Nor did the start write one under the new key.
      expect((await app.http.get('/api/audit/checkpoints').expect(200)).body).toHaveLength(2);
    } finally {
      await app.close();
    }
  });

  test('after the key changed, a contact’s whole correction chain deleted is named by the earlier checkpoints', async () => {
    const { file } = withoutKey((db) => {
      expect(db.prepare('DELETE FROM contact_events WHERE stream = ?').run(contactStream).changes).toBe(1);
    });
    const app = await start(file, oldKeyId);
    try {
      const verified = (await app.http.get('/api/audit/verify').expect(200)).body;
      expect(verified.intact).toBe(false);
      expect(verified.problems).toEqual(
        expect.arrayContaining([expect.objectContaining({ area: 'checkpoint', kind: 'truncated', stream: contactStream, version: 1 })]),
      );
      expect(verified.problems.find((p: Problem) => p.kind === 'truncated').message).toContain('der ganze Strom fehlt');
      await app.http.post('/api/audit/checkpoints').expect(422);
    } finally {
      await app.close();
    }
  });

  test('the first checkpoint under the new key is written at the start even where the log has not grown; the periodic one adds none', async () => {
    const { file } = withoutKey();
    const app = await start(file, oldKeyId);
    try {
      const scheduler = app.app.get(CheckpointScheduler);
      await scheduler.tick();
      await scheduler.tick();
      const checkpoints = (await app.http.get('/api/audit/checkpoints').expect(200)).body;
      expect(checkpoints.map((c: { payload: { sequence: number } }) => c.payload.sequence)).toEqual([1, 2, 3]);
      expect(checkpoints[2].payload.treeSize).toBe(checkpoints[1].payload.treeSize);
      expect((await app.http.get('/api/audit/verify').expect(200)).body).toMatchObject({ intact: true, problems: [] });
    } finally {
      await app.close();
    }
  });

  test('a checkpoint signed with another key after one signed with the current key is no earlier key: key and signature are named', async () => {
    const { file } = withoutKey();
    const app = await start(file, oldKeyId);
    try {
      // Checkpoint 3, under the current key, the start wrote.
      await app.http.post(`/api/bodies/${s.other}/events`).send({ type: 'submitted' }).expect(200);
      await app.http.post('/api/audit/checkpoints').expect(201);
    } finally {
      await app.app.close();
    }
    // Checkpoint 4 re-signed with the lost key (found again, say): it follows one under the current key, so it is no earlier key's.
    const lost = createPrivateKey(readFileSync(join(pristine, 'signing-key.pem'), 'utf8'));
    const db = new Database(file);
    const row = db.prepare('SELECT payload FROM audit_checkpoints WHERE sequence = 4').get() as { payload: string };
    const resigned = signCheckpoint(JSON.parse(row.payload) as CheckpointPayload, lost);
    expect(resigned.keyId).toBe(oldKeyId);
    db.prepare('UPDATE audit_checkpoints SET signature = ?, key_id = ? WHERE sequence = 4').run(resigned.signature, resigned.keyId);
    db.close();
    const again = await start(file);
    try {
      const verified = (await again.http.get('/api/audit/verify').expect(200)).body;
      expect(verified.problems.map((p: Problem) => [p.kind, p.message.slice(0, 13)])).toEqual([
        ['key', 'Checkpoint 4:'],
        ['signature', 'Checkpoint 4:'],
      ]);
      expect(verified.notes).toHaveLength(2);
    } finally {
      await again.app.close();
    }
  });
});
