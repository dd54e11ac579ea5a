/// <reference lib="dom" />
/**
 * The state diagram on a body's page in real headless Chromium: every label of a transition can be
 * read, none printed over another or over a state. Two transitions between the same two states
 * (the term runs out, or an extension to a day already past) once printed their labels on one spot.
 */
import { approvedBodies } from './support/approved-bodies';
import { browserSuite, describeInBrowser, PASSWORD, signIn, withScreenshot } from './web-browser';

describeInBrowser('the state diagram in Chromium', () => {
  let id: string;

  const suite = browserSuite('2026-11-28T09:00:00Z', async (t) => {
    [id] = await approvedBodies(t, [{ title: 'Weiterentwicklung Struktur OZG Föderal' }]);
  });

  it('Browser: no label of a transition lies over another label or over a state, and each names its events', async () => {
    const page = suite.browser.page;
    await withScreenshot(page, 'zustandsdiagramm', async () => {
      await signIn(page, suite.base, 'sekretariat', PASSWORD);
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(`${suite.base}/gremien/${id}`);
      const { labels, overlaps } = await page.evaluate(() => {
        const diagram = document.querySelector('svg.state-diagram')!;
        const placed = (element: Element, name: string) => ({ name, box: element.getBoundingClientRect() });
        // A label's lines are tspans of its text.
        const labels = [...diagram.querySelectorAll('g.transition text')].map((text) =>
          placed(text, [...text.querySelectorAll('tspan')].map((line) => line.textContent).join(' ')),
        );
        const states = [...diagram.querySelectorAll('g.state:not(.compound) > rect:first-of-type')].map((rect) =>
          placed(rect, `Zustand ${(rect.parentElement as HTMLElement).dataset.state}`),
        );
        const meet = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        const overlaps: string[] = [];
        labels.forEach((label, i) => {
          for (const other of [...labels.slice(i + 1), ...states]) if (meet(label.box, other.box)) overlaps.push(`${label.name} × ${other.name}`);
        });
        return { labels: labels.map((label) => label.name), overlaps };
      });
      expect(overlaps).toEqual([]);
      // From „Laufzeit läuft“ and from „Laufzeit endet bald“ the term runs out, or is extended to a
      // day already past: one edge each, both events named.
      expect(labels.filter((label) => label === 'Laufzeit abgelaufen / Verlängert')).toHaveLength(2);
      expect(labels).not.toContain('Laufzeit abgelaufen');
    });
  }, 60_000);
});
