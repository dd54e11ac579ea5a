import { BODY_MACHINE_VERSION } from '../machines';
import { createPublicKey } from 'node:crypto';
import Database from 'better-sqlite3';
import { verifyExport } from '../src/audit/offline-verifier';
import { Database as AppDatabase } from '../src/database/database';
import { recordScenario, type Scenario } from './audit-scenario';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const lines = (text: string) => text.split('\n').filter((line) => line.length > 0);

describe.each(testDatabaseKinds())('audit over HTTP on %s', (database) => {
  let t: TestApp;
  let s: Scenario;

  beforeAll(async () => {
    t = await startTestApp({ database });
    s = await recordScenario(t);
    t.clock.set('2026-11-28T09:00:00Z');
  });
  afterAll(() => t.close());

  const exportText = async () => {
    const response = await t.http.get('/api/audit/export').buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => done(null, text));
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    return response.body as string;
  };
  const publicKey = async () => createPublicKey((await t.http.get('/api/audit/public-key').expect(200)).body.pem);

  test('GET /api/bodies/:id/state?asOf gives the state on a business date and the event it stands on', async () => {
    const { body } = await t.http.get(`/api/bodies/${s.seed}/state?asOf=2024-06-16`).expect(200);
    expect(body).toMatchObject({ stateLabel: 'Eingerichtet (Tätigkeit noch nicht begonnen)', basedOn: { version: 3, label: 'Eingerichtet (Beschluss)' } });
    expect(body.basedOn.decision).toMatchObject({ number: '2024/09-AL' });
    expect(body.context.approvedUntil).toBe('2025-03-31');
  });

  test('asKnownAt leaves out what was recorded later, also combined with asOf', async () => {
    const asOf = (await t.http.get(`/api/bodies/${s.seed}/state?asOf=2024-06-20`).expect(200)).body;
    expect(asOf.statePaths).toContain('active');
    const both = (await t.http.get(`/api/bodies/${s.seed}/state?asOf=2024-06-20&asKnownAt=2024-06-20T12:00:00Z`).expect(200)).body;
    expect(both).toMatchObject({ stateLabel: 'Eingerichtet (Tätigkeit noch nicht begonnen)', basedOn: { version: 3 }, excluded: 2 });
  });

  test('state before registration is 404, a malformed date 400', async () => {
    const early = await t.http.get(`/api/bodies/${s.seed}/state?asOf=2024-06-01`).expect(404);
    expect(early.body.message).toBe(`„Weiterentwicklung Struktur OZG Föderal“ war am 01.06.2024 noch nicht registriert.`);
    const bad = await t.http.get(`/api/bodies/${s.seed}/state?asOf=31.03.2025`).expect(400);
    expect(bad.body.details).toEqual([{ path: 'query.asOf', message: expect.stringContaining('JJJJ-MM-TT') }]);
    const badKnown = await t.http.get(`/api/bodies/${s.seed}/state?asKnownAt=gestern`).expect(400);
    expect(badKnown.body.details).toEqual([{ path: 'query.asKnownAt', message: expect.stringContaining('JJJJ-MM-TT') }]);
    // Nothing rolls over (30 February is no day, 24:00 no hour), and an instant names its zone.
    for (const limit of ['2025-02-30T12:00:00Z', '2025-03-01T24:00:00Z', '2025-03-01T12:00:00']) {
      await t.http.get(`/api/bodies/${s.seed}/state?asKnownAt=${encodeURIComponent(limit)}`).expect(400);
    }
  });

  test('GET /api/bodies/:id/replay says "matches" and shows each step with label, actor and decision', async () => {
    const { body } = await t.http.get(`/api/bodies/${s.seed}/replay`).expect(200);
    expect(body).toMatchObject({ verdict: 'matches', events: 5, machine: { id: 'body', version: BODY_MACHINE_VERSION } });
    expect(body.steps.map((step: any) => [step.version, step.label, step.actor.role, step.decision?.number ?? null, step.allowed])).toEqual([
      [1, 'Registriert', 'secretariat', null, true],
      [2, 'Zur Beschlussfassung eingereicht', 'secretariat', null, true],
      [3, 'Eingerichtet (Beschluss)', 'secretariat', '2024/09-AL', true],
      [4, 'Tätigkeit begonnen', 'secretariat', null, true],
      [5, 'Verlängert', 'secretariat', '2024/30-AL', true],
    ]);
    expect(body.steps[4].stateLabelAfter).toBe('Aktiv (Laufzeit läuft, Berichte aktuell, In Arbeit)');
  });

  test('GET /api/audit/verify finds every chain intact, also for one body', async () => {
    const all = (await t.http.get('/api/audit/verify').expect(200)).body;
    // 7 body events and the decision register's 2 (2024/09-AL and 2024/30-AL recorded).
    expect(all).toMatchObject({ scope: 'all', intact: true, events: 9, problems: [] });
    const one = (await t.http.get(`/api/audit/verify?body=${s.other}`).expect(200)).body;
    expect(one).toMatchObject({ scope: s.other, intact: true, events: 2 });
    await t.http.get('/api/audit/verify?body=00000000-0000-4000-8000-000000000000').expect(404);
  });

  test('GET /api/audit/verify names obligation rows that belong to no stored context, and nothing once they are gone', async () => {
    const db = t.app.get(AppDatabase);
    const nobody = '00000000-0000-4000-8000-00000000beef';
    const [{ data }] = await db.query<{ data: string }>('SELECT data FROM body_obligations WHERE body_id = ? AND position = 0', [s.seed]);
    await db.query('INSERT INTO body_obligations (body_id, position, data) VALUES (?, ?, ?), (?, ?, ?)', [nobody, 3, data, s.seed, -1, data]);
    try {
      const verdict = (await t.http.get('/api/audit/verify').expect(200)).body;
      expect(verdict.intact).toBe(false);
      expect(verdict.problems.map((p: { kind: string; stream: string }) => [p.kind, p.stream]).sort()).toEqual(
        [
          ['obligationsOutOfPlace', s.seed],
          ['obligationsWithoutBody', nobody],
        ].sort(),
      );
      expect(verdict.problems.find((p: { stream: string }) => p.stream === s.seed).message).toContain('Eine gespeicherte Berichtspflicht (Position -1) liegt außerhalb der Liste');
      expect((await t.http.get(`/api/audit/verify?body=${s.other}`).expect(200)).body).toMatchObject({ intact: true, problems: [] });
    } finally {
      await db.query('DELETE FROM body_obligations WHERE body_id = ? OR position < 0', [nobody]);
    }
    expect((await t.http.get('/api/audit/verify').expect(200)).body).toMatchObject({ intact: true, problems: [] });
  });

  test('POST /api/audit/checkpoints signs a checkpoint over all events; GET lists them', async () => {
    const created = (await t.http.post('/api/audit/checkpoints').expect(201)).body;
    expect(created.payload).toMatchObject({ sequence: 1, treeSize: 9, previous: null, createdAt: '2026-11-28T09:00:00.000Z' });
    const key = (await t.http.get('/api/audit/public-key').expect(200)).body;
    expect(created.keyId).toBe(key.keyId);
    t.clock.advance(60_000);
    const second = (await t.http.post('/api/audit/checkpoints').expect(201)).body;
    expect(second.payload).toMatchObject({ sequence: 2, treeSize: 9, rootHash: created.payload.rootHash, previous: expect.any(String) });
    const list = (await t.http.get('/api/audit/checkpoints').expect(200)).body;
    expect(list.map((c: any) => c.payload.sequence)).toEqual([1, 2]);
  });

  test('GET /api/audit/export streams JSON Lines that the offline verifier accepts', async () => {
    const text = await exportText();
    const kinds = lines(text).map((line) => JSON.parse(line).kind);
    expect(kinds[0]).toBe('header');
    expect(kinds.at(-1)).toBe('end');
    expect(kinds.filter((k) => k === 'event')).toHaveLength(7);
    const report = await verifyExport(lines(text), await publicKey());
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
  });

  test('POST /api/contacts/:id/erasure removes the personal data, logs the erasure, and everything still verifies', async () => {
    const [contactId] = s.contactIds;
    const before = (await t.http.get(`/api/bodies/${s.seed}`).expect(200)).body;
    expect(before.contacts[0]).toMatchObject({ id: contactId, name: 'Ralf Stettner', erased: false });

    const erased = (await t.http.post(`/api/contacts/${contactId}/erasure`).send({ reason: 'Antrag der betroffenen Person nach Art. 17 DSGVO' }).expect(200)).body;
    expect(erased).toMatchObject({ contactId, bodyIds: [s.seed], auditLog: { stream: 'audit-log', version: 1 } });

    const after = (await t.http.get(`/api/bodies/${s.seed}`).expect(200)).body;
    expect(after.contacts[0]).toEqual({ id: contactId, name: null, organization: null, email: null, phone: null, erased: true });
    const again = await t.http.post(`/api/contacts/${contactId}/erasure`).send({ reason: 'noch einmal' }).expect(409);
    expect(again.body.message).toContain('bereits');
    await t.http.post(`/api/contacts/${contactId}/erasure`).send({}).expect(400);
    await t.http.post('/api/contacts/00000000-0000-4000-8000-000000000000/erasure').send({ reason: 'unbekannt' }).expect(404);

    const verify = (await t.http.get('/api/audit/verify').expect(200)).body;
    expect(verify).toMatchObject({ intact: true, events: 10 });
    expect(verify.streams.find((st: any) => st.stream === 'audit-log')).toMatchObject({ kind: 'auditLog', events: 1, intact: true });
    const replay = (await t.http.get(`/api/bodies/${s.seed}/replay`).expect(200)).body;
    expect(replay).toMatchObject({ verdict: 'matches', erasures: [{ contactId, auditLogVersion: 1 }] });

    await t.http.post('/api/audit/checkpoints').expect(201);
    const text = await exportText();
    expect(text).not.toContain('Ralf Stettner');
    const report = await verifyExport(lines(text), await publicKey());
    expect(report).toMatchObject({ ok: true, counts: { auditLog: 1, checkpoint: 3 } });
  });

  if (database === 'sqlite') {
    test('the erased person is gone from the database file itself', async () => {
      const file = (t.config.database as { file: string }).file;
      const db = new Database(file, { readonly: true });
      try {
        const row = db.prepare('SELECT name, email, erased_at, erasure_reason FROM contacts WHERE id = ?').get(s.contactIds[0]) as Record<string, unknown>;
        expect(row).toMatchObject({ name: null, email: null, erasure_reason: 'Antrag der betroffenen Person nach Art. 17 DSGVO' });
        const leaked = db.prepare("SELECT count(*) AS n FROM events WHERE data LIKE '%Stettner%'").get() as { n: number };
        expect(leaked.n).toBe(0);
      } finally {
        db.close();
      }
    });
  }
});
