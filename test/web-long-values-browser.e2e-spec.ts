/// <reference lib="dom" />
/**
 * Long unbroken text (a Zielstellung of thousands of characters without a space, a long URL as a
 * Federführung) wraps on the body pages, in the Übersicht and in the register in real headless
 * Chromium: the page is no wider than the window, on a desktop and on two phones, no table cell is
 * wider than its box, and on a phone no table scrolls sideways, there nor on the Fristen page nor
 * in the Prüfung's replay steps. The tables beside it still keep a date, an Ampel's word, a word
 * of its sentence and a decision number whole on a desktop, and the fields of a filter row line up.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { approvedBodies } from './support/approved-bodies';
import { browserSuite, describeInBrowser, PASSWORD, signIn, tablesScrolledSideways, withScreenshot } from './web-browser';

const UNBROKEN = 'x'.repeat(19_000);
const URL_LIKE = `https://example.org/${'verzeichnis/'.repeat(13)}dokument.pdf`;

describeInBrowser('long values in Chromium', () => {
  let id: string;
  /** A body with short values, whose light says a sentence beside its word. */
  let approved: string;

  const suite = browserSuite('2026-11-28T09:00:00Z', async (t) => {
    id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: `AG ${URL_LIKE}`, objective: UNBROKEN, leads: [URL_LIKE] }).expect(201)).body.id;
    // Approved until 31.12.2026: a date in the Übersicht, the Fristen and the Beschlusskontrolle.
    [approved] = await approvedBodies(t, [{ title: 'Weiterentwicklung Struktur OZG Föderal' }]);
    // A title long enough that the register's columns have to share the width.
    await t.http
      .post('/api/decisions')
      .send({
        number: '2026/11-AL',
        issuer: 'AL-Runde',
        date: '2026-11-20',
        procedure: 'Umlaufverfahren',
        type: 'Beschluss',
        title: 'Kenntnisnahme des Berichts und Einrichtung des Formats „Weiterentwicklung Struktur OZG Föderal“ mit Auftrag an die Geschäftsstelle',
        effects: [],
      })
      .expect(201);
    // A session moved once: the Fristen page's Sitzungskalender names its earlier date.
    await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 45, date: '2027-03-18' }).expect(201);
    await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 45, date: '2027-03-25' }).expect(200);
  });

  it('Browser: the body pages, the Übersicht, the register, the Fristen and the Prüfung are no wider than the window at 1280, 390 and 320 CSS pixels, no cell wider than its box, no table scrolled on a phone, the traffic light’s word whole', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'lange-werte', async () => {
      await signIn(page, suite.base, 'sekretariat', PASSWORD);
      // A calendar subscription: the Fristen page lists it in a table of its own.
      await page.goto(`${suite.base}/fristen`);
      await page.getByLabel('Bezeichnung (wahlweise)').fill('Outlook im Büro der Geschäftsstelle');
      await page.getByRole('button', { name: 'Abonnement anlegen' }).click();
      await page.waitForSelector('#feed-url');
      for (const width of [1280, 390, 320]) {
        await page.setViewportSize({ width, height: 800 });
        // Each page and what it shows: the long body's page its Zielstellung, the Übersicht its title, the register the long decision title.
        for (const [path, shown] of [
          [`/gremien/${id}`, UNBROKEN],
          ['/', URL_LIKE],
          [`/gremien/${approved}`, 'Weiterentwicklung Struktur OZG Föderal'],
          ['/beschluesse', 'mit Auftrag an die Geschäftsstelle'],
          ['/fristen', 'Outlook im Büro der Geschäftsstelle'],
          // The Prüfung's replay steps, nine columns wide on a desktop.
          [`/pruefung?gremium=${approved}&stichtag=2026-11-28`, 'Schritte der Wiederholung'],
        ]) {
          await page.goto(`${suite.base}${path}`);
          await expect(page.locator('main').textContent()).resolves.toContain(shown);
          const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
          expect([path, width, scrollWidth]).toEqual([path, width, width]);
          // The traffic light's word stays whole beside the long values („Rot“ and „:“ were two lines on the body page at 390).
          const brokenLabels = await page.evaluate(() =>
            [...document.querySelectorAll('main .light__label')].filter((label) => {
              const range = document.createRange();
              range.selectNodeContents(label);
              return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
            }).map((label) => label.textContent),
          );
          expect([path, width, brokenLabels]).toEqual([path, width, []]);
          // No cell of a table is wider than its box: a table frame clips what sticks out („Frist überschritten: Zwischen|…“ in a card at 320).
          const overflowing = await page.evaluate(() =>
            [...document.querySelectorAll('main tbody td, main tbody th')].filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => cell.getAttribute('data-label') ?? cell.textContent),
          );
          expect([path, width, overflowing]).toEqual([path, width, []]);
          // On a phone a table is read as cards, not scrolled sideways in its frame.
          if (width < 600) expect([path, width, await tablesScrolledSideways(page)]).toEqual([path, width, []]);
        }
      }
    });
  }, 60_000);

  it('Browser: at 1280 CSS pixels no table breaks a date, an Ampel label, a word of its sentence or a decision number in the middle', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'ganze-woerter', async () => {
      await signIn(page, suite.base, 'sekretariat', PASSWORD);
      await page.setViewportSize({ width: 1280, height: 800 });
      for (const path of ['/', '/fristen', '/beschlusskontrolle', '/beschluesse']) {
        await page.goto(`${suite.base}${path}`);
        const { dates, broken } = await page.evaluate(() => {
          // A piece of text laid out on more than one line has client rectangles at more than one height.
          const lines = (range: Range) => new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
          const found = { dates: 0, broken: [] as string[] };
          /** Notes each match of the pattern in the text node that is laid out on more than one line; returns how many matched. */
          const checkMatches = (node: Node, pattern: RegExp) => {
            const matches = [...(node.textContent ?? '').matchAll(pattern)];
            for (const match of matches) {
              const range = document.createRange();
              range.setStart(node, match.index);
              range.setEnd(node, match.index + match[0].length);
              if (lines(range) > 1) found.broken.push(match[0]);
            }
            return matches.length;
          };
          const walker = document.createTreeWalker(document.querySelector('main')!, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (!node.parentElement?.closest('table')) continue;
            found.dates += checkMatches(node, /\d\d\.\d\d\.\d{4}/g);
          }
          for (const label of document.querySelectorAll('table .light__label, table .decision-number')) {
            const range = document.createRange();
            range.selectNodeContents(label);
            if (lines(range) > 1) found.broken.push(label.textContent ?? '');
          }
          // The sentence beside a light wraps between its words, not inside one („Zwischenberi|cht“).
          for (const sentence of document.querySelectorAll('table .light__text')) checkMatches(sentence.firstChild!, /\S+/g);
          return found;
        });
        expect(dates).toBeGreaterThan(0);
        expect([path, broken]).toEqual([path, []]);
      }
    });
  }, 60_000);

  it('Browser: at 1280 CSS pixels the fields of a filter row line up, a field’s hint standing between its label and its field', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'filterzeilen', async () => {
      await signIn(page, suite.base, 'sekretariat', PASSWORD);
      await page.setViewportSize({ width: 1280, height: 800 });
      for (const path of ['/', '/pruefung', '/beschluesse', '/beschlusskontrolle']) {
        await page.goto(`${suite.base}${path}`);
        const { pairs, apart } = await page.evaluate(() => {
          const boxes = [...document.querySelectorAll('.filters .field')].flatMap((field) =>
            [...field.querySelectorAll('input:not([type=hidden]), select')].map((input) => ({ id: input.id, box: input.getBoundingClientRect() })),
          );
          // Two fields side by side (their heights overlap) end on the same line, within 3 pixels (a select and a text field differ a little in height).
          const found = { pairs: 0, apart: [] as string[] };
          boxes.forEach((a, i) =>
            boxes.slice(i + 1).forEach((b) => {
              if (a.box.top >= b.box.bottom || b.box.top >= a.box.bottom) return;
              found.pairs++;
              if (Math.abs(a.box.bottom - b.box.bottom) > 3) found.apart.push(`${a.id} ${Math.round(a.box.bottom)} / ${b.id} ${Math.round(b.box.bottom)}`);
            }),
          );
          return found;
        });
        expect(pairs).toBeGreaterThan(0);
        expect([path, apart]).toEqual([path, []]);
      }
    });
  }, 60_000);
});
