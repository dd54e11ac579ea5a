/**
 * A refusal of the write path that names its field (`details.path`) is shown at that field of
 * the body page's event form, not at „Datum des Ereignisses“, and said once; the chart's own
 * refusal of a reschedule to a day before the event's stands at the new Frist. A transfer or
 * closure into a registered successor needs no name typed in. Nothing refused is recorded.
 */
import { startTestApp, type TestApp } from './support/test-app';
import { errorAt, eventFormBodies, occurrences } from './support/event-form-page';

describe('refusals on the body page’s event forms', () => {
  let t: TestApp;
  const { send, record, post, historyLength, active } = eventFormBodies(() => t, 30);

  /** The closure initiated on 21.11.2026, its Abschlussbericht submitted and noted (so a transfer may follow). */
  const closing = async (body: string) => {
    await send(body, { type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2026-12-15' } }, occurredAt: '2026-11-21' }).expect(200);
    const final = (await t.http.get(`/api/bodies/${body}`).expect(200)).body.context.obligations.find((o: { kind: string }) => o.kind === 'Abschlussbericht').id as string;
    await send(body, { type: 'reportSubmitted', data: { obligationId: final }, occurredAt: '2026-11-22' }).expect(200);
    await send(body, { type: 'reportAcknowledged', data: { obligationId: final }, occurredAt: '2026-11-23' }).expect(200);
  };

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
  }, 60_000);
  afterAll(() => t.close());

  test('a new Frist before the event’s day is refused at „Neue Frist“, said once, and not at the event’s date', async () => {
    const body = await active('AG Verschoben');
    const before = await historyLength(body);
    const obligationId = (await t.http.get(`/api/bodies/${body}`).expect(200)).body.context.obligations.at(-1).id as string;
    const res = await post(body, { type: 'reportRescheduled', obligationId, occurredAt: '2026-11-28', 'due.kind': 'date', 'due.date': '2026-11-01' }).expect(422);
    const message = 'Die neue Frist (01.11.2026) liegt vor dem Ereignisdatum (28.11.2026).';
    expect(errorAt(res.text, 'reportRescheduled', 'due-gruppe')).toBe(message);
    expect(errorAt(res.text, 'reportRescheduled', 'occurredAt')).toBeNull();
    // Once at the fieldset, once in the summary's link to it.
    expect(occurrences(res.text, message)).toBe(2);
    expect(await historyLength(body)).toBe(before);
  });

  test('a requested report or a closure whose Frist has passed by the event’s day is refused at that Frist', async () => {
    const body = await active('AG Vergangen');
    const before = await historyLength(body);
    const requested = await post(body, { type: 'reportRequested', kind: 'Abschlussbericht', addressee: 'IT-Planungsrat', occurredAt: '2026-11-28', 'due.kind': 'date', 'due.date': '2026-11-02' }).expect(422);
    expect(errorAt(requested.text, 'reportRequested', 'due-gruppe')).toMatch(/liegt vor dem Ereignisdatum \(28\.11\.2026\)/);
    expect(errorAt(requested.text, 'reportRequested', 'occurredAt')).toBeNull();
    const closure = await post(body, { type: 'closureInitiated', occurredAt: '2026-11-28', 'finalReportDue.kind': 'date', 'finalReportDue.date': '2026-11-02' }).expect(422);
    expect(errorAt(closure.text, 'closureInitiated', 'finalReportDue-gruppe')).toMatch(/liegt vor dem Ereignisdatum \(28\.11\.2026\)/);
    expect(errorAt(closure.text, 'closureInitiated', 'occurredAt')).toBeNull();
    expect(await historyLength(body)).toBe(before);
  });

  test('a transfer into a successor that ended before is refused at the registered successor’s field', async () => {
    const successor = await active('KG Beendet');
    const body = await active('PG Übergabe');
    await record('2026/80', '2026-11-20', [{ body: successor, effect: 'dissolved', data: {} }]).expect(201);
    await record('2026/81', '2026-11-19', [{ body, effect: 'transferred', data: { successor: { bodyId: successor } } }]).expect(201);
    await send(successor, { type: 'dissolved', decision: '2026/80', data: {} }).expect(200);
    await closing(body);
    const before = await historyLength(body);
    const res = await post(body, { type: 'transferred', decision: '2026/81', occurredAt: '2026-11-28', 'successor.name': '', 'successor.bodyId': successor }).expect(422);
    expect(errorAt(res.text, 'transferred', 'successor-bodyId')).toMatch(/ist seit dem 20\.11\.2026 beendet/);
    expect(errorAt(res.text, 'transferred', 'successor-name')).toBeNull();
    expect(await historyLength(body)).toBe(before);
  });

  test('a transfer into a registered successor needs no name: the successor’s title is taken; without one the name is asked for', async () => {
    const successor = await active('KG Aufnehmend');
    const body = await active('PG Überführt');
    await record('2026/82', '2026-11-22', [{ body, effect: 'transferred', data: { successor: { bodyId: successor } } }]).expect(201);
    await closing(body);
    const page = (await t.http.get(`/gremien/${body}`).expect(200)).text;
    expect(page).toContain('Pflicht, wenn kein registriertes Nachfolgegremium gewählt ist');

    const unnamed = await post(body, { type: 'transferred', decision: '2026/82', occurredAt: '2026-11-28', 'successor.name': '', 'successor.bodyId': '' }).expect(400);
    expect(errorAt(unnamed.text, 'transferred', 'successor-name')).not.toBeNull();

    await post(body, { type: 'transferred', decision: '2026/82', occurredAt: '2026-11-28', 'successor.name': '', 'successor.bodyId': successor }).expect(303);
    const last = (await t.http.get(`/api/bodies/${body}/history`).expect(200)).body.events.at(-1);
    expect(last.type).toBe('transferred');
    expect(last.data.successor).toEqual(expect.objectContaining({ bodyId: successor, name: 'KG Aufnehmend' }));
  });
});
