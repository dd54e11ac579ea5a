/**
 * The role table on the write path itself: whoever calls LifecycleService (REST, CLI, web
 * forms, scheduler), an event whose type the actor's role may not append is refused and
 * nothing is written.
 */
import { AccessDenied } from '../src/auth/access-denied';
import { EVENT_PERMISSIONS } from '../src/auth/roles';
import { SECRETARIAT } from '../src/auth/actor';
import { EventStore } from '../src/event-log/event-store';
import { LifecycleService } from '../src/lifecycle/lifecycle.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestContext, testDatabaseKinds, type TestContext } from './support/test-app';

describe.each(testDatabaseKinds())('the write path checks the actor’s role on %s', (database) => {
  let t: TestContext;
  let lifecycle: LifecycleService;
  let bodyId: string;
  const scheduler = { id: 'system:scheduler', role: 'scheduler' };
  const versions = async () => (await t.context.get(EventStore).readStream(bodyId)).length;

  beforeAll(async () => {
    t = await startTestContext({ database });
    lifecycle = t.context.get(LifecycleService);
    bodyId = (await lifecycle.register({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }, SECRETARIAT)).bodyId;
  });
  afterAll(() => t.close());

  test('the scheduler appends only its system events and the start', () => {
    expect([...EVENT_PERMISSIONS.scheduler].sort()).toEqual(['reportDue', 'reportOverdue', 'started', 'termExpired', 'termExpiring']);
  });

  test.each([
    [{ id: 'system:scheduler', role: 'scheduler' }, 'submitted'],
    [{ id: 'pruefer', role: 'auditor' }, 'submitted'],
    [{ id: 'lesen', role: 'reader' }, 'withdrawn'],
    [{ id: 'admin', role: 'admin' }, 'submitted'],
    [{ id: 'lead-a', role: 'lead' }, 'submitted'],
    [{ id: 'jemand', role: 'erfunden' }, 'submitted'],
  ])('%o may not append %s: refused, nothing written', async (actor, type) => {
    const before = await versions();
    await expect(lifecycle.execute({ bodyId, type, occurredAt: '2024-06-05' }, actor)).rejects.toBeInstanceOf(AccessDenied);
    expect(await versions()).toBe(before);
  });

  test('only the secretariat registers a body', async () => {
    await expect(lifecycle.register({ ...EXAMPLE_REGISTRATION, title: 'Von der Prüfung' }, { id: 'pruefer', role: 'auditor' })).rejects.toBeInstanceOf(AccessDenied);
    await expect(lifecycle.register({ ...EXAMPLE_REGISTRATION, title: 'Vom Fristenlauf' }, scheduler)).rejects.toBeInstanceOf(AccessDenied);
  });

  test('the secretariat appends what the lifecycle allows', async () => {
    const result = await lifecycle.execute({ bodyId, type: 'submitted', occurredAt: '2024-06-05' }, SECRETARIAT);
    expect(result.event.actor).toEqual(SECRETARIAT);
  });
});
