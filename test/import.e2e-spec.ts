import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { berlinDate } from '../machines';
import { parseRegistrationForm } from '../src/registration-import/registration-form.parser';
import { Database } from '../src/database/database';
import { rowCounts } from './support/row-counts';
import { TEST_SECRETARIAT_TOKEN, startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const SEED = readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');

describe('POST /api/bodies/import', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
  });
  afterEach(() => t.close());

  const importForm = (text: string, query = '') =>
    t.http.post(`/api/bodies/import${query}`).set('Content-Type', 'text/plain; charset=utf-8').send(text);

  it('takes the form as its editor saved it (UTF-8 with a byte order mark, UTF-16), and refuses Windows-1252 naming the line, writing nothing', async () => {
    const asSent = (bytes: Buffer) => t.http.post('/api/bodies/import?dryRun=true').set('Content-Type', 'text/plain').send(bytes);
    const title = 'Weiterentwicklung Struktur OZG Föderal';
    for (const bytes of [
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SEED, 'utf8')]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SEED, 'utf16le')]),
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(SEED, 'utf16le').swap16()]),
    ]) {
      expect((await asSent(bytes).expect(201)).body.registration.title).toBe(title);
    }
    const before = await rowCounts(t.app.get(Database));
    // Line 3 is the first with an umlaut („für“): in Windows-1252 a byte that is no UTF-8.
    const ansi = await t.http.post('/api/bodies/import').set('Content-Type', 'text/plain').send(Buffer.from(SEED, 'latin1')).expect(400);
    expect(ansi.body.details).toEqual([{ path: 'body', message: expect.stringContaining('nicht in UTF-8 kodiert (Zeile 3), vermutlich als Windows-1252') }]);
    // JSON too must be UTF-8: a title is never stored with U+FFFD for a byte it did not decode.
    // (Injected: the test client would send a Buffer as JSON of its own.)
    const json = await t.app.getHttpAdapter().getInstance().inject({
      method: 'POST',
      url: '/api/bodies',
      headers: { authorization: `Bearer ${TEST_SECRETARIAT_TOKEN}`, 'content-type': 'application/json' },
      payload: Buffer.from('{"title":"F\xf6derales Gremium"}', 'latin1'),
    });
    expect([json.statusCode, json.json().message]).toEqual([400, expect.stringContaining('kein gültiges UTF-8 (Zeile 1)')]);
    expect(await rowCounts(t.app.get(Database))).toEqual(before);
  });

  it('registers the seed form as a draft body with every field', async () => {
    const response = await importForm(SEED).expect(201);
    expect(response.body).toMatchObject({ state: { value: 'draft' }, version: 1, decision: { number: '2024/09-AL', applied: false } });

    const body = (await t.http.get(`/api/bodies/${response.body.id}`).expect(200)).body;
    const { contacts, ...form } = parseRegistrationForm(SEED).registration;
    const { reports, contactIds, ...profile } = form;
    expect(body.context.profile).toEqual({ ...profile, contactIds: expect.any(Array) });
    expect(body.context.profile.contactIds).toHaveLength(3);
    expect(body.contacts.map((c: { name: string; organization: string }) => [c.name, c.organization])).toEqual([
      ['Ralf Stettner', 'Hessen'],
      ['Carola Heilemann-Jeschke', 'Hansestadt Bremen'],
      ['Dr. Pamela Müller-Niese', 'BMI'],
    ]);
    expect(body.context.obligations).toEqual([
      expect.objectContaining({ id: 'r1', kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2024-11' } }),
    ]);
    expect(reports).toHaveLength(1);
    expect(contactIds).toEqual([]);
  });

  it('with applyDecision records the decision and approves the body until the date of the justification', async () => {
    const response = await importForm(SEED, '?applyDecision=true&decisionDate=2024-06-12&session=3').expect(201);
    expect(response.body).toMatchObject({
      version: 3,
      state: { value: 'established' },
      decision: { number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-12', recorded: true, applied: true },
      approvedUntil: '2025-03-31',
    });
    expect(response.body.events.map((e: { type: string; decision: string | null }) => [e.type, e.decision])).toEqual([
      ['registered', null],
      ['submitted', null],
      ['approved', '2024/09-AL'],
    ]);

    const body = (await t.http.get(`/api/bodies/${response.body.id}`).expect(200)).body;
    expect(body.context.approvedUntil).toBe('2025-03-31');
    expect(body.context.approvedOn).toBe('2024-06-12');
    const decisions = (await t.http.get('/api/decisions').expect(200)).body;
    expect(decisions).toEqual([
      expect.objectContaining({ number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-12', procedure: 'Sitzung', session: 3 }),
    ]);
    const history = (await t.http.get(`/api/bodies/${response.body.id}/history`).expect(200)).body;
    expect(history.events[2].data).toMatchObject({ approvedUntil: '2025-03-31', note: expect.stringContaining('zunächst bis zum 31.03.2025') });
  });

  it('a form that plans a yearly report without its year gets a recurring obligation: submitting one opens the next', async () => {
    const form = SEED.replace('Erster Zwischenbericht an den IT-Planungsrat im November 2024.', 'Jahresbericht an den IT-Planungsrat jeweils zum 31. März.');
    const response = await importForm(form, '?applyDecision=true&decisionDate=2024-06-12&session=3').expect(201);
    expect(response.body.warnings).toEqual([expect.stringContaining('Jahresbericht „31. März“ ohne Jahr: erste Frist zum 31.03.2025')]);
    const id = response.body.id as string;
    const reports = async () =>
      (await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body
        .filter((d: { kind: string }) => d.kind === 'report')
        .map((d: { ref: string; effectiveDate: string; status: string }) => [d.ref, d.effectiveDate, d.status]);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1' }, occurredAt: '2025-03-20' }).expect(200);
    expect(await reports()).toEqual([
      ['r1', '2025-03-31', 'met'],
      ['r2', '2026-03-31', 'open'],
    ]);
  });

  it('a start „mit Beschlussfassung“ begins on the day of the decision the import applies; as a draft it asks for a day', async () => {
    const form = SEED.replace('Beginn der Tätigkeit: 17.06.2024', 'Beginn der Tätigkeit: mit Beschlussfassung');
    const draft = await importForm(form).expect(400);
    expect(draft.body.details).toEqual([expect.objectContaining({ line: 9, field: 'Beginn der Tätigkeit', message: expect.stringContaining('„mit Beschlussfassung“ nennt keinen Tag') })]);
    const applied = await importForm(form, '?applyDecision=true&decisionDate=2024-06-12&session=3').expect(201);
    expect(applied.body.registration.start).toBe('2024-06-12');
    expect(applied.body.warnings).toContain('Zeile 9: Beginn der Tätigkeit „mit Beschlussfassung“: übernommen wird der Tag des Beschlusses, 12.06.2024. Bitte prüfen.');
  });

  it('a start „mit Beschlussfassung“ takes the day the register holds for the decision the form names, in the dry run and the import', async () => {
    const form = SEED.replace('Beginn der Tätigkeit: 17.06.2024', 'Beginn der Tätigkeit: mit Beschlussfassung');
    // The dry run reads what the import with the same options would: the day given to apply the decision.
    expect((await importForm(form, '?dryRun=true').expect(400)).body.details).toEqual([expect.objectContaining({ line: 9, field: 'Beginn der Tätigkeit' })]);
    const given = await importForm(form, '?dryRun=true&applyDecision=true&decisionDate=2024-06-11&procedure=Umlaufverfahren').expect(201);
    expect(given.body.registration.start).toBe('2024-06-11');

    const decision = { number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-12', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung' };
    await t.http.post('/api/decisions').send(decision).expect(201);
    const dry = await importForm(form, '?dryRun=true').expect(201);
    expect([dry.body.registration.start, dry.body.warnings]).toEqual(['2024-06-12', expect.arrayContaining([expect.stringContaining('übernommen wird der Tag des Beschlusses, 12.06.2024')])]);
    const draft = await importForm(form).expect(201);
    expect((await t.http.get(`/api/bodies/${draft.body.id}`).expect(200)).body.context.profile.start).toBe('2024-06-12');

    // A withdrawn decision began nothing: the form needs its day again.
    await t.http.post('/api/decisions/AL-Runde/2024%2F09-AL/withdrawal').send({ reason: 'Irrtümlich erfasst' }).expect(200);
    const after = await importForm(form, '?dryRun=true').expect(400);
    expect(after.body.details).toEqual([expect.objectContaining({ line: 9, message: expect.stringContaining('den Beschluss zuerst im Beschlussregister erfassen') })]);
  });

  it('with applyDecision of a recorded decision the form dates otherwise, the register holds and the import says so', async () => {
    await t.http
      .post('/api/decisions')
      .send({ number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-12', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung' })
      .expect(201);
    const form = SEED.replace('Beschluss 2024/09', 'Beschluss 2024/09 vom 13.06.2024');
    const response = await importForm(form, '?applyDecision=true').expect(201);
    expect(response.body.events.map((e: { occurredAt: string }) => berlinDate(e.occurredAt))).toEqual(['2024-06-12', '2024-06-12', '2024-06-12']);
    expect(response.body.warnings).toContain(
      'Das Formular datiert Beschluss 2024/09-AL auf den 13.06.2024, das Beschlussregister auf den 12.06.2024; es gilt das Register. Bitte prüfen.',
    );
  });

  it('answers with the term as applied: the requested end when the justification names none, or for good', async () => {
    const apply = '?applyDecision=true&decisionDate=2024-06-12&session=3';
    const requested = await importForm(SEED.replace('zunächst bis zum 31.03.2025 beschlossen', 'beschlossen'), apply).expect(201);
    expect([requested.body.approvedUntil, requested.body.approvedPermanently]).toEqual(['2024-12-31', false]);
    const forGood = await importForm(SEED.replace('zunächst bis zum 31.03.2025', 'bis auf Weiteres').replace('Beschluss 2024/09', 'Beschluss 2024/10'), `${apply}&allowDuplicate=true`).expect(201);
    expect([forGood.body.approvedUntil, forGood.body.approvedPermanently]).toEqual([null, true]);
  });

  it('with applyDecision cites a decision that is already recorded', async () => {
    await t.http
      .post('/api/decisions')
      .send({ number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-10', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung' })
      .expect(201);
    // What the caller says of it must be what the register holds.
    for (const [query, path, message] of [
      ['&decisionDate=2024-06-12', 'decisionDate', 'Beschluss 2024/09-AL ist bereits mit Datum 10.06.2024 erfasst, nicht 12.06.2024.'],
      ['&procedure=Sitzung&session=3', 'procedure', 'Beschluss 2024/09-AL ist bereits erfasst, gefasst im Umlaufverfahren, nicht in der 3. Sitzung.'],
      ['&session=3', 'session', 'Beschluss 2024/09-AL ist bereits erfasst, gefasst im Umlaufverfahren, nicht in der 3. Sitzung.'],
    ]) {
      expect((await importForm(SEED, `?applyDecision=true${query}`).expect(400)).body.details).toEqual([{ path, message }]);
    }
    expect((await t.http.get('/api/bodies').expect(200)).body).toEqual([]);
    const response = await importForm(SEED, '?applyDecision=true').expect(201);
    expect(response.body.decision).toMatchObject({ date: '2024-06-10', recorded: false, applied: true });
    expect(response.body.warnings).toEqual([expect.stringContaining('bereits erfasst')]);
  });

  it('with applyDecision but without the date and procedure of the decision asks for each under its parameter and creates nothing', async () => {
    const response = await importForm(SEED, '?applyDecision=true').expect(400);
    expect(response.body.details).toEqual([
      { path: 'decisionDate', message: 'Beschluss 2024/09-AL ist noch nicht im Beschlussregister erfasst, und das Formular nennt sein Datum nicht. Bitte angeben oder den Beschluss zuerst erfassen.' },
      { path: 'procedure', message: expect.stringContaining('nennt nicht, ob er in einer Sitzung oder im Umlaufverfahren gefasst wurde') },
    ]);
    // A session without its number, a written procedure with one: each is refused, not recorded half or dropped.
    const withoutNumber = await importForm(SEED, '?applyDecision=true&decisionDate=2024-06-12&procedure=Sitzung').expect(400);
    expect(withoutNumber.body.details).toEqual([{ path: 'session', message: expect.stringContaining('nennt die Nummer seiner Sitzung nicht') }]);
    const numbered = await importForm(SEED, '?applyDecision=true&decisionDate=2024-06-12&procedure=Umlaufverfahren&session=3').expect(400);
    expect(numbered.body.details).toEqual([{ path: 'session', message: 'Ein Beschluss im Umlaufverfahren fällt in keiner Sitzung; die Nummer einer Sitzung passt nicht dazu.' }]);
    // A session number no column holds (PostgreSQL's int4) is refused like in a decision's JSON.
    const huge = await importForm(SEED, '?applyDecision=true&decisionDate=2024-06-12&session=99999999999').expect(400);
    expect(huge.body.details).toEqual([{ path: 'query.session', message: 'Höchstens 2147483647.' }]);
    expect((await t.http.get('/api/bodies').expect(200)).body).toEqual([]);
    expect((await t.http.get('/api/decisions').expect(200)).body).toEqual([]);
  });

  it('refuses a form with problems, names line and field, and creates nothing', async () => {
    const response = await importForm(SEED.replace('17.06.2024', '17.13.2024').replace('Titel des Gremiums: Weiterentwicklung Struktur OZG Föderal', '')).expect(400);
    expect(response.body.details).toEqual([
      { line: null, field: 'Titel des Gremiums', message: 'Pflichtangabe fehlt im Formular.' },
      { line: 9, field: 'Beginn der Tätigkeit', message: '„17.13.2024“ ist kein gültiges Kalenderdatum.' },
    ]);
    expect(response.body.message).toContain('Zeile 9, Feld „Beginn der Tätigkeit“');
    expect((await t.http.get('/api/bodies').expect(200)).body).toEqual([]);
  });

  it('refuses a second import of the same form unless allowDuplicate is set', async () => {
    const first = await importForm(SEED).expect(201);
    const second = await importForm(SEED).expect(409);
    expect(second.body.message).toContain(first.body.id);
    await importForm(SEED, '?allowDuplicate=true').expect(201);
    expect((await t.http.get('/api/bodies').expect(200)).body).toHaveLength(2);
  });

  it('a dry run with applyDecision refuses what the import would, and writes nothing', async () => {
    const late = await importForm(SEED, '?dryRun=true&applyDecision=true&decisionDate=2025-06-12&procedure=Umlaufverfahren').expect(400);
    expect(late.body.details).toEqual([{ path: 'approvedUntil', message: 'Das Datum „befristet bis“ (31.03.2025) liegt vor dem Beschluss (12.06.2025).' }]);
    const missing = await importForm(SEED, '?dryRun=true&applyDecision=true').expect(400);
    expect(missing.body.details.map((d: { path: string }) => d.path)).toEqual(['decisionDate', 'procedure']);
    const fine = await importForm(SEED, '?dryRun=true&applyDecision=true&decisionDate=2024-06-12&procedure=Umlaufverfahren').expect(201);
    expect(fine.body).toMatchObject({ dryRun: true, approvedUntil: '2025-03-31' });
    expect((await t.http.get('/api/bodies').expect(200)).body).toEqual([]);
    expect((await t.http.get('/api/decisions').expect(200)).body).toEqual([]);
  });

  it('accepts the form as JSON and reads it without storing on dryRun', async () => {
    const response = await t.http.post('/api/bodies/import?dryRun=true').send({ form: SEED }).expect(201);
    expect(response.body).toMatchObject({ dryRun: true, registration: { title: 'Weiterentwicklung Struktur OZG Föderal' }, approvedUntil: '2025-03-31' });
    expect((await t.http.get('/api/bodies').expect(200)).body).toEqual([]);
  });

  it('dates the registration with registeredAt, so that an older decision can be applied later', async () => {
    const { id } = (await importForm(SEED, '?registeredAt=2024-06-01').expect(201)).body;
    await t.http
      .post('/api/decisions')
      .send({ number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-12', procedure: 'Sitzung', session: 3, type: 'Beschluss', title: 'Einrichtung', effects: [{ body: id, effect: 'approved', data: { approvedUntil: '2025-03-31' } }] })
      .expect(201);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', occurredAt: '2024-06-05' }).expect(200);
    const approved = await t.http
      .post(`/api/bodies/${id}/events`)
      .send({ type: 'approved', decision: '2024/09-AL', data: { approvedUntil: '2025-03-31' } })
      .expect(200);
    expect(approved.body.state.value).toBe('established');
  });

  it('refuses a registration date after the decision it applies', async () => {
    const response = await importForm(SEED, '?applyDecision=true&decisionDate=2024-06-12&session=3&registeredAt=2024-06-20').expect(400);
    expect(response.body.message).toContain('nach dem Beschluss');
    // A day still to come is named as the registration's, where it was given (the CLI tells it as --registered-at).
    const future = await importForm(SEED, '?registeredAt=2030-01-01').expect(400);
    expect(future.body.details).toEqual([{ path: 'registeredAt', message: 'Das Datum der Registrierung liegt in der Zukunft.' }]);
    expect((await t.http.get('/api/bodies').expect(200)).body).toEqual([]);
  });

  it('rejects an empty request', async () => {
    await importForm('  ').expect(400);
  });
});

describe.each(testDatabaseKinds())('an import is one transaction on %s', (database) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
  });
  afterEach(() => t.close());

  const importForm = (text: string, query = '') =>
    t.http.post(`/api/bodies/import${query}`).set('Content-Type', 'text/plain; charset=utf-8').send(text);
  const APPLY = '?applyDecision=true&decisionDate=2024-06-12&session=3';

  it('a refused import (a Begründung over the note limit) leaves the row count of every table unchanged, and a retry is no duplicate', async () => {
    const tooLong = SEED.replace('wurde zunächst bis zum 31.03.2025 beschlossen.', `wurde zunächst bis zum 31.03.2025 beschlossen. ${'Lang. '.repeat(800)}`);
    const before = await rowCounts(t.app.get(Database));
    const refused = await importForm(tooLong, APPLY).expect(400);
    expect(refused.body.details).toEqual([expect.objectContaining({ path: 'data.note' })]);
    expect(await rowCounts(t.app.get(Database))).toEqual(before);
    const retried = await importForm(SEED, APPLY).expect(201);
    expect(retried.body.state.value).toBe('established');
  });

  it('ten imports of the same form at the same moment register one body; the others are told it exists', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => importForm(SEED)));
    expect(responses.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(409)]);
    const created = responses.find((r) => r.status === 201)!.body.id;
    for (const refused of responses.filter((r) => r.status === 409)) expect(refused.body.message).toContain(created);
    expect((await t.http.get('/api/bodies').expect(200)).body.map((b: { id: string }) => b.id)).toEqual([created]);
    expect((await rowCounts(t.app.get(Database))).contacts).toBe(3);
  });
});
