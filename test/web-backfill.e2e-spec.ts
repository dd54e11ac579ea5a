/**
 * Nacherfassung in the web UI: the Geschäftsstelle begins and ends the hold of a body's deadline
 * monitoring on the body's page, each with a Begründung, and may begin it with the import of a
 * registration form. Leads and auditors see no such form and are refused the routes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../src/database/database';
import { rowCounts } from './support/row-counts';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const SEED = readFileSync(join(__dirname, '..', 'examples', 'registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
const IMPORT_WITH_HISTORY = '/api/bodies/import?applyDecision=true&decisionDate=2024-06-12&registeredAt=2024-06-03&procedure=Umlaufverfahren&allowDuplicate=true';
const PASSWORD = 'ein-langes-Passwort';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
/** The hidden idempotency key of the form with this id on the page. */
const keyOf = (page: string, formId: string) => new RegExp(`<form id="${formId}"[\\s\\S]*?name="idempotencyKey" value="([^"]+)"`).exec(page)![1];

describe.each(testDatabaseKinds())('Nacherfassung on the web pages (%s)', (database) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp({ database, now: '2025-06-02T08:00:00Z' });
  }, 60_000);
  afterEach(() => t.close());

  const counts = () => rowCounts(t.app.get(Database));
  const importSeed = async () => (await t.http.post(IMPORT_WITH_HISTORY).set('Content-Type', 'text/plain; charset=utf-8').send(SEED).expect(201)).body.id as string;
  const hold = async (id: string) => (await t.http.get(`/api/bodies/${id}`).expect(200)).body.backfill;

  it('the Geschäftsstelle begins the Nacherfassung with a Begründung, sees it on the page and ends it there', async () => {
    const id = await importSeed();
    const page = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    expect(page).toContain('<summary>Nacherfassung beginnen</summary>');
    expect(page).toContain(`<form id="nacherfassung-beginnen" class="form" method="post" action="/gremien/${id}/nacherfassung" novalidate>`);
    expect(page).not.toContain('Nacherfassung beenden');
    // Among the actions, not after the list of those not yet possible, where it read as one of them.
    const actions = page.slice(page.indexOf('<h2 id="actions">'), page.indexOf('<h2 id="registration">'));
    expect(actions).toContain('id="noch-nicht-moeglich"');
    expect(actions.indexOf('<summary>Nacherfassung beginnen</summary>')).toBeGreaterThan(actions.lastIndexOf('<details class="action" '));
    expect(actions.indexOf('<summary>Nacherfassung beginnen</summary>')).toBeLessThan(actions.indexOf('id="noch-nicht-moeglich"'));

    const begun = await t.http
      .post(`/gremien/${id}/nacherfassung`)
      .type('form')
      .send({ idempotencyKey: keyOf(page, 'nacherfassung-beginnen'), reason: 'Bekannte Geschichte seit 2024 nacherfassen' })
      .expect(303);
    expect(begun.headers.location).toBe(`/gremien/${id}?erfolg=nacherfassung-begonnen#backfill`);
    expect(await hold(id)).toMatchObject({ reason: 'Bekannte Geschichte seit 2024 nacherfassen', by: 'geschaeftsstelle' });

    const held = (await t.http.get(begun.headers.location).expect(200)).text;
    expect(text(held)).toContain('Die Nacherfassung hat begonnen: die Fristenüberwachung ruht, bis sie beendet wird.');
    expect(text(held)).toContain('Nacherfassung: Fristenüberwachung ruht seit 02.06.2025, 10:00 Uhr');
    expect(held).toContain('<summary>Nacherfassung beenden</summary>');
    expect(held).not.toContain('<summary>Nacherfassung beginnen</summary>');

    // The page of before, sent again: refused at the top of the page, nothing changes.
    const before = await counts();
    const twice = await t.http.post(`/gremien/${id}/nacherfassung`).type('form').send({ reason: 'Noch einmal beginnen' }).expect(409);
    expect(twice.text).toContain('läuft bereits eine Nacherfassung');
    expect(await counts()).toEqual(before);

    const ended = await t.http
      .post(`/gremien/${id}/nacherfassung/beenden`)
      .type('form')
      .send({ idempotencyKey: keyOf(held, 'nacherfassung-beenden'), reason: 'Bekannte Geschichte erfasst' })
      .expect(303);
    expect(ended.headers.location).toBe(`/gremien/${id}?erfolg=nacherfassung-beendet#backfill`);
    expect(await hold(id)).toBeNull();
    const after = (await t.http.get(ended.headers.location).expect(200)).text;
    expect(text(after)).toContain('Die Nacherfassung ist beendet: die Fristenüberwachung läuft wieder');
    expect(after).toContain('<summary>Nacherfassung beginnen</summary>');
    const log = (await t.app.get(Database).query<{ type: string }>("SELECT type FROM audit_log WHERE type LIKE 'backfill%' ORDER BY version")).map((r) => r.type);
    expect(log).toEqual(['backfillBegun', 'backfillEnded']);
  });

  it('a missing or too short Begründung is refused at its field, with what was typed, and changes nothing', async () => {
    const id = await importSeed();
    const before = await counts();
    const empty = await t.http.post(`/gremien/${id}/nacherfassung`).type('form').send({ reason: '   ' }).expect(400);
    expect(empty.text).toContain('<details class="action no-print" id="nacherfassung-beginnen-details" open>');
    expect(empty.text).toMatch(/id="nacherfassung-beginnen-reason-error"><span class="visually-hidden">Fehler: <\/span>Bitte eine Begründung angeben; sie wird im Audit-Protokoll festgehalten\.<\/p>/);
    expect(empty.text).toContain('href="#nacherfassung-beginnen-reason"');

    const short = await t.http.post(`/gremien/${id}/nacherfassung`).type('form').send({ reason: 'ab' }).expect(400);
    expect(short.text).toMatch(/id="nacherfassung-beginnen-reason-error">[\s\S]*?Mindestens 3 Zeichen\.<\/p>/);
    expect(short.text).toMatch(/<textarea[^>]*id="nacherfassung-beginnen-reason"[^>]*>\s*ab<\/textarea>/);
    expect(await counts()).toEqual(before);
    expect(await hold(id)).toBeNull();

    // Ending without a hold: refused where the page offers no such form, nothing changes.
    const notHeld = await t.http.post(`/gremien/${id}/nacherfassung/beenden`).type('form').send({ reason: 'Geschichte erfasst' }).expect(422);
    expect(notHeld.text).toContain('läuft keine Nacherfassung');
    expect(await counts()).toEqual(before);
  });

  it('leads and auditors see no Nacherfassung form and are refused both routes (403), also with a session from this site; a cross-site post is refused too', async () => {
    const id = await importSeed();
    const contactId = (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds[0] as string;
    const lead = await t.user('lead', { username: 'federfuehrung', contactId, password: PASSWORD });
    const auditor = await t.user('auditor', { username: 'pruefung', password: PASSWORD });
    const secretariat = await t.user('secretariat', { username: 'gs-browser', password: PASSWORD });
    const signIn = async (username: string) => String((await t.anonymous.post('/api/auth/login').send({ username, password: PASSWORD }).expect(200)).headers['set-cookie']).split(';')[0];
    const cookies = { [lead.username]: await signIn(lead.username), [auditor.username]: await signIn(auditor.username), [secretariat.username]: await signIn(secretariat.username) };
    const before = await counts();
    for (const other of [lead, auditor]) {
      const page = (await other.http.get(`/gremien/${id}`).expect(200)).text;
      expect(page).not.toContain('Nacherfassung beginnen');
      expect(page).not.toContain('/nacherfassung');
      await other.http.post(`/gremien/${id}/nacherfassung`).type('form').send({ reason: 'Altbestand nacherfassen' }).expect(403);
      await other.http.post(`/gremien/${id}/nacherfassung/beenden`).type('form').send({ reason: 'Geschichte erfasst' }).expect(403);
      // Signed in in the browser (a session cookie), the same.
      await t.anonymous.post(`/gremien/${id}/nacherfassung`).set('Cookie', cookies[other.username]).type('form').send({ reason: 'Altbestand nacherfassen' }).expect(403);
    }
    // The Geschäftsstelle's session, posting from another site: refused before the form is read.
    await t.anonymous.post(`/gremien/${id}/nacherfassung`).set('Cookie', cookies[secretariat.username]).set('Origin', 'https://boese.example').type('form').send({ reason: 'Altbestand nacherfassen' }).expect(403);
    expect(await counts()).toEqual(before);
    expect(await hold(id)).toBeNull();
  });

  it('a body whose life has ended offers no Nacherfassung', async () => {
    const id = (await t.http.post('/api/bodies/import').set('Content-Type', 'text/plain; charset=utf-8').send(SEED).expect(201)).body.id as string;
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'withdrawn', data: { reason: 'Doppelt angelegt' } }).expect(200);
    const page = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    expect(page).not.toContain('Nacherfassung beginnen');
  });

  it('a body whose life ended while held offers only „Nacherfassung beenden“, not beside a sentence that no action is left', async () => {
    const id = (await t.http.post('/api/bodies/import').set('Content-Type', 'text/plain; charset=utf-8').send(SEED).expect(201)).body.id as string;
    await t.http.post(`/api/bodies/${id}/backfill`).send({ reason: 'Bestand nacherfassen' }).expect(201);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'withdrawn', data: { reason: 'Doppelt angelegt' } }).expect(200);
    const page = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    const actions = text(page.slice(page.indexOf('<h2 id="actions">'), page.indexOf('<h2 id="registration">')));
    expect(actions).toContain('Nacherfassung beenden');
    expect(actions).not.toContain('keine Aktionen');
    expect(actions).not.toContain('Zulässig im Zustand');
  });

  it('the import page’s checkbox „Nacherfassung“ begins the hold with the import, also through the preview', async () => {
    const form = (await t.http.get('/gremien/formular').expect(200)).text;
    expect(form).toContain('<input type="checkbox" id="formular-nacherfassung" name="nacherfassung" value="on" aria-describedby="formular-nacherfassung-hint">');
    expect(form).toContain('<label for="formular-nacherfassung">Nacherfassung: Fristenüberwachung ruht, bis die bekannte Geschichte erfasst ist</label>');

    // „Prüfen“ with the box ticked: the preview says so and its forms carry the choice; the box stays ticked.
    const preview = (await t.http.post('/gremien/formular').type('form').send({ formular: SEED, schritt: 'pruefen', nacherfassung: 'on' }).expect(200)).text;
    expect(text(preview)).toContain('Mit Nacherfassung: die Fristenüberwachung des Gremiums ruht nach der Übernahme');
    expect(preview.match(/<input type="hidden" name="nacherfassung" value="on">/g)).toHaveLength(2);
    expect(preview).toContain('name="nacherfassung" value="on" aria-describedby="formular-nacherfassung-hint" checked>');
    const unticked = (await t.http.post('/gremien/formular').type('form').send({ formular: SEED, schritt: 'pruefen' }).expect(200)).text;
    expect(unticked).not.toContain('name="nacherfassung" value="on">');
    expect(unticked).not.toContain('Mit Nacherfassung');

    const applied = await t.http
      .post('/gremien/formular')
      .type('form')
      .send({ formular: SEED, schritt: 'anwenden', nacherfassung: 'on', decisionDate: '2024-06-12', procedure: 'Umlaufverfahren' })
      .expect(303);
    const id = applied.headers.location.split('/')[2].split('?')[0];
    expect(await hold(id)).toMatchObject({ reason: expect.stringContaining('mit Nacherfassung'), by: 'geschaeftsstelle' });
    const page = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    expect(page).toContain('<summary>Nacherfassung beenden</summary>');

    // Without the box: no hold.
    const draft = await t.http.post('/gremien/formular').type('form').send({ formular: SEED.replace('Weiterentwicklung Struktur OZG Föderal', 'Zweites Gremium'), schritt: 'uebernehmen' }).expect(303);
    expect(await hold(draft.headers.location.split('/')[2].split('?')[0])).toBeNull();
  });
});
