/**
 * The sessions calendar is part of the audited record: a session entered or moved moves Fristen
 * („zur 53. Sitzung“), so each new or moved day is an entry of the audit log (`sessionScheduled`,
 * `sessionMoved`) written with it, verify compares the calendar with those entries, and the export
 * carries them (schema-valid, verified offline). `GET /api/sessions` lists the days a session had
 * before; a day that is no working day is recorded with a hint. Sessions recorded before this
 * release get their entries from a migration.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { verifyExport } from '../src/audit/offline-verifier';
import { Database } from '../src/database/database';
import { SessionAuditEntries1768500000000 } from '../src/database/migrations/1768500000000-session-audit-entries';
import { exportText } from './support/audit-export';
import { withQueryRunner } from './support/migrations';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const EXPORT_SCHEMA = JSON.parse(readFileSync(join(__dirname, '..', 'docs', 'audit-export.schema.json'), 'utf8')) as object;

describe.each(testDatabaseKinds())('the sessions calendar in the audit log (%s)', (database) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp({ database, now: '2026-12-05T09:00:00Z' });
  });
  afterEach(() => t.close());

  const db = () => t.app.get(Database);
  const record = (number: number, date: string) => t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number, date });
  const verify = async () => (await t.http.get('/api/audit/verify').expect(200)).body as { intact: boolean; problems: Array<{ kind: string; message: string }> };
  const sessionEntries = async () =>
    (await exportText(t))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((line) => line.kind === 'auditLog' && line.entry.type.startsWith('session'));

  it('writes an entry for each new or moved day, none for the same day again, and lists the earlier days; a Saturday is recorded with a hint', async () => {
    const saturday = (await record(53, '2027-06-19').expect(201)).body;
    expect(saturday.warnings).toEqual(['Der 19.06.2027 ist kein Arbeitstag (Samstag); bitte prüfen, ob die Sitzung an diesem Tag stattfindet.']);
    const moved = (await record(53, '2027-06-17').expect(200)).body;
    expect(moved).toMatchObject({ date: '2027-06-17', previousDate: '2027-06-19', warnings: [] });
    await record(53, '2027-06-17').expect(200);
    await record(54, '2027-11-25').expect(201);

    const listed = (await t.http.get('/api/sessions').query({ issuer: 'IT-PLR' }).expect(200)).body;
    expect(listed.map((s: { number: number; date: string; earlierDates: Array<{ date: string }> }) => [s.number, s.date, s.earlierDates.map((e) => e.date)])).toEqual([
      [53, '2027-06-17', ['2027-06-19']],
      [54, '2027-11-25', []],
    ]);

    const entries = await sessionEntries();
    expect(entries.map((line) => [line.entry.type, line.entry.data, line.entry.actor.role])).toEqual([
      ['sessionScheduled', { issuer: 'IT-PLR', number: 53, date: '2027-06-19', previousDate: null }, 'secretariat'],
      ['sessionMoved', { issuer: 'IT-PLR', number: 53, date: '2027-06-17', previousDate: '2027-06-19' }, 'secretariat'],
      ['sessionScheduled', { issuer: 'IT-PLR', number: 54, date: '2027-11-25', previousDate: null }, 'secretariat'],
    ]);
    const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
    addFormats(ajv);
    const validate = ajv.compile(EXPORT_SCHEMA);
    expect(entries.filter((line) => !validate(line))).toEqual([]);
    expect(await verify()).toMatchObject({ intact: true, problems: [] });
    await t.http.post('/api/audit/checkpoints').expect(201);
    const report = await verifyExport((await exportText(t)).split('\n'), createPublicKey((await t.http.get('/api/audit/public-key').expect(200)).body.pem));
    expect(report.findings).toEqual([]);
  });

  it('a refused day writes no entry', async () => {
    await record(53, '2027-06-17').expect(201);
    await record(54, '2027-06-10').expect(400);
    expect((await sessionEntries()).map((line) => line.entry.data.number)).toEqual([53]);
  });

  it('verify names a day changed, a session added and one removed behind the service', async () => {
    await record(53, '2027-06-17').expect(201);
    await record(54, '2027-11-25').expect(201);
    await record(55, '2028-03-16').expect(201);
    await db().query("UPDATE sessions SET held_on = '2027-06-24' WHERE issuer = 'IT-PLR' AND number = 53");
    await db().query("DELETE FROM sessions WHERE issuer = 'IT-PLR' AND number = 55");
    await db().query("INSERT INTO sessions (issuer, number, held_on, recorded_at, recorded_by) VALUES ('AL-Runde', 9, '2027-02-04', '2026-12-05T09:00:00.000Z', 'x')");
    const verdict = await verify();
    expect(verdict.intact).toBe(false);
    expect(verdict.problems.filter((p) => p.kind === 'sessionDiverges').map((p) => p.message)).toEqual([
      'Die 9. Sitzung (AL-Runde) steht im Sitzungskalender am 04.02.2027, doch das Audit-Protokoll hält sie nicht fest.',
      'Die 53. Sitzung (IT-PLR) steht im Sitzungskalender am 24.06.2027, laut Audit-Protokoll, Version 1 „Sitzung eingetragen“ am 17.06.2027.',
      'Laut Audit-Protokoll, Version 3 „Sitzung eingetragen“ findet die 55. Sitzung (IT-PLR) am 16.03.2028 statt, doch im Sitzungskalender fehlt sie.',
    ]);
  });

  it('the migration gives the sessions recorded before it their entries, in the order their days were recorded', async () => {
    await record(53, '2027-06-19').expect(201);
    t.clock.set('2026-12-05T10:00:00Z');
    await record(54, '2027-11-25').expect(201);
    t.clock.set('2026-12-05T11:00:00Z');
    await record(53, '2027-06-17').expect(200);
    const written = (await sessionEntries()).map((line) => [line.entry.type, line.entry.data, line.entry.occurredAt]);
    // As the release before this one left the log: no session entries.
    await db().query("DELETE FROM audit_log WHERE type IN ('sessionScheduled', 'sessionMoved')");
    expect((await verify()).problems.map((p) => p.kind)).toEqual(['sessionDiverges', 'sessionDiverges']);

    await withQueryRunner(t.config.database, (q) => new SessionAuditEntries1768500000000().up(q));
    expect((await sessionEntries()).map((line) => [line.entry.type, line.entry.data, line.entry.occurredAt])).toEqual(written);
    expect(await verify()).toMatchObject({ intact: true, problems: [] });
  });
});
