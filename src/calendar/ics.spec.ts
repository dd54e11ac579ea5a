import type { DeadlineView } from '../deadlines/deadlines.service';
import { calendarFeed } from './ics';

/** A Frist with the given title of its body: the SUMMARY and DESCRIPTION lines carry it. */
function frist(bodyTitle: string): DeadlineView {
  return {
    key: 'b1/report/r1',
    bodyId: 'b1',
    bodyTitle,
    kind: 'report',
    ref: 'r1',
    label: 'Zwischenbericht',
    deadline: { kind: 'date', date: '2026-03-02' },
    originalDate: '2026-03-02',
    effectiveDate: '2026-03-02',
    rule: null,
    description: 'bis 02.03.2026',
    status: 'open',
    metOn: null,
    overdue: false,
    next: null,
    updatedAt: '2026-01-05T10:00:00.000Z',
  };
}

describe('the iCalendar feed folds its content lines (RFC 5545 § 3.1)', () => {
  // One, two, three and four octets a character, at every offset against the 75-octet limit.
  const titles = ['a', 'ü', '€', '𝄞'].flatMap((char) => Array.from({ length: 8 }, (_, shift) => `${'x'.repeat(shift)}${`Gremium ${char} `.repeat(20)}`));

  test.each(titles)('every line at most 75 octets, no character split, unfolded as written: %#', (title) => {
    const feed = calendarFeed('Fristen', [frist(title)], 'https://gremien.example');
    const lines = feed.split('\r\n');
    expect(lines.every((line) => Buffer.byteLength(line, 'utf8') <= 75)).toBe(true);
    // A split character would not survive the round trip through UTF-8 bytes.
    expect(Buffer.from(feed, 'utf8').toString('utf8')).toBe(feed);
    expect(feed).not.toContain('\ufffd');
    const unfolded = feed.replace(/\r\n /g, '');
    expect(unfolded).toContain(`SUMMARY:Zwischenbericht – ${title.replace(/,/g, '\\,')}\r\n`);
    // Continuation lines start with one space; the first line of each property is at the limit where it was folded.
    const folded = lines.filter((line, i) => lines[i + 1]?.startsWith(' '));
    expect(folded.every((line) => Buffer.byteLength(line, 'utf8') > 75 - 4)).toBe(true);
  });

  test('a line that fits stays as it is', () => {
    const feed = calendarFeed('Fristen', [frist('AG Kurz')], 'https://gremien.example');
    expect(feed).toContain('\r\nSUMMARY:Zwischenbericht – AG Kurz\r\n');
  });
});

describe('the iCalendar feed says how a Frist stands as the web pages do', () => {
  const unfolded = (d: DeadlineView) => calendarFeed('Fristen', [d], 'https://gremien.example').replace(/\r\n /g, '');

  test('a report submitted after its day: when, and late', () => {
    expect(unfolded({ ...frist('AG Kurz'), status: 'met', metOn: '2026-03-04' })).toContain('\\nStand: eingereicht am 04.03.2026\\, verspätet\\n');
  });

  test('a term the decision wrote as a month names the month and its last day, as the body page does', () => {
    const termEnd: DeadlineView = {
      ...frist('AG Kurz'),
      key: 'b1/termEnd/term',
      kind: 'termEnd',
      ref: 'term',
      label: 'Ende der Laufzeit',
      deadline: { kind: 'date', date: '2028-03-31' },
      originalDate: '2028-03-31',
      effectiveDate: '2028-03-31',
      description: 'bis 31.03.2028',
      termEndAsWritten: { month: '2028-03' },
    };
    expect(unfolded(termEnd)).toContain('\\nFrist: Ende der Laufzeit\\, März 2028 (bis 31.03.2028)\\nDatum: 31.03.2028\\n');
    // A term to a day keeps the resolution's words.
    expect(unfolded({ ...termEnd, termEndAsWritten: null })).toContain('\\nFrist: Ende der Laufzeit\\, bis 31.03.2028\\n');
  });

  test('a term past its end: abgelaufen', () => {
    expect(unfolded({ ...frist('AG Kurz'), kind: 'termEnd', status: 'overdue', overdue: true })).toContain('\\nStand: abgelaufen\\n');
  });
});
