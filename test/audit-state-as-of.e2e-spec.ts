/**
 * "State as of" over HTTP, asked after every step of a body's life: a time at or after the last
 * event is answered from the stored projection where it can be, every other one by folding the
 * events. Either way the answer is the fold's (computed here from the stored events), whatever
 * the last step was: a command, a refused command (nothing stored), a change of leads or
 * participants (whose summary needs the state before it), a move to a new machine version.
 * The auditor's Prüfung page shows the same state.
 */
import { berlinDate } from '../machines';
import { AuditStore } from '../src/audit/audit.store';
import { latestMachine, registerMachineVersion, type MachineVersion } from '../src/audit/machine-versions';
import { stateAt } from '../src/audit/replay';
import type { EventRecord } from '../src/event-log/event-hash';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('state as of after every step, over HTTP, on %s', (database) => {
  let t: TestApp;
  let id: string;

  beforeAll(async () => {
    // Before the planned start (17.06.2024): no system event falls due in between.
    t = await startTestApp({ database, now: '2024-06-14T09:00:00Z' });
    id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }).expect(201)).body.id;
  });
  afterAll(() => t.close());

  const send = async (body: object, status = 200) => {
    const response = await t.http.post(`/api/bodies/${id}/events`).send(body);
    expect([body, response.status, response.status === status ? '' : response.body.message]).toEqual([body, status, '']);
  };
  const decide = (number: string, effect: string, data: object = {}) =>
    t.http
      .post('/api/decisions')
      .send({ number, issuer: 'AL-Runde', date: '2024-06-13', procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects: [{ body: id, effect, data }] })
      .expect(201);

  /** The stored events, folded without the projection: what every answer must be. */
  const folded = async (query: { asOf?: string; asKnownAt?: string }) => {
    const { events } = await t.app.get(AuditStore).bodyHistory(id);
    return JSON.parse(JSON.stringify({ bodyId: id, ...stateAt(events as EventRecord[], query)! }));
  };

  /** Asks for the state after all events (in three ways), on the day of the last one and, once there is one, on the day before it. */
  const answersAreTheFolds = async () => {
    const { events } = await t.app.get(AuditStore).bodyHistory(id);
    const lastDay = berlinDate((events.at(-1) as EventRecord).occurredAt);
    const dayBefore = new Date(Date.parse(`${lastDay}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const queries = [{}, { asOf: '2030-01-01' }, { asKnownAt: '2030-01-01T00:00:00Z' }, { asOf: lastDay }, ...(dayBefore >= '2024-06-03' ? [{ asOf: dayBefore }] : [])];
    for (const query of queries) {
      const response = await t.http.get(`/api/bodies/${id}/state`).query(query);
      expect([query, response.status]).toEqual([query, 200]);
      // What the log does not hold yet is no part of the fold (see the tests below).
      const { notYetRecorded, tampered, warning, ...state } = response.body;
      expect([tampered, warning]).toEqual([[], null]);
      expect(notYetRecorded).toEqual(expect.any(Array));
      expect(state).toEqual(await folded(query));
    }
  };

  test('registered, submitted, a refused command, approved, started, started again (refused)', async () => {
    await answersAreTheFolds();
    await send({ type: 'submitted', occurredAt: '2024-06-05' });
    await answersAreTheFolds();
    await send({ type: 'started' }, 422);
    await answersAreTheFolds();
    await decide('2024/09', 'approved', { approvedUntil: '2025-03-31' });
    await send({ type: 'approved', decision: '2024/09-AL', data: { approvedUntil: '2025-03-31' } });
    await answersAreTheFolds();
    await send({ type: 'started' });
    await answersAreTheFolds();
    await send({ type: 'started' }, 422);
    await answersAreTheFolds();
  });

  test('leads and participants changed, renamed, a report requested: summaries that read the state before the event', async () => {
    for (const command of [
      { type: 'leadsChanged', data: { added: ['Thüringen'] } },
      { type: 'participantsChanged', data: { added: ['Sachsen-Anhalt'] } },
      { type: 'renamed', data: { title: 'OZG-föderal 2.0' } },
      { type: 'reportRequested', data: { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2024-10' } } },
    ]) {
      await send(command);
      await answersAreTheFolds();
    }
    const { body } = await t.http.get(`/api/bodies/${id}/state`).expect(200);
    expect(body.context.profile.leads).toContain('Thüringen');
    expect(body.basedOn.type).toBe('reportRequested');
  });

  test('moved to a new machine version, then a refused command and a change of leads under it', async () => {
    // The same chart under a new number, as a release with an unchanged snapshot shape would ship it
    // (one more per database run: the registry is this file's).
    const newest = latestMachine();
    const next: MachineVersion = { ...newest, version: newest.version + 1, definition: () => ({ ...(newest.definition() as object), note: 'test version' }) };
    registerMachineVersion(next);
    const moved = await t.http.post(`/api/bodies/${id}/machine-upgrade`).send({}).expect(200);
    expect(moved.body.event).toMatchObject({ type: 'machineUpgraded', machine: { version: next.version } });
    await answersAreTheFolds();
    await send({ type: 'submitted' }, 422);
    await answersAreTheFolds();
    await send({ type: 'leadsChanged', data: { added: ['Bayern'] } });
    await answersAreTheFolds();
  });

  test('the auditor’s Prüfung page shows the state after a change of leads, with the leads', async () => {
    const auditor = await t.user('auditor');
    const page = (await auditor.http.get(`/pruefung?gremium=${id}&stichtag=2030-01-01`).expect(200)).text;
    const facts = page.slice(page.indexOf('id="as-of-facts"'));
    expect(facts).toContain('Bayern');
    expect(page).not.toMatch(/role="alert"/);
  });

  test('closure initiated, the final report submitted and acknowledged, closed by decision, then a refused command', async () => {
    await send({ type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2024-09-30' } } });
    await answersAreTheFolds();
    const { body } = await t.http.get(`/api/bodies/${id}/state`).expect(200);
    const finalReport = body.context.obligations.find((o: { kind: string }) => o.kind === 'Abschlussbericht').id;
    await send({ type: 'reportSubmitted', data: { obligationId: finalReport } });
    await answersAreTheFolds();
    await send({ type: 'reportAcknowledged', data: { obligationId: finalReport } });
    await answersAreTheFolds();
    await decide('2024/12', 'closed', { noSuccessorReason: 'Auftrag erledigt' });
    await send({ type: 'closed', decision: '2024/12-AL', data: { noSuccessorReason: 'Auftrag erledigt' } });
    await answersAreTheFolds();
    await send({ type: 'leadsChanged', data: { added: ['Sachsen'] } }, 422);
    await answersAreTheFolds();
  });

  test('the Prüfung page on a day after the body was closed shows the term as approved and apart from it the day its life ended, and that the day lies ahead', async () => {
    const auditor = await t.user('auditor');
    const page = (await auditor.http.get(`/pruefung?gremium=${id}&stichtag=2030-01-01`).expect(200)).text;
    const facts = page.slice(page.indexOf('id="as-of-facts"'), page.indexOf('</dl>', page.indexOf('id="as-of-facts"')));
    expect(facts).toContain('<dt>Befristet bis</dt><dd>31.03.2025</dd>');
    expect(facts).toContain('<dt>Beendet am</dt><dd>14.06.2024</dd>');
    expect(page).toContain('id="as-of-future">Der Stichtag liegt in der Zukunft');
  });
});

describe.each(testDatabaseKinds())('state as of a date by which system events fall due that the log does not hold yet, on %s', (database) => {
  let t: TestApp;
  let id: string;

  beforeAll(async () => {
    t = await startTestApp({ database, now: '2024-06-14T09:00:00Z' });
    id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }).expect(201)).body.id;
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', occurredAt: '2024-06-05' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2024/09', issuer: 'AL-Runde', date: '2024-06-13', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: id, effect: 'approved', data: { approvedUntil: '2025-03-31' } }] })
      .expect(201);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'approved', decision: '2024/09-AL', data: { approvedUntil: '2025-03-31' } }).expect(200);
  });
  afterAll(() => t.close());

  const state = async (query: object) => (await t.http.get(`/api/bodies/${id}/state`).query(query).expect(200)).body;

  test('the answer names them, with the day they fall due, and the state does not show them yet', async () => {
    // Established on 13.06.; the work starts on 17.06. (the planned start), recorded by the scheduler.
    const later = await state({ asOf: '2025-04-15' });
    expect(later.stateLabel).toMatch(/^Eingerichtet/);
    // Only what the stored state holds pending: the report and term timers come with the start.
    expect(later.notYetRecorded).toEqual([{ type: 'started', label: 'Tätigkeit begonnen', dueAt: '2024-06-16T22:00:00.000Z' }]);
    expect((await state({ asOf: '2024-06-17' })).notYetRecorded).toEqual([{ type: 'started', label: 'Tätigkeit begonnen', dueAt: '2024-06-16T22:00:00.000Z' }]);
    expect((await state({ asOf: '2024-06-16' })).notYetRecorded).toEqual([]);
    // Without a date: those due by now (14.06.), none; knowledge at a time is the log of that time.
    expect((await state({})).notYetRecorded).toEqual([]);
    expect((await state({ asKnownAt: '2030-01-01T00:00:00Z' })).notYetRecorded).toEqual([]);
    // Before the last event the write path has fired all that fell due.
    expect((await state({ asOf: '2024-06-10' })).notYetRecorded).toEqual([]);
  });

  test('the auditor’s Prüfung page lists them beside the state', async () => {
    const auditor = await t.user('auditor');
    const page = (await auditor.http.get(`/pruefung?gremium=${id}&stichtag=2024-06-20`).expect(200)).text;
    expect(page).toMatch(/<dt>Noch nicht verbucht<\/dt><dd id="as-of-pending">Tätigkeit begonnen am 17\.06\.2024; die Fristenüberwachung verbucht/);
  });

  test('the body itself names those due by now, also to a reader, who may not read the history', async () => {
    expect((await t.http.get(`/api/bodies/${id}`).expect(200)).body.notYetRecorded).toEqual([]);
    t.clock.set('2024-06-18T09:00:00Z');
    const reader = await t.user('reader');
    for (const client of [t.http, reader.http]) {
      expect((await client.get(`/api/bodies/${id}`).expect(200)).body.notYetRecorded).toEqual([{ type: 'started', label: 'Tätigkeit begonnen', dueAt: '2024-06-16T22:00:00.000Z' }]);
    }
    await reader.http.get(`/api/bodies/${id}/state`).expect(403);
    // The body page says so under its state.
    const page = (await reader.http.get(`/gremien/${id}`).expect(200)).text;
    expect(page).toMatch(/<p id="not-yet-recorded"><span class="label">Noch nicht verbucht:<\/span> Tätigkeit begonnen am 17\.06\.2024; die Fristenüberwachung verbucht/);
  });

  test('once a write has fired them, they are in the log and no longer listed', async () => {
    t.clock.set('2024-06-20T09:00:00Z');
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'renamed', data: { title: 'Struktur OZG Föderal' }, occurredAt: '2024-06-20' }).expect(200);
    const after = await state({ asOf: '2024-06-20' });
    expect(after.stateLabel).toMatch(/^Aktiv/);
    expect(after.notYetRecorded).toEqual([]);
  });
});
