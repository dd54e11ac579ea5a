/**
 * A report's Frist is resolved with the sessions calendar when a command or a decision sets it,
 * as the Fristen are: a session that took place before the day is a past Frist, refused at its
 * field (a 422 of the write path names it in `details.path`, the register's 400 at the effect).
 * A decision's effect for a body that ended by the decision's day, or into a successor that had
 * ended by then, is refused where it is written down, in the words applying it would use.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('past Fristen at sessions and effects on ended bodies, on %s', (database) => {
  let t: TestApp;
  let decisions = 60;

  const send = (body: string, command: object) => t.http.post(`/api/bodies/${body}/events`).send(command);
  const record = (number: string, date: string, effects: object[]) =>
    t.http.post('/api/decisions').send({ number, issuer: 'IT-PLR', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects });
  const historyLength = async (body: string) => (await t.http.get(`/api/bodies/${body}/history`).expect(200)).body.events.length as number;
  /** A body approved until 31.12.2027 by a decision of 15.01.2026 (and so active). */
  const active = async (title: string) => {
    const id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, registeredAt: '2026-01-05' }).expect(201)).body.id as string;
    await send(id, { type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
    const number = `2026/${decisions++}`;
    await record(number, '2026-01-15', [{ body: id, effect: 'approved', data: { approvedUntil: '2027-12-31' } }]).expect(201);
    await send(id, { type: 'approved', decision: number, data: { approvedUntil: '2027-12-31' } }).expect(200);
    return id;
  };
  const zwischenbericht = (due: object) => ({ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due });

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
    await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 50, date: '2026-06-25' }).expect(201);
    await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 51, date: '2026-11-20' }).expect(201);
  }, 60_000);
  afterAll(() => t.close());

  test('a report requested to a session that already took place is refused at its Frist, naming the session’s day, and nothing is written', async () => {
    const body = await active('Projektgruppe Sitzungsfrist');
    const before = await historyLength(body);
    const refused = await send(body, { type: 'reportRequested', data: zwischenbericht({ kind: 'session', issuer: 'IT-PLR', session: 50 }) }).expect(422);
    expect(refused.body.message).toBe('Die Frist des Zwischenberichts, zur 50. Sitzung (IT-PLR) am 25.06.2026, liegt vor dem Ereignisdatum (28.11.2026).');
    expect(refused.body.details.path).toBe('data.due');

    const first = await send(body, { type: 'reportRequested', data: zwischenbericht({ kind: 'firstSession', issuer: 'IT-PLR', year: 2026 }) }).expect(422);
    expect(first.body.message).toBe('Die Frist des Zwischenberichts, zur ersten Sitzung 2026 (IT-PLR): 50. Sitzung am 25.06.2026, liegt vor dem Ereignisdatum (28.11.2026).');
    expect(first.body.details.path).toBe('data.due');

    // The month ends after the day, but the IT-Planungsrat's session in it was before.
    const month = await send(body, { type: 'reportRequested', data: zwischenbericht({ kind: 'month', month: '2026-11' }) }).expect(422);
    expect(month.body.message).toBe('Die Frist des Zwischenberichts, im November 2026 (51. Sitzung am 20.11.2026), liegt vor dem Ereignisdatum (28.11.2026).');
    expect(await historyLength(body)).toBe(before);
  });

  test('a closure whose final report is due at a session that took place is refused at finalReportDue; a session the calendar does not know yet stays allowed', async () => {
    const body = await active('Projektgruppe Abschluss zur Sitzung');
    const before = await historyLength(body);
    const refused = await send(body, { type: 'closureInitiated', data: { finalReportDue: { kind: 'session', issuer: 'IT-PLR', session: 50 } } }).expect(422);
    expect(refused.body.message).toBe('Die Frist des Abschlussberichts, zur 50. Sitzung (IT-PLR) am 25.06.2026, liegt vor dem Ereignisdatum (28.11.2026).');
    expect(refused.body.details).toMatchObject({ path: 'data.finalReportDue', violations: [refused.body.message] });
    expect(await historyLength(body)).toBe(before);

    await send(body, { type: 'closureInitiated', data: { finalReportDue: { kind: 'session', issuer: 'IT-PLR', session: 52 } } }).expect(200);
  });

  test('a report moved to a session that already took place is refused at its new Frist, in the write path and in the register', async () => {
    const body = await active('Projektgruppe Verschoben');
    await send(body, { type: 'reportRequested', data: zwischenbericht({ kind: 'date', date: '2027-03-31' }), occurredAt: '2026-11-01' }).expect(200);
    const moved = { obligationId: 'r2', due: { kind: 'session', issuer: 'IT-PLR', session: 50 } };
    const refused = await send(body, { type: 'reportRescheduled', data: moved }).expect(422);
    expect(refused.body.message).toBe('Die neue Frist, zur 50. Sitzung (IT-PLR) am 25.06.2026, liegt vor dem Ereignisdatum (28.11.2026).');
    expect(refused.body.details.path).toBe('data.due');
    const decided = await record('2026/89', '2026-11-10', [{ body, effect: 'reportRescheduled', data: moved }]).expect(400);
    expect(decided.body.details).toEqual([{ path: 'effects[0].data.due', message: 'Die neue Frist, zur 50. Sitzung (IT-PLR) am 25.06.2026, liegt vor dem Beschluss (10.11.2026).' }]);
  });

  test('a decision whose effect sets a Frist at a session held before the decision is refused at that Frist, and nothing is recorded', async () => {
    const body = await active('Projektgruppe Beschlussfrist');
    const report = await record('2026/90', '2026-11-10', [{ body, effect: 'reportRequested', data: zwischenbericht({ kind: 'session', issuer: 'IT-PLR', session: 50 }) }]).expect(400);
    expect(report.body.details).toEqual([
      { path: 'effects[0].data.due', message: 'Die Frist des Zwischenberichts, zur 50. Sitzung (IT-PLR) am 25.06.2026, liegt vor dem Beschluss (10.11.2026).' },
    ]);
    const closure = await record('2026/90', '2026-11-10', [{ body, effect: 'closureInitiated', data: { finalReportDue: { kind: 'firstSession', issuer: 'IT-PLR', year: 2026 } } }]).expect(400);
    expect(closure.body.details).toEqual([
      { path: 'effects[0].data.finalReportDue', message: 'Die Frist des Abschlussberichts, zur ersten Sitzung 2026 (IT-PLR): 50. Sitzung am 25.06.2026, liegt vor dem Beschluss (10.11.2026).' },
    ]);
    await t.http.get('/api/decisions/IT-PLR/2026%2F90').expect(404);
    // The session of 20.11. lay after the decision's day.
    await record('2026/90', '2026-11-10', [{ body, effect: 'reportRequested', data: zwischenbericht({ kind: 'session', issuer: 'IT-PLR', session: 51 }) }]).expect(201);
  });

  test('a decision approving a body with a planned report due before the decision is refused at that report, and nothing is recorded', async () => {
    const body = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Projektgruppe Geplante Berichte', registeredAt: '2026-10-05' }).expect(201)).body.id as string;
    await send(body, { type: 'submitted', occurredAt: '2026-10-06' }).expect(200);
    const reports = [zwischenbericht({ kind: 'date', date: '2027-03-31' }), zwischenbericht({ kind: 'session', issuer: 'IT-PLR', session: 50 })];
    const refused = await record('2026/88', '2026-11-10', [{ body, effect: 'approved', data: { approvedUntil: '2027-12-31', reports } }]).expect(400);
    expect(refused.body.details).toEqual([
      { path: 'effects[0].data.reports[1].due', message: 'Die Frist des Zwischenberichts, zur 50. Sitzung (IT-PLR) am 25.06.2026, liegt vor dem Beschluss (10.11.2026).' },
    ]);
    await t.http.get('/api/decisions/IT-PLR/2026%2F88').expect(404);
    // The session of 20.11. lay after the decision's day.
    reports[1] = zwischenbericht({ kind: 'session', issuer: 'IT-PLR', session: 51 });
    await record('2026/88', '2026-11-10', [{ body, effect: 'approved', data: { approvedUntil: '2027-12-31', reports } }]).expect(201);
  });

  test('an extension or another Entfristung of a body made permanent is refused at the effect, and nothing is recorded', async () => {
    const body = await active('Projektgruppe Dauerhaft');
    await record('2026/84', '2026-11-10', [{ body, effect: 'madePermanent' }]).expect(201);
    await send(body, { type: 'madePermanent', decision: '2026/84' }).expect(200);
    const extension = await record('2026/85', '2026-11-20', [{ body, effect: 'extended', data: { approvedUntil: '2028-06-30' } }]).expect(400);
    expect(extension.body.details).toEqual([{ path: 'effects[0].effect', message: 'Das Gremium ist bereits dauerhaft eingerichtet (entfristet): eine Verlängerung ist nicht mehr möglich.' }]);
    const again = await record('2026/85', '2026-11-20', [{ body, effect: 'madePermanent' }]).expect(400);
    expect(again.body.details).toEqual([{ path: 'effects[0].effect', message: 'Das Gremium ist bereits dauerhaft eingerichtet (entfristet): eine weitere Entfristung bewirkt nichts.' }]);
    await t.http.get('/api/decisions/IT-PLR/2026%2F85').expect(404);
  });

  test('a transfer into a successor dissolved before the decision, or an effect for a body ended by then, is refused where recorded or added, as applying it would say', async () => {
    const successor = await active('KG Nachfolge');
    const body = await active('Projektgruppe Übergabe');
    await record('2026/91', '2026-11-20', [{ body: successor, effect: 'dissolved', data: {} }]).expect(201);
    await send(successor, { type: 'dissolved', decision: '2026/91', data: {} }).expect(200);
    await send(body, { type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2026-12-15' } }, occurredAt: '2026-11-21' }).expect(200);

    const transfer = await record('2026/92', '2026-11-25', [{ body, effect: 'transferred', data: { successor: { bodyId: successor } } }]).expect(400);
    expect(transfer.body.details).toEqual([
      {
        path: 'effects[0].data.successor.bodyId',
        message: 'Das Nachfolgegremium „KG Nachfolge“ ist seit dem 20.11.2026 beendet; in eine beendete Struktur geht die Arbeit nicht über (Beschluss vom 25.11.2026).',
      },
    ]);
    const ended = 'Der Lebenslauf des Gremiums „KG Nachfolge“ ist seit dem 20.11.2026 beendet (Aufgelöst); es sind keine Ereignisse mehr zulässig (Beschluss vom 25.11.2026).';
    const own = await record('2026/92', '2026-11-25', [{ body: successor, effect: 'extended', data: { approvedUntil: '2028-12-31' } }]).expect(400);
    expect(own.body.details).toEqual([{ path: 'effects[0].body', message: ended }]);
    await t.http.get('/api/decisions/IT-PLR/2026%2F92').expect(404);

    const valid = { body, effect: 'reportRequested', data: zwischenbericht({ kind: 'date', date: '2027-03-31' }) };
    await record('2026/92', '2026-11-25', [valid]).expect(201);
    const added = await t.http
      .patch('/api/decisions/IT-PLR/2026%2F92')
      .send({ effects: [valid, { body: successor, effect: 'reportRequested', data: zwischenbericht({ kind: 'date', date: '2027-03-31' }) }], reason: 'Wirkung ergänzt' })
      .expect(400);
    expect(added.body.details).toEqual([{ path: 'effects[1].body', message: ended }]);

    // Decided before the successor's end, the transfer could still be carried out on its day.
    await record('2026/93', '2026-11-19', [{ body, effect: 'transferred', data: { successor: { bodyId: successor } } }]).expect(201);
  });

  test('applying a transfer into a successor that ended names the successor’s field', async () => {
    const successor = await active('KG Spätes Ende');
    const body = await active('Projektgruppe Späte Übergabe');
    await send(body, { type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2026-12-15' } }, occurredAt: '2026-11-21' }).expect(200);
    await record('2026/94', '2026-11-22', [{ body, effect: 'transferred', data: { successor: { bodyId: successor } } }]).expect(201);
    await record('2026/95', '2026-11-23', [{ body: successor, effect: 'dissolved', data: {} }]).expect(201);
    await send(successor, { type: 'dissolved', decision: '2026/95', data: {} }).expect(200);
    const refused = await send(body, { type: 'transferred', decision: '2026/94', data: { successor: { bodyId: successor } }, occurredAt: '2026-11-24' }).expect(422);
    expect(refused.body.message).toContain('ist seit dem 23.11.2026 beendet');
    expect(refused.body.details.path).toBe('data.successor.bodyId');
  });
});
