import { DecisionsService } from '../src/decisions/decisions.service';
import { hashDecisionEvent } from '../src/decisions/register';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

/** Decisions that decide: effects per body, the register as an audited stream, applying an effect, the Beschlusskontrolle. */
describe.each(testDatabaseKinds())('decisions with effects on %s', (database) => {
  let t: TestApp;
  let a: string;
  let b: string;

  const send = (body: string, command: object) => t.http.post(`/api/bodies/${body}/events`).send(command);
  const history = async (body: string) => (await t.http.get(`/api/bodies/${body}/history`).expect(200)).body.events as Array<Record<string, any>>;
  const record = (number: string, date: string, effects: object[], extra: object = {}) =>
    t.http.post('/api/decisions').send({ number, issuer: 'IT-PLR', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects, ...extra });
  const path = (number: string) => `/api/decisions/IT-PLR/${encodeURIComponent(number)}`;

  /** Two bodies with the same form: registered, submitted and approved by 2026/41 until 30.06.2026. */
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
    const register = async (title: string) =>
      (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, registeredAt: '2026-01-05' }).expect(201)).body.id as string;
    a = await register('Projektgruppe A');
    b = await register('Projektgruppe B');
    for (const body of [a, b]) await send(body, { type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
    await record('2026/41', '2026-01-15', [
      { body: a, effect: 'approved', data: { approvedUntil: '2026-06-30' } },
      { body: b, effect: 'approved', data: { approvedUntil: '2026-06-30' } },
    ]).expect(201);
    // The form's start (17.06.2024) lies before the approval: the start timer begins the work with the next write.
    for (const body of [a, b]) await send(body, { type: 'approved', decision: '2026/41', data: { approvedUntil: '2026-06-30' } }).expect(200);
  }, 60_000);
  afterAll(() => t.close());

  test('given a body approved by 2026/41, when an extension cites 2026/41, then 422 names the decision, its effects and what was asked, and nothing is written', async () => {
    const before = await history(a);
    const refused = await send(a, { type: 'extended', decision: '2026/41', data: { approvedUntil: '2027-06-30' }, occurredAt: '2026-03-01' }).expect(422);
    expect(refused.body.message).toContain('Beschluss 2026/41 (IT-PLR) vom 15.01.2026 sieht für dieses Gremium nicht vor');
    // In the register's words, without JSON or ids: what the event asked and what the decision orders for this body.
    expect(refused.body.message).toContain('was das Ereignis verlangt („Verlängern bis 30.06.2027“). Seine Wirkung für dieses Gremium: „Einrichten bis 30.06.2026“.');
    expect(refused.body.message).not.toMatch(/[{}]|PATCH|[0-9a-f]{8}-[0-9a-f]{4}/);
    expect(refused.body.details).toMatchObject({
      decision: { number: '2026/41', issuer: 'IT-PLR', date: '2026-01-15' },
      effects: [{ body: a, effect: 'approved' }, { body: b, effect: 'approved' }],
      requested: { body: a, effect: 'extended', data: { approvedUntil: '2027-06-30' } },
    });
    expect(await history(a)).toEqual(before);
  });

  test('given a decision with an extended effect for the body, an extension to another date is refused, the one it names is accepted', async () => {
    await record('2026/42', '2026-03-10', [
      { body: a, effect: 'extended', data: { approvedUntil: '2027-06-30' } },
      { body: b, effect: 'extended', data: { approvedUntil: '2027-06-30' } },
    ]).expect(201);
    const other = await send(a, { type: 'extended', decision: '2026/42', data: { approvedUntil: '2027-12-31' } }).expect(422);
    expect(other.body.message).toContain('Seine Wirkung für dieses Gremium: „Verlängern bis 30.06.2027“.');
    const accepted = await send(a, { type: 'extended', decision: '2026/42', data: { approvedUntil: '2027-06-30' } }).expect(200);
    expect(accepted.body.event).toMatchObject({ type: 'extended', decision: { number: '2026/42', date: '2026-03-10' } });
    const again = await send(a, { type: 'extended', decision: '2026/42', data: { approvedUntil: '2027-06-30' } }).expect(422);
    expect(again.body.message).toContain('die Wirkung „Verlängern bis 30.06.2027“ ist für dieses Gremium bereits umgesetzt (Version');
  });

  test('the forms offer each body its own open effects: one the body carried out is gone, the other body’s stays open for that body', async () => {
    const decisions = t.app.get(DecisionsService);
    const open = async (body: string) => (await decisions.openEffects(body)).map(({ decision, index }) => `${decision.number}#${index}`);
    expect(await open(a)).toEqual([]);
    expect(await open(b)).toEqual(['2026/42#1']);
    const register = await decisions.withCitations();
    const carriedOutBy = (number: string) => register.find(({ decision }) => decision.number === number)!.appliedBy.map((event) => event && event.bodyId);
    expect(carriedOutBy('2026/41')).toEqual([a, b]);
    expect(carriedOutBy('2026/42')).toEqual([a, null]);
  });

  test('applying the effect from the decision yields the same event as sending it by hand', async () => {
    const applied = await t.http.post(`${path('2026/42')}/apply`).send({ body: b }).expect(200);
    const [byHand] = (await history(a)).slice(-1);
    const [byApply] = (await history(b)).slice(-1);
    const comparable = (e: Record<string, any>) => ({ type: e.type, data: e.data, decision: e.decision, occurredAt: e.occurredAt, actor: e.actor, version: e.version });
    expect(comparable(byApply)).toEqual(comparable(byHand));
    expect(applied.body).toMatchObject({ version: byApply.version, event: { id: byApply.id } });
    const none = await t.http.post(`${path('2026/42')}/apply`).send({ body: b }).expect(400);
    expect(none.body.details[0]).toMatchObject({ path: 'effect', message: expect.stringContaining('keine offene Wirkung') });
  });

  test('recording, amending and withdrawing a decision are events of its own hash chain, with actor and reason', async () => {
    await record('2026/50', '2026-04-01', [], { reason: 'Sitzungsprotokoll' }).expect(201);
    const nothing = await t.http.patch(path('2026/50')).send({ reason: 'Nur ein Grund' }).expect(400);
    expect(nothing.body.details).toEqual([{ path: '', message: expect.stringContaining('Keine Änderung angegeben: erwartet wird mindestens eines von date') }]);
    await t.http.patch(path('2026/50')).send({ title: 'Bericht zur Kenntnis', reason: 'Titel berichtigt' }).expect(200);
    await t.http.patch(path('2026/50')).send({ effects: [{ body: a, effect: 'reportRequested', data: { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2026-12-15' } } }], reason: 'Wirkung ergänzt' }).expect(200);
    const withdrawn = await t.http.post(`${path('2026/50')}/withdrawal`).send({ reason: 'Im Umlaufverfahren gescheitert' }).expect(200);
    expect(withdrawn.body.withdrawn).toMatchObject({ reason: 'Im Umlaufverfahren gescheitert', actor: 'geschaeftsstelle' });

    const { body } = await t.http.get(`${path('2026/50')}/history`).expect(200);
    expect(body.stream).toBe('decision:IT-PLR:2026/50');
    expect(body.events.map((e: any) => [e.version, e.type, e.data.reason, e.actor.id])).toEqual([
      [1, 'decisionRecorded', 'Sitzungsprotokoll', 'geschaeftsstelle'],
      [2, 'decisionAmended', 'Titel berichtigt', 'geschaeftsstelle'],
      [3, 'decisionAmended', 'Wirkung ergänzt', 'geschaeftsstelle'],
      [4, 'decisionWithdrawn', 'Im Umlaufverfahren gescheitert', 'geschaeftsstelle'],
    ]);
    body.events.forEach((e: any, i: number) => {
      expect(e.prevHash).toBe(i === 0 ? null : body.events[i - 1].hash);
      const { hash, ...fields } = e;
      expect(hashDecisionEvent(fields)).toBe(hash);
    });
    const verify = (await t.http.get('/api/audit/verify').expect(200)).body;
    expect(verify.intact).toBe(true);
    expect(verify.streams.find((s: any) => s.stream === 'decision:IT-PLR:2026/50')).toMatchObject({ kind: 'decision', events: 4, intact: true });
  });

  test('a withdrawn decision can no longer be cited', async () => {
    const refused = await send(a, {
      type: 'reportRequested',
      decision: '2026/50',
      data: { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2026-12-15' } },
    }).expect(422);
    expect(refused.body.message).toContain('zurückgenommen („Im Umlaufverfahren gescheitert“) und kann nicht mehr zitiert werden');
  });

  test('a cited decision keeps what its events relied on; withdrawing it needs a reason, and it stays visible with its citations', async () => {
    const date = await t.http.patch(path('2026/41')).send({ date: '2026-01-14', reason: 'Tippfehler' }).expect(422);
    expect(date.body.message).toContain('wird bereits zitiert');
    expect(date.body.message).toMatch(/Das Datum 15\.01\.2026 steht in „Projektgruppe [AB]“, Version \d+ „Eingerichtet \(Beschluss\)“\./);
    const dropped = await t.http.patch(path('2026/41')).send({ effects: [{ body: a, effect: 'approved', data: { approvedUntil: '2026-06-30' } }], reason: 'B gestrichen' }).expect(422);
    expect(dropped.body.message).toMatch(/Die Wirkung „Einrichten bis 30\.06\.2026“ für „Projektgruppe B“ ist durch Version \d+ „Eingerichtet \(Beschluss\)“ umgesetzt und bleibt\./);
    await t.http.patch(path('2026/41')).send({ title: 'Einrichtung der Projektgruppen A und B', reason: 'Titel vervollständigt' }).expect(200);

    const noReason = await t.http.post(`${path('2026/41')}/withdrawal`).send({}).expect(400);
    expect(noReason.body.details).toEqual([{ path: 'reason', message: expect.any(String) }]);
    await t.http.post(`${path('2026/41')}/withdrawal`).send({ reason: 'Vom IT-Planungsrat aufgehoben' }).expect(200);
    const shown = (await t.http.get(path('2026/41')).expect(200)).body;
    expect(shown).toMatchObject({ title: 'Einrichtung der Projektgruppen A und B', withdrawn: { reason: 'Vom IT-Planungsrat aufgehoben' } });
    expect(shown.citedBy.map((c: any) => c.bodyId).sort()).toEqual([a, b].sort());
    expect((await t.http.get('/api/decisions?issuer=IT-PLR').expect(200)).body.map((d: any) => d.number)).toContain('2026/41');
    // The bodies it set up say so: their term rests on a decision that no longer stands.
    const cited = (await t.http.get(`/api/bodies/${a}`).expect(200)).body.decisions.find((d: any) => d.number === '2026/41');
    expect(cited.withdrawn).toEqual({ at: expect.any(String), actor: 'geschaeftsstelle', reason: 'Vom IT-Planungsrat aufgehoben' });
    expect((await t.http.get(`/gremien/${a}`).expect(200)).text).toMatch(
      /Beschluss 2026\/41 \(IT-PLR\) vom 15\.01\.2026: Eingerichtet \(Beschluss\) am 15\.01\.2026 – <strong class="tag tag--red">zurückgenommen am \d\d\.\d\d\.\d{4}<\/strong> \(„Vom IT-Planungsrat aufgehoben“\): was er anordnete, steht ohne Grundlage/,
    );
    // An issuer that is none is a 400 naming those there are, in the register and in the Beschlusskontrolle alike.
    for (const url of ['/api/decisions?issuer=ITPLR', '/api/decision-control?issuer=ITPLR']) {
      const unknown = await t.http.get(url).expect(400);
      expect(unknown.body.details).toEqual([{ path: 'query.issuer', message: 'Unbekanntes beschließendes Gremium „ITPLR“; bekannt: IT-PLR, AL-Runde.' }]);
    }
  });

  test('the body page and the body show a decision with its own date and the event with its date', async () => {
    await record('2026/60', '2026-05-04', [{ body: a, effect: 'renamed', data: { title: 'Projektgruppe A (neu)' } }]).expect(201);
    await send(a, { type: 'renamed', decision: '2026/60', data: { title: 'Projektgruppe A (neu)' }, occurredAt: '2026-05-20' }).expect(200);
    const body = (await t.http.get(`/api/bodies/${a}`).expect(200)).body;
    expect(body.decisions.at(-1)).toMatchObject({ number: '2026/60', date: '2026-05-04', event: 'renamed', occurredAt: '2026-05-19T22:00:00.000Z' });
    const page = (await t.http.get(`/gremien/${a}`).expect(200)).text;
    expect(page).toContain('Beschluss 2026/60 (IT-PLR) vom 04.05.2026: Umbenannt am 20.05.2026');
    expect(page).toContain('Beschluss 2026/60 vom 04.05.2026');
  });

  test('the Beschlusskontrolle lists each effect with body, requirement, Frist, state and the event that carried it out; filters by year, issuer and state', async () => {
    // Dated before b's report falls due: a Frist already past on the decision's day is refused (the report would be overdue at once).
    await record('2026/70', '2026-10-20', [
      { body: a, effect: 'reportRequested', data: { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2026-12-15' } } },
      { body: b, effect: 'reportRequested', data: { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2026-11-02' } } },
      { body: b, effect: 'madePermanent' },
    ]).expect(201);
    const rows = (await t.http.get('/api/decision-control?year=2026&issuer=IT-PLR').expect(200)).body as any[];
    const of = (number: string) => rows.filter((r) => r.decision.number === number);
    expect(of('2026/42').map((r) => [r.bodyTitle, r.required, r.state, r.appliedBy?.type])).toEqual([
      ['Projektgruppe A (neu)', 'Verlängern bis 30.06.2027', 'done', 'extended'],
      ['Projektgruppe B', 'Verlängern bis 30.06.2027', 'done', 'extended'],
    ]);
    expect(of('2026/70').map((r) => [r.bodyId, r.required, r.dueBy, r.state, r.stateLabel])).toEqual([
      [a, 'Bericht anfordern: Zwischenbericht an IT-Planungsrat bis 15.12.2026', '2026-12-15', 'dueSoon', 'bald fällig'],
      [b, 'Bericht anfordern: Zwischenbericht an IT-Planungsrat bis 02.11.2026', '2026-11-02', 'overdue', 'überfällig'],
      [b, 'Entfristen', null, 'open', 'offen ohne Frist'],
    ]);
    expect(of('2026/50').map((r) => r.state)).toEqual(['withdrawn']);
    expect((await t.http.get('/api/decision-control?state=overdue').expect(200)).body.map((r: any) => r.decision.number)).toEqual(['2026/70']);
    expect((await t.http.get('/api/decision-control?year=2025').expect(200)).body).toEqual([]);
    await t.http.get('/api/decision-control?state=rot').expect(400);

    const csv = await t.http.get('/api/decision-control.csv?state=overdue').expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('Beschluss;Gremium (beschließend);Beschlussdatum;Titel;Gremium;Gremium-ID;Wirkung;Gefordert;Frist;Stand;Umgesetzt durch (Version);Umgesetzt am');
    expect(lines.slice(1)).toEqual([
      `2026/70;IT-PLR;2026-10-20;Beschluss 2026/70;Projektgruppe B;${b};Berichtspflicht festgelegt;Bericht anfordern: Zwischenbericht an IT-Planungsrat bis 02.11.2026;2026-11-02;überfällig;;`,
    ]);
  });

  test('the decision answer names each effect’s state and number as the Beschlusskontrolle has them', async () => {
    const states = async (number: string) =>
      ((await t.http.get(path(number)).expect(200)).body.effects as any[]).map((e) => [e.index, e.body, e.dueBy, e.state, e.stateLabel]);
    const rows = async (number: string) =>
      ((await t.http.get('/api/decision-control?issuer=IT-PLR').expect(200)).body as any[])
        .filter((r) => r.decision.number === number)
        .map((r) => [r.effectIndex, r.bodyId, r.dueBy, r.state, r.stateLabel]);
    expect(await states('2026/70')).toEqual([
      [0, a, '2026-12-15', 'dueSoon', 'bald fällig'],
      [1, b, '2026-11-02', 'overdue', 'überfällig'],
      [2, b, null, 'open', 'offen ohne Frist'],
    ]);
    expect(await states('2026/42')).toEqual([
      [0, a, null, 'done', 'erledigt'],
      [1, b, null, 'done', 'erledigt'],
    ]);
    expect(await states('2026/50')).toEqual([[0, a, '2026-12-15', 'withdrawn', 'Beschluss zurückgenommen']]);
    for (const number of ['2026/70', '2026/42', '2026/50']) expect(await states(number)).toEqual(await rows(number));
  });

  test('a requested report counts as done once it is acknowledged', async () => {
    await t.http.post(`${path('2026/70')}/apply`).send({ body: b, effect: 2 }).expect(200);
    await t.http.post(`${path('2026/70')}/apply`).send({ body: b }).expect(200);
    const obligation = ((await t.http.get(`/api/bodies/${b}`).expect(200)).body.context.obligations as any[]).at(-1);
    await send(b, { type: 'reportSubmitted', data: { obligationId: obligation.id } }).expect(200);
    const before = (await t.http.get('/api/decision-control?state=overdue').expect(200)).body;
    expect(before.map((r: any) => [r.bodyId, r.report?.state])).toEqual([[b, 'submitted']]);
    await record('2026/71', '2026-11-27', [{ body: b, effect: 'reportAcknowledged', data: { obligationId: obligation.id } }]).expect(201);
    await t.http.post(`${path('2026/71')}/apply`).send({ body: b }).expect(200);
    const rows = (await t.http.get('/api/decision-control').expect(200)).body as any[];
    expect(rows.find((r) => r.decision.number === '2026/70' && r.bodyId === b && r.effect === 'reportRequested')).toMatchObject({
      state: 'done',
      report: { obligationId: obligation.id, state: 'acknowledged' },
    });
  });

  test('applying without naming the body takes the decision’s only open effect; with several bodies open it asks for the body', async () => {
    const report = { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2027-03-31' } };
    await record('2026/72', '2026-11-27', [
      { body: a, effect: 'reportRequested', data: report },
      { body: b, effect: 'reportRequested', data: report },
    ]).expect(201);
    const versions = async () => [(await history(a)).length, (await history(b)).length];
    const before = await versions();
    const ambiguous = await t.http.post(`${path('2026/72')}/apply`).send({}).expect(400);
    expect(ambiguous.body.details).toEqual([
      {
        path: 'body',
        message:
          'Beschluss 2026/72 (IT-PLR) vom 27.11.2026 hat offene Wirkungen für mehrere Gremien – ' +
          'Wirkung 0: Bericht anfordern: Zwischenbericht an IT-Planungsrat bis 31.03.2027 für „Projektgruppe A (neu)“; ' +
          'Wirkung 1: Bericht anfordern: Zwischenbericht an IT-Planungsrat bis 31.03.2027 für „Projektgruppe B“. Bitte das Gremium angeben oder die Nummer der Wirkung.',
      },
    ]);
    expect(await versions()).toEqual(before);

    await t.http.post(`${path('2026/72')}/apply`).send({ body: a }).expect(200);
    const rest = await t.http.post(`${path('2026/72')}/apply`).send({}).expect(200);
    expect(rest.body).toMatchObject({ id: b, event: { type: 'reportRequested', decision: { number: '2026/72' } } });
    const none = await t.http.post(`${path('2026/72')}/apply`).send({}).expect(400);
    expect(none.body.details).toEqual([{ path: 'effect', message: 'Beschluss 2026/72 (IT-PLR) vom 27.11.2026 hat keine offene Wirkung.' }]);
  });
});
