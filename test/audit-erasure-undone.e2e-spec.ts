/**
 * A DSGVO erasure undone in the SQLite file (the personal data written back into `contacts`):
 * verify names each contact the audit log records as erased whose personal fields are not empty
 * again, and no answer shows the personal data of a contact marked erased. Also: a verify
 * scoped to one body counts that body's events beyond the last checkpoint, not the whole log's.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { recordScenario, type Scenario } from './audit-scenario';
import { startTestApp, type TestApp } from './support/test-app';
import { startOnTamperedCopy } from './support/tampered-copy';
import type { VerifyProblem } from '../src/audit/audit-answers';

type Problem = VerifyProblem;

describe('an erasure undone in the database file', () => {
  let pristine: string;
  let s: Scenario;
  let erased: string;
  let erasureEntry: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    const t = await startTestApp({ database: 'sqlite' });
    s = await recordScenario(t);
    erased = s.contactIds[0];
    const answer = (await t.http.post(`/api/contacts/${erased}/erasure`).send({ reason: 'Antrag nach Art. 17 DSGVO' }).expect(200)).body;
    expect(answer.auditLog).toMatchObject({ version: 1 });
    await t.app.close();
    const file = (t.config.database as { file: string }).file;
    const db = new Database(file, { readonly: true });
    erasureEntry = (db.prepare('SELECT id FROM audit_log WHERE version = 1').get() as { id: string }).id;
    db.close();
    pristine = join((t.config.database as { file: string }).file, '..');
  }, 30_000);
  afterAll(() => {
    for (const dir of [...dirs, pristine]) rmSync(dir, { recursive: true, force: true });
  });

  async function afterTampering(tamper: (db: Database.Database) => void, check: (app: TestApp) => Promise<void>): Promise<void> {
    const app = await startOnTamperedCopy(pristine, tamper, dirs);
    try {
      await check(app);
    } finally {
      await app.close();
    }
  }

  test('untouched: verify holds and the body names the contact as erased, without personal data', async () => {
    await afterTampering(
      () => undefined,
      async (app) => {
        expect((await app.http.get('/api/audit/verify').expect(200)).body).toMatchObject({ intact: true, problems: [] });
        const body = (await app.http.get(`/api/bodies/${s.seed}`).expect(200)).body;
        expect(body.contacts[0]).toEqual({ id: erased, name: null, organization: null, email: null, phone: null, erased: true });
      },
    );
  });

  test('name and e-mail written back: verify names the contact, the fields and the erasure; the body still shows no personal data', async () => {
    await afterTampering(
      (db) => {
        expect(db.prepare("UPDATE contacts SET name = 'Wieder Da', email = 'wieder.da@example.org' WHERE id = ?").run(erased).changes).toBe(1);
      },
      async (app) => {
        const verified = (await app.http.get('/api/audit/verify').expect(200)).body;
        expect(verified.intact).toBe(false);
        expect(verified.problems).toEqual([
          { area: 'projection', kind: 'erasureUndone', stream: 'audit-log', title: null, version: 1, eventId: erasureEntry, message: expect.any(String) },
        ]);
        const message = verified.problems[0].message as string;
        expect(message).toContain(`Ansprechperson ${erased}`);
        expect(message).toContain('Name, E-Mail');
        expect(message).toContain('Audit-Protokoll, Version 1');
        expect(message).not.toContain('Wieder Da');
        // The body the erasure touched names it too, in its own verify.
        const scoped = (await app.http.get('/api/audit/verify').query({ body: s.seed }).expect(200)).body;
        expect(scoped.problems.map((p: Problem) => p.kind)).toEqual(['erasureUndone']);
        expect((await app.http.get('/api/audit/verify').query({ body: s.other }).expect(200)).body).toMatchObject({ intact: true, problems: [] });

        const body = (await app.http.get(`/api/bodies/${s.seed}`).expect(200)).body;
        expect(body.contacts[0]).toEqual({ id: erased, name: null, organization: null, email: null, phone: null, erased: true });
        expect(JSON.stringify(body)).not.toContain('Wieder Da');
      },
    );
  });

  test('the erasure mark cleared as well: the audit log still says erased, and verify names it', async () => {
    await afterTampering(
      (db) => {
        db.prepare("UPDATE contacts SET organization = 'Wieder GmbH', phone = '+49 30 1', erased_at = NULL, erasure_reason = NULL WHERE id = ?").run(erased);
      },
      async (app) => {
        const verified = (await app.http.get('/api/audit/verify').expect(200)).body;
        expect(verified.problems.map((p: Problem) => p.kind)).toEqual(['erasureUndone']);
        expect(verified.problems[0].message).toContain('Organisation, Telefon');
        expect(verified.problems[0].message).toContain('nicht mehr als gelöscht markiert');
      },
    );
  });
});

describe('verify scoped to one body', () => {
  let t: TestApp;
  let s: Scenario;

  beforeAll(async () => {
    t = await startTestApp({ database: 'sqlite' });
    s = await recordScenario(t);
  }, 30_000);
  afterAll(() => t.close());

  test('counts the body’s own events beyond the last checkpoint', async () => {
    const uncovered = async (body?: string) =>
      (await t.http.get('/api/audit/verify').query(body ? { body } : {}).expect(200)).body.checkpoints.uncoveredEvents;
    expect([await uncovered(), await uncovered(s.seed), await uncovered(s.other)]).toEqual([9, 5, 2]);
    await t.http.post('/api/audit/checkpoints').expect(201);
    t.clock.set('2025-04-02T09:00:00Z');
    await t.http.post(`/api/bodies/${s.other}/events`).send({ type: 'returnedForRevision', data: { reason: 'Ziele schärfen' } }).expect(200);
    expect([await uncovered(), await uncovered(s.seed), await uncovered(s.other)]).toEqual([1, 0, 1]);
  });
});
