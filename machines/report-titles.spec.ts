/**
 * A recurring report keeps its title period by period: the statechart opens each next period
 * without a title (every version so far, and recorded streams must replay as they were), so the
 * later periods are named by their series' title wherever a report is named — its Frist, the
 * body's list of reports, the history, the to-dos and the reasons of a refusal. Since version 5 a
 * title given on handing a period in names that period alone.
 */
import {
  deriveDeadlines,
  lifecycleOf,
  obligationLabel,
  openRequests,
  persist,
  reportTitle,
  seriesChoices,
  summarizeEvent,
  type BodyEvent,
  type BodyMachineVersion,
  type DecisionFacts,
  type ReportObligation,
} from '.';
import { event, registered, reportAcknowledged, reportDue, started, submitted } from '../test/support/machine-events';

const DECISION: DecisionFacts = { number: '2025/07', issuer: 'IT-PLR', date: '2025-01-20', type: 'Beschluss' };
const SACHSTAND = 'Jährlicher Sachstandsbericht';
const LABEL = `${SACHSTAND} (Zwischenbericht)`;

/** Permanent since 20.01.2025, working since 01.02.2025, a yearly Sachstandsbericht due 31.03.2025 and every year after. */
const REGISTERED = registered('2025-01-02', {
  start: '2025-02-01',
  expectedEnd: null,
  permanent: true,
  reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', title: SACHSTAND, due: { kind: 'date', date: '2025-03-31' }, recurrence: { everyMonths: 12 } }],
});
const ACTIVE = [submitted('2025-01-03'), event('approved', { permanent: true, reports: [] }, '2025-01-20', DECISION), started('2025-02-01')];

function givenIn(version: BodyMachineVersion, ...events: BodyEvent[]) {
  const { begin, decide, evolve } = lifecycleOf(version);
  let snapshot = begin(REGISTERED);
  for (const e of events) {
    const verdict = decide(snapshot, e);
    if (!verdict.allowed) throw new Error(`Setup event ${e.type} refused: ${verdict.reason}`);
    snapshot = evolve(snapshot, e);
  }
  return snapshot;
}

/** Three periods: the first handed in and taken note of, the second fallen due (or handed in), the third opened. */
function threePeriods(version: BodyMachineVersion) {
  const submit = (id: string, on: string) => event('reportSubmitted', { obligationId: id }, on);
  // Versions 1 and 2 open a period on submission only; since version 3 also when the one before falls due.
  return version <= 2
    ? givenIn(version, ...ACTIVE, submit('r1', '2025-03-20'), reportAcknowledged('r1', '2025-04-02'), submit('r2', '2026-03-20'))
    : givenIn(version, ...ACTIVE, reportDue('r1', '2025-03-31'), submit('r1', '2025-04-01'), reportAcknowledged('r1', '2025-04-02'), reportDue('r2', '2026-03-31'));
}

describe.each([1, 2, 3, 4, 5, 6] as const)('the periods of a titled recurring report under statechart version %i', (version) => {
  test('the statechart opens the later periods without a title, as it recorded them', () => {
    const { obligations } = threePeriods(version).context;
    expect(obligations.map((o) => [o.id, o.period, o.title])).toEqual([
      ['r1', 1, SACHSTAND],
      ['r2', 2, null],
      ['r3', 3, null],
    ]);
  });

  test('every period is named by the series’ title: the report and its Frist', () => {
    const snapshot = threePeriods(version);
    const { obligations } = snapshot.context;
    expect(obligations.map((o) => reportTitle(o, obligations))).toEqual([SACHSTAND, SACHSTAND, SACHSTAND]);
    expect(obligations.map((o) => obligationLabel(o, obligations))).toEqual([LABEL, LABEL, LABEL]);
    expect(deriveDeadlines('b1', persist(snapshot)).map((d) => [d.ref, d.label])).toEqual([
      ['r1', `${LABEL} an IT-Planungsrat`],
      ['r2', `${LABEL} an IT-Planungsrat`],
      ['r3', `${LABEL} an IT-Planungsrat`],
    ]);
  });
});

describe('a period’s title', () => {
  const [r1, r2, r3] = givenIn(4, ...ACTIVE, reportDue('r1', '2025-03-31'), reportDue('r2', '2026-03-31')).context.obligations;

  test('a period with a title of its own (given when it was handed in) keeps it', () => {
    const named: ReportObligation = { ...r2, title: 'Sachstandsbericht 2026' };
    expect(reportTitle(named, [r1, named, r3])).toBe('Sachstandsbericht 2026');
    expect(reportTitle(r3, [r1, named, r3])).toBe(SACHSTAND);
  });

  test('a series without a title names its periods by their kind', () => {
    const untitled = [r1, r2, r3].map((o) => ({ ...o, title: null }));
    expect(untitled.map((o) => obligationLabel(o, untitled))).toEqual(['Zwischenbericht', 'Zwischenbericht', 'Zwischenbericht']);
    const blank = [{ ...r1, title: '' }, r2];
    expect(blank.map((o) => reportTitle(o, blank))).toEqual([null, null]);
  });

  test('without the body’s list of reports only a title of its own counts', () => {
    expect(reportTitle(r2)).toBeNull();
    expect(obligationLabel(r2)).toBe('Zwischenbericht');
    expect(obligationLabel(r1)).toBe(LABEL);
  });

  test('a report owed once is named by its own title alone', () => {
    const once = { ...r1, id: 'r9', recurrence: undefined, series: undefined, period: undefined, title: null };
    expect(reportTitle(once, [r1, once])).toBeNull();
  });
});

