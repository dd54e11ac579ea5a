/**
 * An event changed in the SQLite file after it was recorded (its hash left as it was): replay
 * says so first, as its own verdict, before comparing anything with the projection; the history
 * marks the event; "state as of" warns when its answer folds or stands on it. The same for a
 * broken link (an event removed). Real SQLite files, changed with better-sqlite3.
 */
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Scenario } from './audit-scenario';
import type { TestApp } from './support/test-app';
import { recordedScenario, startOnTamperedCopy } from './support/tampered-copy';

describe('replay, history and state as of over a tampered event', () => {
  let pristine: string;
  let s: Scenario;
  const dirs: string[] = [];

  beforeAll(async () => {
    ({ pristine, scenario: s } = await recordedScenario());
  }, 30_000);
  afterAll(() => {
    for (const dir of [...dirs, pristine]) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `check` on an app over a copy of the recorded database changed by `tamper`. */
  async function afterTampering(tamper: (db: Database.Database) => void, check: (app: TestApp) => Promise<void>): Promise<void> {
    const app = await startOnTamperedCopy(pristine, tamper, dirs);
    try {
      await check(app);
    } finally {
      await app.close();
    }
  }

  /** Changes the data of one of the seed body's events, its hash left as it was. */
  const changeData = (version: number, from: string, to: string) => (db: Database.Database) => {
    const changed = db.prepare('UPDATE events SET data = replace(data, ?, ?) WHERE body_id = ? AND version = ?').run(from, to, s.seed, version);
    expect(changed.changes).toBe(1);
  };

  test('untouched: replay matches, every history entry is intact, state as of warns of nothing', async () => {
    await afterTampering(
      () => undefined,
      async (app) => {
        expect((await app.http.get(`/api/bodies/${s.seed}/replay`).expect(200)).body).toMatchObject({ verdict: 'matches', tampered: [] });
        const history = (await app.http.get(`/api/bodies/${s.seed}/history`).expect(200)).body;
        expect(history.events.map((e: { intact: boolean; tampering: string | null }) => [e.intact, e.tampering])).toEqual(Array(5).fill([true, null]));
        for (const asOf of ['2024-07-01', '2026-01-01']) {
          expect((await app.http.get(`/api/bodies/${s.seed}/state`).query({ asOf }).expect(200)).body).toMatchObject({ tampered: [], warning: null });
        }
      },
    );
  });

  test('the last event’s data changed: replay’s verdict is “tampered”, naming the version first, not a divergence of the projection', async () => {
    await afterTampering(changeData(5, '2025-12-31', '2026-06-30'), async (app) => {
      const replay = (await app.http.get(`/api/bodies/${s.seed}/replay`).expect(200)).body;
      expect(replay.verdict).toBe('tampered');
      expect(replay.divergence).toMatchObject({ version: 5, path: 'hash', type: 'extended' });
      expect(replay.divergence.message).toMatch(/^Version 5 wurde nach der Aufzeichnung verändert \(Hash stimmt nicht\)/);
      expect(replay.divergence.message).not.toContain('context.approvedUntil');
      expect(replay.tampered).toEqual([expect.objectContaining({ version: 5, kind: 'content' })]);
      expect(replay.steps).toHaveLength(5);

      const history = (await app.http.get(`/api/bodies/${s.seed}/history`).expect(200)).body;
      expect(history.events.map((e: { version: number; intact: boolean }) => [e.version, e.intact])).toEqual([
        [1, true],
        [2, true],
        [3, true],
        [4, true],
        [5, false],
      ]);
      expect(history.events[4].tampering).toMatch(/^Version 5 wurde nach der Aufzeichnung verändert \(Hash stimmt nicht\)/);

      // After every event (read from the projection, which stands on version 5): a warning.
      const after = (await app.http.get(`/api/bodies/${s.seed}/state`).query({ asOf: '2026-01-01' }).expect(200)).body;
      expect(after.tampered).toEqual([expect.objectContaining({ version: 5 })]);
      expect(after.warning).toContain('Version 5 wurde nach der Aufzeichnung verändert (Hash stimmt nicht)');
      // Before it (a fold of versions 1 to 4): nothing the answer rests on was changed.
      const before = (await app.http.get(`/api/bodies/${s.seed}/state`).query({ asOf: '2024-07-01' }).expect(200)).body;
      expect(before).toMatchObject({ excluded: 1, tampered: [], warning: null });
    });
  });

  test('an earlier event’s data changed: the fold before the last event and the projection after it both warn', async () => {
    await afterTampering(changeData(3, '2025-03-31', '2025-09-30'), async (app) => {
      const before = (await app.http.get(`/api/bodies/${s.seed}/state`).query({ asOf: '2024-07-01' }).expect(200)).body;
      expect(before.context.approvedUntil).toBe('2025-09-30');
      expect(before.tampered).toEqual([expect.objectContaining({ version: 3, kind: 'content' })]);
      expect(before.warning).toMatch(/^Achtung: Version 3 wurde nach der Aufzeichnung verändert \(Hash stimmt nicht\)/);
      const after = (await app.http.get(`/api/bodies/${s.seed}/state`).expect(200)).body;
      expect(after.tampered).toEqual([expect.objectContaining({ version: 3 })]);
      const replay = (await app.http.get(`/api/bodies/${s.seed}/replay`).expect(200)).body;
      expect(replay).toMatchObject({ verdict: 'tampered', divergence: { version: 3, path: 'hash' } });
    });
  });

  test('an event removed: replay names the broken chain first, the history marks the event after the gap', async () => {
    await afterTampering(
      (db) => {
        db.prepare('DELETE FROM events WHERE body_id = ? AND version = 4').run(s.seed);
      },
      async (app) => {
        const replay = (await app.http.get(`/api/bodies/${s.seed}/replay`).expect(200)).body;
        expect(replay).toMatchObject({ verdict: 'tampered', divergence: { version: 5, path: 'version' }, tampered: [expect.objectContaining({ version: 5, kind: 'gap' })] });
        expect(replay.divergence.message).toContain('Version 4: Das Ereignis fehlt (gelöscht): auf Version 3 folgt Version 5.');
        const history = (await app.http.get(`/api/bodies/${s.seed}/history`).expect(200)).body;
        expect(history.events.map((e: { version: number; intact: boolean }) => [e.version, e.intact])).toEqual([
          [1, true],
          [2, true],
          [3, true],
          [5, false],
        ]);
        const state = (await app.http.get(`/api/bodies/${s.seed}/state`).expect(200)).body;
        expect(state.warning).toContain('Version 4: Das Ereignis fehlt (gelöscht)');
      },
    );
  });

  test('two events that changed places: replay and the history name both as swapped, as verify names the first, and nothing else', async () => {
    await afterTampering(
      (db) => {
        const move = db.prepare('UPDATE events SET version = ? WHERE body_id = ? AND version = ?');
        move.run(-1, s.seed, 3);
        move.run(3, s.seed, 4);
        move.run(4, s.seed, -1);
      },
      async (app) => {
        const replay = (await app.http.get(`/api/bodies/${s.seed}/replay`).expect(200)).body;
        expect(replay).toMatchObject({ verdict: 'tampered', divergence: { version: 3, path: 'version' } });
        expect(replay.tampered.map((t: { version: number; kind: string }) => [t.version, t.kind])).toEqual([
          [3, 'swapped'],
          [4, 'swapped'],
        ]);
        expect(replay.divergence.message).toContain('Version 3: Die Reihenfolge wurde verändert: das Ereignis hier gehört hinter Version 4 (mit ihr vertauscht).');
        const verify = (await app.http.get(`/api/audit/verify?body=${s.seed}`).expect(200)).body;
        expect(verify.problems).toEqual([expect.objectContaining({ kind: 'swapped', version: 3 })]);
      },
    );
  });
});
