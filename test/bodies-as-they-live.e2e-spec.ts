/**
 * Bodies as they really live (issue 12), over HTTP on a real database: a term "zunächst bis Juli
 * 2011" from the form import, leads added without losing anyone's access, recurring reports,
 * a history that says what changed, and the secretariat's open requests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { Database } from '../src/database/database';
import { BodyLinks1767600000000 } from '../src/database/migrations/1767600000000-body-links';
import { migrateDownAndUp } from './support/migrations';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const SEED = readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');

/** The seed form moved to 2010, approved "zunächst bis Juli 2011". */
const FORM_2010 = SEED.replaceAll('2024', '2010').replace('zunächst bis zum 31.03.2025', 'zunächst bis Juli 2011');

describe.each(testDatabaseKinds())('bodies as they really live, on %s', (database) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
  });
  afterEach(() => t.close());

  const send = (id: string, command: object, as = t.http) => as.post(`/api/bodies/${id}/events`).send(command);
  const decision = (number: string, date: string, effects: object[]) =>
    t.http.post('/api/decisions').send({ number, issuer: 'IT-PLR', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects }).expect(201);

  /** Submitted and approved (until 2027) by a decision of its own. */
  async function approve(id: string, number: string) {
    await send(id, { type: 'submitted', occurredAt: '2025-01-03' }).expect(200);
    await decision(number, '2025-01-20', [{ body: id, effect: 'approved', data: { approvedUntil: '2027-12-31' } }]);
    await send(id, { type: 'approved', data: { approvedUntil: '2027-12-31' }, decision: number }).expect(200);
  }

  test('given the form "zunächst bis Juli 2011", the import keeps the month, and the term expires after 31.07.2011', async () => {
    const imported = await t.http
      .post('/api/bodies/import?applyDecision=true&decisionDate=2010-06-12&session=3')
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(FORM_2010)
      .expect(201);
    const id = imported.body.id;
    const body = (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
    expect(body.context).toMatchObject({ approvedUntil: '2011-07-31', approvedUntilAsWritten: { month: '2011-07' } });

    await t.app.get(SchedulerService).sweep();
    const history = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events;
    const approved = history.find((e: { type: string }) => e.type === 'approved');
    expect(approved.summary).toMatch(/^befristet bis Juli 2011 \(bis 31.07.2011\); Vermerk: Die Aufnahme/);
    const expired = history.find((e: { type: string }) => e.type === 'termExpired');
    expect(expired).toMatchObject({ occurredAt: '2011-07-31T22:00:00.000Z', summary: expect.stringContaining('befristet bis Juli 2011') });
  });

  test('given NRW and Bund lead, when Hessen is added, their contacts and the NRW lead\'s access stay; removing NRW by name ends it', async () => {
    const { body } = await t.http
      .post('/api/bodies')
      .send({
        title: 'PG EfA-Finanzierung',
        kind: 'Projektgruppe',
        parent: 'IT-PLR',
        focusTopic: 'Digitale Anwendungen',
        leads: ['Nordrhein-Westfalen', 'Bund'],
        contacts: [{ name: 'Nora Nrw', organization: 'NRW', email: 'nora@nrw.example' }, { name: 'Bernd Bund', organization: 'BMI', phone: '030 1234' }],
        start: '2025-01-15',
        registeredAt: '2025-01-02',
      })
      .expect(201);
    const id = body.id;
    await approve(id, '2025/10');
    const [nrw, bund] = (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds;
    const lead = await t.user('lead', { contactId: nrw });
    await lead.http.get(`/api/bodies/${id}`).expect(200);

    const refused = await send(id, { type: 'leadsChanged', data: { leads: ['Nordrhein-Westfalen', 'Bund', 'Hessen'], contacts: [{ name: 'Hanna Hessen' }] } }).expect(422);
    expect(refused.body.message).toContain('ohne sie zu nennen');

    await send(id, { type: 'leadsChanged', data: { added: ['Hessen'], contacts: [{ name: 'Hanna Hessen', organization: 'Hessen' }] } }).expect(200);
    const after = (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
    expect(after.context.profile.leads).toEqual(['Nordrhein-Westfalen', 'Bund', 'Hessen']);
    expect(after.context.profile.contactIds.slice(0, 2)).toEqual([nrw, bund]);
    expect(after.contacts.map((c: { name: string }) => c.name)).toEqual(['Nora Nrw', 'Bernd Bund', 'Hanna Hessen']);
    await lead.http.get(`/api/bodies/${id}`).expect(200);
    const history = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events;
    expect(history.at(-1).summary).toBe('Federführung: + Hessen; Ansprechpersonen: + 1');

    await send(id, { type: 'leadsChanged', data: { removed: ['Nordrhein-Westfalen'], removedContactIds: [nrw] } }).expect(200);
    await lead.http.get(`/api/bodies/${id}`).expect(404);
  });

  test('a lead\'s extension request is a to-do of the secretariat with date and justification until the extension is decided', async () => {
    const { body } = await t.http
      .post('/api/bodies')
      .send({ title: 'AG Registermodernisierung', kind: 'Arbeitsgruppe', parent: 'IT-PLR', focusTopic: 'Datennutzung', leads: ['Bund'], contacts: [{ name: 'Lena Lead' }], start: '2025-02-01', registeredAt: '2025-01-02' })
      .expect(201);
    const id = body.id;
    const [contact] = (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds;
    await send(id, { type: 'submitted', occurredAt: '2025-01-03' }).expect(200);
    await decision('2025/11', '2025-01-20', [{ body: id, effect: 'approved', data: { approvedUntil: { year: '2026' } } }]);
    await send(id, { type: 'approved', data: { approvedUntil: { year: '2026' } }, decision: '2025/11' }).expect(200);
    await send(id, { type: 'started', occurredAt: '2025-02-01' }).expect(200);
    const lead = await t.user('lead', { contactId: contact });
    await send(id, { type: 'extensionRequested', data: { approvedUntil: '2027-12-31', justification: 'Umsetzung in den Ländern dauert länger.' } }, lead.http).expect(200);

    const history = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events;
    expect(history.at(-1).summary).toBe('Verlängerung beantragt bis 31.12.2027 (bisher Ende 2026 (bis 31.12.2026)): Umsetzung in den Ländern dauert länger.');
    for (const page of ['/', '/fristen']) {
      const html = (await t.http.get(page).expect(200)).text;
      expect(html).toContain('Zu erledigen (1)');
      expect(html).toContain('Verlängerung beantragt bis 31.12.2027: Umsetzung in den Ländern dauert länger.');
    }
    expect((await lead.http.get('/fristen').expect(200)).text).not.toContain('Zu erledigen');

    await decision('2026/12', '2026-11-20', [{ body: id, effect: 'extended', data: { approvedUntil: '2027-12-31' } }]);
    await send(id, { type: 'extended', data: { approvedUntil: '2027-12-31' }, decision: '2026/12' }).expect(200);
    const extended = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events.at(-1);
    expect(extended.summary).toBe('befristet bis Ende 2026 (bis 31.12.2026) → 31.12.2027');
    expect((await t.http.get('/').expect(200)).text).not.toContain('Zu erledigen');
  });

  test('a yearly report: submitting one period opens the next on the Fristen list; taking note of it is a to-do until done', async () => {
    const { body } = await t.http
      .post('/api/bodies')
      .send({
        title: 'Kooperationsgruppe Jahresbericht',
        kind: 'Kooperationsgruppe',
        parent: 'IT-PLR',
        focusTopic: 'Digitale Infrastruktur',
        leads: ['Bund'],
        start: '2025-02-01',
        permanent: true,
        reports: [{ kind: 'Jahresbericht', addressee: 'IT-Planungsrat', due: { kind: 'firstSession', issuer: 'IT-PLR', year: 2026 }, recurrence: { everyMonths: 12 } }],
        registeredAt: '2025-01-02',
      })
      .expect(201);
    const id = body.id;
    await send(id, { type: 'submitted', occurredAt: '2025-01-03' }).expect(200);
    await decision('2025/12', '2025-01-20', [{ body: id, effect: 'approved', data: { permanent: true } }]);
    await send(id, { type: 'approved', data: { permanent: true }, decision: '2025/12' }).expect(200);
    await send(id, { type: 'started', occurredAt: '2025-02-01' }).expect(200);

    const reports = async () =>
      (await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body
        .filter((d: { kind: string }) => d.kind === 'report')
        .map((d: { ref: string; effectiveDate: string | null; status: string; description: string }) => [d.ref, d.effectiveDate, d.status, d.description]);
    expect(await reports()).toEqual([['r1', null, 'open', 'zur ersten Sitzung 2026 (IT-PLR), Termin noch nicht bekannt']]);
    await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 49, date: '2026-03-12' }).expect(201);
    expect((await reports())[0]).toEqual(['r1', '2026-03-12', 'open', 'zur ersten Sitzung 2026 (IT-PLR): 49. Sitzung am 12.03.2026']);

    await send(id, { type: 'reportSubmitted', data: { obligationId: 'r1', documentRef: 'DMS-2026-1' }, occurredAt: '2026-03-01' }).expect(200);
    expect(await reports()).toEqual([
      ['r1', '2026-03-12', 'met', 'zur ersten Sitzung 2026 (IT-PLR): 49. Sitzung am 12.03.2026'],
      ['r2', null, 'open', 'zur ersten Sitzung 2027 (IT-PLR), Termin noch nicht bekannt'],
    ]);
    expect((await t.http.get('/fristen').expect(200)).text).toContain('Jahresbericht an IT-Planungsrat zur Kenntnis nehmen (eingereicht am ');

    await send(id, { type: 'reportAcknowledged', data: { obligationId: 'r1' } }).expect(200);
    expect((await t.http.get('/fristen').expect(200)).text).not.toContain('Zu erledigen');
    const ics = (await t.http.get(`/api/bodies/${id}/calendar.ics`).expect(200)).text;
    expect(ics).toContain('Jahresbericht');
  });

  test('a successor shows its predecessor both ways: registered as its successor, or transferred into it', async () => {
    const register = async (title: string, extra: object = {}) =>
      (
        await t.http
          .post('/api/bodies')
          .send({ title, kind: 'Projektgruppe', parent: 'IT-PLR', focusTopic: 'Datennutzung', leads: ['Bund'], start: '2025-02-01', registeredAt: '2025-01-02', ...extra })
          .expect(201)
      ).body.id as string;
    const old = await register('Koordinierungsprojekt Registermodernisierung');
    const replacing = await register('Gesamtsteuerung Registermodernisierung', {
      predecessors: [{ name: 'Koordinierungsprojekt Registermodernisierung', bodyId: old }],
    });
    await t.http
      .post('/api/bodies')
      .send({ title: 'X', kind: 'Projektgruppe', parent: 'IT-PLR', focusTopic: 'Datennutzung', leads: ['Bund'], start: '2025-02-01', predecessors: [{ name: 'unbekannt', bodyId: '00000000-0000-4000-8000-00000000dead' }] })
      .expect(400);

    expect((await t.http.get(`/api/bodies/${replacing}`).expect(200)).body.predecessors).toEqual([{ name: 'Koordinierungsprojekt Registermodernisierung', bodyId: old }]);
    expect((await t.http.get(`/api/bodies/${old}`).expect(200)).body.successors).toEqual([{ name: 'Gesamtsteuerung Registermodernisierung', bodyId: replacing }]);
    expect((await t.http.get(`/gremien/${replacing}`).expect(200)).text).toMatch(/Hervorgegangen aus<\/dt><dd><ul class="plain"><li><a href="\/gremien\/[^"]+">Koordinierungsprojekt Registermodernisierung<\/a>/);

    // Transferred into a registered body: the successor names the predecessor as well.
    await approve(old, '2025/13');
    await send(old, { type: 'started', occurredAt: '2025-02-01' }).expect(200);
    await send(old, { type: 'closureInitiated', data: { finalReportDue: { kind: 'untilFurtherNotice' } }, occurredAt: '2025-06-01' }).expect(200);
    const into = await register('AG Register');
    // A transfer is an orderly closure: the final report noted or, as here, waived by the same decision.
    const waived = { obligationId: 'r1', reason: 'Die Ergebnisse gehen in die AG Register ein.' };
    await decision('2025/30', '2025-09-15', [
      { body: old, effect: 'reportWaived', data: waived },
      { body: old, effect: 'transferred', data: { successor: { name: 'AG Register', bodyId: into } } },
    ]);
    await send(old, { type: 'reportWaived', data: waived, decision: '2025/30' }).expect(200);
    await send(old, { type: 'transferred', data: { successor: { name: 'AG Register', bodyId: into } }, decision: '2025/30' }).expect(200);
    expect((await t.http.get(`/api/bodies/${into}`).expect(200)).body.predecessors).toEqual([{ name: 'Koordinierungsprojekt Registermodernisierung', bodyId: old }]);
    const history = (await t.http.get(`/api/bodies/${old}/history`).expect(200)).body.events;
    expect(history.at(-1).summary).toBe('überführt in AG Register');

    // The links are rows of their own (body_links), written with the events that name a body;
    // the migration that brought them in writes the same rows from the stored bodies.
    const db = t.app.get(Database);
    const links = () => db.query<{ body_id: string; linked_id: string }>('SELECT body_id, linked_id FROM body_links ORDER BY body_id, linked_id');
    const written = await links();
    expect(written).toEqual(
      [
        { body_id: replacing, linked_id: old },
        { body_id: old, linked_id: into },
      ].sort((a, b) => a.body_id.localeCompare(b.body_id)),
    );
    await migrateDownAndUp(t.config.database, new BodyLinks1767600000000());
    expect(await links()).toEqual(written);
    // Its own successor first, then the bodies that name it as predecessor.
    expect((await t.http.get(`/api/bodies/${old}`).expect(200)).body.successors).toEqual([
      { name: 'AG Register', bodyId: into },
      { name: 'Gesamtsteuerung Registermodernisierung', bodyId: replacing },
    ]);

    // Transferred into a structure named before it was registered: once registered as the
    // successor, it is one successor, linked, not the name and the body side by side.
    const earlier = await register('Projektgruppe Portalverbund');
    await approve(earlier, '2025/14');
    await send(earlier, { type: 'started', occurredAt: '2025-02-01' }).expect(200);
    await send(earlier, { type: 'closureInitiated', data: { finalReportDue: { kind: 'untilFurtherNotice' } }, occurredAt: '2025-06-01' }).expect(200);
    await decision('2025/31', '2025-09-16', [
      { body: earlier, effect: 'reportWaived', data: { obligationId: 'r1', reason: 'Ergebnisse übergeben.' } },
      { body: earlier, effect: 'transferred', data: { successor: { name: 'Kooperationsgruppe Portalverbund' } } },
    ]);
    await send(earlier, { type: 'reportWaived', data: { obligationId: 'r1', reason: 'Ergebnisse übergeben.' }, decision: '2025/31' }).expect(200);
    await send(earlier, { type: 'transferred', data: { successor: { name: 'Kooperationsgruppe Portalverbund' } }, decision: '2025/31' }).expect(200);
    const later = await register('Kooperationsgruppe Portalverbund', { predecessors: [{ name: 'Projektgruppe Portalverbund', bodyId: earlier }] });
    expect((await t.http.get(`/api/bodies/${earlier}`).expect(200)).body.successors).toEqual([{ name: 'Kooperationsgruppe Portalverbund', bodyId: later }]);
  });
});
