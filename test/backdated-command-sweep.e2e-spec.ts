/**
 * A command dated in the past fires only the system events due before its own date; those due
 * between it and now are recorded by a sweep that the scheduler, running by itself, begins as
 * soon as that command has committed, not at its next interval (an hour away here).
 */
import { approvedBodies } from './support/approved-bodies';
import { startTestAppWithScheduler, type TestApp } from './support/test-app';

interface HistoryEvent {
  type: string;
  occurredAt: string;
  actor: { id: string; role: string };
}

/** The body's history once it holds an event of `type`, or what it held after `ms`. */
async function historyWith(t: TestApp, id: string, type: string, ms = 10_000): Promise<HistoryEvent[]> {
  const until = Date.now() + ms;
  for (;;) {
    const events = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events as HistoryEvent[];
    if (events.some((e) => e.type === type) || Date.now() > until) return events;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a command dated in the past, with the scheduler running by itself', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestAppWithScheduler();
  });

  afterAll(() => t?.close());

  it('leaves no system event due: the start on 01.02.2026 and the notice of the term ending on 31.12.2026 that the approval of 15.01.2026 left are recorded at once, dated at their due instants', async () => {
    // Approved by 2026/10-AL of 15.01.2026 until 31.12.2026, to start on 01.02.2026; today is 28.11.2026.
    const [id] = await approvedBodies(t, [{ title: 'AG Nachgeholter Beginn' }]);
    const events = await historyWith(t, id, 'termExpiring');
    expect(events.map((e) => e.type)).toEqual(['registered', 'submitted', 'approved', 'started', 'termExpiring']);
    expect(events[3]).toMatchObject({ occurredAt: '2026-01-31T23:00:00.000Z', actor: { role: 'scheduler' } });
    expect(events[4].actor.role).toBe('scheduler');
    expect(events[4].occurredAt < '2026-11-28T09:00:00Z').toBe(true);
    const body = (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
    expect(body.notYetRecorded).toEqual([]);
  });
});