describe('a period handed in under a title of its own', () => {
  const handedIn = (version: BodyMachineVersion) =>
    givenIn(version, ...ACTIVE, reportDue('r1', '2025-03-31'), event('reportSubmitted', { obligationId: 'r1', title: 'Sachstandsbericht 2025' }, '2025-04-01'), reportDue('r2', '2026-03-31'));

  test('since version 5 is named by it, and the later periods keep the series’ title: the reports, their Fristen', () => {
    const snapshot = handedIn(5);
    const { obligations } = snapshot.context;
    expect(obligations.map((o) => [o.id, o.title, o.submittedTitle])).toEqual([
      ['r1', SACHSTAND, 'Sachstandsbericht 2025'],
      ['r2', null, undefined],
      ['r3', null, undefined],
    ]);
    expect(obligations.map((o) => obligationLabel(o, obligations))).toEqual(['Sachstandsbericht 2025 (Zwischenbericht)', LABEL, LABEL]);
    expect(deriveDeadlines('b1', persist(snapshot)).map((d) => [d.ref, d.label])).toEqual([
      ['r1', 'Sachstandsbericht 2025 (Zwischenbericht) an IT-Planungsrat'],
      ['r2', `${LABEL} an IT-Planungsrat`],
      ['r3', `${LABEL} an IT-Planungsrat`],
    ]);
  });

  test('up to version 4 renamed the series, as its streams replay', () => {
    const { obligations } = handedIn(4).context;
    expect(obligations.map((o) => [o.id, o.title, o.submittedTitle])).toEqual([
      ['r1', 'Sachstandsbericht 2025', undefined],
      ['r2', null, undefined],
      ['r3', null, undefined],
    ]);
    expect(obligations.map((o) => reportTitle(o, obligations))).toEqual(['Sachstandsbericht 2025', 'Sachstandsbericht 2025', 'Sachstandsbericht 2025']);
  });
});

describe('the Frist of a later period, derived snapshot after snapshot', () => {
  test('follows the title of the series’ first period as it stands, also when only that period changed (up to version 4)', () => {
    const { evolve } = lifecycleOf(4);
    const due = givenIn(4, ...ACTIVE, reportDue('r1', '2025-03-31'));
    const label = (snapshot: typeof due, ref: string) => deriveDeadlines('b1', persist(snapshot)).find((d) => d.ref === ref)?.label;
    expect(label(due, 'r2')).toBe(`${LABEL} an IT-Planungsrat`);
    // Handed in under a title of its own, the first period renames the series: the second period's Frist, derived before, is not kept.
    const renamed = evolve(due, event('reportSubmitted', { obligationId: 'r1', title: 'Sachstandsbericht' }, '2025-04-01'));
    expect(label(renamed, 'r2')).toBe('Sachstandsbericht (Zwischenbericht) an IT-Planungsrat');
    expect(label(due, 'r2')).toBe(`${LABEL} an IT-Planungsrat`);
  });
});

describe('where a later period is named', () => {
  const due = givenIn(4, ...ACTIVE, reportDue('r1', '2025-03-31'));
  const secondDue = givenIn(4, ...ACTIVE, reportDue('r1', '2025-03-31'), reportDue('r2', '2026-03-31'));

  test('the history names the period that fell due by the series’ title', () => {
    expect(summarizeEvent('reportDue', { obligationId: 'r2' }, due.context, secondDue.context)).toBe(
      `${SACHSTAND} an IT-Planungsrat, Frist 31.03.2026; nächster Zwischenbericht 31.03.2027`,
    );
  });

  test('the to-do of a period handed in names it by the series’ title', () => {
    const handedIn = lifecycleOf(4).evolve(secondDue, event('reportSubmitted', { obligationId: 'r2' }, '2026-04-02'));
    expect(openRequests(handedIn.context).map((r) => r.text)).toEqual([`${SACHSTAND} an IT-Planungsrat zur Kenntnis nehmen (eingereicht am 02.04.2026)`]);
  });

  test('the series a decision could end is named by its title', () => {
    expect(seriesChoices(secondDue.context)).toBe(`In Frage kommt: r3 (${LABEL} an IT-Planungsrat, jährlich).`);
  });
});
