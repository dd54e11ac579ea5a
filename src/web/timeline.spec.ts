import { timelineSvg, type TimelineBody } from './timeline';

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
});
