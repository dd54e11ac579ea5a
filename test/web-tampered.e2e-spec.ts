/**
 * The web UI over an event changed in the SQLite file after it was recorded (its hash left as it
 * was), or removed: the Prüfung page names the verdict „Verändert“ (not a divergence of the
 * projection, nor a verdict it does not know), marks the step and warns on a state as of a date
 * that rests on it; the Gremium page names the changed events at the top and marks each in its
 * Verlauf, in words. In Chromium, where present, both pages pass axe-core.
 */
import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Scenario } from './audit-scenario';
import type { TestApp } from './support/test-app';
import { axeViolations, CHROMIUM, describeViolations, serveToBrowser, signIn } from './web-browser';
import { recordedScenario, startOnTamperedCopy } from './support/tampered-copy';

const PASSWORD = 'richtig-langes-passwort-1';

/** The text of the element with this id, tags dropped, or null where the page has none. */
function textOf(html: string, id: string): string | null {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return null;
  const open = html.lastIndexOf('<', start);
  const tag = html.slice(open + 1).match(/^[a-z0-9]+/)![0];
  const end = html.indexOf(`</${tag}>`, start);
  return html
    .slice(html.indexOf('>', start) + 1, end)
    .replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The Verlauf's entries as [version, marked as not intact, the mark's text]. */
function historyMarks(html: string): Array<[number, boolean, string | null]> {
  return [...html.matchAll(/<li class="history__item( history__item--tampered)?" id="version-(\d+)">([\s\S]*?)<\/li>/g)].map((m) => {
    const mark = m[3].match(/<p class="history__tampered">([\s\S]*?)<\/p>/);
    return [Number(m[2]), m[1] !== undefined, mark ? mark[1].replace(/<[^>]+>/g, '') : null];
  });
}

/** The replay steps' rows as [version, the mark in the hash cell or null]. */
function stepMarks(html: string): Array<[number, string | null]> {
  const table = html.slice(html.indexOf('aria-label="Schritte der Wiederholung"'));
  return [...table.matchAll(/<tr><td data-label="Version">(\d+)<\/td>[\s\S]*?<code class="hash">[^<]*<\/code>(?: <strong class="tag tag--red">([^<]+)<\/strong>)?<\/td><\/tr>/g)].map((m) => [
    Number(m[1]),
    m[2] ?? null,
  ]);
}

