/**
 * The columns and index rows the write path derives from a body's stored state and context
 * (state paths, status, title, search text, `body_contacts`, `body_links`) decide what lists, the
 * search and a lead's access show. Changed behind the service's back, verify names each one.
 */
import { Database } from '../src/database/database';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';
import type { VerifyProblem } from '../src/audit/audit-answers';

type Problem = VerifyProblem;

describe.each(testDatabaseKinds())('derived columns and index rows checked by verify on %s', (database) => {
  let t: TestApp;
  let first: string;
  let second: string;
  let secondContact: string;
  let lead: Awaited<ReturnType<TestApp['user']>>;
  let db: Database;

  beforeAll(async () => {
    t = await startTestApp({ database, now: '2025-03-01T09:00:00Z' });
    first = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }).expect(201)).body.id;
    // The second names the first as its predecessor: a row in body_links, and its own contact person in body_contacts.
    second = (
      await t.http
        .post('/api/bodies')
        .send({
          ...EXAMPLE_REGISTRATION,
          title: 'Nachfolge Datennutzung',
          contacts: [{ name: 'Erika Muster', organization: 'Bayern' }],
          predecessors: [{ name: EXAMPLE_REGISTRATION.title, bodyId: first }],
          registeredAt: '2024-07-01',
        })
        .expect(201)
    ).body.id;
    await t.http.post(`/api/bodies/${second}/events`).send({ type: 'submitted', occurredAt: '2024-07-02' }).expect(200);
    secondContact = (await t.http.get(`/api/bodies/${second}`).expect(200)).body.context.profile.contactIds[0];
    lead = await t.user('lead', { contactId: secondContact });
    db = t.app.get(Database);
  }, 30_000);
  afterAll(() => t.close());

  const verify = async (body?: string) =>
    (await t.http.get(`/api/audit/verify${body ? `?body=${body}` : ''}`).expect(200)).body as { intact: boolean; problems: Problem[] };

  test('bodies as the service wrote them, with links and contact persons, verify intact', async () => {
    expect(await verify()).toMatchObject({ intact: true, problems: [] });
  });

  test('a contact row added: the lead reads a body it does not lead, and verify names the row, also for that body alone', async () => {
    await lead.http.get(`/api/bodies/${first}`).expect(404);
    await db.query('INSERT INTO body_contacts (body_id, contact_id) VALUES (?, ?)', [first, secondContact]);
    try {
      await lead.http.get(`/api/bodies/${first}`).expect(200);
      const problem = {
        area: 'projection',
        kind: 'contactsDiverge',
        stream: first,
        version: null,
        eventId: null,
        message: `Gremium ${first}: In „body_contacts“ steht die Ansprechperson ${secondContact}, die der gespeicherte Stand nicht nennt: eine Federführung mit dieser Ansprechperson sieht und bearbeitet das Gremium, ohne es zu leiten.`,
      };
      expect(await verify()).toMatchObject({ intact: false, problems: [problem] });
      expect(await verify(first)).toMatchObject({ intact: false, problems: [problem] });
      expect(await verify(second)).toMatchObject({ intact: true, problems: [] });
    } finally {
      await db.query('DELETE FROM body_contacts WHERE body_id = ? AND contact_id = ?', [first, secondContact]);
    }
    expect(await verify()).toMatchObject({ intact: true });
  });

  test('state paths of another state: the list by state finds the body, and verify names the column', async () => {
    const [{ state_paths: stored }] = await db.query<{ state_paths: string }>('SELECT state_paths FROM bodies WHERE id = ?', [second]);
    await db.query('UPDATE bodies SET state_paths = ? WHERE id = ?', [' active active.term active.term.running ', second]);
    try {
      const listed = (await t.http.get('/api/bodies?state=active.term.running').expect(200)).body as Array<{ id: string }>;
      expect(listed.map((b) => b.id)).toContain(second);
      const { problems } = await verify();
      expect(problems.map((p) => [p.kind, p.stream])).toEqual([['statePathsDiverge', second]]);
      expect(problems[0].message).toContain(`aus dem gespeicherten Zustand folgt „${stored.trim()}“`);
    } finally {
      await db.query('UPDATE bodies SET state_paths = ? WHERE id = ?', [stored, second]);
    }
  });

  test('the predecessor row removed: verify names the body the stored context still names', async () => {
    await db.query('DELETE FROM body_links WHERE body_id = ?', [second]);
    try {
      const { problems } = await verify();
      expect(problems).toEqual([
        expect.objectContaining({
          kind: 'linksDiverge',
          stream: second,
          message: `Gremium ${second}: In „body_links“ fehlt das Gremium ${first}, das der gespeicherte Stand nennt: seine Seite zeigt dieses Gremium nicht als Vorgänger oder Nachfolger an.`,
        }),
      ]);
    } finally {
      await db.query('INSERT INTO body_links (body_id, linked_id) VALUES (?, ?)', [second, first]);
    }
    expect(await verify()).toMatchObject({ intact: true });
  });
});
