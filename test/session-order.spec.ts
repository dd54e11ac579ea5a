import { contradictedByDecisions, outOfOrder } from '../src/sessions/session-order';

describe('a session’s day among the issuer’s other sessions (outOfOrder)', () => {
  const calendar = [
    { number: 45, date: '2026-03-19' },
    { number: 47, date: '2026-10-20' },
  ];

  test('a day between its neighbours fits, either neighbour’s own day too', () => {
    for (const date of ['2026-03-19', '2026-06-18', '2026-10-20']) expect(outOfOrder({ number: 46, date }, 'IT-PLR', calendar)).toBeNull();
    expect(outOfOrder({ number: 1, date: '2020-01-01' }, 'IT-PLR', [])).toBeNull();
  });

  test('a day before a smaller number’s and after a larger number’s day names both and offers no window', () => {
    const crossed = [
      { number: 45, date: '2026-11-01' },
      { number: 47, date: '2026-10-20' },
    ];
    expect(outOfOrder({ number: 46, date: '2026-10-25' }, 'IT-PLR', crossed)).toBe(
      'Die 46. Sitzung (IT-PLR) kann nicht am 25.10.2026 sein: Die Sitzungen zählen mit ihren Tagen aufwärts, aber die 45. Sitzung ist erst am 01.11.2026 und die 47. Sitzung ist schon am 20.10.2026.',
    );
  });

  test('of the sessions a wrong number contradicts it names the one that bounds the day, not every one', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ number: 38 + i, date: `2025-${String(i + 1).padStart(2, '0')}-15` }));
    expect(outOfOrder({ number: 4, date: '2026-11-01' }, 'AL-Runde', many)).toBe(
      'Die 4. Sitzung (AL-Runde) kann nicht am 01.11.2026 sein: Die Sitzungen zählen mit ihren Tagen aufwärts, die 38. Sitzung ist aber schon am 15.01.2025. Passend ist ein Tag bis zum 15.01.2025 (38. Sitzung).',
    );
  });
});

describe('a session’s day against the decisions taken in it (contradictedByDecisions)', () => {
  const session = { number: 45, date: '2024-10-30' };

  test('no decision on another day: nothing to say', () => {
    expect(contradictedByDecisions(session, 'IT-PLR', [])).toBeNull();
  });

  test('decisions on several days are grouped by day; beyond five the rest are counted', () => {
    expect(
      contradictedByDecisions(session, 'IT-PLR', [
        { number: '2024/31', date: '2024-11-01' },
        { number: '2024/40', date: '2024-11-02' },
      ]),
    ).toBe('Die 45. Sitzung (IT-PLR) kann nicht am 30.10.2024 sein: Laut Beschlussregister wurden Beschluss 2024/31 am 01.11.2024 und Beschluss 2024/40 am 02.11.2024 in ihr gefasst.');
    const seven = Array.from({ length: 7 }, (_, i) => ({ number: `2024/3${i}`, date: '2024-11-01' }));
    expect(contradictedByDecisions(session, 'IT-PLR', seven)).toBe(
      'Die 45. Sitzung (IT-PLR) kann nicht am 30.10.2024 sein: Laut Beschlussregister wurden die Beschlüsse 2024/30, 2024/31, 2024/32, 2024/33 und 2024/34 am 01.11.2024 (und 2 weitere) in ihr gefasst.',
    );
  });
});
