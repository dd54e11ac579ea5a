/**
 * Authentication and hardening over HTTP: the bootstrap token, API tokens (hashed, revocable),
 * password login with a session cookie, the login limit, security headers, the body limit and
 * the security log; and the CLI that creates the first admin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseConfig, DEFAULT_AUTH, type AuthConfig } from '../config/configuration';
import { runCli } from '../src/cli/cli';
import { Database } from '../src/database/database';
import { startTestApp, testDatabaseKinds, TEST_SECRETARIAT_TOKEN, type TestApp } from './support/test-app';

const auth = (overrides: Partial<AuthConfig> = {}): AuthConfig => ({ ...DEFAULT_AUTH, bootstrapToken: TEST_SECRETARIAT_TOKEN, ...overrides });
const PASSWORD = 'korrekt-pferd-batterie';

describe.each(testDatabaseKinds())('authentication on %s', (database) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ database, config: { auth: auth({ loginMaxAttempts: 3, loginWindowSeconds: 600 }) } });
    await t.user('auditor', { username: 'pruefer', password: PASSWORD });
  });
  afterAll(() => t.close());

  const users = async () => (await t.app.get(Database).query<Record<string, unknown>>('SELECT * FROM users ORDER BY username')) as Array<Record<string, string>>;

  test('the bootstrap token made the secretariat user geschaeftsstelle, and is stored only as its SHA-256', async () => {
    expect((await users()).map((u) => [u.username, u.role])).toEqual([
      ['geschaeftsstelle', 'secretariat'],
      ['pruefer', 'auditor'],
    ]);
    const me = await t.http.get('/api/auth/me').expect(200);
    expect(me.body).toEqual({ username: 'geschaeftsstelle', role: 'secretariat', roleLabel: 'Geschäftsstelle', contactId: null, via: 'token' });
    const dump = JSON.stringify(await t.app.get(Database).query('SELECT * FROM api_tokens'));
    expect(dump).not.toContain(TEST_SECRETARIAT_TOKEN);
    expect(dump).toContain('"token_hash":"');
  });

  test('an API token is shown once, works as Bearer, and stops working when revoked or its user disabled', async () => {
    const admin = await t.user('admin', { username: 'verwaltung' });
    await admin.http.post('/api/users').send({ username: 'leser', role: 'reader' }).expect(201);
    const issued = (await admin.http.post('/api/users/leser/tokens').send({ label: 'Dashboard' }).expect(201)).body;
    expect(issued).toMatchObject({ username: 'leser', label: 'Dashboard', token: expect.stringMatching(/^glf_[A-Za-z0-9_-]{43}$/) });
    const listed = (await admin.http.get('/api/users/leser/tokens').expect(200)).body;
    expect(JSON.stringify(listed)).not.toContain(issued.token);

    await t.as(issued.token).get('/api/bodies').expect(200);
    await admin.http.delete(`/api/tokens/${issued.id}`).expect(200);
    await t.as(issued.token).get('/api/bodies').expect(401);

    const second = (await admin.http.post('/api/users/leser/tokens').send({}).expect(201)).body;
    await t.as(second.token).get('/api/bodies').expect(200);
    await admin.http.post('/api/users/leser/disable').expect(200);
    await t.as(second.token).get('/api/bodies').expect(401);
    await admin.http.post('/api/users/leser/tokens').send({}).expect(400);
  });

  test('a missing, malformed or unknown credential is a 401 in the one error shape', async () => {
    for (const header of [undefined, 'Bearer', 'Basic Z2VzY2g6cHc=', `Bearer ${'x'.repeat(43)}`, `bearer ${TEST_SECRETARIAT_TOKEN}`]) {
      const request = t.anonymous.get('/api/bodies');
      const response = await (header === undefined ? request : request.set('Authorization', header)).expect(401);
      expect(response.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Anmeldung erforderlich.', details: null });
    }
  });

  test('users are validated: a lead needs an existing contact, names are unique, passwords long enough', async () => {
    const admin = await t.user('admin', { username: 'verwaltung-2' });
    const missing = await admin.http.post('/api/users').send({ username: 'fuehrung', role: 'lead', contactId: '00000000-0000-4000-8000-000000000000' }).expect(400);
    expect(missing.body.details).toEqual([{ path: 'contactId', message: expect.stringContaining('keine Ansprechperson') }]);
    await admin.http.post('/api/users').send({ username: 'fuehrung', role: 'lead' }).expect(400);
    await admin.http.post('/api/users').send({ username: 'pruefer', role: 'reader' }).expect(409);
    await admin.http.post('/api/users').send({ username: 'kurz', role: 'reader', password: 'kurz' }).expect(400);
    const blanks = await admin.http.post('/api/users').send({ username: 'leer', role: 'reader', password: ' '.repeat(16) }).expect(400);
    expect(blanks.body.details).toEqual([{ path: 'password', message: 'Das Passwort darf nicht nur aus Leerzeichen bestehen.' }]);
    await admin.http.post('/api/users').send({ username: 'system', role: 'scheduler' }).expect(400);
  });

  describe('password login for the web UI', () => {
    test('a wrong password or an unknown user is the same 401; the right one sets an httpOnly SameSite=Lax session cookie', async () => {
      const wrong = await t.anonymous.post('/api/auth/login').send({ username: 'pruefer', password: 'falsch-falsch-falsch' }).expect(401);
      const unknown = await t.anonymous.post('/api/auth/login').send({ username: 'niemand', password: PASSWORD }).expect(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body.message).toBe('Benutzername oder Passwort ist falsch.');

      const ok = await t.anonymous.post('/api/auth/login').send({ username: 'pruefer', password: PASSWORD }).expect(200);
      expect(ok.body).toMatchObject({ username: 'pruefer', role: 'auditor' });
      const cookie = String(ok.headers['set-cookie']);
      expect(cookie).toMatch(/^gremienlauf_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
      const session = cookie.split(';')[0];
      expect(JSON.stringify(await t.app.get(Database).query('SELECT * FROM auth_sessions'))).not.toContain(session.split('=')[1]);

      await t.anonymous.get('/api/audit/verify').set('Cookie', session).expect(200);
      await t.anonymous.post('/api/decisions').set('Cookie', session).send({}).expect(403);
      await t.anonymous.post('/api/auth/logout').set('Cookie', session).expect(200);
      await t.anonymous.get('/api/audit/verify').set('Cookie', session).expect(401);
    });

    test('a new password ends the sessions opened with the old one', async () => {
      t.clock.advance(DEFAULT_AUTH.loginWindowSeconds * 1000);
      const admin = await t.user('admin', { username: 'verwaltung-3' });
      await t.user('reader', { username: 'wechsel', password: PASSWORD });
      const ok = await t.anonymous.post('/api/auth/login').send({ username: 'wechsel', password: PASSWORD }).expect(200);
      const session = String(ok.headers['set-cookie']).split(';')[0];
      await t.anonymous.get('/api/auth/me').set('Cookie', session).expect(200);
      await admin.http.put('/api/users/wechsel/password').send({ password: 'ein-ganz-neues-passwort' }).expect(200);
      await t.anonymous.get('/api/auth/me').set('Cookie', session).expect(401);
      await t.anonymous.post('/api/auth/login').send({ username: 'wechsel', password: PASSWORD }).expect(401);
      await t.anonymous.post('/api/auth/login').send({ username: 'wechsel', password: 'ein-ganz-neues-passwort' }).expect(200);
    });

    test('a session ends after the idle time, and a write with the cookie from another site is refused', async () => {
      t.clock.advance(DEFAULT_AUTH.loginWindowSeconds * 1000);
      const ok = await t.anonymous.post('/api/auth/login').send({ username: 'pruefer', password: PASSWORD }).expect(200);
      const session = String(ok.headers['set-cookie']).split(';')[0];
      await t.anonymous.post('/api/auth/logout').set('Cookie', session).set('Origin', 'https://boese.example').expect(403);
      await t.anonymous.post('/api/auth/logout').set('Cookie', session).set('Sec-Fetch-Site', 'cross-site').expect(403);
      t.clock.advance(30 * 60_000);
      await t.anonymous.get('/api/auth/me').set('Cookie', session).expect(200);
      t.clock.advance(DEFAULT_AUTH.sessionIdleMinutes * 60_000);
      await t.anonymous.get('/api/auth/me').set('Cookie', session).expect(401);
    });

    test('login attempts are limited per address and user name: 429 with Retry-After, open again after the window', async () => {
      const attempt = () => t.anonymous.post('/api/auth/login').set('X-Forwarded-For', '203.0.113.9').send({ username: 'pruefer', password: 'geraten-geraten' });
      t.clock.advance(3_600_000);
      for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
      const limited = await attempt().expect(429);
      expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Even the right password waits: the limit stands before the check.
      await t.anonymous.post('/api/auth/login').send({ username: 'pruefer', password: PASSWORD }).expect(429);
      t.clock.advance(600_000);
      await t.anonymous.post('/api/auth/login').send({ username: 'pruefer', password: PASSWORD }).expect(200);
    });
  });

  test('the login limit counts failures only: many correct sign-ins from one address are never held up', async () => {
    t.clock.advance(3_600_000);
    for (let i = 0; i < 12; i++) {
      await t.anonymous.post('/api/auth/login').set('X-Forwarded-For', '203.0.113.10').send({ username: 'pruefer', password: PASSWORD }).expect(200);
    }
  }, 60_000);

  test('the login limit holds per user name across addresses, and per address across user names', async () => {
    const proxied = await startTestApp({ database, config: { auth: auth({ loginMaxAttempts: 3, loginWindowSeconds: 600, trustProxy: true }) } });
    try {
      await proxied.user('auditor', { username: 'pruefer', password: PASSWORD });
      const login = (username: string, ip: string, password = 'geraten-geraten') =>
        proxied.anonymous.post('/api/auth/login').set('X-Forwarded-For', ip).send({ username, password });
      for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) expect((await login('pruefer', ip)).status).toBe(401);
      await login('pruefer', '198.51.100.4', PASSWORD).expect(429);
      for (const user of ['a-niemand', 'b-niemand', 'c-niemand']) expect((await login(user, '198.51.100.5')).status).toBe(401);
      await login('d-niemand', '198.51.100.5').expect(429);
      await login('d-niemand', '198.51.100.6').expect(401);
    } finally {
      await proxied.close();
    }
  }, 60_000);

  test('security headers: CSP with frame-ancestors none, nosniff, no framing, no HSTS over plain http', async () => {
    const response = await t.anonymous.get('/health').expect(200);
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  test('the security log: JSON lines in UTC for logins, token use and denials, without any secret', async () => {
    const events = new Set(t.securityLog.map((e) => e.event));
    for (const event of ['bootstrap', 'login.ok', 'login.failed', 'login.limited', 'token.used', 'access.denied', 'token.created', 'token.revoked', 'user.created']) {
      expect(events).toContain(event);
    }
    for (const entry of t.securityLog) expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(t.securityLog.find((e) => e.event === 'access.denied' && e.status === 403)).toMatchObject({ route: expect.any(String), method: expect.any(String), reason: expect.any(String) });
    const text = JSON.stringify(t.securityLog);
    for (const secret of [TEST_SECRETARIAT_TOKEN, PASSWORD, 'geraten-geraten', 'glf_']) expect(text).not.toContain(secret);
  });
});

describe('start-up without a bootstrap token', () => {
  test('there is no default user: every route but the public ones answers 401', async () => {
    const t = await startTestApp({ config: { auth: { ...DEFAULT_AUTH, bootstrapToken: null } } });
    try {
      await t.http.get('/api/bodies').expect(401);
      await t.anonymous.get('/health').expect(200);
      expect(await t.app.get(Database).query('SELECT * FROM users')).toEqual([]);
    } finally {
      await t.close();
    }
  });

  test('behind https the cookie is Secure and HSTS is sent', async () => {
    const t = await startTestApp({ config: { auth: auth({ https: true }) } });
    try {
      await t.user('reader', { username: 'leser', password: PASSWORD });
      const ok = await t.anonymous.post('/api/auth/login').send({ username: 'leser', password: PASSWORD }).expect(200);
      expect(String(ok.headers['set-cookie'])).toContain('; Secure');
      expect(ok.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await t.close();
    }
  });

  test('a request body over the limit is a 413 in the one error shape', async () => {
    const t = await startTestApp({ config: { bodyLimit: 1024 } });
    try {
      const response = await t.http.post('/api/bodies').send({ title: 'x'.repeat(4096) }).expect(413);
      expect(response.body).toEqual({ statusCode: 413, error: 'Payload Too Large', message: 'Der Inhalt der Anfrage ist zu groß: angenommen werden höchstens 1.024 Bytes (1 KiB).', details: null });
    } finally {
      await t.close();
    }
  });
});

describe('gremienlauf user / token on the local database', () => {
  let dir: string;
  let file: string;
  const io = (stdin = '') => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), stdin: async () => Buffer.from(stdin), env: { DATABASE_URL: file } },
    };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gremienlauf-auth-cli-'));
    file = join(dir, 'register.sqlite');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('creates the first admin with a password from stdin, prints its token once, and revokes it', async () => {
    const created = io(`${PASSWORD}\n`);
    expect(await runCli(['user', 'create', 'admin', '--role', 'admin', '--password-stdin', '--json'], created.io)).toBe(0);
    expect(JSON.parse(created.out.join(''))).toMatchObject({ username: 'admin', role: 'admin', hasPassword: true });

    const issued = io();
    expect(await runCli(['token', 'create', 'admin', '--label', 'Erstes Token', '--json'], issued.io)).toBe(0);
    const token = JSON.parse(issued.out.join(''));
    expect(token).toMatchObject({ username: 'admin', label: 'Erstes Token', token: expect.stringMatching(/^glf_/) });

    const t = await startTestApp({ databaseConfig: databaseConfig(file), config: { auth: { ...DEFAULT_AUTH } } });
    try {
      expect((await t.as(token.token).get('/api/users').expect(200)).body).toEqual([expect.objectContaining({ username: 'admin', createdBy: expect.stringMatching(/^cli/) })]);
      await t.as(token.token).get('/api/bodies').expect(403);
      await t.anonymous.post('/api/auth/login').send({ username: 'admin', password: PASSWORD }).expect(200);

      const lead = io();
      expect(await runCli(['user', 'create', 'fuehrung', '--role', 'lead'], lead.io)).toBe(1);
      expect(lead.err.join('')).toContain('contactId');
      const duplicate = io();
      expect(await runCli(['user', 'create', 'admin', '--role', 'reader'], duplicate.io)).toBe(1);
      expect(duplicate.err.join('')).toContain('gibt es schon');

      // With a token, the local database is no way around the token's rights: a reader creates no account and no token.
      expect(await runCli(['user', 'create', 'leserin', '--role', 'reader'], io().io)).toBe(0);
      const readerIssued = io();
      expect(await runCli(['token', 'create', 'leserin', '--json'], readerIssued.io)).toBe(0);
      const readerToken = JSON.parse(readerIssued.out.join('')).token as string;
      const intruder = io();
      expect(await runCli(['user', 'create', 'eindringling', '--role', 'secretariat', '--token', readerToken], intruder.io)).toBe(1);
      expect(intruder.err.join('')).toContain('Mit der Rolle „Lesezugriff“ ist diese Anfrage nicht erlaubt.');
      const foreignToken = io();
      expect(await runCli(['token', 'create', 'admin', '--token', readerToken], foreignToken.io)).toBe(1);
      const viaEnv = io();
      expect(await runCli(['token', 'create', 'admin'], { ...viaEnv.io, env: { DATABASE_URL: file, GREMIENLAUF_TOKEN: readerToken } })).toBe(1);
      // An admin's token acts as that admin: the account names who created it.
      expect(await runCli(['user', 'create', 'pruefer', '--role', 'auditor', '--token', token.token], io().io)).toBe(0);
      const users = (await t.as(token.token).get('/api/users').expect(200)).body as Array<{ username: string; createdBy: string }>;
      expect(users.map((u) => u.username).sort()).toEqual(['admin', 'leserin', 'pruefer']);
      expect(users.find((u) => u.username === 'pruefer')?.createdBy).toBe('admin');
      expect(foreignToken.out.join('') + viaEnv.out.join('')).not.toMatch(/glf_/);

      const revoked = io();
      expect(await runCli(['token', 'revoke', token.id], revoked.io)).toBe(0);
      await t.as(token.token).get('/api/users').expect(401);
    } finally {
      await t.close();
    }
  }, 60_000);
});
