import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceLock, ServiceLockTaken, lockFileOf, type LockHolder } from './service-lock';

const holder = (pid: number, settings: Record<string, string> = { DEADLINE_LAND: 'BUND' }): LockHolder => ({ pid, since: '2026-12-05T09:15:00.000Z', port: 3000, settings });

let dir: string;
let database: string;
const locks: ServiceLock[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gremienlauf-lock-'));
  database = join(dir, 'gremienlauf.sqlite');
});
afterEach(() => {
  for (const lock of locks.splice(0)) lock.release();
  rmSync(dir, { recursive: true, force: true });
});

const acquire = (file: string, by: LockHolder) => {
  const lock = ServiceLock.acquire(file, by);
  locks.push(lock);
  return lock;
};

// That the lock goes with its process, killed or not: test/one-service-per-file.e2e-spec.ts.
describe('the lock of a SQLite file', () => {
  test('a second lock on the file is refused naming the holder; the database file itself is not touched', () => {
    acquire(database, holder(4711));
    let refusal: unknown;
    try {
      acquire(database, holder(4712));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ServiceLockTaken);
    expect((refusal as ServiceLockTaken).holder).toEqual(holder(4711));
    expect(existsSync(database)).toBe(false);
    expect(lockFileOf(database)).toBe(`${database}-lock`);
  });

  test('who holds it can be read while it is held, and nobody once it is given back', () => {
    expect(ServiceLock.heldOf(database)).toBeNull();
    const lock = acquire(database, holder(4711, { DEADLINE_LAND: 'BY' }));
    expect(ServiceLock.heldOf(database)).toEqual({ holder: holder(4711, { DEADLINE_LAND: 'BY' }) });
    lock.release();
    expect(ServiceLock.heldOf(database)).toBeNull();
    // The next holder's row replaces the last one's.
    acquire(database, holder(4800));
    expect(ServiceLock.heldOf(database)).toEqual({ holder: holder(4800) });
  });

  test('two paths to one file (a symbolic link) share one lock', () => {
    writeFileSync(database, '');
    mkdirSync(join(dir, 'link'));
    const linked = join(dir, 'link', 'register.sqlite');
    symlinkSync(database, linked);
    acquire(database, holder(4711));
    expect(() => acquire(linked, holder(4712))).toThrow(ServiceLockTaken);
    expect(ServiceLock.heldOf(linked)).toEqual({ holder: holder(4711) });
  });
});
