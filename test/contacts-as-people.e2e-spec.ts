/**
 * Contacts as people (issue 12, item 6) and the secretariat's to-dos as JSON, over HTTP on a real
 * database: who sees a contact's e-mail and phone, corrections as audited events on the contact's
 * own chain (verified, exported, kept intact by a later erasure), the contact id where a lead's
 * account is made, and GET /api/todos.
 */
import { createPublicKey } from 'node:crypto';
import { ApiClient } from '../src/cli/api';
import type { CommandContext } from '../src/cli/command';
import { contactCommand } from '../src/cli/commands/contact';
import { showCommand } from '../src/cli/commands/show';
import { userCommand } from '../src/cli/commands/user';
import { verifyExport } from '../src/audit/offline-verifier';
import { Database } from '../src/database/database';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';
import { exportText as exportOf } from './support/audit-export';

const lines = (text: string) => text.split('\n').filter((line) => line.length > 0);

describe.each(testDatabaseKinds())('contacts as people, on %s', (database) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
  });
  afterEach(() => t.close());

  /** A draft body named by title, with Erika (Hessen, e-mail and phone) and Bernd (BMI) as contacts. */
  async function register(title = 'PG Foo', contacts: object[] = [ERIKA, BERND]): Promise<{ id: string; erika: string; bernd: string }> {
    const { body } = await t.http
      .post('/api/bodies')
      .send({ title, shortName: `${title} kurz`, kind: 'Projektgruppe', parent: 'IT-PLR', focusTopic: 'Datennutzung', leads: ['Hessen', 'Bund'], contacts, start: '2025-02-01', registeredAt: '2025-01-02' })
      .expect(201);
    const [erika, bernd] = (await t.http.get(`/api/bodies/${body.id}`).expect(200)).body.context.profile.contactIds;
    return { id: body.id, erika, bernd };
  }
  const ERIKA = { name: 'Erika Muster', organization: 'Hessen', email: 'erika.muster@hessen.example', phone: '0611 123' };
  const BERND = { name: 'Bernd Bund', organization: 'BMI' };

  const exportText = () => exportOf(t);

  test('the secretariat and the body\'s own lead see e-mail and phone; an auditor sees name and organisation only; a reader no contacts', async () => {
    const { id, erika } = await register();
    const lead = await t.user('lead', { contactId: erika });
    const auditor = await t.user('auditor');
    const reader = await t.user('reader');
    const full = { id: erika, name: 'Erika Muster', organization: 'Hessen', email: 'erika.muster@hessen.example', phone: '0611 123', erased: false };

    expect((await t.http.get(`/api/bodies/${id}`).expect(200)).body.contacts[0]).toEqual(full);
    expect((await lead.http.get(`/api/bodies/${id}`).expect(200)).body.contacts[0]).toEqual(full);
    expect((await auditor.http.get(`/api/bodies/${id}`).expect(200)).body.contacts[0]).toEqual({ id: erika, name: 'Erika Muster', organization: 'Hessen', erased: false });
    expect((await reader.http.get(`/api/bodies/${id}`).expect(200)).body.contacts).toBeUndefined();

    const page = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    expect(page).toContain('<a href="mailto:erika.muster@hessen.example">erika.muster@hessen.example</a>');
    expect(page).toContain('Telefon: 0611 123');
    expect(page).toContain(`<code>${erika}</code>`);
    expect(page).toContain('Ansprechperson berichtigen');
    const auditorPage = (await t.http.get(`/gremien/${id}`).set('Authorization', `Bearer ${auditor.token}`).expect(200)).text;
    expect(auditorPage).toContain('Erika Muster (Hessen)');
    expect(auditorPage).not.toContain('erika.muster@hessen.example');
    expect(auditorPage).not.toContain('Ansprechperson berichtigen');
  });

  test('a new contact person alone is a change: a revision adds it to the draft\'s contacts, a change of the Federführung to the body\'s; nothing else is dropped', async () => {
    const { id, erika, bernd } = await register();
    const contactsOf = async () => (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds as string[];
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'revised', data: { contacts: [{ name: 'Clara Neu', organization: 'Bremen' }] }, occurredAt: '2025-01-05' }).expect(200);
    const revised = await contactsOf();
    expect(revised.slice(0, 2)).toEqual([erika, bernd]);
    expect(revised).toHaveLength(3);
    const lead = await t.user('lead', { contactId: revised[2] });
    await lead.http.get(`/api/bodies/${id}`).expect(200);

    // The web form sends the new contact beside an empty list of leads added.
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', occurredAt: '2025-01-10' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2025/01', issuer: 'AL-Runde', date: '2025-01-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: id, effect: 'approved', data: { approvedUntil: '2027-03-31' } }] })
      .expect(201);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'approved', data: { approvedUntil: '2027-03-31' }, decision: '2025/01-AL' }).expect(200);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'leadsChanged', data: { added: [], removed: [], contacts: [{ name: 'Dora Dazu', organization: 'Bund' }] } }).expect(200);
    const changed = await contactsOf();
    expect(changed.slice(0, 3)).toEqual(revised);
    expect(changed).toHaveLength(4);

    // Without any contact, nothing changed: still refused, naming the data.
    const refused = await t.http.post(`/api/bodies/${id}/events`).send({ type: 'leadsChanged', data: { added: [], contacts: [] } }).expect(400);
    expect(refused.body.message).toContain('Keine Änderung angegeben');
    expect(await contactsOf()).toEqual(changed);
  });

  test('given a contact, when the secretariat corrects e-mail and phone, the body shows the new values and the contact\'s chain records which fields changed, not their values', async () => {
    const { id, erika } = await register();
    const corrected = await t.http
      .patch(`/api/contacts/${erika}`)
      .send({ email: 'e.muster@digital.hessen.example', phone: '', reason: 'neue Dienstadresse' })
      .expect(200);
    expect(corrected.body).toMatchObject({
      contact: { id: erika, name: 'Erika Muster', organization: 'Hessen', email: 'e.muster@digital.hessen.example', phone: null },
      changed: ['email', 'phone'],
      contactLog: { stream: `contact:${erika}`, version: 1 },
    });
    expect((await t.http.get(`/api/bodies/${id}`).expect(200)).body.contacts[0]).toMatchObject({ email: 'e.muster@digital.hessen.example', phone: null });

    await t.http.patch(`/api/contacts/${erika}`).send({ name: 'Erika Muster-Beispiel' }).expect(200);
    const history = (await t.http.get(`/api/contacts/${erika}/history`).expect(200)).body;
    expect(history.events.map((e: { version: number; summary: string; actor: { id: string } }) => [e.version, e.summary, e.actor.id])).toEqual([
      [1, 'berichtigt: E-Mail, Telefon (neue Dienstadresse)', 'geschaeftsstelle'],
      [2, 'berichtigt: Name', 'geschaeftsstelle'],
    ]);
    expect(JSON.stringify(history.events)).not.toContain('digital.hessen');
    expect(history.events[1].prevHash).toBe(history.events[0].hash);
    // Time-ordered ids (UUID version 7), as the body events have.
    expect(history.events.map((e: { id: string }) => e.id)).toEqual([expect.stringMatching(/^[0-9a-f-]{14}7/), expect.stringMatching(/^[0-9a-f-]{14}7/)]);
  });

  test('a correction that changes nothing, a bad e-mail, an unknown contact and a lead are refused, and nothing is written', async () => {
    const { erika } = await register();
    const lead = await t.user('lead', { contactId: erika });
    const same = await t.http.patch(`/api/contacts/${erika}`).send({ email: 'erika.muster@hessen.example' }).expect(400);
    expect(same.body.message).toContain('Nichts zu berichtigen');
    const bad = await t.http.patch(`/api/contacts/${erika}`).send({ email: 'keine-adresse' }).expect(400);
    expect(bad.body.details).toEqual([{ path: 'email', message: expect.any(String) }]);
    await t.http.patch(`/api/contacts/${erika}`).send({ phone: '0611 999', hash: 'x' }).expect(400);
    await t.http.patch('/api/contacts/00000000-0000-4000-8000-000000000000').send({ phone: '1' }).expect(404);
    await lead.http.patch(`/api/contacts/${erika}`).send({ phone: '0611 999' }).expect(403);
    const db = t.app.get(Database);
    expect(await db.query('SELECT id FROM contact_events')).toEqual([]);
    expect((await db.query<{ phone: string }>('SELECT phone FROM contacts WHERE id = ?', [erika]))[0].phone).toBe('0611 123');
  });

  test('corrections are verified, exported and checked offline like every chain; a changed correction is named; an erasure later keeps the chain intact and ends corrections', async () => {
    const { id, erika } = await register();
    await t.http.patch(`/api/contacts/${erika}`).send({ organization: 'Land Hessen', reason: 'Bezeichnung' }).expect(200);
    await t.http.post('/api/audit/checkpoints').expect(201);

    const verified = (await t.http.get('/api/audit/verify').expect(200)).body;
    expect(verified.intact).toBe(true);
    expect(verified.streams).toContainEqual(expect.objectContaining({ stream: `contact:${erika}`, kind: 'contact', events: 1, intact: true }));
    const text = await exportText();
    const contactLines = lines(text).filter((line) => line.includes('"kind":"contactEvent"'));
    expect(contactLines).toHaveLength(1);
    expect(JSON.parse(contactLines[0]).event.data).toEqual({ contactId: erika, changed: ['organization'], reason: 'Bezeichnung' });
    const publicKey = createPublicKey((await t.http.get('/api/audit/public-key').expect(200)).body.pem);
    const report = await verifyExport(lines(text), publicKey);
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(report.counts.contactEvent).toBe(1);
    // The proofs read the same leaves as the checkpoint: the contact's among them.
    const [registered] = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events;
    await t.http.get(`/api/audit/proof/inclusion?event=${registered.id}`).expect(200);

    // Erased afterwards: the values go, the chain (which never held them) still verifies; no more corrections.
    await t.http.post(`/api/contacts/${erika}/erasure`).send({ reason: 'Antrag nach Art. 17 DSGVO' }).expect(200);
    expect((await t.http.get('/api/audit/verify').expect(200)).body.intact).toBe(true);
    const refused = await t.http.patch(`/api/contacts/${erika}`).send({ phone: '0611 1' }).expect(422);
    expect(refused.body.message).toContain('lässt sich nicht mehr berichtigen');
    expect(refused.body.message).toMatch(/wurden am \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr gelöscht/);

    // Someone rewrites the stored correction: verification names the contact's chain.
    const db = t.app.get(Database);
    await db.query('UPDATE contact_events SET data = ? WHERE stream = ?', [JSON.stringify({ contactId: erika, changed: ['email'], reason: 'Bezeichnung' }), `contact:${erika}`]);
    const broken = (await t.http.get('/api/audit/verify').expect(200)).body;
    expect(broken.intact).toBe(false);
    expect(broken.problems[0]).toMatchObject({ area: 'chain', kind: 'content', stream: `contact:${erika}` });
    expect(broken.problems[0].message).toContain(`Ansprechperson ${erika}, Version 1 „Ansprechperson berichtigt“`);
  });

  test('an erasure and a checkpoint sent with an Idempotency-Key are carried out once and answered alike when sent again', async () => {
    const { erika } = await register();
    const erase = () => t.http.post(`/api/contacts/${erika}/erasure`).set('Idempotency-Key', 'loeschung-erika-1').send({ reason: 'Antrag nach Art. 17 DSGVO' });
    const first = await erase().expect(200);
    expect((await erase().expect(200)).body).toEqual(first.body);
    const checkpoint = () => t.http.post('/api/audit/checkpoints').set('Idempotency-Key', 'checkpoint-1');
    const signed = await checkpoint().expect(201);
    expect((await checkpoint().expect(201)).body).toEqual(signed.body);
    expect((await t.http.get('/api/audit/verify').expect(200)).body.checkpoints.count).toBe(1);
  });

  test('the web form corrects a contact and shows a refused e-mail next to its field', async () => {
    const { id, erika } = await register();
    const page = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    const key = new RegExp(`id="ansprechperson-${erika}"[\\s\\S]*?name="idempotencyKey" value="([^"]+)"`).exec(page)![1];
    const refused = await t.http
      .post(`/gremien/${id}/ansprechpersonen/${erika}`)
      .type('form')
      .send({ idempotencyKey: key, name: 'Erika Muster', organization: 'Hessen', email: 'kaputt', phone: '0611 123' })
      .expect(400);
    expect(refused.text).toContain('Bitte eine gültige E-Mail-Adresse eingeben');
    expect(refused.text).toMatch(new RegExp(`<details class="action" id="ansprechperson-${erika}-details" open>`));

    const fresh = new RegExp(`id="ansprechperson-${erika}"[\\s\\S]*?name="idempotencyKey" value="([^"]+)"`).exec(refused.text)![1];
    const saved = await t.http
      .post(`/gremien/${id}/ansprechpersonen/${erika}`)
      .type('form')
      .send({ idempotencyKey: fresh, name: 'Erika Muster', organization: 'Hessen', email: 'erika@hessen.example', phone: '0611 123', reason: 'Tippfehler' })
      .expect(303);
    expect(saved.headers.location).toBe(`/gremien/${id}?erfolg=ansprechperson#registration`);
    expect((await t.http.get(`/api/bodies/${id}`).expect(200)).body.contacts[0].email).toBe('erika@hessen.example');
    expect((await t.http.get(`/api/contacts/${erika}/history`).expect(200)).body.events).toHaveLength(1);
    // A contact of another body is no contact of this one.
    const other = await register('PG Bar', [{ name: 'Olga Other' }]);
    await t.http.post(`/gremien/${id}/ansprechpersonen/${other.erika}`).type('form').send({ name: 'X' }).expect(404);
  });

  describe('the CLI', () => {
    const out: string[] = [];
    /** The CLI's API client, through supertest to the application under test, with the given token. */
    const client = (token: string) =>
      new ApiClient('test', async (method, url, headers, body) => {
        const agent = t.as(token);
        const request = (method === 'POST' ? agent.post(url) : method === 'PATCH' ? agent.patch(url) : agent.get(url)).set(headers);
        const response = await (body === undefined ? request : request.send(body));
        return { status: response.status, body: response.text };
      });
    const context = (token: string, args: Record<string, string>, options: Record<string, string>): CommandContext => {
      out.length = 0;
      return {
        args,
        options,
        rest: [],
        json: false,
        env: { GREMIENLAUF_URL: 'http://test' },
        out: { line: (text = '') => out.push(text), note: () => undefined, result: (value, render) => out.push(render(value)) },
        api: async () => client(token),
        readInput: async () => '',
      };
    };

    test('show lists each contact with e-mail, phone and the id that user create takes', async () => {
      const { id, erika } = await register();
      await showCommand.run(context(t.config.auth!.bootstrapToken!, { ID: id }, {}));
      const table = out.join('\n');
      expect(table).toMatch(/Ansprechpersonen:\nName +Organisation +E-Mail +Telefon +ID \(user create --contact\)/);
      expect(table).toContain(`Erika Muster  Hessen        erika.muster@hessen.example  0611 123  ${erika}`);
    });

    test('contact correct records a correction; contact history shows it', async () => {
      const { erika } = await register();
      const token = t.config.auth!.bootstrapToken!;
      await contactCommand.run(context(token, { AKTION: 'correct', ID: erika }, { phone: '0611 456', reason: 'Durchwahl' }));
      expect(out[0]).toBe(`Ansprechperson ${erika} berichtigt (phone); Kette contact:${erika}, Version 1.\nErika Muster (Hessen) · erika.muster@hessen.example · 0611 456`);
      await contactCommand.run(context(token, { AKTION: 'history', ID: erika }, {}));
      expect(out[0]).toMatch(/^1 {2}28\.11\.2026, \d\d:\d\d {2}geschaeftsstelle {2}berichtigt: Telefon \(Durchwahl\)$/);
    });

    test('user create takes the contact by body and name, and refuses an unknown or ambiguous one in German', async () => {
      const { erika } = await register();
      const admin = await t.user('admin');
      await userCommand.run(context(admin.token, { AKTION: 'create', BENUTZER: 'e.muster' }, { role: 'lead', body: 'pg foo', contact: 'erika muster' }));
      expect(out[0]).toBe(`Benutzer e.muster (Federführung, Ansprechperson ${erika}) ohne Passwort angelegt. Zugangstoken für API und Kommandozeile: gremienlauf token create e.muster`);

      const refusal = async (options: Record<string, string>) => {
        const error = await userCommand.run(context(admin.token, { AKTION: 'create', BENUTZER: `x${Math.random()}`.slice(0, 10) }, { role: 'lead', ...options })).catch((e: Error) => e);
        return (error as Error).message;
      };
      expect(await refusal({ body: 'PG Foo', contact: 'Erika Mustermann' })).toContain('„PG Foo“ nennt keine Ansprechperson „Erika Mustermann“ (genannt: Erika Muster, Bernd Bund).');
      expect(await refusal({ body: 'PG Unbekannt', contact: 'Erika Muster' })).toContain('Es gibt kein Gremium „PG Unbekannt“');
      expect(await refusal({ contact: 'Erika Muster' })).toBe('--contact „Erika Muster“ ist keine ID; für einen Namen nennen Sie das Gremium mit --body GREMIUM.');

      // Two bodies with one short name, and two contacts with one name.
      await register('PG Foo 2', [ERIKA]);
      await t.http.post('/api/bodies').send({ title: 'PG Zwei', shortName: 'PG Foo kurz', kind: 'Projektgruppe', parent: 'IT-PLR', focusTopic: 'Datennutzung', leads: ['Bund'], start: '2025-02-01' }).expect(201);
      expect(await refusal({ body: 'PG Foo kurz', contact: 'Erika Muster' })).toMatch(/„PG Foo kurz“ ist nicht eindeutig: PG Foo \([0-9a-f-]+\), PG Zwei \([0-9a-f-]+\)\. Bitte das Gremium mit seiner ID angeben\./);
      // (Another address: one name and one address are one person, and a registration may not name a person twice.)
      await register('PG Doppelt', [ERIKA, { ...ERIKA, organization: 'Bund', email: 'erika.muster@bund.example' }]);
      expect(await refusal({ body: 'PG Doppelt', contact: 'Erika Muster' })).toMatch(/„PG Doppelt“ nennt 2 Ansprechpersonen „Erika Muster“ \(Hessen: [0-9a-f-]+; Bund: [0-9a-f-]+\)\. Bitte die Ansprechperson mit ihrer ID angeben\./);
    });
  });

  test('GET /api/todos lists the open requests oldest first: all for the secretariat, its own bodies\' for a lead, none for a reader', async () => {
    const started = async (title: string, contact: string) => {
      const { body } = await t.http
        .post('/api/bodies')
        .send({ title, kind: 'Arbeitsgruppe', parent: 'IT-PLR', focusTopic: 'Datennutzung', leads: ['Bund'], contacts: [{ name: contact }], start: '2025-02-01', registeredAt: '2025-01-02' })
        .expect(201);
      const id = body.id as string;
      await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', occurredAt: '2025-01-03' }).expect(200);
      const number = `2025/${title.length}${Math.floor(Math.random() * 90 + 10)}`;
      await t.http
        .post('/api/decisions')
        .send({ number, issuer: 'IT-PLR', date: '2025-01-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title, effects: [{ body: id, effect: 'approved', data: { approvedUntil: '2026-12-31' } }] })
        .expect(201);
      await t.http.post(`/api/bodies/${id}/events`).send({ type: 'approved', data: { approvedUntil: '2026-12-31' }, decision: number }).expect(200);
      await t.http.post(`/api/bodies/${id}/events`).send({ type: 'started', occurredAt: '2025-02-01' }).expect(200);
      const [contactId] = (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds;
      return { id, lead: await t.user('lead', { contactId }) };
    };
    const a = await started('AG Alpha', 'Anna Alpha');
    const b = await started('AG Beta', 'Berta Beta');
    expect((await t.http.get('/api/todos').expect(200)).body).toEqual([]);
    // B's lead asked first, on 01.10.2026, by letter: the secretariat records it with that day (a lead's own request is dated when it arrives).
    await t.http
      .post(`/api/bodies/${b.id}/events`)
      .send({ type: 'extensionRequested', data: { approvedUntil: '2027-12-31', justification: 'Länger.' }, occurredAt: '2026-10-01' })
      .expect(200);
    await a.lead.http.post(`/api/bodies/${a.id}/events`).send({ type: 'extensionRequested', data: { approvedUntil: '2027-06-30', justification: 'Mehr Zeit.' } }).expect(200);

    const todos = (await t.http.get('/api/todos').expect(200)).body;
    expect(todos).toEqual([
      { kind: 'extensionRequest', since: '2026-10-01', answer: 'extended', obligationId: null, text: 'Verlängerung beantragt bis 31.12.2027: Länger.', bodyId: b.id, title: 'AG Beta' },
      { kind: 'extensionRequest', since: '2026-11-28', answer: 'extended', obligationId: null, text: 'Verlängerung beantragt bis 30.06.2027: Mehr Zeit.', bodyId: a.id, title: 'AG Alpha' },
    ]);
    expect((await a.lead.http.get('/api/todos').expect(200)).body.map((r: { bodyId: string }) => r.bodyId)).toEqual([a.id]);
    await (await t.user('reader')).http.get('/api/todos').expect(403);
    const openapi = (await t.http.get('/api/docs/openapi.json').expect(200)).body;
    expect(openapi.paths['/api/todos'].get.summary).toContain('Offene Anliegen an die Geschäftsstelle');
    expect(openapi.paths['/api/contacts/{id}'].patch.requestBody).toBeDefined();
  });
});
