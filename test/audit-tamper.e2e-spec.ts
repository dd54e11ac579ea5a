/**
 * Tampering made directly in the SQLite file (with better-sqlite3, not through the API): each
 * case starts from a copy of the same recorded database, changes it the way someone with file
 * access could, and expects GET /api/audit/verify and the offline verifier to name the place.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import type Database from 'better-sqlite3';
import { canonicalJson } from '../src/json/canonical-json';
import { signCheckpoint, type CheckpointPayload } from '../src/audit/checkpoint';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import type { TestApp } from './support/test-app';
import { rewriteApproval } from './support/rewrite-chain';
import { checkpointsAroundReturn, startOnTamperedCopy, tamperingSuite, verdictsOnTamperedCopy } from './support/tampered-copy';

interface Verdict {
  intact: boolean;
  problems: Array<{ area: string; kind: string; stream: string | null; version: number | null; message: string }>;
}

describe('tampering with the SQLite file is caught and located', () => {
  const recorded = tamperingSuite((t, scenario) =>
    checkpointsAroundReturn(t, scenario, async () => {
      // The decision register's own events: an amendment and a withdrawal.
      await t.http.patch('/api/decisions/AL-Runde/2024%2F30-AL').send({ title: 'Verlängerung der Projektgruppe', reason: 'Titel vervollständigt' }).expect(200);
      await t.http.post('/api/decisions').send({ number: '2025/05', issuer: 'AL-Runde', date: '2025-04-01', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Doppelt' }).expect(201);
      await t.http.post('/api/decisions/AL-Runde/2025%2F05-AL/withdrawal').send({ reason: 'Doppelt erfasst' }).expect(200);
    }),
  );
  const { s, dirs } = recorded;

  /** A copy of the recorded database, changed by `tamper`, then checked online and offline (the offline verifier given the published checkpoints). */
  const afterTampering = (tamper: (db: Database.Database) => void, thenOnline?: (app: TestApp) => Promise<unknown>) =>
    verdictsOnTamperedCopy(recorded, tamper, { before: thenOnline, published: recorded.published });
  const at = (problems: Array<{ stream: string | null; version: number | null }>, stream: string) =>
    problems.filter((p) => p.stream === stream).map((p) => p.version);

  /** The seed body's approval changed in version 3, every hash after it recomputed (test/support/rewrite-chain.ts). */
  const rewriteSeed = (db: Database.Database) => rewriteApproval(db, s.seed);

  test('the untouched copy verifies online and offline', async () => {
    const { online, offline } = await afterTampering(() => undefined);
    expect(online).toMatchObject({ intact: true, problems: [] });
    expect(offline.findings).toEqual([]);
    expect(offline.ok).toBe(true);
  });

  test('the untouched copy: the decision register’s streams verify and the checkpoint covers them', async () => {
    const { online, offline } = await afterTampering(() => undefined);
    const decisionStreams = (online as unknown as { streams: Array<{ stream: string; kind: string; events: number; intact: boolean }> }).streams.filter((x) => x.kind === 'decision');
    expect(decisionStreams).toEqual([
      expect.objectContaining({ stream: 'decision:AL-Runde:2024/09-AL', events: 1, intact: true }),
      expect.objectContaining({ stream: 'decision:AL-Runde:2024/30-AL', events: 2, intact: true }),
      expect.objectContaining({ stream: 'decision:AL-Runde:2025/05-AL', events: 2, intact: true }),
    ]);
    expect(recorded.published.at(-1)!.payload.heads.map((h) => h.stream)).toEqual(expect.arrayContaining(['decision:AL-Runde:2025/05-AL']));
    expect(offline.counts).toMatchObject({ decisionEvent: 5, decision: 3 });
  });

  test('a decision’s register row changed (its date): verify and the offline verifier name the decision and the field', async () => {
    const { online, offline } = await afterTampering((db) => {
      const changed = db.prepare("UPDATE decisions SET decided_on = '2024-06-01' WHERE number = '2024/09-AL'").run();
      expect(changed.changes).toBe(1);
    });
    expect(online.intact).toBe(false);
    expect(online.problems).toEqual([
      expect.objectContaining({ area: 'projection', kind: 'decisionDiverges', stream: 'decision:AL-Runde:2024/09-AL' }),
    ]);
    expect(online.problems[0].message).toContain('Beschluss 2024/09-AL (AL-Runde): Der Registereintrag weicht von seinen Ereignissen ab – Feld „date“ ist "2024-06-01", nach den Ereignissen "2024-06-13".');
    expect(offline.ok).toBe(false);
    expect(offline.findings).toEqual([expect.objectContaining({ area: 'register', stream: 'decision:AL-Runde:2024/09-AL' })]);
  });

  test('a withdrawal’s reason changed in the register’s event: the chain names the decision and the version', async () => {
    const { online, offline } = await afterTampering((db) => {
      const changed = db
        .prepare("UPDATE decision_events SET data = replace(data, 'Doppelt erfasst', 'Irrtum') WHERE stream = 'decision:AL-Runde:2025/05-AL' AND version = 2")
        .run();
      expect(changed.changes).toBe(1);
    });
    expect(online.problems[0]).toMatchObject({ area: 'chain', kind: 'content', stream: 'decision:AL-Runde:2025/05-AL', version: 2 });
    expect(online.problems[0].message).toContain('Beschluss 2025/05-AL (AL-Runde), Version 2 „Beschluss zurückgenommen“');
    expect(offline.findings.find((f) => f.area === 'chain')).toMatchObject({ stream: 'decision:AL-Runde:2025/05-AL', version: 2 });
  });

  test('one byte of an event’s data changed: the event is named', async () => {
    const { online, offline } = await afterTampering((db) => {
      const changed = db
        .prepare("UPDATE events SET data = replace(data, '2025-03-31', '2025-03-30') WHERE body_id = ? AND version = 3")
        .run(s.seed);
      expect(changed.changes).toBe(1);
    });
    expect(online.intact).toBe(false);
    expect(online.problems[0]).toMatchObject({ area: 'chain', kind: 'content', stream: s.seed, version: 3 });
    expect(online.problems[0].message).toContain('Version 3 „Eingerichtet (Beschluss)“');
    expect(offline.ok).toBe(false);
    expect(offline.findings.find((f) => f.area === 'chain')).toMatchObject({ stream: s.seed, version: 3 });
  });

  test('an event deleted: the gap is named, and the checkpoint no longer holds', async () => {
    const { online, offline } = await afterTampering((db) => {
      db.prepare('DELETE FROM events WHERE body_id = ? AND version = 3').run(s.seed);
    });
    expect(online.problems[0]).toMatchObject({ area: 'chain', kind: 'gap', stream: s.seed, version: 3 });
    expect(online.problems.some((p) => p.area === 'checkpoint' && p.kind === 'root')).toBe(true);
    expect(offline.findings.find((f) => f.area === 'chain')).toMatchObject({ stream: s.seed, version: 3 });
    expect(offline.findings.map((f) => f.area)).toContain('checkpoint');
  });

  test('two events swapped: the first of them is named as out of order', async () => {
    const { online, offline } = await afterTampering((db) => {
      const set = db.prepare('UPDATE events SET version = ? WHERE body_id = ? AND version = ?');
      set.run(-4, s.seed, 4);
      set.run(4, s.seed, 3);
      set.run(3, s.seed, -4);
    });
    expect(online.problems[0]).toMatchObject({ area: 'chain', kind: 'swapped', stream: s.seed, version: 3 });
    expect(online.problems[0].message).toContain('hinter Version 4');
    expect(offline.findings.find((f) => f.area === 'chain')).toMatchObject({ stream: s.seed, version: 3 });
  });

  test('the tail truncated: the chain alone still holds, the projection and the checkpoints name the missing versions', async () => {
    const { online, offline } = await afterTampering((db) => {
      db.prepare('DELETE FROM events WHERE body_id = ? AND version >= 4').run(s.seed);
    });
    expect(online.problems.filter((p) => p.area === 'chain')).toEqual([]);
    expect(online.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ area: 'projection', kind: 'truncated', stream: s.seed, version: 4 }),
        expect.objectContaining({ area: 'checkpoint', kind: 'truncated', stream: s.seed, version: 4 }),
      ]),
    );
    expect(online.problems.find((p) => p.kind === 'truncated')!.message).toContain('Version 4 bis 5 wurde entfernt');
    // The checkpoint that names the body's head (the first: the second names only the streams that
    // moved since), exported and as published, names the same place; neither root holds any more.
    expect(at(offline.findings.filter((f) => f.area === 'checkpoint'), s.seed)).toEqual([4, 4]);
    expect(offline.findings.filter((f) => f.area === 'checkpoint' && f.stream === null).map((f) => f.treeHead?.sequence)).toEqual([1, 2, 1, 2]);
    expect(offline.findings.find((f) => f.area === 'replay')).toMatchObject({ stream: s.seed });
  });

  test('the tail truncated everywhere, projection included: the signed checkpoint still names it', async () => {
    const { online, offline } = await afterTampering((db) => {
      const fourth = db.prepare('SELECT * FROM events WHERE body_id = ? AND version = 3').get(s.seed) as Record<string, unknown>;
      db.prepare('DELETE FROM events WHERE body_id = ? AND version >= 4').run(s.seed);
      // A careful forger also winds the projection back to version 3.
      db.prepare('UPDATE bodies SET version = 3, last_hash = ? WHERE id = ?').run(fourth.hash, s.seed);
    });
    expect(online.problems.filter((p) => p.area !== 'checkpoint' && p.area !== 'projection')).toEqual([]);
    expect(online.problems.find((p) => p.area === 'checkpoint')).toMatchObject({ kind: 'truncated', stream: s.seed, version: 4 });
    expect(offline.findings.find((f) => f.area === 'checkpoint')).toMatchObject({ stream: s.seed, version: 4 });
  });

  test('a body removed whole, its row and every event: verify of that body still answers, with what the checkpoints name', async () => {
    await afterTampering(
      (db) => {
        db.pragma('foreign_keys = OFF');
        expect(db.prepare('DELETE FROM events WHERE body_id = ?').run(s.other).changes).toBe(3);
        expect(db.prepare('DELETE FROM bodies WHERE id = ?').run(s.other).changes).toBe(1);
      },
      async (app) => {
        const scoped = (await app.http.get('/api/audit/verify').query({ body: s.other }).expect(200)).body as Verdict & { scope: string };
        expect(scoped).toMatchObject({ scope: s.other, intact: false });
        // Checkpoint 1 named its head at version 2, checkpoint 2 at version 3: the whole stream is missing, and neither root holds.
        expect(scoped.problems.filter((p) => p.area === 'checkpoint').map((p) => [p.kind, p.stream, p.version])).toEqual([
          ['truncated', s.other, 1],
          ['root', null, null],
          ['truncated', s.other, 1],
          ['root', null, null],
        ]);
        // An id no checkpoint names is still unknown.
        await app.http.get('/api/audit/verify').query({ body: '00000000-0000-4000-8000-00000000beef' }).expect(404);
      },
    );
  });

  test('obligation rows of no stored context (a body that does not exist, a position past the list): verify names each body and its rows', async () => {
    const nobody = '00000000-0000-4000-8000-00000000dead';
    const { online, offline } = await afterTampering((db) => {
      const { data } = db.prepare('SELECT data FROM body_obligations WHERE body_id = ? AND position = 0').get(s.seed) as { data: string };
      const insert = db.prepare('INSERT INTO body_obligations (body_id, position, data) VALUES (?, ?, ?)');
      insert.run(nobody, 0, data);
      insert.run(nobody, 1, data);
      // The seed body has one obligation, at position 0: this one stands after a gap.
      insert.run(s.seed, 5, data);
    });
    expect(online.intact).toBe(false);
    expect(online.problems.filter((p) => p.area !== 'projection')).toEqual([]);
    const problems = online.problems.filter((p) => p.area === 'projection');
    expect(problems).toHaveLength(2);
    expect(problems).toContainEqual({
      area: 'projection',
      kind: 'obligationsWithoutBody',
      stream: nobody,
      title: null,
      version: null,
      eventId: null,
      message: `Gremium ${nobody}: 2 gespeicherte Berichtspflichten (zwischen Position 0 und 1) gehören zu keinem gespeicherten Stand: zu diesem Gremium gibt es keinen.`,
    });
    expect(problems).toContainEqual({
      area: 'projection',
      kind: 'obligationsOutOfPlace',
      stream: s.seed,
      title: EXAMPLE_REGISTRATION.title,
      version: null,
      eventId: null,
      message: `Gremium ${s.seed}: Eine gespeicherte Berichtspflicht (Position 5) liegt außerhalb der Liste der 2 gespeicherten Berichtspflichten, die die Positionen 0 bis 1 belegen sollten: eine Zeile wurde nachträglich eingefügt oder eine davor entfernt.`,
    });
    // The export carries the seed body's context as the readers put it together, the stray row in it.
    expect(offline.findings).toContainEqual(expect.objectContaining({ stream: s.seed, message: expect.stringContaining('„context.obligations[1]“') }));
  });

  test('derived columns and index rows changed (state paths, status, title, search text, contacts, links): verify names each as a projection problem of its body', async () => {
    const nobody = '00000000-0000-4000-8000-00000000beef';
    let listed: string[] = [];
    const { online, offline } = await afterTampering(
      (db) => {
        const set = (column: string, value: string, id: string) => db.prepare(`UPDATE bodies SET ${column} = ? WHERE id = ?`).run(value, id);
        // The other body was returned for revision (a draft again): now the list by state finds it running.
        set('state_paths', ' active active.term active.term.running ', s.other);
        set('status', 'closed', s.seed);
        set('title', 'Ein anderer Titel', s.seed);
        set('search_text', 'geheim', s.other);
        // The seed body's lead would lead the other body, too; the seed body names a body it does not name.
        db.prepare('INSERT INTO body_contacts (body_id, contact_id) VALUES (?, ?)').run(s.other, s.contactIds[0]);
        db.prepare('INSERT INTO body_links (body_id, linked_id) VALUES (?, ?)').run(s.seed, s.other);
        db.prepare('INSERT INTO body_contacts (body_id, contact_id) VALUES (?, ?)').run(nobody, s.contactIds[0]);
      },
      async (app) => {
        listed = ((await app.http.get('/api/bodies?state=active.term.running').expect(200)).body as Array<{ id: string }>).map((b) => b.id);
      },
    );
    expect(listed).toContain(s.other);
    expect(online.intact).toBe(false);
    expect(online.problems.filter((p) => p.area !== 'projection')).toEqual([]);
    const named = online.problems.map((p) => [p.kind, p.stream, p.version]);
    expect(named).toEqual(
      expect.arrayContaining([
        ['statePathsDiverge', s.other, null],
        ['searchTextDiverges', s.other, null],
        ['contactsDiverge', s.other, null],
        ['statusDiverges', s.seed, null],
        ['titleDiverges', s.seed, null],
        ['linksDiverge', s.seed, null],
        ['indexWithoutBody', nobody, null],
      ]),
    );
    expect(named).toHaveLength(7);
    const message = (kind: string) => online.problems.find((p) => p.kind === kind)?.message;
    expect(message('statePathsDiverge')).toBe(
      `Gremium ${s.other}: Die Spalte „state_paths“ nennt „active active.term active.term.running“, aus dem gespeicherten Zustand folgt „draft“: Listen nach Zustand finden das Gremium, wo es nicht steht, oder nicht, wo es steht.`,
    );
    expect(message('contactsDiverge')).toBe(
      `Gremium ${s.other}: In „body_contacts“ steht die Ansprechperson ${s.contactIds[0]}, die der gespeicherte Stand nicht nennt: eine Federführung mit dieser Ansprechperson sieht und bearbeitet das Gremium, ohne es zu leiten.`,
    );
    expect(message('titleDiverges')).toBe(
      `Gremium ${s.seed}: Die Spalte „title“ lautet „Ein anderer Titel“, der gespeicherte Stand nennt den Titel „${EXAMPLE_REGISTRATION.title}“: Listen zeigen und ordnen das Gremium unter einem Titel, den kein Ereignis gab.`,
    );
    expect(message('indexWithoutBody')).toBe(`Gremium ${nobody}: In „body_contacts“ steht eine Zeile (Ansprechperson) zu diesem Gremium, zu dem es keinen gespeicherten Stand gibt.`);
    // Only the rows beside the projection changed: the export carries none of them, and replay reproduces the projection.
    expect(offline.findings).toEqual([]);
  });

  test('the decision number beside a hashed event changed: verify names each event whose column says another decision than the hashed one', async () => {
    const versionOf = (db: Database.Database, type: string) => (db.prepare('SELECT version FROM events WHERE body_id = ? AND type = ?').get(s.seed, type) as { version: number }).version;
    let control: string[][] = [];
    const versions: Record<string, number> = {};
    const { online, offline } = await afterTampering(
      (db) => {
        const set = (type: string, number: string | null) => {
          versions[type] = versionOf(db, type);
          db.prepare('UPDATE events SET decision_number = ? WHERE body_id = ? AND version = ?').run(number, s.seed, versions[type]);
        };
        set('approved', '2024/30-AL');
        set('extended', null);
        set('started', '2024/09-AL');
      },
      async (app) => {
        const rows = (await app.http.get('/api/decision-control').expect(200)).body as Array<{ decision: { number: string }; state: string }>;
        control = rows.map((r) => [r.decision.number, r.state]);
      },
    );
    // What the column misleads: both decisions, carried out by hashed events, read as open (else: done).
    expect(control).toEqual([
      ['2024/09-AL', 'open'],
      ['2024/30-AL', 'open'],
    ]);
    expect(online.intact).toBe(false);
    expect(online.problems.map((p) => [p.area, p.kind, p.stream, p.version])).toEqual([
      ['projection', 'citationDiverges', s.seed, versions.approved],
      ['projection', 'citationDiverges', s.seed, versions.started],
      ['projection', 'citationDiverges', s.seed, versions.extended],
    ].sort((a, b) => Number(a[3]) - Number(b[3])));
    const message = (version: number) => online.problems.find((p) => p.version === version)?.message;
    expect(message(versions.approved)).toBe(
      `Gremium ${s.seed}, Version ${versions.approved} „Eingerichtet (Beschluss)“: Die Spalte „decision_number“ nennt „2024/30-AL“, das Ereignis zitiert den Beschluss 2024/09-AL: ` +
        'der Beschluss 2024/30-AL und die Beschlusskontrolle führen es als sein Zitat, nicht als eines des Beschlusses 2024/09-AL.',
    );
    expect(message(versions.extended)).toMatch(/Die Spalte „decision_number“ ist leer, das Ereignis zitiert den Beschluss 2024\/30-AL: der Beschluss 2024\/30-AL und die Beschlusskontrolle führen es nicht als sein Zitat\.$/);
    expect(message(versions.started)).toMatch(/Die Spalte „decision_number“ nennt „2024\/09-AL“, das Ereignis zitiert keinen Beschluss: der Beschluss 2024\/09-AL und die Beschlusskontrolle führen es als sein Zitat\.$/);
    // The column is not exported: the export and replay hold.
    expect(offline.findings).toEqual([]);
  });

  test('a contact row removed: verify names the contact person whom the stored context still names', async () => {
    const { online } = await afterTampering((db) => {
      db.prepare('DELETE FROM body_contacts WHERE body_id = ? AND contact_id = ?').run(s.seed, s.contactIds[0]);
    });
    expect(online.problems).toEqual([
      {
        area: 'projection',
        kind: 'contactsDiverge',
        stream: s.seed,
        title: EXAMPLE_REGISTRATION.title,
        version: null,
        eventId: null,
        message: `Gremium ${s.seed}: In „body_contacts“ fehlt die Ansprechperson ${s.contactIds[0]}, die der gespeicherte Stand nennt: eine Federführung mit dieser Ansprechperson sieht das Gremium nicht, obwohl sie es leitet.`,
      },
    ]);
  });

  test('a body’s history rewritten with every hash recomputed: only the checkpoint can tell, and it names the body', async () => {
    const { online, offline } = await afterTampering(rewriteSeed);
    expect(online.problems.filter((p) => p.area === 'chain' || p.area === 'projection')).toEqual([]);
    expect(online.problems.find((p) => p.area === 'checkpoint')).toMatchObject({ kind: 'headChanged', stream: s.seed, version: 5 });
    expect(offline.ok).toBe(false);
    expect(offline.findings.find((f) => f.area === 'checkpoint')).toMatchObject({ stream: s.seed, version: 5 });
  });

  test('a rewrite by someone holding the signing key, with new checkpoints: only the published ones can tell', async () => {
    const { online, offline } = await afterTampering(
      (db) => {
        rewriteSeed(db);
        db.prepare('DELETE FROM audit_checkpoints').run();
      },
      (app) => app.http.post('/api/audit/checkpoints').expect(201),
    );
    expect(online).toMatchObject({ intact: true, problems: [] });
    expect(offline.ok).toBe(false);
    expect(offline.findings.map((f) => f.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Der Checkpoint 1 im Export weicht vom veröffentlichten ab'),
        expect.stringContaining('Der veröffentlichte Checkpoint 2 fehlt im Export'),
      ]),
    );
    expect(offline.findings.find((f) => f.stream === s.seed)).toMatchObject({ area: 'checkpoint', version: 5 });
  });

  test('a checkpoint replaced with a forged payload: its signature fails', async () => {
    const { online, offline } = await afterTampering((db) => {
      const row = db.prepare('SELECT payload FROM audit_checkpoints WHERE sequence = 1').get() as { payload: string };
      const payload = JSON.parse(row.payload) as CheckpointPayload;
      const forged = { ...payload, rootHash: createHash('sha256').update('anders').digest('hex') };
      db.prepare('UPDATE audit_checkpoints SET payload = ?, root_hash = ? WHERE sequence = 1').run(canonicalJson(forged), forged.rootHash);
    });
    // Checkpoint 2 names the digest of the original checkpoint 1, so the link breaks as well.
    expect(online.problems.map((p) => [p.kind, p.message.slice(0, 40)])).toEqual([
      ['signature', 'Checkpoint 1: Die Signatur ist ungültig:'],
      ['previous', 'Checkpoint 2: verweist auf Checkpoint 1 '],
    ]);
    expect(offline.findings.map((f) => f.message.slice(0, 13))).toEqual(['Checkpoint 1:', 'Checkpoint 2:', 'Checkpoint 1,', 'Der Checkpoin']);
    // Its root, recomputed from the exported events, is not the forged one: named, and blamed on the checkpoint, not the events.
    expect(offline.findings[2].message).toMatch(/^Checkpoint 1, signiert mit dem aktuellen Schlüssel .* Seine Signatur hält nicht: die Angaben des Checkpoints selbst wurden verändert\.$/);
    expect(offline.findings[3].message).toContain('Der Checkpoint 1 im Export weicht vom veröffentlichten ab');
  });

  test('a checkpoint replaced with one re-signed under another key: the key and the signature are named', async () => {
    const intruder = generateKeyPairSync('ed25519').privateKey;
    const { online, offline } = await afterTampering((db) => {
      const row = db.prepare('SELECT payload FROM audit_checkpoints WHERE sequence = 2').get() as { payload: string };
      const signed = signCheckpoint(JSON.parse(row.payload) as CheckpointPayload, intruder);
      db.prepare('UPDATE audit_checkpoints SET signature = ?, key_id = ? WHERE sequence = 2').run(signed.signature, signed.keyId);
    });
    expect(online.problems.map((p) => [p.kind, p.message.slice(0, 13)])).toEqual([
      ['key', 'Checkpoint 2:'],
      ['signature', 'Checkpoint 2:'],
    ]);
    expect(offline.findings.map((f) => f.message.slice(0, 13))).toEqual(['Checkpoint 2:', 'Checkpoint 2:', 'Der Checkpoin']);
  });

  test('a checkpoint deleted from the middle: the sequence names the gap', async () => {
    const { online } = await afterTampering((db) => {
      db.prepare('DELETE FROM audit_checkpoints WHERE sequence = 1').run();
    });
    expect(online.problems.map((p) => p.kind)).toEqual(['sequence']);
  });

  test('a checkpoint is refused over a tampered log, so it never vouches for it', async () => {
    const app = await startOnTamperedCopy(recorded.pristine, (db) => {
      db.prepare("UPDATE events SET data = replace(data, 'Ziele', 'Zeile') WHERE body_id = ? AND version = 3").run(s.other);
    }, dirs);
    try {
      const refused = await app.http.post('/api/audit/checkpoints').expect(422);
      expect(refused.body.message).toContain(`Gremium ${s.other}, Version 3`);
      expect((await app.http.get('/api/audit/checkpoints').expect(200)).body).toHaveLength(2);
    } finally {
      await app.close();
    }
  });
});
