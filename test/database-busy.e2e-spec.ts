/**
 * The SQLite file's write lock held by another process (a command of the CLI that writes, say)
 * beyond the time the service waits for it: the write is refused as a passing hindrance (503,
 * try again), not as „Interner Fehler“; nothing of it is written, and once the lock is free the
 * same request goes through.
 */
import BetterSqlite3 from 'better-sqlite3';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { openTestDatabase, startTestApp, type TestApp } from './support/test-app';

const BUSY =
  'Der Vorgang wurde nicht ausgeführt: die Datenbank blieb zu lange von einem anderen Vorgang belegt (etwa einem Befehl der Kommandozeile, der gerade schreibt). Bitte gleich noch einmal versuchen.';

describe('the SQLite write lock held by another process', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ database: 'sqlite' });
  });
  afterAll(() => t.close());

  it('refuses the write as busy after waiting, writes nothing of it, and takes it once the lock is free', async () => {
    const other = new BetterSqlite3((t.config.database as { file: string }).file);
    const registration = { ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' };
    try {
      other.exec('BEGIN IMMEDIATE');
      const refused = await t.http.post('/api/bodies').send(registration).expect(503);
      expect(refused.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: BUSY,
        details: null,
      });
      other.exec('ROLLBACK');
    } finally {
      other.close();
    }
    expect((await t.http.get('/api/bodies').expect(200)).body).toHaveLength(0);
    await t.http.post('/api/bodies').send(registration).expect(201);
    expect((await t.http.get('/api/bodies').expect(200)).body).toHaveLength(1);
  }, 20_000);

  it('waits as long as DATABASE_LOCK_WAIT_SECONDS says: a second where it is set to 1, five by default', async () => {
    const { config, cleanup } = await openTestDatabase('sqlite');
    const quick = await startTestApp({ databaseConfig: { ...config, waits: { lockMs: 1_000, answerMs: 2_000 } } });
    // Each app's file locked by another connection.
    const others = [quick, t].map((app) => new BetterSqlite3((app.config.database as { file: string }).file));
    try {
      for (const other of others) other.exec('BEGIN IMMEDIATE');
      const timed = async (app: TestApp) => {
        const started = Date.now();
        const refused = await app.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 44, date: '2025-02-20' }).expect(503);
        expect(refused.body.message).toBe(BUSY);
        return Date.now() - started;
      };
      const short = await timed(quick);
      const long = await timed(t);
      expect(short).toBeGreaterThanOrEqual(900);
      expect(short).toBeLessThan(4_000);
      expect(long).toBeGreaterThanOrEqual(4_900);
    } finally {
      for (const other of others) {
        other.exec('ROLLBACK');
        other.close();
      }
      await quick.close();
      cleanup();
    }
  }, 20_000);
});
