/**
 * An instance keeps the API tokens it verified (VerifiedTokens) instead of looking each one up
 * with its user on every request. A revocation still takes effect at once — on the instance
 * that revoked it and on another one on the same database — and so does disabling a user; a
 * change to a user made behind the service's back shows within VERIFIED_TOKEN_LIFETIME_MS.
 */
import { VERIFIED_TOKEN_LIFETIME_MS } from '../src/auth/verified-tokens';
import { Database } from '../src/database/database';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('verified API tokens with two instances on one %s database', (kind) => {
  let first: TestApp;
  let second: TestApp;

  beforeEach(async () => {
    first = await startTestApp({ database: kind });
    second = await startTestApp({ databaseConfig: first.config.database });
  });

  afterEach(async () => {
    await second.close();
    await first.close();
  });

  /** A reader with a fresh API token, already verified by both instances. */
  async function readerKnownToBoth() {
    const admin = await first.user('admin', { username: 'verwaltung' });
    await admin.http.post('/api/users').send({ username: 'leser', role: 'reader' }).expect(201);
    const issued = (await admin.http.post('/api/users/leser/tokens').send({}).expect(201)).body as { id: string; token: string };
    for (const instance of [first, second]) {
      expect((await instance.as(issued.token).get('/api/auth/me').expect(200)).body).toMatchObject({ username: 'leser', role: 'reader' });
    }
    return { admin, issued };
  }

  test('a token revoked on one instance is refused at once by both', async () => {
    const { admin, issued } = await readerKnownToBoth();
    await admin.http.delete(`/api/tokens/${issued.id}`).expect(200);
    await first.as(issued.token).get('/api/auth/me').expect(401);
    await second.as(issued.token).get('/api/auth/me').expect(401);
  });

  test('requests whose tokens are checked together each get their own answer: the revoked token is refused, the others pass', async () => {
    const { admin, issued } = await readerKnownToBoth();
    await admin.http.delete(`/api/tokens/${issued.id}`).expect(200);
    for (const instance of [first, second]) {
      const answers = await Promise.all([
        instance.as(issued.token).get('/api/auth/me'),
        instance.http.get('/api/auth/me'),
        instance.as(issued.token).get('/api/auth/me'),
        admin.http.get('/api/auth/me'),
      ]);
      expect(answers.map((answer) => answer.status)).toEqual([401, 200, 401, 200]);
    }
  });

  test('the token of a user disabled on one instance is refused at once by both', async () => {
    const { admin, issued } = await readerKnownToBoth();
    await admin.http.post('/api/users/leser/disable').expect(200);
    await second.as(issued.token).get('/api/auth/me').expect(401);
    await first.as(issued.token).get('/api/auth/me').expect(401);
  });

  test('a role changed in the database behind the service shows once the verified token is older than the bound', async () => {
    const { issued } = await readerKnownToBoth();
    await first.app.get(Database).query("UPDATE users SET role = 'auditor' WHERE username = 'leser'");
    const roleOn = async (instance: TestApp) => (await instance.as(issued.token).get('/api/auth/me').expect(200)).body.role as string;
    second.clock.advance(VERIFIED_TOKEN_LIFETIME_MS - 1);
    expect(await roleOn(second)).toBe('reader');
    second.clock.advance(1);
    expect(await roleOn(second)).toBe('auditor');
  });

  test('a clock set back does not stretch the bound: the token is looked up again', async () => {
    const { issued } = await readerKnownToBoth();
    await first.app.get(Database).query("UPDATE users SET role = 'auditor' WHERE username = 'leser'");
    second.clock.advance(-60_000);
    expect((await second.as(issued.token).get('/api/auth/me').expect(200)).body.role).toBe('auditor');
  });
});
