/**
 * „Beschluss erfassen“ and „Wirkung ergänzen“ over HTTP: each effect asks in fields for what it
 * needs (a term or „dauerhaft“, a successor or why there is none), a refusal names the field in
 * German at the field — never an API path such as `effects[0].data.successor` — keeps what was
 * typed and stores nothing.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, type TestApp } from './support/test-app';

/** The text of a field's (or fieldset's) error on the page, or null when it has none. */
function fieldError(html: string, id: string): string | null {
  const match = new RegExp(`<p class="error-message" id="${id}-error">([\\s\\S]*?)</p>`).exec(html);
  return match ? match[1].replace(/<[^>]+>/g, '').replace(/^Fehler: /, '').trim() : null;
}

/** The error summary's entries as the page reads them. */
function summary(html: string, formId: string): string[] {
  const box = new RegExp(`<div class="error-summary" id="${formId}-errors"[\\s\\S]*?</div>`).exec(html)?.[0] ?? '';
  return [...box.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1].replace(/<[^>]+>/g, '').trim());
}

describe('the forms that record a decision and add an effect', () => {
  let t: TestApp;
  let alpha: string;
  let beta: string;

  const decision = (number: string) => t.http.get(`/api/decisions/IT-PLR/${encodeURIComponent(number)}`);
  const facts = (number: string) => ({ issuer: 'IT-PLR', number, date: '2025-11-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}` });
  const record = (fields: Record<string, string>) => t.http.post('/beschluesse').type('form').send(fields);

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
    const register = async (title: string) =>
      (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, parent: 'IT-PLR', start: '2025-01-06', expectedEnd: null, reports: [], registeredAt: '2025-01-06' }).expect(201)).body.id as string;
    alpha = await register('Projektgruppe Alpha');
    beta = await register('Projektgruppe Beta');
  }, 60_000);
  afterAll(() => t.close());

  test('an effect chosen without a body is refused at „Wirkung auf das Gremium“; nothing is stored, the form keeps its input and the number stays free', async () => {
    const refused = await record({ ...facts('2025/20'), effectBody: '', effectType: 'approved', effectUntil: '2026-06-30' }).expect(400);
    expect(fieldError(refused.text, 'beschluss-erfassen-effectBody')).toBe('Bitte das Gremium wählen, für das die Wirkung gilt.');
    expect(summary(refused.text, 'beschluss-erfassen')).toEqual(['Wirkung auf das Gremium: Bitte das Gremium wählen, für das die Wirkung gilt.']);
    expect(refused.text).toMatch(/id="beschluss-erfassen-number"[^>]*value="2025\/20"/);
    expect(refused.text).toMatch(/id="beschluss-erfassen-effectUntil"[^>]*value="2026-06-30"/);
    expect(refused.text).toContain('<option value="approved" selected>');
    await decision('2025/20').expect(404);

    await record({ ...facts('2025/20'), effectBody: alpha, effectType: 'approved', effectUntil: '2026-06-30' }).expect(303);
    expect((await decision('2025/20').expect(200)).body.effects).toEqual([expect.objectContaining({ body: alpha, effect: 'approved', data: { approvedUntil: '2026-06-30' } })]);
  });

  test('„Wirkung ergänzen“ without a body names the field in German and changes nothing', async () => {
    await t.http.post('/api/decisions').send({ ...facts('2025/21'), effects: [] }).expect(201);
    const path = `/beschluesse/IT-PLR/${encodeURIComponent('2025/21')}`;
    const refused = await t.http.post(`${path}/wirkungen`).type('form').send({ effectBody: '', effectType: 'extended', effectUntil: '2027-06-30', reason: 'Übersehen' }).expect(400);
    expect(fieldError(refused.text, 'wirkung-ergaenzen-effectBody')).toBe('Bitte das Gremium wählen, für das die Wirkung gilt.');
    expect(refused.text).not.toMatch(/effects\[\d+\]/);
    // A refused effect without a reason: both named at once.
    const both = await t.http.post(`${path}/wirkungen`).type('form').send({ effectBody: alpha, effectType: 'approved', effectUntil: '', reason: '' }).expect(400);
    expect(fieldError(both.text, 'wirkung-ergaenzen-effectUntil')).toMatch(/^Bitte angeben, bis wann/);
    expect(fieldError(both.text, 'wirkung-ergaenzen-reason')).toBe('Bitte ausfüllen.');
    expect((await t.http.get(`/api/decisions/IT-PLR/${encodeURIComponent('2025/21')}/history`).expect(200)).body.events).toHaveLength(1);

    await t.http.post(`${path}/wirkungen`).type('form').send({ effectBody: alpha, effectType: 'transferred', 'successor.name': 'Föderale Zusammenarbeit', reason: 'Übersehen' }).expect(303);
    expect((await decision('2025/21').expect(200)).body.effects).toEqual([expect.objectContaining({ effect: 'transferred', data: { successor: { name: 'Föderale Zusammenarbeit' } } })]);
  });

  test('a closing decision asks for the successor or the reason there is none, in fields, and says in German what is missing', async () => {
    const form = (await t.http.get(`/beschluesse?wirkung=closed&fuer=${alpha}`).expect(200)).text;
    expect(form).toContain('<option value="closed" selected>');
    expect(form).toContain('id="beschluss-erfassen-successor-name"');
    expect(form).toContain('id="beschluss-erfassen-successor-bodyId"');
    expect(form).toContain('id="beschluss-erfassen-noSuccessorReason"');

    const neither = await record({ ...facts('2025/22'), effectBody: alpha, effectType: 'closed', zurueck: alpha }).expect(400);
    expect(fieldError(neither.text, 'beschluss-erfassen-successor-gruppe')).toBe('Bitte die Nachfolgestruktur nennen oder begründen, warum es keine gibt.');
    expect(neither.text).not.toMatch(/effects\[\d+\]|noSuccessorReason \(|successor \(/);
    const both = await record({ ...facts('2025/22'), effectBody: alpha, effectType: 'closed', 'successor.name': 'Nachfolger', noSuccessorReason: 'Aufgabe erledigt' }).expect(400);
    expect(fieldError(both.text, 'beschluss-erfassen-noSuccessorReason')).toMatch(/^Entweder die Nachfolgestruktur/);
    await decision('2025/22').expect(404);

    const closed = await record({ ...facts('2025/22'), effectBody: alpha, effectType: 'closed', noSuccessorReason: 'Aufgabe erledigt', zurueck: alpha }).expect(303);
    expect(closed.headers.location).toBe(`/gremien/${alpha}?beschluss=2025%2F22&aktion=closed#aktion-closed-details`);
    expect((await decision('2025/22').expect(200)).body.effects).toEqual([expect.objectContaining({ body: alpha, effect: 'closed', data: { noSuccessorReason: 'Aufgabe erledigt' } })]);

    await record({ ...facts('2025/23'), effectBody: alpha, effectType: 'closed', 'successor.name': 'Projektgruppe Beta', 'successor.bodyId': beta }).expect(303);
    expect((await decision('2025/23').expect(200)).body.effects[0].data).toEqual({ successor: { name: 'Projektgruppe Beta', bodyId: beta } });
  });

  test('a transfer asks for the successor’s name at its field only when no registered successor is chosen', async () => {
    const refused = await record({ ...facts('2025/24'), effectBody: alpha, effectType: 'transferred' }).expect(400);
    expect(fieldError(refused.text, 'beschluss-erfassen-successor-name')).toBe('Bitte den Namen der Nachfolgestruktur angeben oder ein registriertes Nachfolgegremium wählen.');
    expect(refused.text).not.toMatch(/effects\[\d+\]/);
    await decision('2025/24').expect(404);
    await record({ ...facts('2025/24'), effectBody: alpha, effectType: 'transferred', 'successor.name': '', 'successor.bodyId': beta }).expect(303);
    expect((await decision('2025/24').expect(200)).body.effects[0].data.successor).toEqual(expect.objectContaining({ bodyId: beta }));
  });

  test('an establishment is befristet or dauerhaft, chosen in fields; an extension needs its new end; fields that do not fit the effect are refused there', async () => {
    const none = await record({ ...facts('2025/25'), effectBody: beta, effectType: 'approved' }).expect(400);
    expect(fieldError(none.text, 'beschluss-erfassen-effectUntil')).toBe('Bitte angeben, bis wann das Gremium eingerichtet ist, oder „dauerhaft“ ankreuzen.');
    expect(none.text).not.toMatch(/approvedUntil|permanent: true/);
    const both = await record({ ...facts('2025/25'), effectBody: beta, effectType: 'approved', effectUntil: '2027-12-31', effectPermanent: 'on' }).expect(400);
    expect(fieldError(both.text, 'beschluss-erfassen-effectPermanent')).toMatch(/^Entweder befristet oder dauerhaft/);
    const extended = await record({ ...facts('2025/25'), effectBody: beta, effectType: 'extended', effectPermanent: 'on' }).expect(400);
    expect(fieldError(extended.text, 'beschluss-erfassen-effectUntil')).toBe('Bitte das neue Ende angeben.');
    expect(fieldError(extended.text, 'beschluss-erfassen-effectPermanent')).toMatch(/^Nur bei der Einrichtung/);
    const misplaced = await record({ ...facts('2025/25'), effectBody: beta, effectType: 'madePermanent', effectUntil: '2027-12-31', noSuccessorReason: 'x' }).expect(400);
    expect(fieldError(misplaced.text, 'beschluss-erfassen-effectUntil')).toMatch(/^Nur bei Einrichtung und Verlängerung/);
    expect(fieldError(misplaced.text, 'beschluss-erfassen-noSuccessorReason')).toMatch(/^Nur beim Abschluss/);
    await decision('2025/25').expect(404);

    await record({ ...facts('2025/25'), effectBody: beta, effectType: 'approved', effectPermanent: 'on' }).expect(303);
    expect((await decision('2025/25').expect(200)).body.effects[0].data).toEqual({ permanent: true });
  });

  test('a decision in a session without its number is refused at „Nummer der Sitzung“ in German, without the API’s names', async () => {
    const refused = await record({ ...facts('2025/26'), procedure: 'Sitzung' }).expect(400);
    expect(fieldError(refused.text, 'beschluss-erfassen-session')).toBe('Bei einem Beschluss in einer Sitzung die Nummer der Sitzung angeben.');
    const circular = await record({ ...facts('2025/26'), session: '41' }).expect(400);
    expect(fieldError(circular.text, 'beschluss-erfassen-session')).toBe('Ein Beschluss im Umlaufverfahren hat keine Nummer der Sitzung; bitte leer lassen.');
    await decision('2025/26').expect(404);
    // The API names the parameter by its path, as its other answers do.
    const api = await t.http.post('/api/decisions').send({ ...facts('2025/26'), procedure: 'Sitzung' }).expect(400);
    expect(JSON.stringify(api.body)).toContain('Bei einem Beschluss in einer Sitzung die Nummer der Sitzung angeben.');
    expect(JSON.stringify(api.body)).toContain('session');
  });

  test('no effect asks for JSON: a renaming is recorded from „Neuer Name des Gremiums“, and without it refused there', async () => {
    const form = (await t.http.get('/beschluesse').expect(200)).text;
    expect(form).not.toMatch(/JSON|effectData/);
    const refused = await record({ ...facts('2025/27'), effectBody: alpha, effectType: 'renamed', effectShortName: 'PG A' }).expect(400);
    expect(fieldError(refused.text, 'beschluss-erfassen-effectTitle')).toBe('Bitte den neuen Namen des Gremiums angeben.');
    expect(refused.text).toMatch(/id="beschluss-erfassen-effectShortName"[^>]*value="PG A"/);
    await decision('2025/27').expect(404);
    await record({ ...facts('2025/27'), effectBody: alpha, effectType: 'renamed', effectTitle: 'Projektgruppe Alpha (neu)' }).expect(303);
    expect((await decision('2025/27').expect(200)).body.effects[0].data).toEqual({ title: 'Projektgruppe Alpha (neu)' });
  });

  test('„Neuen Beschluss mit dieser Wirkung erfassen“ presets the issuer from the body’s parent and leaves the procedure to choose', async () => {
    const register = async (title: string, parent: string) =>
      (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, parent, start: '2025-01-06', expectedEnd: null, reports: [], registeredAt: '2025-01-06' }).expect(201)).body.id as string;
    const issuer = (html: string) => /<select[^>]*id="beschluss-erfassen-issuer"[\s\S]*?<\/select>/.exec(html)?.[0] ?? '';
    const procedure = (html: string) => [...html.matchAll(/<input type="radio"[^>]*name="procedure"[^>]*>/g)].map((m) => m[0]);

    const al = await register('Unterarbeitsgruppe der AL-Runde', 'AL-Runde');
    const fromAl = (await t.http.get(`/beschluesse?wirkung=extended&fuer=${al}`).expect(200)).text;
    expect(issuer(fromAl)).toContain('<option value="AL-Runde" selected>');
    expect(issuer(fromAl)).not.toMatch(/value="IT-PLR" selected/);
    expect(procedure(fromAl)).toHaveLength(2);
    expect(procedure(fromAl).filter((r) => r.includes(' checked'))).toEqual([]);

    // The blank form keeps its defaults.
    const blank = (await t.http.get('/beschluesse').expect(200)).text;
    expect(issuer(blank)).toContain('<option value="IT-PLR" selected>');
    expect(issuer(blank)).not.toContain('– bitte wählen –');
  });

  test('a number already recorded is refused at „Beschlussnummer“; a Frist in a month without its month asks for the month', async () => {
    await record(facts('2025/30')).expect(303);
    const again = await record(facts('2025/30')).expect(409);
    expect(fieldError(again.text, 'beschluss-erfassen-number')).toBe('Beschluss 2025/30 (IT-PLR) ist bereits erfasst.');
    expect(summary(again.text, 'beschluss-erfassen')).toEqual(['Beschlussnummer: Beschluss 2025/30 (IT-PLR) ist bereits erfasst.']);

    const noMonth = await record({ ...facts('2025/31'), effectBody: alpha, effectType: 'reportRequested', 'report.kind': 'Zwischenbericht', 'report.addressee': 'IT-Planungsrat', 'report.due.kind': 'month' }).expect(400);
    expect(fieldError(noMonth.text, 'beschluss-erfassen-report-due-month')).toBe('Bitte den Monat angeben.');
    await decision('2025/31').expect(404);
  });

  test('an error in a Frist is named in the summary with the fieldset it belongs to, shown at its field with what was typed kept; an empty day is asked for there', async () => {
    const report = { effectBody: alpha, effectType: 'reportRequested', 'report.kind': 'Zwischenbericht', 'report.addressee': 'IT-Planungsrat', 'report.title': 'Sachstand 2026' };
    const month = await record({ ...facts('2025/32'), ...report, 'report.due.kind': 'month', 'report.due.month': '2026-13' }).expect(400);
    expect(summary(month.text, 'beschluss-erfassen')).toEqual(['Fälligkeit › Monat: Bitte einen Monat im Format JJJJ-MM angeben, z. B. 2024-11.']);
    expect(fieldError(month.text, 'beschluss-erfassen-report-due-month')).toBe('Bitte einen Monat im Format JJJJ-MM angeben, z. B. 2024-11.');
    expect(month.text).toMatch(/id="beschluss-erfassen-report-due-month"[^>]*value="2026-13"/);
    expect(month.text).toMatch(/id="beschluss-erfassen-report-title"[^>]*value="Sachstand 2026"/);

    const closing = await record({ ...facts('2025/32'), effectBody: alpha, effectType: 'closureInitiated', 'effectDue.kind': 'month', 'effectDue.month': '11.2026' }).expect(400);
    expect(summary(closing.text, 'beschluss-erfassen')).toEqual(['Neue Frist / Frist für den Abschlussbericht › Monat: Bitte einen Monat im Format JJJJ-MM angeben, z. B. 2024-11.']);
    expect(closing.text).toMatch(/id="beschluss-erfassen-effectDue-month"[^>]*value="11\.2026"/);

    const day = await record({ ...facts('2025/32'), ...report, 'report.due.kind': 'date' }).expect(400);
    expect(summary(day.text, 'beschluss-erfassen')).toEqual(['Fälligkeit › Datum: Bitte das Datum angeben.']);
    expect(fieldError(day.text, 'beschluss-erfassen-report-due-date')).toBe('Bitte das Datum angeben.');
    expect(day.text).toMatch(/<input type="radio" id="beschluss-erfassen-report-due-kind-0"[^>]*value="date" checked/);
    const session = await record({ ...facts('2025/32'), effectBody: alpha, effectType: 'closureInitiated', 'effectDue.kind': 'session', 'effectDue.issuer': 'IT-PLR' }).expect(400);
    expect(summary(session.text, 'beschluss-erfassen')).toEqual(['Neue Frist / Frist für den Abschlussbericht › Nummer der Sitzung: Bitte die Nummer der Sitzung angeben.']);
    await decision('2025/32').expect(404);

    // A label the form bears once stays as it is: the decision's own session number.
    const own = await record({ ...facts('2025/32'), procedure: 'Sitzung' }).expect(400);
    expect(summary(own.text, 'beschluss-erfassen')).toEqual(['Nummer der Sitzung: Bei einem Beschluss in einer Sitzung die Nummer der Sitzung angeben.']);
  });
});
