import { AuditStore } from '../../src/audit/audit.store';
import { Database } from '../../src/database/database';
import { recordScenario, type Scenario } from '../audit-scenario';
import { startTestApp, type TestApp, type TestDatabaseKind } from './test-app';

/** What an audit suite's tests work with, filled in before the first test. */
export interface AuditSuite {
  t: TestApp;
  /** The audit scenario's bodies (audit-scenario.ts), recorded through the API. */
  s: Scenario;
  /** The app's own AuditStore: tests shrink its page size to cross page boundaries. */
  store: AuditStore;
  db: Database;
  /** The page size the store started with; every test ends with it again. */
  defaultPageSize: number;
}

/**
 * The set-up the audit suites share, called inside their describe: before all tests an app on
 * `database` with the audit scenario recorded, then `prepare` (if given); after each test the
 * store's page size back at its default; after all tests the app closed. The returned suite is
 * empty until the first beforeAll has run: read its fields inside hooks and tests only.
 */
export function auditSuite(database: TestDatabaseKind, prepare?: (suite: AuditSuite) => Promise<void>): AuditSuite {
  const suite = {} as AuditSuite;
  beforeAll(async () => {
    const t = await startTestApp({ database });
    const store = t.app.get(AuditStore);
    Object.assign(suite, { t, s: await recordScenario(t), store, db: t.app.get(Database), defaultPageSize: store.pageSize });
    await prepare?.(suite);
  });
  afterEach(() => {
    suite.store.pageSize = suite.defaultPageSize;
  });
  afterAll(() => suite.t?.close());
  return suite;
}

/**
 * A checkpoint over the scenario, then on 2 April 2025 the other body returned for revision with
 * `reason`, so that the log reaches past the checkpoint; the clock then stands at 28 November 2026.
 */
export async function growPastCheckpoint({ t, s }: AuditSuite, reason: string): Promise<void> {
  await checkpointThenReturn(t, s, reason);
  t.clock.set('2026-11-28T09:00:00Z');
}

/**
 * A checkpoint over the scenario `s` recorded on `t`, then on 2 April 2025 (the clock left there)
 * the other body returned for revision with `reason`.
 */
export async function checkpointThenReturn(t: TestApp, s: Scenario, reason: string): Promise<void> {
  await t.http.post('/api/audit/checkpoints').expect(201);
  t.clock.set('2025-04-02T09:00:00Z');
  await t.http.post(`/api/bodies/${s.other}/events`).send({ type: 'returnedForRevision', data: { reason } }).expect(200);
}
