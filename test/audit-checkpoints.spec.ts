import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchedulerRegistry } from '@nestjs/schedule';
import { databaseConfig } from '../config/configuration';
import { loadAuditConfig } from '../src/audit/audit.config';
import { AuditService } from '../src/audit/audit.service';
import { CheckpointScheduler } from '../src/audit/checkpoint.scheduler';
import { loadSigningKey } from '../src/audit/signing-key';
import { LifecycleService } from '../src/lifecycle/lifecycle.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { SECRETARIAT } from '../src/auth/actor';
import { startTestContext, testConfig, testDatabaseKinds, type TestContext } from './support/test-app';

describe.each(testDatabaseKinds())('periodic checkpoints on %s', (database) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await startTestContext({ database, now: '2025-01-10T09:00:00Z' });
  });
  afterAll(() => t.close());

  it('registers its interval with the scheduler', () => {
    expect(t.context.get(SchedulerRegistry).getIntervals()).toContain('audit-checkpoint');
  });

  it('writes a checkpoint when the log has grown, and none when it has not', async () => {
    const scheduler = t.context.get(CheckpointScheduler);
    const audit = t.context.get(AuditService);
    await t.context.get(LifecycleService).register({ ...EXAMPLE_REGISTRATION, registeredAt: '2025-01-09' }, SECRETARIAT);

    await scheduler.tick();
    t.clock.advance(60 * 60_000);
    await scheduler.tick();
    expect((await audit.checkpoints()).map((c) => [c.payload.sequence, c.payload.treeSize])).toEqual([[1, 1]]);

    const [body] = (await audit.verify()).streams;
    await t.context.get(LifecycleService).execute({ bodyId: body.stream, type: 'submitted', occurredAt: '2025-01-10' }, SECRETARIAT);
    t.clock.advance(60 * 60_000);
    await scheduler.tick();
    const checkpoints = await audit.checkpoints();
    expect(checkpoints.map((c) => [c.payload.sequence, c.payload.treeSize, c.payload.createdAt])).toEqual([
      [1, 1, '2025-01-10T09:00:00.000Z'],
      [2, 2, '2025-01-10T11:00:00.000Z'],
    ]);
    expect((await audit.verify()).intact).toBe(true);
  });
});

describe('the signing key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gremienlauf-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is created beside the SQLite file on first start (readable only by its owner) and reused after', () => {
    const config = loadAuditConfig(testConfig(databaseConfig(join(dir, 'db.sqlite'))), {});
    expect(config.signingKey).toEqual({ file: join(dir, 'signing-key.pem') });
    const first = loadSigningKey(config.signingKey);
    expect(first.origin).toBe('generated');
    expect(statSync(join(dir, 'signing-key.pem')).mode & 0o077).toBe(0);
    const second = loadSigningKey(config.signingKey);
    expect(second).toMatchObject({ origin: 'file', keyId: first.keyId });
  });

  it('comes from GREMIENLAUF_SIGNING_KEY when set, and must be Ed25519', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const config = loadAuditConfig(testConfig(databaseConfig(join(dir, 'db.sqlite'))), { GREMIENLAUF_SIGNING_KEY: pem });
    expect(loadSigningKey(config.signingKey).origin).toBe('configured');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadSigningKey({ pem: rsa })).toThrow('Ed25519');
  });

  it('rejects a malformed checkpoint interval', () => {
    expect(() => loadAuditConfig(testConfig(databaseConfig(':memory:')), { GREMIENLAUF_CHECKPOINT_MINUTES: 'oft' })).toThrow('GREMIENLAUF_CHECKPOINT_MINUTES');
    expect(loadAuditConfig(testConfig(databaseConfig(':memory:')), {}).signingKey).toEqual({ ephemeral: true });
    expect(loadAuditConfig(testConfig(databaseConfig(':memory:')), {}).checkpointEveryMinutes).toBe(60);
    expect(loadAuditConfig(testConfig(databaseConfig(':memory:')), { SCHEDULER_ENABLED: 'false' }).checkpointEveryMinutes).toBe(0);
    expect(existsSync(join(dir, 'missing.pem'))).toBe(false);
    expect(readFileSync(join(dir, 'signing-key.pem'), 'utf8')).toContain('BEGIN PRIVATE KEY');
  });
});