describe('the web UI over a tampered event', () => {
  let pristine: string;
  let s: Scenario;
  const dirs: string[] = [];

  beforeAll(async () => {
    ({ pristine, scenario: s } = await recordedScenario());
  }, 30_000);
  afterAll(() => {
    for (const dir of [...dirs, pristine]) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `check` on an app over a copy of the recorded database changed by `tamper`, as an auditor with a password. */
  async function afterTampering(tamper: (db: Database.Database) => void, check: (app: TestApp, auditor: TestApp['http']) => Promise<void>): Promise<void> {
    const app = await startOnTamperedCopy(pristine, tamper, dirs);
    try {
      const auditor = await app.user('auditor', { username: 'pruefer', password: PASSWORD });
      await check(app, auditor.http);
    } finally {
      await app.close();
    }
  }

  /** Changes the data of one of the seed body's events, its hash left as it was. */
  const changeData = (version: number, from: string, to: string) => (db: Database.Database) => {
    expect(db.prepare('UPDATE events SET data = replace(data, ?, ?) WHERE body_id = ? AND version = ?').run(from, to, s.seed, version).changes).toBe(1);
  };

  const pruefung = (http: TestApp['http'], query: Record<string, string> = {}) =>
    http
      .get('/pruefung')
      .query({ gremium: s.seed, ...query })
      .expect(200)
      .then((r) => r.text);

  test('untouched: „Stimmt überein“, no step, no history entry and no state as of a date marked', async () => {
    await afterTampering(
      () => undefined,
      async (app, auditor) => {
        const audit = await pruefung(auditor, { stichtag: '2026-01-01' });
        expect(textOf(audit, 'replay-verdict')).toMatch(/^Stimmt überein:/);
        expect(stepMarks(audit)).toEqual([1, 2, 3, 4, 5].map((v) => [v, null]));
        expect(audit).not.toContain('id="as-of-warning"');
        const page = (await app.http.get(`/gremien/${s.seed}`).expect(200)).text;
        expect(page).not.toContain('id="history-tampered"');
        expect(historyMarks(page)).toEqual([5, 4, 3, 2, 1].map((v) => [v, false, null]));
      },
    );
  });

  test('the last event’s data changed: the Prüfung page says „Verändert“ naming version 5, marks its step and warns on the state that stands on it', async () => {
    await afterTampering(changeData(5, '2025-12-31', '2026-06-30'), async (_app, auditor) => {
      const audit = await pruefung(auditor, { stichtag: '2026-01-01' });
      const verdict = textOf(audit, 'replay-verdict')!;
      expect(verdict).toMatch(/^Verändert: Version 5 wurde nach der Aufzeichnung verändert \(Hash stimmt nicht\): „Verlängert“/);
      expect(verdict).not.toMatch(/Stimmt nicht überein|Weicht ab|context\.approvedUntil/);
      expect(audit).toContain('class="verdict verdict--bad" id="replay-verdict"');
      expect(stepMarks(audit)).toEqual([
        [1, null],
        [2, null],
        [3, null],
        [4, null],
        [5, 'verändert (Hash stimmt nicht)'],
      ]);
      expect(textOf(audit, 'as-of-warning')).toMatch(/^Achtung: Version 5 wurde nach der Aufzeichnung verändert \(Hash stimmt nicht\).* ist darum kein Beleg/);
      expect(textOf(audit, 'as-of-facts')).toMatch(/Beruht auf ?Version 5: Verlängert am 11\.11\.2024 – verändert \(Hash stimmt nicht\)/);

      // Before it, the answer folds versions 1 to 4 only: no warning, and it stands on an intact event.
      const before = await pruefung(auditor, { stichtag: '2024-07-01' });
      expect(before).toContain('id="as-of-facts"');
      expect(before).not.toContain('id="as-of-warning"');
      expect(textOf(before, 'as-of-facts')).not.toContain('verändert');
      expect(textOf(before, 'replay-verdict')).toMatch(/^Verändert: Version 5/);
    });
  });

  test('the last event’s data changed: the Gremium page names it at the top and marks it, and only it, in the Verlauf', async () => {
    await afterTampering(changeData(5, '2025-12-31', '2026-06-30'), async (app, auditor) => {
      const page = (await app.http.get(`/gremien/${s.seed}`).expect(200)).text;
      expect(textOf(page, 'history-tampered')).toBe(
        'Verändert: Ein Ereignis im Verlauf ist nicht mehr, was aufgezeichnet wurde (Hash oder Verkettung stimmt nicht): Version 5: Verlängert. Was diese Seite zeigt, beruht auch darauf und ist darum kein Beleg. Gremium prüfen',
      );
      expect(page).toContain('<a href="#version-5">Version 5: Verlängert</a>');
      expect(page).toContain(`<a href="/pruefung?gremium=${s.seed}#body-check">Gremium prüfen</a>`);
      const marks = historyMarks(page);
      expect(marks.map(([v, marked]) => [v, marked])).toEqual([
        [5, true],
        [4, false],
        [3, false],
        [2, false],
        [1, false],
      ]);
      expect(marks[0][2]).toMatch(/^Verändert: Version 5 wurde nach der Aufzeichnung verändert \(Hash stimmt nicht\): „Verlängert“/);
      // A reader sees the mark too, but no link to the Prüfung it may not open.
      const reader = await app.user('reader');
      const read = (await reader.http.get(`/gremien/${s.seed}`).expect(200)).text;
      expect(textOf(read, 'history-tampered')).toMatch(/Version 5: Verlängert\. Was diese Seite zeigt, beruht auch darauf und ist darum kein Beleg\.$/);
      expect(read).not.toContain('href="/pruefung');
      expect((await auditor.get(`/gremien/${s.seed}`).expect(200)).text).toContain('Gremium prüfen</a>');
    });
  });

  test('two events changed: the verdict names the first and the page lists both; the Gremium page names both', async () => {
    await afterTampering(
      (db) => {
        changeData(3, '2025-03-31', '2025-09-30')(db);
        changeData(5, '2025-12-31', '2026-06-30')(db);
      },
      async (app, auditor) => {
        const audit = await pruefung(auditor);
        expect(textOf(audit, 'replay-verdict')).toMatch(/^Verändert: Version 3 wurde nach der Aufzeichnung verändert \(Hash stimmt nicht\).* Betroffen sind 2 Ereignisse \(Versionen 3, 5\)\./);
        const listed = textOf(audit, 'replay-tampered')!;
        expect(listed).toContain('Version 3 wurde nach der Aufzeichnung verändert');
        expect(listed).toContain('Version 5 wurde nach der Aufzeichnung verändert');
        expect(stepMarks(audit).filter(([, mark]) => mark !== null)).toEqual([
          [3, 'verändert (Hash stimmt nicht)'],
          [5, 'verändert (Hash stimmt nicht)'],
        ]);
        const page = (await app.http.get(`/gremien/${s.seed}`).expect(200)).text;
        expect(textOf(page, 'history-tampered')).toContain('2 Ereignisse im Verlauf sind nicht mehr, was aufgezeichnet wurde (Hash oder Verkettung stimmt nicht): Version 3: Eingerichtet (Beschluss); Version 5: Verlängert.');
        expect(historyMarks(page).map(([v, marked]) => [v, marked])).toEqual([
          [5, true],
          [4, false],
          [3, true],
          [2, false],
          [1, false],
        ]);
      },
    );
  });

  test('an event removed: the verdict names the gap, the step after it is marked, the Gremium page marks the event after the gap', async () => {
    await afterTampering(
      (db) => {
        db.prepare('DELETE FROM events WHERE body_id = ? AND version = 4').run(s.seed);
      },
      async (app, auditor) => {
        const audit = await pruefung(auditor, { stichtag: '2026-01-01' });
        expect(textOf(audit, 'replay-verdict')).toMatch(/^Verändert: Version 4: Das Ereignis fehlt \(gelöscht\): auf Version 3 folgt Version 5\./);
        expect(stepMarks(audit)).toEqual([
          [1, null],
          [2, null],
          [3, null],
          [5, 'Lücke davor (gelöscht)'],
        ]);
        expect(textOf(audit, 'as-of-warning')).toContain('Version 4: Das Ereignis fehlt (gelöscht)');
        const page = (await app.http.get(`/gremien/${s.seed}`).expect(200)).text;
        expect(historyMarks(page)).toEqual([
          [5, true, 'Verändert: Version 4: Das Ereignis fehlt (gelöscht): auf Version 3 folgt Version 5.'],
          [3, false, null],
          [2, false, null],
          [1, false, null],
        ]);
      },
    );
  });

  test('an event’s stored content unreadable: the Prüfung page says „Verändert“, the Gremium page opens and says why it has no Verlauf', async () => {
    await afterTampering(
      (db) => {
        // „Tätigkeit aufgenommen“, which cites no decision (the register reads the citing events' content too).
        expect(db.prepare("UPDATE events SET data = '{kaputt' WHERE body_id = ? AND version = 4 AND type = 'started'").run(s.seed).changes).toBe(1);
      },
      async (app, auditor) => {
        const audit = await pruefung(auditor, { stichtag: '2026-01-01' });
        expect(textOf(audit, 'replay-verdict')).toMatch(/^Verändert: Version 4 wurde nach der Aufzeichnung verändert: ihr gespeicherter Inhalt ist nicht lesbar/);
        expect(audit).toMatch(/role="alert">Der Stand lässt sich nicht wiederherstellen: Version 4 ist nicht lesbar/);
        const page = await app.http.get(`/gremien/${s.seed}`).expect(200);
        expect(textOf(page.text, 'current-state')).toBe('Aktiv (Laufzeit läuft, Berichte aktuell, In Arbeit)');
        expect(textOf(page.text, 'history-tampered')).toMatch(
          /^Verändert: Die Geschichte lässt sich nicht zeigen: Version 4 wurde nach der Aufzeichnung verändert, ihr Inhalt ist nicht lesbar .* Was diese Seite zeigt, beruht auch darauf und ist darum kein Beleg\. Gremium prüfen$/,
        );
        expect(textOf(page.text, 'history-unreadable')).toBe('Verändert: Der Verlauf lässt sich nicht zeigen, weil ein gespeichertes Ereignis nicht lesbar ist (siehe oben).');
        expect(historyMarks(page.text)).toEqual([]);
      },
    );
  });

  test('an unreadable event that cites a decision: the Gremium page and the Beschlusskontrolle still open', async () => {
    await afterTampering(
      (db) => {
        expect(db.prepare("UPDATE events SET data = '{kaputt' WHERE body_id = ? AND type = 'approved'").run(s.seed).changes).toBe(1);
      },
      async (app) => {
        const page = await app.http.get(`/gremien/${s.seed}`).expect(200);
        expect(textOf(page.text, 'history-unreadable')).toBe('Verändert: Der Verlauf lässt sich nicht zeigen, weil ein gespeichertes Ereignis nicht lesbar ist (siehe oben).');
        await app.http.get('/beschlusskontrolle').expect(200);
        await app.http.get('/api/decision-control').expect(200);
      },
    );
  });

  (existsSync(CHROMIUM) ? test : test.skip)('in Chromium, the Prüfung page and the Gremium page with a changed event pass axe-core', async () => {
    await afterTampering(
      (db) => {
        changeData(3, '2025-03-31', '2025-09-30')(db);
        changeData(5, '2025-12-31', '2026-06-30')(db);
      },
      async (app) => {
        const { base, browser } = await serveToBrowser(app);
        try {
          await signIn(browser.page, base, 'pruefer', PASSWORD);
          for (const path of [`/pruefung?gremium=${s.seed}&stichtag=2026-01-01`, `/gremien/${s.seed}`]) {
            await browser.page.goto(`${base}${path}`);
            const violations = await axeViolations(browser.page);
            expect({ path, violations: describeViolations(violations) }).toEqual({ path, violations: '' });
          }
          await expect(browser.page.locator('#version-5 .history__tampered').textContent()).resolves.toMatch(/^Verändert: Version 5/);
        } finally {
          await browser.close();
        }
      },
    );
  }, 60_000);
});
