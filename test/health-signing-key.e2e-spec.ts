/**
 * GET /health answers 503 on an instance that holds another signing key than the one the
 * database is bound to (it writes no checkpoint and gives no verdict): a load balancer stops
 * routing to it. The binding is read at most every few seconds.
 */
import { AuditService } from '../src/audit/audit.service';
import { Database } from '../src/database/database';
import { startTestApp, type TestApp } from './support/test-app';

describe('GET /health and the signing key', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.close());

  const keyIdOf = async () => (await t.anonymous.get('/api/audit/public-key').expect(200)).body.keyId as string;
  const bindTo = (keyId: string) =>
    t.app.get(Database).transaction((tx) => tx.query("INSERT INTO audit_signing_keys (position, key_id, replaces, recorded_at) VALUES (2, ?, NULL, '2026-11-28T09:00:00.000Z')", [keyId]));

  test('an instance with the key the database is bound to is healthy', async () => {
    expect((await t.anonymous.get('/health').expect(200)).body).toEqual({ status: 'ok', database: 'sqlite' });
  });

  test('an instance whose key is not the database’s answers 503 naming both key ids, and 200 again once it is', async () => {
    const own = await keyIdOf();
    await bindTo('f'.repeat(16));
    const answer = await t.anonymous.get('/health').expect(503);
    expect(answer.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', details: { keyId: own, boundKeyId: 'f'.repeat(16) } });
    expect(answer.body.message).toContain(`Schlüssel-ID ${own}`);
    expect(answer.body.message).toContain(`an die Schlüssel-ID ${'f'.repeat(16)} gebunden`);

    await t.app.get(Database).transaction((tx) => tx.query('DELETE FROM audit_signing_keys WHERE position = 2'));
    // Within a few seconds of the last read the binding is the one read then …
    await t.anonymous.get('/health').expect(503);
    // … and read again after them.
    expect(await t.app.get(AuditService).foreignKeyHeld(0)).toBeNull();
    await t.anonymous.get('/health').expect(200);
  });
});
