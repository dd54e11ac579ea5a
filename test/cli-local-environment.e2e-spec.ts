/**
 * A local command of the CLI builds the application with the environment it was given (in a real
 * CLI process the process's; `runCli` takes another): the signing key and the reminders' settings
 * come from there, and it turns the scheduler off for itself without touching the process's
 * environment (where a later application of the same process would find it).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliLocal as run } from './support/cli-run';

describe('a local command and its environment', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gremienlauf-cli-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the signing key named in the environment it was given, not the process’s default', async () => {
    const keyFile = join(dir, 'schluessel', 'signatur.pem');
    const answer = await run(['list', '--json'], { DATABASE_URL: join(dir, 'gremienlauf.sqlite'), GREMIENLAUF_SIGNING_KEY_FILE: keyFile });
    expect(answer.stderr).toBe('');
    expect(answer.code).toBe(0);
    expect(existsSync(keyFile)).toBe(true);
    // The default, beside the database, was not made.
    expect(existsSync(join(dir, 'signing-key.pem'))).toBe(false);
  });

  it('refuses a setting of its environment that is not valid, naming it, where the process’s has none', async () => {
    const answer = await run(['list'], { DATABASE_URL: join(dir, 'gremienlauf.sqlite'), GREMIENLAUF_CHECKPOINT_MINUTES: 'oft' });
    expect(answer.code).not.toBe(0);
    expect(answer.stderr).toContain('GREMIENLAUF_CHECKPOINT_MINUTES');
  });

  it('leaves the process’s environment as it was', async () => {
    const scheduler = process.env.SCHEDULER_ENABLED;
    delete process.env.SCHEDULER_ENABLED;
    try {
      const before = { ...process.env };
      expect((await run(['list'], { DATABASE_URL: join(dir, 'gremienlauf.sqlite') })).code).toBe(0);
      expect({ ...process.env }).toStrictEqual(before);
    } finally {
      if (scheduler !== undefined) process.env.SCHEDULER_ENABLED = scheduler;
    }
  });
});
