/**
 * Nacherfassung: a body imported with its real past is held from the deadline monitoring while
 * the secretariat enters its known history (a late report, an extension decided months ago) with
 * their own dates. Only when the hold ends does the scheduler catch the body up, by the Fristen
 * the entered history left, dating each event at its due instant as after an outage.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { berlinDate } from '../machines';
import addFormats from 'ajv-formats';
import { verifyExport } from '../src/audit/offline-verifier';
import { Database } from '../src/database/database';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { deadlinesEnv } from './deadlines.support';
import { exportText } from './support/audit-export';
import { rowCounts } from './support/row-counts';
import { cliAgainst } from './support/cli-run';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const SEED_FILE = join(__dirname, '..', 'examples', 'registrierung-weiterentwicklung-struktur-ozg-foederal.txt');
const SEED = readFileSync(SEED_FILE, 'utf8');
const EXPORT_SCHEMA = JSON.parse(readFileSync(join(__dirname, '..', 'docs', 'audit-export.schema.json'), 'utf8')) as object;
const IMPORT_WITH_HISTORY = '/api/bodies/import?applyDecision=true&decisionDate=2024-06-12&registeredAt=2024-06-03&procedure=Umlaufverfahren';

describe.each(testDatabaseKinds())('Nacherfassung (%s)', (database) => {
  let restoreEnv: () => void;
  let t: TestApp;

  beforeEach(async () => {
    restoreEnv = deadlinesEnv();
    // The day the IT-Planungsrat starts using Gremienlauf.
    t = await startTestApp({ database, now: '2025-06-02T08:00:00Z' });
  });

  afterEach(async () => {
    await t.close();
    restoreEnv();
  });

  const db = () => t.app.get(Database);
  const sweep = () => t.app.get(SchedulerService).sweep();
  const importSeed = async (query = '&backfill=true') =>
    (await t.http.post(`${IMPORT_WITH_HISTORY}${query}`).set('Content-Type', 'text/plain; charset=utf-8').send(SEED).expect(201)).body;
  const history = async (id: string) =>
    (await db().query<{ type: string; occurred_at: string; actor_id: string }>('SELECT type, occurred_at, actor_id FROM events WHERE body_id = ? ORDER BY version', [id])).map(
      (r) => `${berlinDate(r.occurred_at)} ${r.type}${r.actor_id === 'system:scheduler' ? ' (Scheduler)' : ''}`,
    );
  const reminders = async (id: string) => Number((await db().query<{ n: number | string }>("SELECT COUNT(*) AS n FROM outbox WHERE body_id = ? AND topic = 'reminder'", [id]))[0].n);
  const stateAsOf = async (id: string, asOf: string) => (await t.http.get(`/api/bodies/${id}/state`).query({ asOf }).expect(200)).body.statePaths as string[];

  /** The late interim report (15.01.2025) and the extension decided on 20.03.2025, entered with their own dates. */
  async function enterKnownHistory(id: string): Promise<void> {
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1' }, occurredAt: '2025-01-15' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({
        number: '2025/04-AL',
        issuer: 'AL-Runde',
        date: '2025-03-20',
        procedure: 'Umlaufverfahren',
        type: 'Beschluss',
        title: 'Verlängerung der Projektgruppe Weiterentwicklung Struktur OZG Föderal',
        effects: [{ body: id, effect: 'extended', data: { approvedUntil: '2025-12-31' } }],
      })
      .expect(201);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'extended', decision: '2025/04-AL', data: { approvedUntil: '2025-12-31' }, occurredAt: '2025-03-20' }).expect(200);
  }

  it('the tester’s scenario: import with hold, enter the late report and the March 2025 extension, end the hold; the scheduler records only what is really due', async () => {
    const imported = await importSeed();
    const id = imported.id as string;
    expect(imported.backfill).toEqual({ since: '2025-06-02T08:00:00.000Z', reason: expect.stringContaining('mit Nacherfassung'), by: 'geschaeftsstelle' });

    // While held, the sweep records nothing for the body and writes no reminder,
    expect((await sweep()).filter((e) => e.bodyId === id)).toEqual([]);
    expect(await history(id)).toEqual(['2024-06-03 registered', '2024-06-12 submitted', '2024-06-12 approved']);
    expect(await reminders(id)).toBe(0);
    const body = (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
    expect(body.backfill).toMatchObject({ since: '2025-06-02T08:00:00.000Z', notice: 'Nacherfassung: Fristenüberwachung ruht seit 02.06.2025, 10:00 Uhr' });

    // and the secretariat enters the history with its dates (each write fires what fell due before it, as always).
    await enterKnownHistory(id);
    expect((await sweep()).filter((e) => e.bodyId === id)).toEqual([]);
    expect(await history(id)).toEqual([
      '2024-06-03 registered',
      '2024-06-12 submitted',
      '2024-06-12 approved',
      '2024-06-17 started (Scheduler)',
      '2024-12-02 reportDue (Scheduler)',
      '2024-12-03 reportOverdue (Scheduler)',
      '2024-12-31 termExpiring (Scheduler)',
      '2025-01-15 reportSubmitted',
      '2025-03-20 extended',
    ]);

    // When the hold ends in October, the sweep records what the extended term makes due, dated when it fell due;
    t.clock.set('2025-10-15T08:00:00Z');
    const ended = await t.http.post(`/api/bodies/${id}/backfill/end`).send({ reason: 'Geschichte bis heute erfasst' }).expect(200);
    expect(ended.body).toMatchObject({ bodyId: id, backfill: null, auditLog: { stream: 'audit-log', version: 2 } });
    expect((await t.http.get(`/api/bodies/${id}`).expect(200)).body.backfill).toBeNull();
    const recorded = (await sweep()).filter((e) => e.bodyId === id && e.kind === 'event');
    expect(recorded.map((e) => [e.what, e.outcome])).toEqual([['termExpiring', 'appended']]);
    expect((await history(id)).slice(9)).toEqual(['2025-10-02 termExpiring (Scheduler)']);
    expect(await history(id)).not.toContainEqual(expect.stringContaining('termExpired'));

    // and "state as of" any day of 2025 shows the entered history, not an expired term.
    expect(await stateAsOf(id, '2025-01-10')).toEqual(expect.arrayContaining(['active.reporting.reportOverdue', 'active.term.expiring']));
    const april = await stateAsOf(id, '2025-04-15');
    expect(april).toEqual(expect.arrayContaining(['active.term.running', 'active.reporting.upToDate']));
    expect(april).not.toContain('active.term.expired');
  });

  it('without the hold the same import is caught up at once, and the March 2025 extension can no longer be entered', async () => {
    const id = (await importSeed('')).id as string;
    expect(await history(id)).toHaveLength(3);
    await sweep();
    expect((await history(id)).at(-1)).toBe('2025-04-01 termExpired (Scheduler)');
    const refused = await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1' }, occurredAt: '2025-01-15' });
    expect(refused.status).toBe(422);
  });

  it('the Fristen page and GET /api/deadlines mark a held body’s Fristen and raise no overdue alarm for them', async () => {
    const id = (await importSeed()).id as string;
    const fristen = (await t.http.get('/api/deadlines').query({ body: id }).expect(200)).body as Array<{ kind: string; overdue: boolean; backfillSince: string | null }>;
    expect(fristen.length).toBeGreaterThan(0);
    expect(fristen.every((d) => !d.overdue && d.backfillSince === '2025-06-02T08:00:00.000Z')).toBe(true);
    expect((await t.http.get('/api/deadlines').query({ overdue: 'true' }).expect(200)).body).toEqual([]);
    const page = (await t.http.get('/fristen').expect(200)).text;
    expect(page).toContain('Nacherfassung: Fristenüberwachung ruht seit 02.06.2025');
    const bodyPage = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    expect(bodyPage).toContain('Nacherfassung: Fristenüberwachung ruht seit 02.06.2025, 10:00 Uhr');
  });

  it('refuses in German what is not the secretariat’s or not possible, and changes nothing', async () => {
    const id = (await importSeed()).id as string;
    const auditor = await t.user('auditor');
    const contactId = (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds[0] as string;
    const lead = await t.user('lead', { contactId });
    const before = await rowCounts(db());
    const refusals = [
      await lead.http.post(`/api/bodies/${id}/backfill/end`).send({ reason: 'Genug erfasst' }),
      await auditor.http.post(`/api/bodies/${id}/backfill`).send({ reason: 'Prüfung' }),
      await t.http.post(`/api/bodies/${id}/backfill`).send({ reason: 'Noch einmal' }),
      await t.http.post(`/api/bodies/${id}/backfill`).send({}),
      await t.http.post('/api/bodies/00000000-0000-4000-8000-000000000000/backfill').send({ reason: 'Unbekannt' }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([403, 403, 409, 400, 404]);
    expect(refusals[2].body.message).toBe(`Für Gremium ${id} läuft bereits eine Nacherfassung (seit 02.06.2025, 10:00 Uhr, begonnen von geschaeftsstelle); sie kann nicht zweimal beginnen.`);
    expect(refusals[3].body.details).toEqual([{ path: 'reason', message: expect.any(String) }]);
    expect(await rowCounts(db())).toEqual(before);

    await t.http.post(`/api/bodies/${id}/backfill/end`).send({ reason: 'Geschichte erfasst' }).expect(200);
    const notHeld = await t.http.post(`/api/bodies/${id}/backfill/end`).send({ reason: 'Noch einmal' }).expect(422);
    expect(notHeld.body.message).toBe(`Für Gremium ${id} läuft keine Nacherfassung; es gibt keine zu beenden (die Fristenüberwachung läuft).`);

    const draft = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Zurückgezogen', registeredAt: '2025-05-02' }).expect(201)).body.id as string;
    await t.http.post(`/api/bodies/${draft}/events`).send({ type: 'withdrawn', data: { reason: 'Kein Bedarf' } }).expect(200);
    const ended = await t.http.post(`/api/bodies/${draft}/backfill`).send({ reason: 'Nachtragen' }).expect(422);
    expect(ended.body.message).toMatch(new RegExp(`^Gremium ${draft} ist beendet \\(Zustand „.+“\\): es hat keine Fristen mehr, deren Überwachung ruhen könnte`));
  });

  it('verify checks the held bodies against the audit log, and the export with both entries verifies offline and fits its schema', async () => {
    const id = (await importSeed()).id as string;
    const other = (await importSeed('&backfill=true&allowDuplicate=true')).id as string;
    await t.http.post(`/api/bodies/${other}/backfill/end`).send({ reason: 'Geschichte erfasst' }).expect(200);
    expect((await t.http.get('/api/audit/verify').expect(200)).body).toMatchObject({ intact: true, problems: [] });
    await t.http.post('/api/audit/checkpoints').expect(201);

    const text = await exportText(t);
    const entries = text.split('\n').filter(Boolean).map((line) => JSON.parse(line)).filter((line) => line.kind === 'auditLog');
    expect(entries.map((line) => [line.entry.type, line.entry.data.bodyId])).toEqual([
      ['backfillBegun', id],
      ['backfillBegun', other],
      ['backfillEnded', other],
    ]);
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
    addFormats(ajv);
    const validate = ajv.compile(EXPORT_SCHEMA);
    expect(entries.filter((line) => !validate(line))).toEqual([]);
    const report = await verifyExport(text.split('\n'), createPublicKey((await t.http.get('/api/audit/public-key').expect(200)).body.pem));
    expect(report.findings).toEqual([]);

    // A hold removed behind the service, and one added that no entry records, are both named.
    await db().query('DELETE FROM backfill_holds WHERE body_id = ?', [id]);
    await db().query('INSERT INTO backfill_holds (body_id, since, reason, actor_id, audit_log_version) VALUES (?, ?, ?, ?, ?)', [other, '2025-06-02T08:00:00.000Z', 'heimlich', 'x', 2]);
    const verdict = (await t.http.get('/api/audit/verify').expect(200)).body;
    expect(verdict.intact).toBe(false);
    expect(verdict.problems.map((p: { kind: string; stream: string }) => [p.kind, p.stream]).sort()).toEqual(
      [
        ['backfillHoldDiverges', id],
        ['backfillHoldDiverges', other],
      ].sort(),
    );
    const scoped = (await t.http.get('/api/audit/verify').query({ body: id }).expect(200)).body;
    expect(scoped.problems).toEqual([
      expect.objectContaining({ message: expect.stringContaining('Nacherfassung begonnen') }),
    ]);
  });

  it('the CLI imports with --nacherfassung, shows the hold and ends it', async () => {
    const cli = (args: string[]) => cliAgainst(t, args);
    const imported = await cli(['import', SEED_FILE, '--apply-decision', '--decision-date', '12.06.2024', '--registered-at', '03.06.2024', '--umlaufverfahren', '--nacherfassung']);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Nacherfassung: Fristenüberwachung ruht seit 02.06.2025, 10:00 Uhr');
    const id = /Gremium registriert: (\S+)/.exec(imported.stdout)![1];
    expect((await cli(['show', id])).stdout).toMatch(/Nacherfassung:\s+Fristenüberwachung ruht seit 02\.06\.2025, 10:00 Uhr \(Import des Registrierungsformulars/);
    expect((await cli(['backfill', 'end', id])).stderr).toContain('--reason TEXT');
    const ended = await cli(['backfill', 'end', id, '--reason', 'Geschichte erfasst']);
    expect([ended.code, ended.stdout]).toEqual([0, expect.stringContaining(`Gremium ${id}: Nacherfassung beendet`)]);
    expect((await cli(['show', id])).stdout).not.toContain('Nacherfassung');
    const again = await cli(['backfill', 'end', id, '--reason', 'Noch einmal']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('läuft keine Nacherfassung');
  });
});
