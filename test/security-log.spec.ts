import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/configuration';
import { SecurityLog, sinkFor } from '../src/auth/security-log';

describe('where the security log goes', () => {
  test('SECURITY_LOG chooses the target; stdout without it', () => {
    expect(loadConfig({}).auth?.securityLog).toBe('stdout');
    expect(loadConfig({ SECURITY_LOG: '/var/log/gremienlauf/security.log' }).auth?.securityLog).toBe('/var/log/gremienlauf/security.log');
  });

  test('given a file, every entry is appended to it as one JSON line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glf-security-'));
    try {
      const file = join(dir, 'security.log');
      const log = new SecurityLog(sinkFor(file), () => new Date('2026-12-02T12:00:00Z'));
      log.record({ event: 'login.ok', username: 'gs' });
      log.record({ event: 'logout', username: 'gs' });
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      expect(lines).toEqual([
        { time: '2026-12-02T12:00:00.000Z', log: 'security', event: 'login.ok', username: 'gs' },
        { time: '2026-12-02T12:00:00.000Z', log: 'security', event: 'logout', username: 'gs' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('off writes nothing anywhere', () => {
    const write = jest.spyOn(process.stdout, 'write');
    new SecurityLog(sinkFor('off'), () => new Date()).record({ event: 'login.ok' });
    expect(write).not.toHaveBeenCalled();
    write.mockRestore();
  });

  test('a log that is off says so (the guard then gathers no entry per request); one redirected to a sink records again', () => {
    const log = new SecurityLog(sinkFor('off'), () => new Date());
    expect(log.recording).toBe(false);
    expect(new SecurityLog(sinkFor('stdout'), () => new Date()).recording).toBe(true);
    const entries: unknown[] = [];
    log.redirect((entry) => entries.push(entry));
    expect(log.recording).toBe(true);
    log.record({ event: 'token.used' });
    expect(entries).toHaveLength(1);
  });
});
