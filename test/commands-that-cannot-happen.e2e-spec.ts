/**
 * Commands and decision effects that could never be carried out as meant are refused where they
 * are written down: a report's Frist already past on the day it is set, an approval until a day
 * before its decision, an extension that does not go beyond the current end, a successor whose
 * name contradicts the registered body it links to. The statechart is left as it is: these are
 * the write path's and the register's checks, so recorded streams replay as they were.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { DeadlinesService } from '../src/deadlines/deadlines.service';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('commands and effects that cannot happen, on %s', (database) => {
  let t: TestApp;
  /** Approved until 31.12.2026 by 2026/50 of 15.01.2026 (and so active: its start lies before). */
  let a: string;
  /** Submitted, not yet approved. */
  let c: string;
  /** Registered as „KG FöV“. */
  let s: string;

  const send = (body: string, command: object) => t.http.post(`/api/bodies/${body}/events`).send(command);
  const record = (number: string, date: string, effects: object[]) =>
    t.http.post('/api/decisions').send({ number, issuer: 'IT-PLR', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects });
  const register = async (title: string) =>
    (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, registeredAt: '2026-01-05' }).expect(201)).body.id as string;
  const historyLength = async (body: string) => (await t.http.get(`/api/bodies/${body}/history`).expect(200)).body.events.length as number;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
    a = await register('Projektgruppe Abschluss');
    c = await register('Projektgruppe Neu');
    s = await register('KG FöV');
    for (const body of [a, c]) await send(body, { type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
    await record('2026/50', '2026-01-15', [{ body: a, effect: 'approved', data: { approvedUntil: '2026-12-31' } }]).expect(201);
    await send(a, { type: 'approved', decision: '2026/50', data: { approvedUntil: '2026-12-31' } }).expect(200);
  }, 60_000);
  afterAll(() => t.close());

  test('a report requested with a Frist already past on the event’s day is refused, naming the Frist and the day, and nothing is written', async () => {
    const before = await historyLength(a);
    const refused = await send(a, {
      type: 'reportRequested',
      data: { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2026-05-01' } },
      occurredAt: '2026-07-01',
    }).expect(422);
    expect(refused.body.message).toBe('Die Frist des Zwischenberichts (01.05.2026) liegt vor dem Ereignisdatum (01.07.2026).');
    expect(await historyLength(a)).toBe(before);
  });

  test('a decision whose closure or report request sets a Frist past on its date is refused at that Frist, and nothing is recorded', async () => {
    const closure = await record('2026/77', '2026-11-05', [{ body: a, effect: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2026-07-01' } } }]).expect(400);
    expect(closure.body.details).toEqual([
      { path: 'effects[0].data.finalReportDue', message: 'Die Frist des Abschlussberichts (01.07.2026) liegt vor dem Beschluss (05.11.2026).' },
    ]);
    const report = await record('2026/77', '2026-11-05', [
      { body: a, effect: 'reportRequested', data: { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2026-10' } } },
    ]).expect(400);
    expect(report.body.details).toEqual([{ path: 'effects[0].data.due', message: 'Die Frist des Zwischenberichts (im Oktober 2026) liegt vor dem Beschluss (05.11.2026).' }]);
    await t.http.get('/api/decisions/IT-PLR/2026%2F77').expect(404);
  });

  test('a closure whose Frist has passed by the day it is applied, or sent directly, is refused with that day', async () => {
    await record('2026/78', '2026-06-20', [{ body: a, effect: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2026-07-01' } } }]).expect(201);
    const before = await historyLength(a);
    const applied = await t.http.post('/api/decisions/IT-PLR/2026%2F78/apply').send({ body: a, occurredAt: '2026-11-05' }).expect(422);
    expect(applied.body.message).toBe('Die Frist des Abschlussberichts (01.07.2026) liegt vor dem Ereignisdatum (05.11.2026).');
    const direct = await send(a, { type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2026-07-01' } }, occurredAt: '2026-11-05' }).expect(422);
    expect(direct.body.message).toBe('Die Frist des Abschlussberichts (01.07.2026) liegt vor dem Ereignisdatum (05.11.2026).');
    expect(await historyLength(a)).toBe(before);
  });

  test('a closure may still name the past Frist of a final report already handed in', async () => {
    const b = await register('Projektgruppe Bericht vorab');
    await send(b, { type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
    await record('2026/51', '2026-01-15', [{ body: b, effect: 'approved', data: { permanent: true } }]).expect(201);
    await send(b, { type: 'approved', decision: '2026/51', data: { permanent: true } }).expect(200);
    await send(b, { type: 'reportRequested', data: { kind: 'Abschlussbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2026-03-31' } }, occurredAt: '2026-02-01' }).expect(200);
    await send(b, { type: 'reportSubmitted', data: { obligationId: 'r2' }, occurredAt: '2026-03-15' }).expect(200);
    await send(b, { type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2026-03-31' } }, occurredAt: '2026-11-05' }).expect(200);
  });

  test('an approval until a day before its decision, or an extension not beyond the current end, is refused where recorded or added, with the reason applying it would give', async () => {
    const approval = await record('2026/79', '2026-06-12', [{ body: c, effect: 'approved', data: { approvedUntil: '2026-03-31' } }]).expect(400);
    expect(approval.body.details).toEqual([{ path: 'effects[0].data.approvedUntil', message: 'Das Datum „befristet bis“ (31.03.2026) liegt vor dem Beschluss (12.06.2026).' }]);
    const extension = await record('2026/79', '2026-06-12', [{ body: a, effect: 'extended', data: { approvedUntil: '2026-10-31' } }]).expect(400);
    expect(extension.body.details).toEqual([
      { path: 'effects[0].data.approvedUntil', message: 'Die Verlängerung muss nach dem bisherigen Ende liegen: neu 31.10.2026, bisher 31.12.2026.' },
    ]);
    await t.http.get('/api/decisions/IT-PLR/2026%2F79').expect(404);

    const valid = { body: c, effect: 'approved', data: { approvedUntil: '2026-07-15' } };
    await record('2026/79', '2026-06-12', [valid]).expect(201);
    const added = await t.http
      .patch('/api/decisions/IT-PLR/2026%2F79')
      .send({ effects: [valid, { body: a, effect: 'extended', data: { approvedUntil: '2026-10-31' } }], reason: 'Wirkung ergänzt' })
      .expect(400);
    expect(added.body.details).toEqual([
      { path: 'effects[1].data.approvedUntil', message: 'Die Verlängerung muss nach dem bisherigen Ende liegen: neu 31.10.2026, bisher 31.12.2026.' },
    ]);
    // A later date would leave the approval's end (15.07.2026) before the decision.
    const redated = await t.http.patch('/api/decisions/IT-PLR/2026%2F79').send({ date: '2026-07-31', reason: 'Datum berichtigt' }).expect(400);
    expect(redated.body.details).toEqual([{ path: 'effects[0].data.approvedUntil', message: expect.stringContaining('liegt vor dem Beschluss (31.07.2026)') }]);
    expect((await t.http.get('/api/decisions/IT-PLR/2026%2F79').expect(200)).body.effects.map((e: { data: object }) => e.data)).toEqual([valid.data]);
  });

  test('a successor named by its registered body alone takes its title; a name contradicting the body is refused in the decision and in the command', async () => {
    await send(a, { type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2026-12-15' } }, occurredAt: '2026-11-06' }).expect(200);
    await send(a, { type: 'reportSubmitted', data: { obligationId: 'r2' }, occurredAt: '2026-11-07' }).expect(200);
    await send(a, { type: 'reportAcknowledged', data: { obligationId: 'r2' }, occurredAt: '2026-11-08' }).expect(200);

    const contradicting = { successor: { name: 'Ganz andere Struktur', bodyId: s } };
    const named = await record('2026/81', '2026-11-10', [{ body: a, effect: 'transferred', data: contradicting }]).expect(400);
    expect(named.body.details).toEqual([
      {
        path: 'effects[0].data.successor.name',
        message: 'Der Name „Ganz andere Struktur“ passt nicht zum registrierten Nachfolgegremium „KG FöV“: den Namen weglassen (er wird vom Gremium übernommen) oder „KG FöV“ angeben.',
      },
    ]);
    const recorded = await record('2026/81', '2026-11-10', [{ body: a, effect: 'transferred', data: { successor: { bodyId: s } } }]).expect(201);
    expect(recorded.body.effects[0].data).toEqual({ successor: { name: 'KG FöV', bodyId: s } });

    const before = await historyLength(a);
    const direct = await send(a, { type: 'transferred', decision: '2026/81', data: contradicting }).expect(400);
    expect(direct.body.details).toEqual([{ path: 'data.successor.name', message: expect.stringContaining('„Ganz andere Struktur“ passt nicht zum registrierten Nachfolgegremium „KG FöV“') }]);
    expect(await historyLength(a)).toBe(before);

    const transferred = await send(a, { type: 'transferred', decision: '2026/81', data: { successor: { bodyId: s } } }).expect(200);
    expect(transferred.body.event.data).toEqual({ successor: { name: 'KG FöV', bodyId: s } });
  });

  test('a month Frist of a report addressed to the IT-PLR by its id, as a closure’s final report is, counts the IT-Planungsrat’s sessions', () => {
    const deadlines = t.app.get(DeadlinesService);
    expect(deadlines.issuerOf('IT-PLR')).toBe('IT-PLR');
    expect(deadlines.issuerOf('IT-Planungsrat')).toBe('IT-PLR');
  });
});
