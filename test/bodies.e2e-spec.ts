import { BODY_MACHINE_VERSION } from '../machines';
import { hashEvent } from '../src/event-log/event-hash';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

/** The seed body's life over HTTP, and every refusal on the way. */
describe.each(testDatabaseKinds())('REST on %s: a body from registration to transfer', (database) => {
  let t: TestApp;
  let id: string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
  });
  afterAll(() => t.close());

  const send = (body: object, bodyId = id) => t.http.post(`/api/bodies/${bodyId}/events`).send(body);
  const history = async () => (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events as Array<Record<string, unknown>>;
  const decision = (number: string, date: string, extra: object = {}) =>
    t.http.post('/api/decisions').send({ number, issuer: 'AL-Runde', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, ...extra });

  /** A refused request answers with the one error shape and leaves the history as it was. */
  async function expectRefused(request: Promise<{ status: number; body: Record<string, unknown> }>, status: number) {
    const before = await history();
    const response = await request;
    expect(response.status).toBe(status);
    expect(Object.keys(response.body).sort()).toEqual(['details', 'error', 'message', 'statusCode']);
    expect(response.body).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.any(String) });
    expect(JSON.stringify(response.body)).not.toMatch(/\bat \w+ \(|node_modules/);
    expect(await history()).toEqual(before);
    return response.body;
  }

  test('POST /api/bodies registers the seed form as a draft with every field', async () => {
    const response = await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }).expect(201);
    expect(response.body).toMatchObject({ state: { value: 'draft', label: 'Entwurf' }, version: 1 });
    id = response.body.id;

    const body = (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
    const { contacts, reports, ...fields } = EXAMPLE_REGISTRATION;
    expect(body.context.profile).toEqual({ ...fields, shortName: null, contactIds: expect.any(Array) });
    expect(body.context.obligations).toEqual([
      expect.objectContaining({ id: 'r1', kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2024-11' }, state: 'pending' }),
    ]);
    expect(body.contacts.map((c: { name: string; organization: string }) => [c.name, c.organization])).toEqual(
      contacts!.map((c) => ['name' in c ? c.name : '', 'organization' in c ? c.organization : '']),
    );
    expect(body.allowedEvents.map((e: { type: string }) => e.type)).toEqual(['revised', 'submitted', 'withdrawn']);
  });

  test('the registered event carries contact ids, never names', async () => {
    const [registered] = await history();
    expect(registered).toMatchObject({ type: 'registered', version: 1, prevHash: null, label: 'Registriert' });
    expect((registered.data as { contactIds: string[] }).contactIds).toHaveLength(3);
    expect(JSON.stringify(registered)).not.toContain('Stettner');
  });

  test('an event the state does not allow is refused with the reason and the allowed events', async () => {
    const error = await expectRefused(send({ type: 'started', occurredAt: '2024-06-17' }), 422);
    expect(error.message).toBe('„Tätigkeit begonnen“ (started) ist im Zustand „Entwurf“ nicht zulässig.');
    expect(error.details).toMatchObject({ state: 'Entwurf', allowedEvents: ['revised', 'submitted', 'withdrawn'] });
  });

  test('submitting moves the draft to submitted', async () => {
    const response = await send({ type: 'submitted', occurredAt: '2024-06-05', expectedVersion: 1 }).expect(200);
    expect(response.body).toMatchObject({ version: 2, state: { value: 'submitted' } });
  });

  test('POST /api/decisions records decision 2024/09 of the AL-Runde as 2024/09-AL', async () => {
    const response = await decision('2024/09', '2024-06-13', { effects: [{ body: id, effect: 'approved', data: { approvedUntil: '2025-03-31' } }] }).expect(201);
    expect(response.body).toMatchObject({ number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-13', procedure: 'Umlaufverfahren' });
  });

  test('decision numbers are checked: malformed, wrong year, duplicate, wrong suffix, unknown issuer', async () => {
    const malformed = await decision('24/9', '2024-06-13').expect(400);
    expect(malformed.body.details).toEqual([{ path: 'number', message: expect.stringContaining('keine Beschlussnummer') }]);
    const wrongYear = await decision('2023/05-AL', '2024-06-13').expect(400);
    expect(wrongYear.body.details).toEqual([{ path: 'number', message: expect.stringContaining('Jahr') }]);
    const duplicate = await decision('2024/09-AL', '2024-06-13').expect(409);
    expect(duplicate.body).toMatchObject({ statusCode: 409, error: 'Conflict', message: 'Beschluss 2024/09-AL (AL-Runde) ist bereits erfasst.' });
    await decision('2024/10-XY', '2024-06-13').expect(400);
    const unknownIssuer = await decision('2024/10', '2024-06-13', { issuer: 'Bundesrat' }).expect(400);
    expect(unknownIssuer.body.details[0].path).toBe('issuer');
    const sessionMissing = await decision('2024/11', '2024-06-13', { procedure: 'Sitzung' }).expect(400);
    expect(sessionMissing.body.details[0].path).toBe('session');
    const list = await t.http.get('/api/decisions?issuer=AL-Runde').expect(200);
    expect(list.body.map((d: { number: string }) => d.number)).toEqual(['2024/09-AL']);
  });

  test('approval without a recorded decision is refused', async () => {
    const error = await expectRefused(send({ type: 'approved', data: { approvedUntil: '2025-03-31' }, decision: '2024/99-AL' }), 422);
    expect(error.message).toContain('Beschluss 2024/99-AL');
  });

  test('decision 2024/09-AL, cited as the minutes cite it („Beschluss 2024/09-AL“), approves the body until 2025-03-31', async () => {
    const response = await send({ type: 'approved', data: { approvedUntil: '2025-03-31' }, decision: 'Beschluss 2024/09-AL' }).expect(200);
    expect(response.body).toMatchObject({ version: 3, state: { value: 'established' } });
    expect(response.body.event).toMatchObject({
      occurredAt: '2024-06-12T22:00:00.000Z',
      decision: { number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-13', type: 'Beschluss' },
      actor: { id: 'geschaeftsstelle', role: 'secretariat' },
      machine: { id: 'body', version: BODY_MACHINE_VERSION },
    });
  });

  test('the work starts on 2024-06-17', async () => {
    const response = await send({ type: 'started', occurredAt: '2024-06-17' }).expect(200);
    expect(response.body.state).toEqual({
      value: { active: { term: 'running', reporting: 'upToDate', closure: 'operating' } },
      label: 'Aktiv (Laufzeit läuft, Berichte aktuell, In Arbeit)',
      paths: expect.arrayContaining(['active', 'active.term.running']),
    });
  });

  test('a stale expectedVersion is a 409 with the current version', async () => {
    const error = await expectRefused(send({ type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2024-11-01', expectedVersion: 3 }), 409);
    expect(error.details).toEqual({ expectedVersion: 3, currentVersion: 4 });
  });

  test('unknown fields and malformed values are named field by field', async () => {
    const error = await expectRefused(
      send({ type: 'extended', data: { approvedUntil: '2025-02-30', foo: 1 }, decision: '2024/09-AL', bar: true }),
      400,
    );
    expect(error.details).toEqual([{ path: 'bar', message: 'Unbekanntes Feld.' }]);
    const dataError = await expectRefused(send({ type: 'extended', data: { approvedUntil: '2025-02-30', foo: 1 }, decision: '2024/09-AL' }), 400);
    expect(dataError.details).toEqual([
      { path: 'data.approvedUntil', message: expect.stringContaining('JJJJ-MM-TT') },
      { path: 'data.foo', message: 'Unbekanntes Feld.' },
    ]);
    const typeError = await expectRefused(send({ type: 'exploded' }), 400);
    expect(typeError.details).toEqual([{ path: 'type', message: expect.stringContaining('Unbekannter Ereignistyp „exploded“') }]);
    await expectRefused(send({ type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2027-01-01' }), 400);
    await expectRefused(t.http.post(`/api/bodies/${id}/events`).set('content-type', 'application/json').send('{"type":'), 400);
  });

  test('a system event is recorded by hand only once it has fallen due, never on a whim', async () => {
    // „im November 2024“ falls due at the end of the month, Saturday 30.11., moved to Monday 02.12.2024.
    const early = await expectRefused(send({ type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2024-11-01' }), 422);
    expect(early.message).toBe(
      '„Bericht fällig“ für die Berichtspflicht „r1“ steht erst am 02.12.2024 an (Ereignisdatum 01.11.2024); die Fristenüberwachung erfasst es dann selbst.',
    );
    const expiring = await expectRefused(send({ type: 'termExpiring', occurredAt: '2024-11-01' }), 422);
    expect(expiring.message).toContain('„Laufzeitende naht“ steht erst am 31.12.2024 an');
    expect((await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events).toHaveLength(4);
  });

  test('the interim report due in November 2024 is submitted and acknowledged', async () => {
    await send({ type: 'reportSubmitted', data: { obligationId: 'r1', title: 'Erster Zwischenbericht' }, occurredAt: '2024-11-25' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2024/15-AL', issuer: 'AL-Runde', date: '2024-12-05', procedure: 'Sitzung', session: 31, type: 'Kenntnisnahme', title: 'Zwischenbericht', effects: [{ body: id, effect: 'reportAcknowledged', data: { obligationId: 'r1' } }] })
      .expect(201);
    const response = await send({ type: 'reportAcknowledged', data: { obligationId: 'r1' }, decision: '2024/15-AL' }).expect(200);
    expect(response.body.state.value).toMatchObject({ active: { reporting: 'upToDate' } });
    const body = (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
    expect(body.context.obligations[0]).toMatchObject({ state: 'acknowledged', submittedOn: '2024-11-25', acknowledgedOn: '2024-12-05', acknowledgedBy: '2024/15-AL' });
    // The title it was handed in under is recorded as its own (statechart version 5), beside the one it was owed under.
    expect(body.context.obligations[0]).toMatchObject({ title: 'Erster Zwischenbericht', submittedTitle: 'Erster Zwischenbericht' });
  });

  test('an extension to an earlier date is refused, in the decision as in the event', async () => {
    // An effect its event would refuse whatever comes is refused where the decision is recorded, with the same reason.
    const recorded = await decision('2025/02', '2025-03-20', { effects: [{ body: id, effect: 'extended', data: { approvedUntil: '2025-01-31' } }] }).expect(400);
    expect(recorded.body.details).toEqual([{ path: 'effects[0].data.approvedUntil', message: expect.stringContaining('nach dem bisherigen Ende') }]);
    await decision('2025/03', '2025-03-20', { effects: [{ body: id, effect: 'extended', data: { approvedUntil: '2025-12-31' } }] }).expect(201);
    const error = await expectRefused(send({ type: 'extended', data: { approvedUntil: '2025-01-31' } }), 422);
    expect(error.message).toContain('nach dem bisherigen Ende');
  });

  test('a later decision extends the term', async () => {
    const response = await send({ type: 'extended', data: { approvedUntil: '2025-12-31' }, decision: '2025/03-AL' }).expect(200);
    expect(response.body.state.value).toMatchObject({ active: { term: 'running' } });
    expect((await t.http.get(`/api/bodies/${id}`)).body.context.approvedUntil).toBe('2025-12-31');
  });

  test('an event dated before the last one is refused: history is only appended', async () => {
    const error = await expectRefused(send({ type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2025-11-30' } }, occurredAt: '2025-01-01' }), 422);
    expect(error.message).toContain('liegt vor dem letzten Ereignis');
    expect(error.details).toEqual({ lastOccurredAt: expect.any(String), path: 'occurredAt' });
  });

  test('closure is initiated and, its final report settled, the body is transferred to a named successor', async () => {
    const successor = await t.http
      .post('/api/bodies')
      .send({ ...EXAMPLE_REGISTRATION, title: 'Föderale Digitalstrategie – Umsetzung', contacts: [], registeredAt: '2025-09-01' })
      .expect(201);
    await send({ type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2025-11-30' } }, occurredAt: '2025-09-01' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2025/20', issuer: 'IT-PLR', date: '2025-10-15', procedure: 'Sitzung', session: 48, type: 'Beschluss', title: 'Überführung',
        effects: [
          { body: id, effect: 'reportWaived', data: { obligationId: 'r2', reason: 'Die Ergebnisse gehen in die Umsetzung ein.' } },
          { body: id, effect: 'transferred', data: { successor: { name: 'Föderale Digitalstrategie – Umsetzung', bodyId: successor.body.id } } },
        ],
      })
      .expect(201);
    const unknownSuccessor = await expectRefused(
      send({ type: 'transferred', data: { successor: { name: 'X', bodyId: '00000000-0000-4000-8000-000000000000' } }, decision: '2025/20' }),
      400,
    );
    expect(unknownSuccessor.details).toEqual([{ path: 'data.successor.bodyId', message: expect.stringContaining('nicht registriert') }]);
    // A transfer is an orderly closure: not while the final report is open. Its Frist, a Sunday, is named by the day it falls on, as the Fristen name it.
    const transfer = { type: 'transferred', data: { successor: { name: 'Föderale Digitalstrategie – Umsetzung', bodyId: successor.body.id } }, decision: '2025/20' };
    const open = await expectRefused(send(transfer), 422);
    expect(open.message).toBe(
      'Die Überführung in eine Nachfolgestruktur ist ein geordneter Abschluss und setzt wie dieser einen zur Kenntnis genommenen oder entfallenen Abschlussbericht voraus. ' +
        'Offen ist: Abschlussbericht an AL-Runde (Frist 01.12.2025, verschoben von 30.11.2025; offen) – erst einreichen und zur Kenntnis nehmen oder als entfallen erfassen.',
    );
    const fristen = (await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body.filter((d: { ref: string }) => d.ref === 'r2');
    expect(fristen).toEqual([expect.objectContaining({ originalDate: '2025-11-30', effectiveDate: '2025-12-01' })]);
    const notYet = (await t.http.get(`/api/bodies/${id}`).expect(200)).body.notYetPossible;
    expect(notYet).toContainEqual(expect.objectContaining({ type: 'transferred', reason: open.message }));
    await send({ type: 'reportWaived', data: { obligationId: 'r2', reason: 'Die Ergebnisse gehen in die Umsetzung ein.' }, decision: '2025/20' }).expect(200);
    const response = await send({
      type: 'transferred',
      data: { successor: { name: 'Föderale Digitalstrategie – Umsetzung', bodyId: successor.body.id } },
      decision: '2025/20',
    }).expect(200);
    expect(response.body).toMatchObject({ state: { value: 'transferred', label: 'In Nachfolgestruktur überführt' }, allowedEvents: [] });
  });

  test('GET /api/bodies/:id/history returns the chain: versions 1..n, each hash over its fields and the previous hash', async () => {
    const events = await history();
    // termExpiring fell due (90 days before the end of the term) before the extension and again before the transfer:
    // the write path recorded it, dated on its day, by system:scheduler.
    expect(events.map((e) => e.type)).toEqual([
      'registered', 'submitted', 'approved', 'started', 'reportSubmitted', 'reportAcknowledged', 'termExpiring', 'extended',
      'closureInitiated', 'termExpiring', 'reportWaived', 'transferred',
    ]);
    expect(events.filter((e) => e.type === 'termExpiring').map((e) => `${e.occurredAt} ${(e.actor as { id: string }).id}`)).toEqual([
      '2024-12-30T23:00:00.000Z system:scheduler',
      '2025-10-01T22:00:00.000Z system:scheduler',
    ]);
    events.forEach((e, i) => {
      expect(e.version).toBe(i + 1);
      expect(e.prevHash).toBe(i === 0 ? null : events[i - 1].hash);
      const { hash, label: _label, ...fields } = e;
      expect(hashEvent(fields as never)).toBe(hash);
    });
  });

  test('a decision shows the events that cite it; lists filter by state and text', async () => {
    const decisionView = await t.http.get('/api/decisions/AL-Runde/2024%2F09-AL').expect(200);
    expect(decisionView.body.citedBy).toEqual([{ bodyId: id, version: 3, type: 'approved', occurredAt: '2024-06-12T22:00:00.000Z' }]);
    await t.http.get('/api/decisions/AL-Runde/2030%2F01-AL').expect(404);
    const transferredBodies = await t.http.get('/api/bodies?state=transferred').expect(200);
    expect(transferredBodies.body.map((b: { id: string }) => b.id)).toEqual([id]);
    const drafts = await t.http.get('/api/bodies?state=draft&q=digitalstrategie').expect(200);
    expect(drafts.body).toHaveLength(1);
    expect((await t.http.get('/api/bodies?q=gibt-es-nicht').expect(200)).body).toEqual([]);
    // The text as typed: „%“ and „_“ match themselves, not anything.
    for (const q of ['%25', '_', 'digitalstrat_gie', '%5C']) expect((await t.http.get(`/api/bodies?q=${q}`).expect(200)).body).toEqual([]);
    await t.http.get('/api/bodies?sort=1').expect(400);
    // Any state of the chart filters, a region's too; a state it does not know is a 400 naming those it does.
    expect((await t.http.get('/api/bodies?state=active.term.expired').expect(200)).body).toEqual([]);
    const unknown = await t.http.get('/api/bodies?state=aktiv').expect(400);
    expect(unknown.body.details).toEqual([{ path: 'query.state', message: expect.stringMatching(/^Erlaubt ist eines von: "draft", .*"active\.term\.expired".*"transferred"/) }]);
  });

  test('an unknown body is a 404 in the one error shape', async () => {
    for (const response of [
      await t.http.get('/api/bodies/unbekannt'),
      await t.http.get('/api/bodies/unbekannt/history'),
      await send({ type: 'submitted' }, 'unbekannt'),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Gremium unbekannt ist nicht registriert.', details: null });
    }
  });

  test('GET /health and the OpenAPI document at /api/docs', async () => {
    expect((await t.http.get('/health').expect(200)).body).toEqual({ status: 'ok', database: expect.any(String) });
    await t.http.get('/api/docs').expect(200).expect('content-type', /html/);
    const openapi = (await t.http.get('/api/docs/openapi.json').expect(200)).body;
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/bodies', '/api/bodies/{id}/events', '/api/decisions']));
  });
});

describe('an event on the day of the body\'s last one, before it', () => {
  let t: TestApp;
  afterAll(() => t.close());

  test('is refused with both times, since a day means its midnight, and how to date it instead', async () => {
    t = await startTestApp({ now: '2026-12-04T21:30:00Z' });
    const { id } = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2026-12-04T21:00:00Z' }).expect(201)).body;
    const refused = await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', occurredAt: '2026-12-04' }).expect(422);
    expect(refused.body.message).toBe(
      'Das Ereignisdatum 04.12.2026, 00:00 Uhr liegt vor dem letzten Ereignis des Gremiums (04.12.2026, 22:00 Uhr); die Geschichte wird nur fortgeschrieben. Ohne Datum gilt jetzt; sonst einen Zeitpunkt danach angeben.',
    );
    expect(refused.body.details).toEqual({ lastOccurredAt: '2026-12-04T21:00:00.000Z', path: 'occurredAt' });
  });
});
