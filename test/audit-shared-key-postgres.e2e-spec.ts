/**
 * Several instances on one PostgreSQL database sign with one key. The first start records its
 * key for the database; a start with another key is refused in one German line (the key file or
 * variable, both key ids, how every instance gets the same key), before or after the first
 * checkpoint; an instance that holds another key than the database's anyway (one that got past
 * the start before the key was recorded, or one left with a key another instance declared lost)
 * writes no checkpoint and gives no verdict of its own, so GET /api/audit/verify never answers
 * one way on one instance and another way on the next. Two app instances in this process.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DatabaseConfig } from '../config/configuration';
import { CheckpointScheduler } from '../src/audit/checkpoint.scheduler';
import { SigningKeyRefusal } from '../src/audit/signing-key';
import { Database } from '../src/database/database';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { openTestDatabase, startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const onPostgres = testDatabaseKinds().includes('postgres') ? describe : describe.skip;

onPostgres('two instances on one PostgreSQL database and their signing keys', () => {
  let dir: string;
  let database: DatabaseConfig;
  const apps: TestApp[] = [];
  const saved = { ...process.env };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gremienlauf-shared-key-'));
    database = (await openTestDatabase('postgres')).config;
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    for (const name of ['GREMIENLAUF_SIGNING_KEY', 'GREMIENLAUF_SIGNING_KEY_FILE', 'GREMIENLAUF_SIGNING_KEY_LOST']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** A new Ed25519 key in a file of its own (each machine's ./data/signing-key.pem); the file name. */
  function keyFile(name: string): { file: string; pem: string } {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const file = join(dir, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, pem, { mode: 0o600 });
    return { file, pem };
  }

  /** An instance on the shared database with the key settings given (the others unset). */
  async function instance(env: { GREMIENLAUF_SIGNING_KEY_FILE?: string; GREMIENLAUF_SIGNING_KEY?: string; GREMIENLAUF_SIGNING_KEY_LOST?: string }): Promise<TestApp> {
    delete process.env.GREMIENLAUF_SIGNING_KEY;
    delete process.env.GREMIENLAUF_SIGNING_KEY_FILE;
    delete process.env.GREMIENLAUF_SIGNING_KEY_LOST;
    Object.assign(process.env, env);
    const app = await startTestApp({ databaseConfig: database, now: '2025-04-01T09:00:00Z' });
    apps.push(app);
    return app;
  }

  const refused = (start: Promise<TestApp>) =>
    start.then(
      () => {
        throw new Error('the start was not refused');
      },
      (error: Error) => error,
    );

  const keyIdOf = async (app: TestApp) => (await app.http.get('/api/audit/public-key').expect(200)).body.keyId as string;
  const register = (app: TestApp, title: string) => app.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, registeredAt: '2025-03-01' });
  const verdict = async (app: TestApp) => {
    const body = (await app.http.get('/api/audit/verify').expect(200)).body;
    return { intact: body.intact, problems: body.problems, notes: body.notes, checkpoints: body.checkpoints };
  };

  test('a second instance with a key of its own is refused at the start, before and after the first checkpoint, in one line; with the same key both give one verdict', async () => {
    const first = keyFile('a/signing-key.pem');
    const own = keyFile('b/signing-key.pem');
    const a = await instance({ GREMIENLAUF_SIGNING_KEY_FILE: first.file });
    const keyA = await keyIdOf(a);

    // No checkpoint yet: the database is bound to the first instance's key all the same.
    const early = await refused(instance({ GREMIENLAUF_SIGNING_KEY_FILE: own.file }));
    expect(early).toBeInstanceOf(SigningKeyRefusal);
    expect(early.message).not.toContain('\n');
    expect(early.message).toContain(`Der Signaturschlüssel in ${own.file} (Schlüssel-ID `);
    expect(early.message).toContain(`die Datenbank ist an die Schlüssel-ID ${keyA} gebunden`);

    await a.http.post('/api/audit/checkpoints').expect(201);
    const byFile = await refused(instance({ GREMIENLAUF_SIGNING_KEY_FILE: own.file }));
    const byVariable = await refused(instance({ GREMIENLAUF_SIGNING_KEY: own.pem }));
    for (const [error, source] of [
      [byFile, `Der Signaturschlüssel in ${own.file}`],
      [byVariable, 'Der Schlüssel aus GREMIENLAUF_SIGNING_KEY'],
    ] as const) {
      expect(error).toBeInstanceOf(SigningKeyRefusal);
      expect(error.message).not.toContain('\n');
      const ownKeyId = /\(Schlüssel-ID ([0-9a-f]{64})\)/.exec(error.message)?.[1];
      expect(ownKeyId).toMatch(/^[0-9a-f]{64}$/);
      expect(ownKeyId).not.toBe(keyA);
      expect(error.message).toMatch(
        new RegExp(`^${source} \\(Schlüssel-ID ${ownKeyId}\\) ist nicht der Schlüssel dieser Datenbank: die Checkpoints des Logs sind mit der Schlüssel-ID ${keyA} signiert \\(der neueste: Checkpoint 1\\)\\.`),
      );
      expect(error.message).toContain('dieselbe Schlüsseldatei (GREMIENLAUF_SIGNING_KEY_FILE) oder denselben Schlüssel als Text (GREMIENLAUF_SIGNING_KEY)');
    }
    expect(await a.app.get(Database).query('SELECT position, key_id FROM audit_signing_keys')).toEqual([{ position: 1, key_id: keyA }]);

    // The same key, given to the second instance as text: both sign alike and judge alike.
    const b = await instance({ GREMIENLAUF_SIGNING_KEY: first.pem });
    expect(await keyIdOf(b)).toBe(keyA);
    expect((await register(b, 'Arbeitsgruppe Register')).status).toBe(201);
    await b.http.post('/api/audit/checkpoints').expect(201);
    const [onA, onB] = [await verdict(a), await verdict(b)];
    expect(onA).toMatchObject({ intact: true, problems: [], notes: [], checkpoints: { count: 2 } });
    expect(onB).toEqual(onA);
  });

  test('an instance whose key is not the database’s (it got past the start before the key was recorded) writes no checkpoint and gives no verdict; the others’ stays intact', async () => {
    const a = await instance({ GREMIENLAUF_SIGNING_KEY_FILE: keyFile('a/signing-key.pem').file });
    const keyA = await keyIdOf(a);
    // Both start on the empty database, neither seeing the other's key: as if the record came too late.
    await a.app.get(Database).transaction((tx) => tx.query('DELETE FROM audit_signing_keys'));
    const b = await instance({ GREMIENLAUF_SIGNING_KEY_FILE: keyFile('b/signing-key.pem').file });
    const keyB = await keyIdOf(b);
    expect(keyB).not.toBe(keyA);
    expect((await register(a, 'Arbeitsgruppe Register')).status).toBe(201);

    // A is the second to record: it signs nothing, neither on request nor periodically.
    const refusal = (await a.http.post('/api/audit/checkpoints').expect(422)).body.message as string;
    expect(refusal).toBe(
      `Kein Checkpoint: Diese Instanz hält den Signaturschlüssel mit der Schlüssel-ID ${keyA}, die Datenbank ist aber an die Schlüssel-ID ${keyB} gebunden (eine andere Instanz hat mit ihm begonnen oder einen verlorenen Schlüssel durch ihn ersetzt). ` +
        `Alle Instanzen müssen mit demselben Schlüssel signieren: starten Sie diese mit dem Schlüssel ${keyB} neu (dieselbe Datei über GREMIENLAUF_SIGNING_KEY_FILE oder derselbe Schlüssel in GREMIENLAUF_SIGNING_KEY). ` +
        'Ein Checkpoint unter diesem Schlüssel ließe die Prüfung der anderen Instanzen scheitern.',
    );
    await a.app.get(CheckpointScheduler).tick();
    expect((await a.http.get('/api/audit/checkpoints').expect(200)).body).toEqual([]);

    await b.http.post('/api/audit/checkpoints').expect(201);
    expect(await verdict(b)).toMatchObject({ intact: true, problems: [], notes: [], checkpoints: { count: 1 } });
    // A cannot check B's signature: instead of a false alarm it refuses, naming both keys.
    const noVerdict = (await a.http.get('/api/audit/verify').expect(422)).body.message as string;
    expect(noVerdict).toMatch(new RegExp(`^Keine Prüfung: Diese Instanz hält den Signaturschlüssel mit der Schlüssel-ID ${keyA}, die Datenbank ist aber an die Schlüssel-ID ${keyB} gebunden`));
    await a.app.get(CheckpointScheduler).tick();
    expect((await b.http.get('/api/audit/checkpoints').expect(200)).body.map((c: { keyId: string }) => c.keyId)).toEqual([keyB]);
  });

  test('after one instance replaced the key declared lost, another still holding the old one signs nothing and gives no verdict', async () => {
    const shared = keyFile('shared/signing-key.pem');
    const a = await instance({ GREMIENLAUF_SIGNING_KEY_FILE: shared.file });
    const b = await instance({ GREMIENLAUF_SIGNING_KEY: shared.pem });
    const oldKey = await keyIdOf(a);
    expect((await register(a, 'Arbeitsgruppe Register')).status).toBe(201);
    await a.http.post('/api/audit/checkpoints').expect(201);

    // On a third machine the key file is missing; the operator declares the key lost there.
    const c = await instance({ GREMIENLAUF_SIGNING_KEY_FILE: join(dir, 'c', 'signing-key.pem'), GREMIENLAUF_SIGNING_KEY_LOST: oldKey });
    const newKey = await keyIdOf(c);
    expect(await verdict(c)).toMatchObject({ intact: true, problems: [], checkpoints: { count: 2 } });

    for (const stale of [a, b]) {
      expect((await stale.http.post('/api/audit/checkpoints').expect(422)).body.message).toContain(`die Datenbank ist aber an die Schlüssel-ID ${newKey} gebunden`);
      expect((await stale.http.get('/api/audit/verify').expect(422)).body.message).toMatch(/^Keine Prüfung: /);
    }
    expect((await c.http.get('/api/audit/checkpoints').expect(200)).body.map((x: { keyId: string }) => x.keyId)).toEqual([oldKey, newKey]);
    // Restarted, the old key is refused: the database is bound to the new one now.
    expect((await refused(instance({ GREMIENLAUF_SIGNING_KEY_FILE: shared.file }))).message).toContain(`die Checkpoints des Logs sind mit der Schlüssel-ID ${newKey} signiert (der neueste: Checkpoint 2)`);
  });
});
