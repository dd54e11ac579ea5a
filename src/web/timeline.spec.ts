import { timelineSvg, titleLines, type TimelineBody } from './timeline';

const body = (over: Partial<TimelineBody>): TimelineBody => ({
  id: 'b1',
  title: 'AG Ablehnung',
  stateLabel: 'Abgelehnt',
  start: '2027-02-01',
  started: false,
  approvedUntil: null,
  expectedEnd: '2027-12-31',
  permanent: false,
  endedOn: '2026-12-05',
  extensions: [],
  lapses: [],
  reports: [],
  ...over,
});

describe('the Zeitleiste', () => {
  test('a body that ended before its work began has no bar of work, only the day it ended', () => {
    const svg = timelineSvg([body({})], '2026-12-05');
    expect(svg).not.toContain('Geplanter Beginn 01.02.2027 bis 05.12.2026');
    expect(svg).not.toMatch(/<rect class="(term|planned)"/);
    expect(svg).toContain('<title>Abgelehnt: 05.12.2026, ohne Beginn der Tätigkeit</title>');
    expect(svg).toContain('beendet am 05.12.2026');
  });

  test('a body that worked and ended keeps its bar from start to end', () => {
    const svg = timelineSvg([body({ stateLabel: 'Aufgelöst', start: '2025-02-01', started: true, approvedUntil: '2027-12-31', endedOn: '2026-06-30' })], '2026-12-05');
    expect(svg).toContain('<rect class="term"');
    expect(svg).toContain('Beginn 01.02.2025 bis 30.06.2026');
  });

  describe('a term that lapsed before it was extended', () => {
    // Approved until 31.03.2025, expired on 01.04.2025, extended only on 05.12.2026 until 30.06.2027.
    const lapsed = body({
      title: 'PG Verlängert',
      stateLabel: 'Aktiv',
      start: '2024-06-17',
      started: true,
      approvedUntil: '2027-06-30',
      expectedEnd: null,
      endedOn: null,
      extensions: [{ on: '2026-12-05', until: '2027-06-30', decision: '2026/30' }],
      lapses: [{ from: '2025-04-01', to: '2026-12-05' }],
    });
    const xOf = (svg: string, cls: string) => Number(new RegExp(`<rect class="${cls}" x="([\\d.]+)"`).exec(svg)?.[1]);
    const widthOf = (svg: string, cls: string) => Number(new RegExp(`<rect class="${cls}" x="[\\d.]+" y="[\\d.]+" width="([\\d.]+)"`).exec(svg)?.[1]);

    test('draws the lapse as its own segment, titled in German, from the expiry to the extension', () => {
      const svg = timelineSvg([lapsed], '2026-12-10');
      expect(svg).toContain('<title>Laufzeit abgelaufen vom 01.04.2025 bis zur Verlängerung am 05.12.2026, ohne Beschluss</title>');
      const [start, end] = [xOf(svg, 'lapse'), xOf(svg, 'lapse') + widthOf(svg, 'lapse')];
      // On the bar, between its start and its end: from 01.04.2025 to 05.12.2026.
      expect(start).toBeGreaterThan(xOf(svg, 'term'));
      expect(end).toBeLessThan(xOf(svg, 'term') + widthOf(svg, 'term'));
      const extension = Number(/<path class="extension" d="M([\d.]+),/.exec(svg)?.[1]);
      expect(end).toBeCloseTo(extension, 5);
      expect(svg).toContain('wo die Laufzeit abgelaufen war');
    });

    test('draws a lapse no extension ended up to today, and none where the term never lapsed', () => {
      const open = timelineSvg([{ ...lapsed, approvedUntil: '2025-03-31', extensions: [], lapses: [{ from: '2025-04-01', to: null }] }], '2026-12-10');
      expect(open).toContain('<title>Laufzeit abgelaufen seit 01.04.2025, ohne Beschluss</title>');
      const today = Number(/<line class="today" x1="([\d.]+)"/.exec(open)?.[1]);
      expect(xOf(open, 'lapse') + widthOf(open, 'lapse')).toBeCloseTo(today, 5);

      const inTime = timelineSvg([{ ...lapsed, extensions: [{ on: '2025-03-20', until: '2027-06-30', decision: '2025/05' }], lapses: [] }], '2026-12-10');
      expect(inTime).not.toContain('class="lapse"');
    });
  });

  test('the dates beside the bars are drawn after the line for today, so that it does not cross them', () => {
    const svg = timelineSvg(
      [
        body({ title: 'AG Befristet', stateLabel: 'Aktiv', start: '2026-02-01', started: true, approvedUntil: '2026-12-20', endedOn: null }),
        body({ title: 'AG Entfristet', stateLabel: 'Aktiv', start: '2026-02-01', started: true, permanent: true, endedOn: null }),
        body({ title: 'AG Geplant', stateLabel: 'Eingereicht', start: '2026-03-01', expectedEnd: '2026-12-31', endedOn: null }),
        body({}),
      ],
      '2026-12-10',
    );
    const today = svg.indexOf('<line class="today"');
    const marks = [...svg.matchAll(/<text class="mark"[^>]*>([^<]*)<\/text>/g)];
    expect(marks.map((mark) => mark[1])).toEqual(['bis 20.12.2026', 'entfristet →', 'geplant bis 31.12.2026', 'beendet am 05.12.2026']);
    for (const mark of marks) expect(mark.index).toBeGreaterThan(today);
  });

  test('a long title takes two lines, broken between words, so that titles beginning alike stay apart', () => {
    expect(titleLines('Weiterentwicklung Struktur OZG Föderal')).toEqual(['Weiterentwicklung Struktur OZG Föderal']);
    expect(titleLines('Arbeitsgruppe Registermodernisierung Teil 1 mit langem Titel')).toEqual(['Arbeitsgruppe Registermodernisierung', 'Teil 1 mit langem Titel']);
    // Beyond two lines, the second is cut off; a word longer than a line is cut off in itself.
    expect(titleLines(`Arbeitsgruppe Registermodernisierung ${'sehr '.repeat(10)}lang`)).toEqual(['Arbeitsgruppe Registermodernisierung', 'sehr sehr sehr sehr sehr sehr sehr se…']);
    expect(titleLines(`${'x'.repeat(50)} Teil 2`)).toEqual([`${'x'.repeat(37)}…`, 'Teil 2']);
    const svg = timelineSvg([body({ title: 'Arbeitsgruppe Registermodernisierung Teil 1 mit langem Titel' })], '2026-12-10');
    const lines = [...svg.matchAll(/<text class="body-title" x="8" y="([\d.]+)">([^<]*)<\/text>/g)];
    expect(lines.map((line) => line[2])).toEqual(['Arbeitsgruppe Registermodernisierung', 'Teil 1 mit langem Titel']);
    expect(Number(lines[0][1])).toBeLessThan(Number(lines[1][1]));
  });
});
