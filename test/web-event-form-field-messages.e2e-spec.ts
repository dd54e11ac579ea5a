/**
 * What the body page's event forms say, and where: each sentence of a refusal at the field it is
 * about (the day a report or a request came in at „Eingegangen am“, a missing decision at
 * „Beschluss“), never at „Datum des Ereignisses“ by its wording alone; an end left empty or
 * unreadable said in the form's terms, not in the API's JSON shapes; a day typed the German way
 * (TT.MM.JJJJ, where no date picker helps) taken as such. Nothing refused is recorded.
 */
import { startTestApp, type TestApp } from './support/test-app';
import { errorAt, eventFormBodies, occurrences } from './support/event-form-page';

describe('the fields of the body page’s event forms', () => {
  let t: TestApp;
  const { send, post, historyLength, active } = eventFormBodies(() => t, 40);
  const requestedReport = async (body: string) => (await t.http.get(`/api/bodies/${body}`).expect(200)).body.context.obligations.at(-1).id as string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
  }, 60_000);
  afterAll(() => t.close());

  test('a report received after the event’s day or before it was requested is refused at „Eingegangen am“, said once', async () => {
    const body = await active('AG Eingang');
    const obligationId = await requestedReport(body);
    const before = await historyLength(body);

    const later = await post(body, { type: 'reportSubmitted', obligationId, occurredAt: '2026-11-28', receivedOn: '2026-12-01' }).expect(422);
    expect(errorAt(later.text, 'reportSubmitted', 'receivedOn')).toMatch(/^Der Eingang des Berichts \(01\.12\.2026\) liegt nach dem Ereignisdatum 28\.11\.2026/);
    expect(errorAt(later.text, 'reportSubmitted', 'occurredAt')).toBeNull();

    const early = await post(body, { type: 'reportSubmitted', obligationId, occurredAt: '2026-11-28', receivedOn: '2026-10-15' }).expect(422);
    const message = 'Der Eingang des Berichts (15.10.2026) liegt vor dem 01.11.2026, an dem er gefordert wurde.';
    expect(errorAt(early.text, 'reportSubmitted', 'receivedOn')).toBe(message);
    // Once at the field, once in the summary's link to it.
    expect(occurrences(early.text, message)).toBe(2);
    expect(await historyLength(body)).toBe(before);
  });

  test('an extension request received after the event’s day is refused at „Eingegangen am“', async () => {
    const body = await active('AG Antrag');
    const before = await historyLength(body);
    const res = await post(body, {
      type: 'extensionRequested',
      'approvedUntil.precision': 'day',
      'approvedUntil.date': '2028-06-30',
      justification: 'Die Umsetzung dauert an.',
      occurredAt: '2026-11-28',
      receivedOn: '2026-12-02',
    }).expect(422);
    expect(errorAt(res.text, 'extensionRequested', 'receivedOn')).toMatch(/^Der Eingang des Antrags \(02\.12\.2026\) liegt nach dem Ereignisdatum/);
    expect(errorAt(res.text, 'extensionRequested', 'occurredAt')).toBeNull();
    expect(errorAt(res.text, 'extensionRequested', 'approvedUntil-gruppe')).toBeNull();
    expect(await historyLength(body)).toBe(before);
  });

  test('an extension without its decision and to an earlier end says each at its own field, and each once', async () => {
    const body = await active('AG Verlängert');
    const before = await historyLength(body);
    const res = await post(body, { type: 'extended', 'approvedUntil.precision': 'day', 'approvedUntil.date': '2027-06-30', occurredAt: '2026-11-28' }).expect(422);
    const atDecision = errorAt(res.text, 'extended', 'decision');
    const atEnd = errorAt(res.text, 'extended', 'approvedUntil-gruppe');
    expect(atDecision).toMatch(/braucht den Beschluss/);
    expect(atDecision).not.toMatch(/Verlängerung muss/);
    expect(atEnd).toMatch(/^Die Verlängerung muss nach dem bisherigen Ende liegen/);
    expect(atEnd).not.toMatch(/Beschluss/);
    expect(occurrences(res.text, atDecision!)).toBe(2);
    expect(occurrences(res.text, atEnd!)).toBe(2);
    expect(await historyLength(body)).toBe(before);
  });

  test('an extension request or an extension without any end asks for it at „Neues Ende“, in words, not in JSON', async () => {
    const body = await active('AG Ohne Ende');
    const before = await historyLength(body);
    const requested = await post(body, { type: 'extensionRequested', 'approvedUntil.date': '', 'approvedUntil.month': '', 'approvedUntil.year': '', justification: 'Die Umsetzung dauert an.' }).expect(400);
    expect(errorAt(requested.text, 'extensionRequested', 'approvedUntil-gruppe')).toMatch(/^Pflichtangabe fehlt: bitte „bis zu einem Tag“, „bis Ende eines Monats“ oder „bis Ende eines Jahres“ wählen/);
    expect(requested.text).not.toContain('Erwartet ein Datum');
    expect(requested.text).not.toContain('&quot;month&quot;');

    const extended = await post(body, { type: 'extended', 'approvedUntil.precision': 'day', 'approvedUntil.date': '' }).expect(400);
    expect(errorAt(extended.text, 'extended', 'approvedUntil-date')).toBe('Bitte den Tag angeben.');
    expect(extended.text).not.toContain('Erwartet ein Datum');
    expect(await historyLength(body)).toBe(before);
  });

  test('an end day that cannot be read is asked for as TT.MM.JJJJ at „Tag“; one that does not exist is named', async () => {
    const body = await active('AG Unlesbar');
    const before = await historyLength(body);
    const unreadable = await post(body, { type: 'extended', 'approvedUntil.precision': 'day', 'approvedUntil.date': 'Ende 2028' }).expect(400);
    expect(errorAt(unreadable.text, 'extended', 'approvedUntil-date')).toBe('Bitte den Tag als TT.MM.JJJJ angeben, z. B. 05.02.2026; „Ende 2028“ ist kein Tag.');
    const none = await post(body, { type: 'extended', 'approvedUntil.precision': 'day', 'approvedUntil.date': '31.02.2028' }).expect(400);
    expect(errorAt(none.text, 'extended', 'approvedUntil-date')).toBe('Den 31.02.2028 gibt es nicht.');
    expect(none.text).not.toContain('Erwartet ein Datum');
    expect(await historyLength(body)).toBe(before);
  });

  test('„Datum des Ereignisses“ and „Eingegangen am“ typed as TT.MM.JJJJ are taken; anything else unreadable is asked for so', async () => {
    const body = await active('AG Deutsches Datum');
    const obligationId = await requestedReport(body);
    const before = await historyLength(body);
    const unreadable = await post(body, { type: 'reportSubmitted', obligationId, occurredAt: 'gestern' }).expect(400);
    expect(errorAt(unreadable.text, 'reportSubmitted', 'occurredAt')).toBe('Bitte den Tag als TT.MM.JJJJ angeben, z. B. 05.02.2026; „gestern“ ist kein Tag.');
    expect(unreadable.text).not.toContain('ISO 8601');
    expect(await historyLength(body)).toBe(before);

    await post(body, { type: 'reportSubmitted', obligationId, occurredAt: '27.11.2026', receivedOn: '5.11.2026' }).expect(303);
    const last = (await t.http.get(`/api/bodies/${body}/history`).expect(200)).body.events.at(-1);
    expect(last.type).toBe('reportSubmitted');
    expect(last.occurredAt).toBe('2026-11-26T23:00:00.000Z');
    expect(last.data.receivedOn).toBe('2026-11-05');
  });

  test('„Gremium registrieren“ takes an end day typed as TT.MM.JJJJ and asks for an unreadable one at „Tag“, in words', async () => {
    const form = (fields: Record<string, string>) => ({
      title: 'Projektgruppe Ende',
      kind: 'Projektgruppe',
      parent: 'IT-PLR',
      focusTopic: 'Digitale Anwendungen',
      leads: 'Hessen',
      start: '2026-04-01',
      'reports[0].addressee': 'IT-Planungsrat',
      ...fields,
    });
    const register = (fields: Record<string, string>) => t.http.post('/gremien').type('form').send(form(fields));
    const at = (page: string, id: string) => new RegExp(`id="registrierung-${id}-error"><span class="visually-hidden">Fehler: </span>([^<]*)</p>`).exec(page)?.[1];
    const refused = await register({ 'expectedEnd.precision': 'day', 'expectedEnd.date': '31.12.27' }).expect(400);
    expect(at(refused.text, 'expectedEnd-date')).toBe('Bitte den Tag als TT.MM.JJJJ angeben, z. B. 05.02.2026; „31.12.27“ ist kein Tag.');
    expect(refused.text).not.toContain('Erwartet ein Datum');

    const created = await register({ 'expectedEnd.precision': 'day', 'expectedEnd.date': '31.12.2027' }).expect(303);
    const id = created.headers.location.split('/')[2].split('?')[0];
    expect((await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.expectedEnd).toBe('2027-12-31');
  });
});
