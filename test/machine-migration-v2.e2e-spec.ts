/**
 * Version 2 of the statechart changed what a stored event may do (a full-replace `leadsChanged`
 * that drops contacts is refused) and added `reclassified`. A body recorded under version 1 keeps
 * replaying through version 1; moved by the audited `machineUpgraded` (to the newest version, which
 * keeps what version 2 added), it follows the new rules from then on.
 */
import { latestMachine, machineVersion } from '../src/audit/machine-versions';
import { Database } from '../src/database/database';
import { decisionFacts, lead, recordStream, registration } from './audit-builders';
import { storeRecordedStream } from './support/stored-stream';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('a body recorded under version 1, on %s', (database) => {
  let t: TestApp;
  let id: string;
  const v1 = machineVersion('body', 1)!;
  const newest = latestMachine().version;
  const contacts = ['00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-0000000000a2'];

  beforeAll(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
    const db = t.app.get(Database);
    for (const contact of contacts) {
      await db.query('INSERT INTO contacts (id, name, created_at) VALUES (?, ?, ?)', [contact, `Kontakt ${contact.slice(-2)}`, '2024-05-01T00:00:00.000Z']);
    }
    // Given: a stream as version 1 recorded it, including a full replace of the leads that dropped a contact.
    const records = recordStream(
      [
        { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
        { type: 'approved', data: { approvedUntil: '2027-12-31' }, occurredAt: '2024-06-20T12:00:00.000Z', decision: decisionFacts('2024/09', '2024-06-20') },
        { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
        { type: 'leadsChanged', data: { leads: ['Hessen'], contactIds: [contacts[1]] }, occurredAt: '2025-05-10T10:00:00.000Z' },
      ],
      { machine: v1, registration: registration({ contactIds: contacts, parent: 'IT-PLR' }) },
    );
    id = records[0].bodyId;
    await storeRecordedStream(t, records, v1);
    await t.http
      .post('/api/decisions')
      .send({
        number: '2026/40',
        issuer: 'IT-PLR',
        date: '2026-11-20',
        procedure: 'Umlaufverfahren',
        type: 'Beschluss',
        title: 'Neue Zuordnung',
        effects: [{ body: id, effect: 'reclassified', data: { kind: 'Arbeitsgruppe', parent: 'AL-Runde' } }],
      })
      .expect(201);
  });
  afterAll(() => t.close());

  test('it replays through version 1 as recorded and knows no reclassification yet', async () => {
    expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
    const refused = await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reclassified', data: { kind: 'Arbeitsgruppe', parent: 'AL-Runde' }, decision: '2026/40' }).expect(422);
    expect(refused.body.details.allowedEvents).not.toContain('reclassified');
  });

  test('when it is moved to the newest version, it is reclassified by decision and a lead change that drops a contact is refused', async () => {
    const moved = await t.http.post(`/api/bodies/${id}/machine-upgrade`).send({}).expect(200);
    expect(moved.body.event).toMatchObject({ type: 'machineUpgraded', data: { fromVersion: 1, toVersion: newest } });

    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reclassified', data: { kind: 'Arbeitsgruppe', parent: 'AL-Runde' }, decision: '2026/40' }).expect(200);
    const dropping = await t.http.post(`/api/bodies/${id}/events`).send({ type: 'leadsChanged', data: { leads: ['Bayern'], contactIds: [] } }).expect(422);
    expect(dropping.body.message).toContain('ohne sie zu nennen');

    const body = (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
    expect(body.context.profile).toMatchObject({ kind: 'Arbeitsgruppe', parent: 'AL-Runde', contactIds: [contacts[1]] });
    expect(body.context.kindHistory.map((k: { kind: string }) => k.kind)).toEqual(['Projektgruppe', 'Arbeitsgruppe']);
  });

  test('then the whole stream replays across both versions and matches', async () => {
    expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
    const history = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events;
    expect(history.map((e: { type: string; machine: { version: number } }) => `${e.type}@${e.machine.version}`)).toEqual([
      'registered@1',
      'submitted@1',
      'approved@1',
      'started@1',
      'leadsChanged@1',
      `machineUpgraded@${newest}`,
      `reclassified@${newest}`,
    ]);
  });
});
