/**
 * An auditor reads verify's findings by what they concern: a body's by its title, not only by
 * its id. A stored event changed behind the service's back is named with the body's current title
 * in the API's problem, the CLI's table and the Prüfung page; a decision's chain has no title.
 */
import { Database } from '../src/database/database';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { cliAgainst } from './support/cli-run';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';
import type { VerifyProblem } from '../src/audit/audit-answers';

type Problem = VerifyProblem;

const TITLE = 'Projektgruppe Titelprobe';
const DECISION_STREAM = 'decision:AL-Runde:2025/05-AL';

describe.each(testDatabaseKinds())('verify names the bodies its problems concern by title on %s', (database) => {
  let t: TestApp;
  let db: Database;
  let auditor: Awaited<ReturnType<TestApp['user']>>;
  let changed: string;
  let intact: string;

  beforeAll(async () => {
    t = await startTestApp({ database, now: '2025-03-01T09:00:00Z' });
    changed = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: TITLE, registeredAt: '2025-01-06' }).expect(201)).body.id;
    await t.http.post(`/api/bodies/${changed}/events`).send({ type: 'submitted', occurredAt: '2025-01-07' }).expect(200);
    intact = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Arbeitsgruppe unverändert', registeredAt: '2025-01-08' }).expect(201)).body.id;
    await t.http
      .post('/api/decisions')
      .send({ number: '2025/05', issuer: 'AL-Runde', date: '2025-02-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Titelprobe im Umlauf' })
      .expect(201);
    auditor = await t.user('auditor');
    db = t.app.get(Database);
  }, 30_000);
  afterAll(() => t.close());

  const verify = async () => (await t.http.get('/api/audit/verify').expect(200)).body as { intact: boolean; problems: Problem[] };

  /** Changes a stored row behind the service's back while `check` runs, then puts it back: verify holds again. */
  async function whileChanged(change: string, restore: string, params: Array<string | number>, check: () => Promise<void>) {
    await db.query(change, params);
    try {
      await check();
    } finally {
      await db.query(restore, params);
    }
    expect(await verify()).toMatchObject({ intact: true, problems: [] });
  }

  test('a body’s changed event: the problem, the CLI’s table and the Prüfung page name the body by its title', async () => {
    const short = changed.slice(0, 8);
    await whileChanged(
      "UPDATE events SET actor_id = actor_id || '-anders' WHERE body_id = ? AND version = 2",
      "UPDATE events SET actor_id = substr(actor_id, 1, length(actor_id) - 7) WHERE body_id = ? AND version = 2",
      [changed],
      async () => {
        const { intact: whole, problems } = await verify();
        expect(whole).toBe(false);
        expect(problems).toEqual([expect.objectContaining({ area: 'chain', kind: 'content', stream: changed, version: 2, title: TITLE })]);
        // The message stays as other specs read it: by the body's id.
        expect(problems[0].message).toMatch(new RegExp(`^Gremium ${changed}, Version 2 „Zur Beschlussfassung eingereicht“: `));
        expect(problems.some((p) => p.stream === intact)).toBe(false);

        const run = await cliAgainst(t, ['verify']);
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(new RegExp(`\\nGremium „${TITLE}“ \\(${short}…\\)\\s+2\\s+Gremium ${changed}, Version 2 „Zur Beschlussfassung eingereicht“: `));

        const page = (await auditor.http.get('/pruefung').expect(200)).text;
        expect(page).toContain(`<li>Gremium <a href="/gremien/${changed}">„${TITLE}“</a> (${short}…), Version 2 „Zur Beschlussfassung eingereicht“: `);
        expect(page).not.toContain(`<li>Gremium ${changed}`);
      },
    );
  });

  test('a decision’s changed event: no title, and the CLI names the decision as the register does', async () => {
    await whileChanged(
      "UPDATE decision_events SET data = replace(data, 'Titelprobe im Umlauf', 'Anderer Titel') WHERE stream = ? AND version = 1",
      "UPDATE decision_events SET data = replace(data, 'Anderer Titel', 'Titelprobe im Umlauf') WHERE stream = ? AND version = 1",
      [DECISION_STREAM],
      async () => {
        const { problems } = await verify();
        expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ area: 'chain', stream: DECISION_STREAM, version: 1, title: null })]));
        expect(problems.every((p) => p.title === null)).toBe(true);

        const run = await cliAgainst(t, ['verify']);
        expect(run.code).toBe(1);
        expect(run.stdout).toMatch(/\nBeschluss 2025\/05-AL \(AL-Runde\)\s+1\s+Beschluss 2025\/05-AL \(AL-Runde\), Version 1/);
        expect(run.stdout).not.toContain(DECISION_STREAM);
      },
    );
  });
});
