/**
 * Every effect (Wirkung) a decision can name, recorded through „Beschluss erfassen“ and „Wirkung
 * ergänzen“ from form fields alone — no JSON anywhere — and stored exactly as the same effect
 * sent to `POST /api/decisions`. Bad input is refused at the field that holds it, in German, with
 * the field's label in the error summary, the typed values kept and nothing stored; the rules the
 * API applies (a member named twice, numbers in bounds, the event schema) apply alike.
 */
import { DECISION_EFFECT_TYPES } from '../machines';
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

const unescape = (html: string) => html.replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

type Fields = Record<string, string>;

describe('every effect of a decision, from form fields', () => {
  let t: TestApp;
  let alpha: string;
  let beta: string;
  /** Alpha's interim report (a Berichtspflicht still owed) and its yearly report (a recurring one). */
  let report: string;
  let yearly: string;
  let numbers = 0;

  const nextNumber = () => `2026/${String(++numbers).padStart(2, '0')}`;
  const facts = (number: string) => ({ issuer: 'IT-PLR', number, date: '2026-11-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}` });
  const record = (fields: Fields) => t.http.post('/beschluesse').type('form').send(fields);
  const decision = (number: string) => t.http.get(`/api/decisions/IT-PLR/${encodeURIComponent(number)}`);

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
    const register = async (title: string) =>
      (
        await t.http
          .post('/api/bodies')
          .send({
            ...EXAMPLE_REGISTRATION,
            title,
            parent: 'IT-PLR',
            start: '2026-01-05',
            expectedEnd: null,
            reports: [
              { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2027-03-31' }, title: 'Erster Zwischenbericht' },
              { kind: 'Jahresbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2027-01-31' }, recurrence: { everyMonths: 12 } },
            ],
            registeredAt: '2026-01-05',
          })
          .expect(201)
      ).body.id as string;
    alpha = await register('Projektgruppe Alpha');
    beta = await register('Projektgruppe Beta');
    const body = (await t.http.get(`/api/bodies/${alpha}`).expect(200)).body;
    report = body.context.obligations.find((o: { kind: string }) => o.kind === 'Zwischenbericht').id;
    yearly = body.context.obligations.find((o: { kind: string }) => o.kind === 'Jahresbericht').id;
  }, 60_000);
  afterAll(() => t.close());

  /** Each effect: the form's fields and the data the register stores (as the API stores the same). */
  const cases = (): Array<[string, string, Fields, Record<string, unknown>]> => [
    ['approved', 'befristet bis Ende eines Monats', { effectUntilMonth: '2027-07' }, { approvedUntil: { month: '2027-07' } }],
    [
      'approved',
      'befristet, mit einer Berichtspflicht',
      { effectUntil: '2027-12-31', 'report.kind': 'Zwischenbericht', 'report.addressee': 'IT-Planungsrat', 'report.due.kind': 'month', 'report.due.month': '2027-06' },
      { approvedUntil: '2027-12-31', reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2027-06' } }] },
    ],
    ['approved', 'dauerhaft', { effectPermanent: 'on' }, { permanent: true }],
    ['rejected', 'mit Begründung', { effectReason: 'Kein Bedarf.' }, { reason: 'Kein Bedarf.' }],
    ['extended', 'bis Ende eines Jahres', { effectUntilYear: '2028' }, { approvedUntil: { year: '2028' } }],
    ['madePermanent', 'ohne weitere Angaben', {}, {}],
    ['reclassified', 'Art und Zuordnung', { effectKind: 'Arbeitsgruppe', effectParent: 'AL-Runde' }, { kind: 'Arbeitsgruppe', parent: 'AL-Runde' }],
    ['closed', 'ohne Nachfolgestruktur', { noSuccessorReason: 'Die Aufgabe ist erledigt.' }, { noSuccessorReason: 'Die Aufgabe ist erledigt.' }],
    ['transferred', 'in ein registriertes Gremium', { 'successor.name': 'Projektgruppe Beta', 'successor.bodyId': 'BETA' }, { successor: { name: 'Projektgruppe Beta', bodyId: 'BETA' } }],
    ['dissolved', 'ohne Begründung', {}, {}],
    ['renamed', 'mit Kurzbezeichnung', { effectTitle: 'Projektgruppe Alpha (neu)', effectShortName: 'PG Alpha' }, { title: 'Projektgruppe Alpha (neu)', shortName: 'PG Alpha' }],
    ['leadsChanged', 'Länder hinzu und heraus, eine je Zeile', { 'members.added': 'Bayern\r\n  Berlin  \r\n\r\n', 'members.removed': 'Hessen' }, { added: ['Bayern', 'Berlin'], removed: ['Hessen'] }],
    ['participantsChanged', 'nur hinzu', { 'members.added': 'Sachsen' }, { added: ['Sachsen'] }],
    [
      'reportRequested',
      'jährlich, die Frist als Datum ohne gewählte Art',
      { 'report.kind': 'Jahresbericht', 'report.addressee': 'IT-Planungsrat', 'report.title': 'Jahresbericht 2027', 'report.due.date': '2027-01-31', 'report.recurrence': '12' },
      { kind: 'Jahresbericht', addressee: 'IT-Planungsrat', title: 'Jahresbericht 2027', due: { kind: 'date', date: '2027-01-31' }, recurrence: { everyMonths: 12 } },
    ],
    ['reportAcknowledged', 'die gewählte Berichtspflicht', { effectObligation: 'REPORT' }, { obligationId: 'REPORT' }],
    [
      'reportRescheduled',
      'zu einer Sitzung',
      { effectObligation: 'REPORT', 'effectDue.kind': 'session', 'effectDue.issuer': 'IT-PLR', 'effectDue.session': '45', effectReason: 'Laufzeit verlängert.' },
      { obligationId: 'REPORT', due: { kind: 'session', issuer: 'IT-PLR', session: 45 }, reason: 'Laufzeit verlängert.' },
    ],
    ['reportWaived', 'mit Begründung', { effectObligation: 'REPORT', effectReason: 'Bericht entfällt mit der Auflösung.' }, { obligationId: 'REPORT', reason: 'Bericht entfällt mit der Auflösung.' }],
    [
      'reportSeriesEnded',
      'ab einem Tag, mit Begründung',
      { effectSeries: 'YEARLY', effectFrom: '2028-01-01', effectReason: 'Der Jahresbericht geht im Gesamtbericht auf.' },
      { obligationId: 'YEARLY', from: '2028-01-01', reason: 'Der Jahresbericht geht im Gesamtbericht auf.' },
    ],
    ['extensionDeclined', 'mit Begründung', { effectReason: 'Keine Begründung für die Verlängerung.' }, { reason: 'Keine Begründung für die Verlängerung.' }],
    [
      'closureInitiated',
      'Abschlussbericht zur ersten Sitzung eines Jahres',
      { 'effectDue.kind': 'firstSession', 'effectDue.issuer': 'IT-PLR', 'effectDue.year': '2027' },
      { finalReportDue: { kind: 'firstSession', issuer: 'IT-PLR', year: 2027 } },
    ],
  ];

  /** The placeholders of `cases` replaced by the ids known once the bodies are registered. */
  const filled = <T>(value: T): T => JSON.parse(JSON.stringify(value).replace(/"BETA"/g, JSON.stringify(beta)).replace(/"REPORT"/g, JSON.stringify(report)).replace(/"YEARLY"/g, JSON.stringify(yearly)));

  test('the cases cover every effect a decision can name', () => {
    expect([...new Set(cases().map(([type]) => type))].sort()).toEqual([...DECISION_EFFECT_TYPES].sort());
  });

  test.each(cases())('„Beschluss erfassen“ records %s (%s) from fields as the API records the same effect', async (type, _, rawFields, rawData) => {
    const [fields, data] = [filled(rawFields), filled(rawData)];
    const number = nextNumber();
    await record({ ...facts(number), effectBody: alpha, effectType: type, ...fields }).expect(303);
    const stored = (await decision(number).expect(200)).body.effects;
    expect(stored).toEqual([expect.objectContaining({ body: alpha, effect: type, data })]);

    // The same effect through the REST API: the same command, the same stored effect.
    const twin = nextNumber();
    await t.http.post('/api/decisions').send({ ...facts(twin), effects: [{ body: alpha, effect: type, data }] }).expect(201);
    expect((await decision(twin).expect(200)).body.effects[0].data).toEqual(stored[0].data);
  });

  test('the form offers the body’s open Berichtspflichten by name once the body is known, and every effect’s fields have German labels', async () => {
    const blank = (await t.http.get('/beschluesse').expect(200)).text;
    expect(blank).not.toMatch(/JSON|effectData/);
    expect(blank).toContain('Angeboten werden die offenen Berichtspflichten des gewählten Gremiums');
    const preset = (await t.http.get(`/beschluesse?wirkung=reportAcknowledged&fuer=${alpha}`).expect(200)).text;
    expect(preset).toContain(`<option value="${report}">Erster Zwischenbericht (Zwischenbericht) an IT-Planungsrat, Frist 31.03.2027 (offen)</option>`);
    expect(preset).toContain('<option value="reportAcknowledged" selected>Bericht zur Kenntnis nehmen</option>');
    // A recurring report is offered for its end once, as its series, by its latest period.
    const ending = (await t.http.get(`/beschluesse?wirkung=reportSeriesEnded&fuer=${alpha}`).expect(200)).text;
    const series = /<select[^>]*id="beschluss-erfassen-effectSeries"[\s\S]*?<\/select>/.exec(ending)?.[0] ?? '';
    expect([...series.matchAll(/<option value="([^"]+)">([^<]*)<\/option>/g)].map((m) => [m[1], m[2]])).toEqual([[yearly, 'Jahresbericht an IT-Planungsrat, jährlich, zuletzt Frist 31.01.2027']]);
    for (const label of ['Befristet bis / neues Ende (Tag)', 'oder bis Ende des Monats', 'Art des Berichts', 'Berichtspflicht des Gremiums', 'Neue Frist / Frist für den Abschlussbericht', 'Neuer Name des Gremiums', 'Kommen hinzu', 'Scheiden aus', 'Neue Art des Formats', 'Begründung der Wirkung']) {
      expect(preset).toContain(label);
    }
    // Each field has its label (for=…) and each group its legend.
    for (const id of ['effectUntilMonth', 'report-kind', 'effectObligation', 'effectDue-date', 'members-added', 'effectKind', 'effectReason']) {
      expect(preset).toContain(`<label for="beschluss-erfassen-${id}">`);
    }
    expect(preset).toMatch(/<fieldset class="group effect-detail effect-for-reportRescheduled effect-for-closureInitiated" id="beschluss-erfassen-effectDue-gruppe"[^>]*>\s*<legend>Neue Frist/);
  });

  test('„Wirkung ergänzen“ adds an effect from the same fields, a Berichtspflicht chosen by name', async () => {
    const number = nextNumber();
    await t.http.post('/api/decisions').send({ ...facts(number), effects: [] }).expect(201);
    const path = `/beschluesse/IT-PLR/${encodeURIComponent(number)}`;
    // Without the body chosen before, the form comes back with its Berichtspflichten to choose from.
    const first = await t.http.post(`${path}/wirkungen`).type('form').send({ effectBody: alpha, effectType: 'reportRescheduled', 'effectDue.kind': 'month', 'effectDue.month': '2027-09', reason: 'Übersehen' }).expect(400);
    expect(fieldError(first.text, 'wirkung-ergaenzen-effectObligation')).toBe('Bitte die Berichtspflicht wählen.');
    expect(first.text).toContain(`<option value="${report}">Erster Zwischenbericht`);
    expect(first.text).toMatch(/id="wirkung-ergaenzen-effectDue-month"[^>]*value="2027-09"/);

    await t.http.post(`${path}/wirkungen`).type('form').send({ effectBody: alpha, effectType: 'reportRescheduled', effectObligation: report, 'effectDue.kind': 'month', 'effectDue.month': '2027-09', reason: 'Übersehen' }).expect(303);
    await t.http.post(`${path}/wirkungen`).type('form').send({ effectBody: beta, effectType: 'participantsChanged', 'members.removed': 'FITKO', reason: 'Übersehen' }).expect(303);
    expect((await decision(number).expect(200)).body.effects).toEqual([
      expect.objectContaining({ body: alpha, effect: 'reportRescheduled', data: { obligationId: report, due: { kind: 'month', month: '2027-09' } } }),
      expect.objectContaining({ body: beta, effect: 'participantsChanged', data: { removed: ['FITKO'] } }),
    ]);
    // A member named twice is refused by the register's rule, at the line, in the form's words.
    const twice = await t.http.post(`${path}/wirkungen`).type('form').send({ effectBody: beta, effectType: 'leadsChanged', 'members.added': 'Bayern\nbayern', reason: 'Übersehen' }).expect(400);
    expect(fieldError(twice.text, 'wirkung-ergaenzen-members-added')).toBe('Zeile 2: „bayern“ steht bereits in Zeile 1.');
    expect(twice.text).not.toMatch(/effects\[\d+\]/);
    expect((await decision(number).expect(200)).body.effects).toHaveLength(2);
  });

  /** Bad input: the fields posted, the field (its id in the form) the refusal stands at, and its message. */
  const refusals = (): Array<[string, Fields, string, string | RegExp]> => [
    ['a Berichtspflicht without its kind', { effectType: 'reportRequested', 'report.addressee': 'IT-Planungsrat', 'report.due.kind': 'date', 'report.due.date': '2027-02-01' }, 'report-kind', 'Bitte die Art des Berichts wählen.'],
    ['a Berichtspflicht without its Fälligkeit', { effectType: 'reportRequested', 'report.kind': 'Zwischenbericht', 'report.addressee': 'IT-Planungsrat' }, 'report-due-gruppe', 'Bitte die Fälligkeit angeben.'],
    ['a Fälligkeit with a field of another kind', { effectType: 'reportRequested', 'report.kind': 'Zwischenbericht', 'report.due.kind': 'date', 'report.due.date': '2027-02-01', 'report.due.month': '2027-03' }, 'report-due-month', 'Passt nicht zur gewählten Art der Frist; bitte leer lassen.'],
    ['a recurring report first due at a session', { effectType: 'reportRequested', 'report.kind': 'Jahresbericht', 'report.addressee': 'IT-Planungsrat', 'report.due.kind': 'session', 'report.due.issuer': 'IT-PLR', 'report.due.session': '50', 'report.recurrence': '12' }, 'report-recurrence', /^Eine wiederkehrende Berichtspflicht braucht als erste Frist/],
    ['a date that does not exist', { effectType: 'reportRescheduled', effectObligation: 'REPORT', 'effectDue.kind': 'date', 'effectDue.date': '2027-02-30' }, 'effectDue-date', /^Den 30\.02\.2027 gibt es nicht\.$/],
    ['a session number beyond the API’s bounds', { effectType: 'closureInitiated', 'effectDue.kind': 'session', 'effectDue.issuer': 'IT-PLR', 'effectDue.session': '99999999999' }, 'effectDue-session', /außerhalb des zulässigen Bereichs/],
    ['a session number that is no number', { effectType: 'closureInitiated', 'effectDue.kind': 'session', 'effectDue.issuer': 'IT-PLR', 'effectDue.session': 'fünf' }, 'effectDue-session', /Zahl/],
    ['a Frist of a kind the form does not offer', { effectType: 'closureInitiated', 'effectDue.kind': 'constructor' }, 'effectDue-kind', 'Bitte eine der angebotenen Arten der Frist wählen.'],
    ['a new Frist left out', { effectType: 'reportRescheduled', effectObligation: 'REPORT' }, 'effectDue-gruppe', 'Bitte die neue Frist angeben.'],
    ['a Kenntnisnahme without its Berichtspflicht', { effectType: 'reportAcknowledged' }, 'effectObligation', 'Bitte die Berichtspflicht wählen.'],
    ['a Berichtspflicht the body does not have', { effectType: 'reportAcknowledged', effectObligation: 'r99' }, 'effectObligation', 'Diese Berichtspflicht hat das gewählte Gremium nicht offen; bitte eine der angebotenen wählen.'],
    ['a Berichtspflicht for an effect that has none', { effectType: 'renamed', effectTitle: 'Neu', effectObligation: 'REPORT' }, 'effectObligation', /^Nur bei Kenntnisnahme/],
    ['the end of a series for a report owed once', { effectType: 'reportSeriesEnded', effectSeries: 'REPORT', effectFrom: '2028-01-01' }, 'effectSeries', /^Diese Berichtspflicht ist einmalig/],
    ['the end of a series named as a period to choose', { effectType: 'reportSeriesEnded', effectObligation: 'YEARLY', effectSeries: 'YEARLY', effectFrom: '2028-01-01' }, 'effectObligation', /^Nur bei Kenntnisnahme/],
    ['the end of a series without its day', { effectType: 'reportSeriesEnded', effectSeries: 'YEARLY' }, 'effectFrom', 'Bitte den Tag angeben, ab dem die Berichte nicht mehr geschuldet sind.'],
    ['a waiver without its reason', { effectType: 'reportWaived', effectObligation: 'REPORT' }, 'effectReason', 'Bitte begründen, warum der Bericht nicht mehr geschuldet ist.'],
    ['a declined extension without its reason', { effectType: 'extensionDeclined' }, 'effectReason', 'Bitte begründen, warum die Verlängerung abgelehnt wird.'],
    ['a reason where the effect takes none', { effectType: 'madePermanent', effectReason: 'Bewährt' }, 'effectReason', /^Nur bei Ablehnung/],
    ['„dauerhaft“ ticked for an extension', { effectType: 'extended', effectUntil: '2027-12-31', effectPermanent: 'on' }, 'effectPermanent', /die Wirkung „Entfristen“ wählen\.$/],
    ['a term given as a day and a year', { effectType: 'extended', effectUntil: '2027-12-31', effectUntilYear: '2027' }, 'term-gruppe', 'Bitte nur eines angeben: einen Tag, einen Monat oder ein Jahr.'],
    ['a month that is none', { effectType: 'extended', effectUntilMonth: '2027-13' }, 'effectUntilMonth', 'Bitte einen Monat im Format JJJJ-MM angeben, z. B. 2027-07.'],
    ['a year of two digits', { effectType: 'approved', effectUntilYear: '27' }, 'effectUntilYear', 'Bitte das Jahr vierstellig angeben, z. B. 2027.'],
    ['a day beyond the business dates', { effectType: 'extended', effectUntil: '1899-12-31' }, 'effectUntil', /außerhalb des zulässigen Bereichs/],
    ['a change of leads naming nobody', { effectType: 'leadsChanged' }, 'members-gruppe', 'Bitte angeben, wer in die Federführung hinzukommt oder ausscheidet (eine Angabe je Zeile).'],
    ['a member added and removed at once', { effectType: 'participantsChanged', 'members.added': 'Sachsen', 'members.removed': 'sachsen' }, 'members-removed', 'Zeile 1: „sachsen“ steht bereits in Zeile 1 von „Kommen hinzu“; es kann nicht zugleich hinzukommen und ausscheiden.'],
    ['a member name too long', { effectType: 'participantsChanged', 'members.added': `Sachsen\n${'x'.repeat(201)}` }, 'members-added', /^Zeile 2: /],
    ['a reclassification that changes nothing', { effectType: 'reclassified' }, 'effectKind', 'Bitte die neue Art oder das neue übergeordnete Gremium wählen.'],
    ['a body kind that is none', { effectType: 'reclassified', effectKind: 'Stammtisch' }, 'effectKind', 'Bitte eine der angebotenen Möglichkeiten wählen.'],
    ['a new title too long', { effectType: 'renamed', effectTitle: 'T'.repeat(301) }, 'effectTitle', /300/],
  ];

  test.each(refusals())('%s is refused at its field in German, the input kept and nothing stored', async (_, rawFields, id, message) => {
    const fields = filled(rawFields);
    const number = nextNumber();
    const refused = await record({ ...facts(number), effectBody: alpha, ...fields }).expect(400);
    const error = fieldError(refused.text, `beschluss-erfassen-${id}`);
    if (typeof message === 'string') expect(error).toBe(message);
    else expect(error).toMatch(message);
    // The summary names the field by its label and links to it; no API path shows.
    const [entry, ...more] = summary(refused.text, 'beschluss-erfassen');
    expect(more).toEqual([]);
    expect(unescape(entry)).toMatch(new RegExp(`^[^:]+: ${typeof message === 'string' ? message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : ''}`));
    expect(refused.text).toContain(`href="#beschluss-erfassen-${id}`);
    expect(refused.text).not.toMatch(/effects\[\d+\]|\.data\./);
    expect(refused.text).toMatch(new RegExp(`id="beschluss-erfassen-number"[^>]*value="${number.replace('/', '\\/')}"`));
    // What was typed stays: in its input, its text area or as the chosen option (a value no option has cannot be shown chosen).
    const page = unescape(refused.text);
    for (const [name, value] of Object.entries(fields)) {
      if (name.endsWith('.kind') || name.endsWith('.issuer') || name === 'effectType' || name === 'report.addressee') continue;
      const kept = [`value="${value}"`, `>${value}</textarea>`, `<option value="${value}" selected>`];
      if (['effectObligation', 'effectSeries', 'effectKind'].includes(name) && !page.includes(`<option value="${value}"`)) continue;
      expect(kept.some((k) => page.includes(k))).toBe(true);
    }
    await decision(number).expect(404);
  });

  test('the API refuses the same effects for the same reasons, at their parameters', async () => {
    const api = (effect: string, data: Record<string, unknown>) => t.http.post('/api/decisions').send({ ...facts(nextNumber()), effects: [{ body: alpha, effect, data }] });
    const twice = (await api('participantsChanged', { added: ['Sachsen'], removed: ['sachsen'] }).expect(400)).body;
    expect(JSON.stringify(twice)).toContain('effects[0].data.removed[0]');
    await api('closureInitiated', { finalReportDue: { kind: 'session', issuer: 'IT-PLR', session: 99999999999 } }).expect(400);
    await api('reportRequested', { kind: 'Jahresbericht', addressee: 'IT-Planungsrat', due: { kind: 'session', issuer: 'IT-PLR', session: 50 }, recurrence: { everyMonths: 12 } }).expect(400);
  });

  test('a field sent twice is refused, as the API refuses a key given twice, instead of taking the last', async () => {
    const number = nextNumber();
    const body = new URLSearchParams({ ...facts(number), effectBody: alpha, effectType: 'renamed' });
    body.append('effectTitle', 'Erster Titel');
    body.append('effectTitle', 'Zweiter Titel');
    const refused = await t.http.post('/beschluesse').type('form').send(body.toString()).expect(400);
    expect(fieldError(refused.text, 'beschluss-erfassen-effectTitle')).toBe('Dieses Feld wurde mehrmals gesendet; es darf nur einmal vorkommen, sonst bliebe offen, welcher Wert gilt.');
    await decision(number).expect(404);
  });
});
