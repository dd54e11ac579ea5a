import { deadlinesEnv, recordSeedBody } from '../deadlines.support';
import { startTestApp, type TestApp, type TestDatabaseKind } from './test-app';

/**
 * The app on a fresh database of `kind` with the scheduler off (the test drives it) and the seed
 * body recorded, the clock then set to `now` (else left on the approval): what the simulation
 * specs begin each test with. Closing the app also restores the environment.
 */
export async function startWithSeedBody(kind: TestDatabaseKind, now?: string): Promise<{ t: TestApp; body: string }> {
  const restoreEnv = deadlinesEnv();
  const app = await startTestApp({ database: kind });
  const t: TestApp = {
    ...app,
    async close() {
      await app.close();
      restoreEnv();
    },
  };
  const body = await recordSeedBody(t);
  if (now) t.clock.set(now);
  return { t, body };
}
