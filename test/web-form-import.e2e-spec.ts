/**
 * „Registrierungsformular übernehmen“ on the web: the secretariat pastes the text of a filled-in
 * form, sees what would be registered (nothing stored), and registers it as a draft with every
 * field, contact person and report obligation: what the API's and the CLI's import do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../src/database/database';
import { rowCounts } from './support/row-counts';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const SEED = readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
const TITLE = 'Weiterentwicklung Struktur OZG Föderal';

describe.each(testDatabaseKinds())('the web page „Registrierungsformular übernehmen“ on %s', (database) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
  }, 30_000);
  afterAll(() => t.close());

  const post = (fields: Record<string, string>) => t.http.post('/gremien/formular').type('form').send(fields);
  const counts = () => rowCounts(t.app.get(Database));

  it('is linked from „Gremium registrieren“ and open to the secretariat only', async () => {
    expect((await t.http.get('/gremien/neu').expect(200)).text).toContain('href="/gremien/formular"');
    expect((await t.http.get('/gremien/formular').expect(200)).text).toContain('<textarea id="formular-text" name="formular"');
    for (const role of ['reader', 'auditor'] as const) {
      const other = await t.user(role);
      await other.http.get('/gremien/formular').expect(403);
      await other.http.post('/gremien/formular').type('form').send({ formular: SEED, schritt: 'uebernehmen' }).expect(403);
    }
  });

  it('„Prüfen“ shows what the form says, field by field, keeps the text and stores nothing', async () => {
    const before = await counts();
    const page = (await post({ formular: SEED, schritt: 'pruefen' }).expect(200)).text;
    const preview = page.slice(page.indexOf('id="vorschau-angaben"'), page.indexOf('</dl>'));
    expect(preview).toContain(`<dt>Titel</dt><dd class="prose">${TITLE}</dd>`);
    expect(preview).toContain('<dt>Federführung</dt><dd class="prose">Hessen\nBremen\nBund (BMI)</dd>');
    expect(preview).toContain('Carola Heilemann-Jeschke (Hansestadt Bremen)');
    expect(preview).toContain('<dt>Berichtspflichten</dt><dd class="prose">Zwischenbericht an IT-Planungsrat im November 2024</dd>');
    expect(preview).toContain('<dt>Beschluss</dt><dd class="prose">2024/09-AL (AL-Runde)</dd>');
    expect(preview).toContain('<dt>Befristet bis</dt><dd class="prose">31.03.2025</dd>');
    // The text goes on with the button that registers it, and stays in the field to be corrected.
    expect(page).toMatch(/<input type="hidden" name="formular" value="[^"]*Titel des Gremiums: Weiterentwicklung Struktur OZG Föderal/);
    // As pasted, its two blank lines first (a textarea drops the line feed right after its tag, so one more is written).
    expect(page).toContain('aria-describedby="formular-text-hint">\n\n\nRegistrierung für Gremien oder Arbeitsformate des IT-Planungsrates');
    expect(await counts()).toEqual(before);
  });

  it('a form that cannot be read is listed line by line with its fields, an empty one is asked for; nothing is stored', async () => {
    const before = await counts();
    const broken = await post({ formular: SEED.replace('17.06.2024', 'Mitte Juni'), schritt: 'uebernehmen' }).expect(400);
    expect(broken.text).toContain('Zeile 9, Feld „Beginn der Tätigkeit“');
    expect(broken.text).toContain('aria-invalid="true"');
    expect(broken.text).toContain('Mitte Juni');
    const empty = await post({ formular: '  ', schritt: 'pruefen' }).expect(400);
    expect(empty.text).toContain('Bitte den Text des ausgefüllten Registrierungsformulars einfügen.');
    expect(await counts()).toEqual(before);
  });

  it('„Als Entwurf übernehmen“ registers the body with its contacts and report obligation, once per click; the same title again links the body', async () => {
    const click = { formular: SEED, schritt: 'uebernehmen', idempotencyKey: '5b0f1d1e-8d5c-4e55-9d43-0d6f3b1f2a11' };
    const first = await post(click).expect(303);
    expect(first.headers.location).toMatch(/^\/gremien\/[0-9a-f-]{36}\?erfolg=registriert$/);
    // A double click lands on the same page and registers nothing more.
    expect((await post(click).expect(303)).headers.location).toBe(first.headers.location);
    const id = first.headers.location.split('/')[2].split('?')[0];
    const body = (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
    expect([body.title, body.state.value, body.contacts.length, body.context.obligations.length]).toEqual([TITLE, 'draft', 3, 1]);
    expect((await t.http.get(first.headers.location).expect(200)).text).toContain('Das Gremium wurde als Entwurf registriert.');

    const again = await post({ formular: SEED, schritt: 'uebernehmen' }).expect(409);
    expect(again.text).toContain(`ist bereits registriert: <a href="/gremien/${id}">${TITLE}</a>`);
    expect((await t.http.get('/api/bodies').expect(200)).body).toHaveLength(1);
    // „Prüfen“ says so before the click, and offers no „Als Entwurf übernehmen“ beside the preview.
    const checked = (await post({ formular: SEED, schritt: 'pruefen' }).expect(200)).text;
    expect(checked).toContain(`id="vorschau-registriert">Ein Gremium „${TITLE}“ ist bereits registriert: <a href="/gremien/${id}">`);
    const preview = checked.slice(checked.indexOf('id="vorschau"'), checked.indexOf('id="formular-titel"'));
    expect(preview).not.toContain('value="uebernehmen"');
  });
  /** The seed form under another title, naming another decision. */
  const formOf = (title: string, decision: string) => SEED.replace(TITLE, title).replace('Beschluss 2024/09', `Beschluss ${decision}`);

  it('„Prüfen“ offers „Übernehmen und Beschluss anwenden“, asking what the form does not say of a decision not yet recorded', async () => {
    const page = (await post({ formular: formOf('Cloud-Strategie Föderal', '2024/11'), schritt: 'pruefen' }).expect(200)).text;
    const section = page.slice(page.indexOf('id="mit-beschluss"'), page.indexOf('id="formular-titel"'));
    expect(section).toContain(
      'Beschluss 2024/11-AL ist noch nicht im Beschlussregister erfasst; er wird mit den Angaben des Formulars und den folgenden erfasst. ' +
        'Das Gremium wird registriert, eingereicht und eingerichtet, jeweils zum Datum des Beschlusses.',
    );
    // The seed form names neither the decision's date nor its procedure.
    expect(section).toContain('name="decisionDate"');
    expect(section).toContain('name="procedure"');
    expect(section).toContain('name="session"');
    expect(section).toContain('<input type="hidden" name="schritt" value="anwenden">');
    expect(section).toContain('>Übernehmen und Beschluss anwenden</button>');
  });

  it('„Übernehmen und Beschluss anwenden“ without the date and procedure says so at their fields and stores nothing', async () => {
    const form = formOf('Cloud-Strategie Föderal', '2024/11');
    const before = await counts();
    const refused = (await post({ formular: form, schritt: 'anwenden' }).expect(400)).text;
    expect(refused).toContain('id="beschluss-anwenden-errors"');
    expect(refused).toContain('<a href="#beschluss-anwenden-decisionDate">Datum des Beschlusses: Bitte ausfüllen.</a>');
    expect(refused).toContain('<a href="#beschluss-anwenden-procedure-0">Verfahren: Beschluss 2024/11-AL ist noch nicht im Beschlussregister erfasst');
    expect(refused).not.toMatch(/decisionDate:|procedure:|CLI/);
    // In a session, but without its number; a date that does not exist.
    const withoutNumber = (await post({ formular: form, schritt: 'anwenden', decisionDate: '2024-06-12', procedure: 'Sitzung' }).expect(400)).text;
    expect(withoutNumber).toContain('<a href="#beschluss-anwenden-session">Nummer der Sitzung: Beschluss 2024/11-AL ist noch nicht im Beschlussregister erfasst, und das Formular nennt die Nummer seiner Sitzung nicht.');
    expect(withoutNumber).toContain('value="2024-06-12"');
    const noDay = (await post({ formular: form, schritt: 'anwenden', decisionDate: '2024-02-30', procedure: 'Umlaufverfahren' }).expect(400)).text;
    expect(noDay).toContain('<a href="#beschluss-anwenden-decisionDate">Datum des Beschlusses: Den 30.02.2024 gibt es nicht.</a>');
    expect(await counts()).toEqual(before);
  });

  it('„Übernehmen und Beschluss anwenden“ records the decision and establishes the body, once per click; a second form cites the recorded decision', async () => {
    const click = {
      formular: formOf('Cloud-Strategie Föderal', '2024/11'),
      schritt: 'anwenden',
      decisionDate: '2024-06-12',
      procedure: 'Sitzung',
      session: '3',
      idempotencyKey: '0c6a3e55-27f1-4a0e-9a57-3d1b8c2e6f40',
    };
    const first = await post(click).expect(303);
    expect(first.headers.location).toMatch(/^\/gremien\/[0-9a-f-]{36}\?erfolg=uebernommen&beschluss=2024%2F11-AL$/);
    expect((await post(click).expect(303)).headers.location).toBe(first.headers.location);
    const id = first.headers.location.split('/')[2].split('?')[0];
    const body = (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
    expect([body.state.value, body.context.approvedUntil, body.context.approvedOn]).toEqual(['established', '2025-03-31', '2024-06-12']);
    const decision = (await t.http.get('/api/decisions/AL-Runde/2024%2F11-AL').expect(200)).body;
    expect([decision.date, decision.procedure, decision.session, decision.effects.map((e: { body: string; effect: string }) => [e.body, e.effect])]).toEqual([
      '2024-06-12',
      'Sitzung',
      3,
      [[id, 'approved']],
    ]);
    expect((await t.http.get(first.headers.location).expect(200)).text).toContain(
      'Das Gremium wurde aus dem Registrierungsformular übernommen und Beschluss 2024/11-AL angewandt. Aktueller Zustand: Eingerichtet (Tätigkeit noch nicht begonnen).',
    );

    // Another form naming the same decision: it is cited as recorded, nothing is asked.
    const other = formOf('Datenschutz Föderal', '2024/11');
    const checked = (await post({ formular: other, schritt: 'pruefen' }).expect(200)).text;
    const section = checked.slice(checked.indexOf('id="mit-beschluss"'), checked.indexOf('id="formular-titel"'));
    // What the decision is and does already, so that a mistyped number shows before it is amended.
    expect(section).toContain(
      'Beschluss 2024/11-AL ist im Beschlussregister erfasst: „Einrichtung des Formats „Cloud-Strategie Föderal““ vom 12.06.2024, mit den Wirkungen „Cloud-Strategie Föderal: Einrichten bis 31.03.2025“. Er wird zitiert und im Beschlussregister um die Wirkung auf dieses Gremium ergänzt (als Berichtigung vermerkt).',
    );
    expect(section).not.toMatch(/name="(decisionDate|procedure|session)"/);
    const second = await post({ formular: other, schritt: 'anwenden' }).expect(303);
    const secondId = second.headers.location.split('/')[2].split('?')[0];
    expect((await t.http.get(`/api/bodies/${secondId}`).expect(200)).body.state.value).toBe('established');
    const cited = (await t.http.get('/api/decisions/AL-Runde/2024%2F11-AL').expect(200)).body;
    expect(cited.effects.map((e: { body: string }) => e.body)).toEqual([id, secondId]);
  });
  it('a decision the form names that was withdrawn is said so, and only the draft is offered', async () => {
    await t.http.post('/api/decisions').send({ number: '2024/14-AL', issuer: 'AL-Runde', date: '2024-06-12', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung' }).expect(201);
    await t.http.post('/api/decisions/AL-Runde/2024%2F14-AL/withdrawal').send({ reason: 'Irrtümlich erfasst' }).expect(200);
    const form = formOf('Open Data Föderal', '2024/14');
    const checked = (await post({ formular: form, schritt: 'pruefen' }).expect(200)).text;
    const section = checked.slice(checked.indexOf('id="mit-beschluss"'), checked.indexOf('id="formular-titel"'));
    expect(section).toMatch(/Beschluss 2024\/14-AL wurde am \d{2}\.\d{2}\.\d{4} zurückgenommen \(„Irrtümlich erfasst“\) und lässt sich nicht mehr anwenden; das Formular lässt sich nur als Entwurf übernehmen\./);
    expect(section).not.toContain('value="anwenden"');
    expect(checked).toContain('value="uebernehmen">Als Entwurf übernehmen</button>');
    // Sent anyway: refused, with the same words, and nothing stored.
    const before = await counts();
    const refused = (await post({ formular: form, schritt: 'anwenden' }).expect(422)).text;
    expect(refused).toContain('und lässt sich nicht mehr anwenden');
    expect(await counts()).toEqual(before);
  });

  it('a person of the form not reused by the rule is assigned to the recorded one in „Ansprechpersonen zuordnen“: shown in the preview, carried by its buttons, registered as recorded', async () => {
    const recorded = (await t.http
      .post('/api/bodies')
      .send({ title: 'PG Beispiel', kind: 'Projektgruppe', parent: 'IT-PLR', focusTopic: 'Datennutzung', leads: ['Hessen'], contacts: [{ name: 'Erika Beispiel', organization: 'Hessen', email: 'erika.beispiel@hessen.example' }], start: '2025-02-01' })
      .expect(201)).body;
    const erika = (await t.http.get(`/api/bodies/${recorded.id}`).expect(200)).body.context.profile.contactIds[0] as string;
    // Her address mistyped in the form: not the same person by the rule.
    const form = SEED.replace('Titel des Gremiums: Weiterentwicklung Struktur OZG Föderal', 'Titel des Gremiums: Beispiel Föderal').replace(
      'Ansprechperson: Ralf Stettner (Hessen), Carola Heilemann-Jeschke (Hansestadt Bremen), Dr. Pamela Müller-Niese (BMI)',
      'Ansprechperson: Carola Heilemann-Jeschke (Hansestadt Bremen), Erika Beispiel (Hessen, erika.beispel@hessen.example)',
    );
    const checked = (await post({ formular: form, schritt: 'pruefen' }).expect(200)).text;
    expect(checked).toContain('<legend>Ansprechpersonen zuordnen</legend>');
    expect(checked).toContain('<label for="formular-kontakt-2">Ansprechperson 2 des Formulars: Erika Beispiel</label>');
    expect(checked).toContain(`<option value="" selected>neu erfassen</option><option value="${erika}">Erika Beispiel, Hessen, erika.beispiel@hessen.example (erfasst)</option>`);
    // Only she: Carola has no namesake here, or was reused.
    expect(checked).not.toContain('name="kontakt-1"');

    const chosen = (await post({ formular: form, schritt: 'pruefen', 'kontakt-2': erika }).expect(200)).text;
    expect(chosen).toContain('Erika Beispiel (Hessen) – bereits erfasst (gewählt)');
    expect(chosen).toContain(`<option value="${erika}" selected>`);
    const preview = chosen.slice(chosen.indexOf('id="vorschau"'), chosen.indexOf('id="formular-titel"'));
    expect(preview).toContain(`<input type="hidden" name="kontakt-2" value="${erika}">`);

    const registered = await post({ formular: form, schritt: 'uebernehmen', 'kontakt-2': erika }).expect(303);
    const id = registered.headers.location.split('/')[2].split('?')[0];
    expect((await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds[1]).toBe(erika);

    // A recorded person of another name (her name since married) chosen for her: the field still names the form's person.
    const married = (await t.http
      .post('/api/bodies')
      .send({ title: 'PG Muster', kind: 'Projektgruppe', parent: 'IT-PLR', focusTopic: 'Datennutzung', leads: ['Hessen'], contacts: [{ name: 'Erika Muster', organization: 'Hessen', email: 'erika.muster@hessen.example' }], start: '2025-02-01' })
      .expect(201)).body;
    const muster = (await t.http.get(`/api/bodies/${married.id}`).expect(200)).body.context.profile.contactIds[0] as string;
    const otherName = (await post({ formular: form, schritt: 'pruefen', 'kontakt-2': muster }).expect(200)).text;
    expect(otherName).toContain('<label for="formular-kontakt-2">Ansprechperson 2 des Formulars: Erika Beispiel</label>');
    expect(otherName).toContain(`<option value="${muster}" selected>Erika Muster, Hessen, erika.muster@hessen.example (erfasst)</option>`);
  });
});
