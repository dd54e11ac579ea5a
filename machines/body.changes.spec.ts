/**
 * How bodies really change (version 2 of the chart): terms to the end of a month or year,
 * leads and participants added and removed, kind and parent reclassified by decision, recurring
 * report obligations.
 */
import { eventDataSchemas, lifecycleOf, nextDue, resolveDeadline, termEndDate, type BodyEvent } from '.';
import {
  DECISION_2024_09_AL,
  DECISION_2025_03_AL,
  approved,
  event,
  given,
  givenFrom,
  registered,
  reportAcknowledged,
  reportSubmitted,
  started,
  submitted,
} from '../test/support/machine-events';

const ACTIVE = [submitted(), approved(), started()];
const NRW = '00000000-0000-4000-8000-000000000001';
const BUND = '00000000-0000-4000-8000-000000000002';
const HESSEN = '00000000-0000-4000-8000-000000000003';

describe('a term to the end of a month or a year', () => {
  test('given a decision "zunächst bis Juli 2025", the term runs through 31.07.2025 and keeps the month as written', () => {
    const { next } = given(submitted()).when(approved({ month: '2025-07' } as never));
    expect(next.context).toMatchObject({ approvedUntil: '2025-07-31', approvedUntilAsWritten: { month: '2025-07' } });
  });

  test('when the term of "bis Juli 2025" is checked, it has not expired on 31.07.2025 and has on 01.08.2025', () => {
    const setup = given(submitted(), approved({ month: '2025-07' } as never), started());
    expect(setup.when(event('termExpired', {}, '2025-07-31')).verdict.allowed).toBe(false);
    expect(setup.when(event('termExpired', {}, '2025-08-01')).next.value).toMatchObject({ active: { term: 'expired' } });
  });

  test('"bis Ende 2025" resolves to 31.12.2025; an extension to a day drops the coarse form', () => {
    const { snapshot, when } = given(submitted(), approved({ year: '2025' } as never), started());
    expect(snapshot.context).toMatchObject({ approvedUntil: '2025-12-31', approvedUntilAsWritten: { year: '2025' } });
    const { next } = when(event('extended', { approvedUntil: '2026-06-30' }, '2025-03-20', DECISION_2025_03_AL));
    expect(next.context.approvedUntil).toBe('2026-06-30');
    expect(JSON.parse(JSON.stringify(next.context)).approvedUntilAsWritten).toBeUndefined();
  });

  test('an extension to a month must end after the current term', () => {
    const { verdict } = given(...ACTIVE).when(event('extended', { approvedUntil: { month: '2025-03' } }, '2025-03-20', DECISION_2025_03_AL));
    expect(verdict).toMatchObject({ allowed: false, reason: expect.stringContaining('neu März 2025, bisher 31.03.2025') });
    expect(termEndDate({ month: '2024-02' })).toBe('2024-02-29');
  });
});

describe('leads and participants change without loss', () => {
  const withContacts = registered('2024-06-03', { leads: ['Nordrhein-Westfalen', 'Bund'], contactIds: [NRW, BUND] });
  const active = () => givenFrom(withContacts, ...ACTIVE);

  test('given NRW and Bund lead, when Hessen is added, NRW\'s and Bund\'s contacts stay and Hessen\'s joins', () => {
    const { verdict, next } = active().when(event('leadsChanged', { added: ['Hessen'], contactIds: [HESSEN] }, '2024-07-01'));
    expect(verdict.allowed).toBe(true);
    expect(next.context.profile).toMatchObject({ leads: ['Nordrhein-Westfalen', 'Bund', 'Hessen'], contactIds: [NRW, BUND, HESSEN] });
  });

  test('the full-replace form that would drop contacts without naming them is refused', () => {
    const { verdict, next } = active().when(
      event('leadsChanged', { leads: ['Nordrhein-Westfalen', 'Bund', 'Hessen'], contactIds: [HESSEN] }, '2024-07-01'),
    );
    expect(verdict).toMatchObject({ allowed: false, reason: expect.stringContaining(`${NRW}, ${BUND} entfernen, ohne sie zu nennen`) });
    expect(next.context.profile.contactIds).toEqual([NRW, BUND]);
  });

  test('the full-replace form may drop a contact it names in removedContactIds', () => {
    const { verdict, next } = active().when(
      event('leadsChanged', { leads: ['Bund', 'Hessen'], contactIds: [BUND, HESSEN], removedContactIds: [NRW] }, '2024-07-01'),
    );
    expect(verdict.allowed).toBe(true);
    expect(next.context.profile.contactIds).toEqual([BUND, HESSEN]);
  });

  test('version 1 of the chart replays a stored full replace that dropped contacts, as it was recorded', () => {
    const v1 = lifecycleOf(1);
    let snapshot = v1.begin(withContacts);
    for (const e of [...ACTIVE, event('leadsChanged', { leads: ['Hessen'], contactIds: [HESSEN] }, '2024-07-01')] as BodyEvent[]) {
      expect(v1.decide(snapshot, e)).toEqual({ allowed: true });
      snapshot = v1.evolve(snapshot, e);
    }
    expect(snapshot.context.profile.contactIds).toEqual([HESSEN]);
  });

  test('removing a lead removes only the contacts named with it; the last lead cannot go', () => {
    const { next } = active().when(event('leadsChanged', { removed: ['Nordrhein-Westfalen'], contactIds: [], removedContactIds: [NRW] }, '2024-07-01'));
    expect(next.context.profile).toMatchObject({ leads: ['Bund'], contactIds: [BUND] });
    const lone = givenFrom(registered('2024-06-03', { leads: ['Bund'] }), ...ACTIVE);
    expect(lone.when(event('leadsChanged', { removed: ['Bund'], contactIds: [] }, '2024-07-01')).verdict).toMatchObject({
      allowed: false,
      reason: 'Die Federführung kann nicht leer werden.',
    });
    expect(active().when(event('leadsChanged', { removed: ['Hessen'], contactIds: [] }, '2024-07-01')).verdict).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('Nicht in der Federführung: Hessen'),
    });
  });

  test('participants are added and removed by name; the others stay', () => {
    const { next } = given(...ACTIVE).when(event('participantsChanged', { added: ['Berlin'], removed: ['Bayern'] }, '2024-07-01'));
    expect(next.context.profile.participants).toEqual(['Hessen', 'Berlin']);
  });
});

describe('reclassification by decision', () => {
  const pg = registered('2024-06-03', { title: 'PG EfA-Finanzierung', kind: 'Projektgruppe', parent: 'IT-PLR' });

  test('given a Projektgruppe of the IT-PLR, when the decision makes it an Arbeitsgruppe of the AL-Runde, both histories show it', () => {
    const { verdict, next } = givenFrom(pg, ...ACTIVE).when(
      event('reclassified', { kind: 'Arbeitsgruppe', parent: 'AL-Runde' }, '2025-03-20', DECISION_2025_03_AL),
    );
    expect(verdict.allowed).toBe(true);
    expect(next.context.profile).toMatchObject({ kind: 'Arbeitsgruppe', parent: 'AL-Runde' });
    expect(next.context.kindHistory).toEqual([
      { kind: 'Projektgruppe', since: '2024-06-03', decision: null },
      { kind: 'Arbeitsgruppe', since: '2025-03-20', decision: '2025/03-AL' },
    ]);
    expect(next.context.parentHistory).toEqual([
      { parent: 'IT-PLR', since: '2024-06-03', decision: null },
      { parent: 'AL-Runde', since: '2025-03-20', decision: '2025/03-AL' },
    ]);
    expect(next.context.decisions.at(-1)).toMatchObject({ number: '2025/03-AL', event: 'reclassified' });
  });

  test('reclassification needs a decision and a change', () => {
    const setup = givenFrom(pg, ...ACTIVE);
    expect(setup.when(event('reclassified', { kind: 'Arbeitsgruppe' }, '2025-03-20')).verdict).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('Beschluss'),
    });
    expect(setup.when(event('reclassified', { kind: 'Projektgruppe' }, '2025-03-20', DECISION_2025_03_AL)).verdict).toMatchObject({
      allowed: false,
      reason: 'Keine Änderung: das Gremium ist bereits Projektgruppe unter IT-PLR.',
    });
  });

  test('version 1 of the chart does not know reclassification', () => {
    const v1 = lifecycleOf(1);
    let snapshot = v1.begin(pg);
    for (const e of ACTIVE) snapshot = v1.evolve(snapshot, e);
    expect(v1.decide(snapshot, event('reclassified', { kind: 'Arbeitsgruppe' }, '2025-03-20', DECISION_2025_03_AL))).toMatchObject({ allowed: false });
  });
});

describe('recurring report obligations', () => {
  const yearly = (due: object) => event('reportRequested', { kind: 'Jahresbericht', addressee: 'IT-Planungsrat', due, recurrence: { everyMonths: 12 } } as never, '2024-07-01');

  test('given a yearly report in January 2025, when it is submitted and acknowledged, the next one is owed in January 2026', () => {
    const setup = given(...ACTIVE, yearly({ kind: 'month', month: '2025-01' }), reportSubmitted('r2', '2025-01-20'));
    const { next } = setup.when(reportAcknowledged('r2', '2025-02-05'));
    expect(next.context.obligations.slice(1)).toEqual([
      expect.objectContaining({ id: 'r2', state: 'acknowledged', series: 'r2', period: 1 }),
      expect.objectContaining({ id: 'r3', kind: 'Jahresbericht', state: 'pending', due: { kind: 'month', month: '2026-01' }, series: 'r2', period: 2 }),
    ]);
  });

  test('"zur ersten Sitzung eines Jahres" recurs to the next year\'s first session, unresolved until the calendar knows it', () => {
    const { next } = given(...ACTIVE, yearly({ kind: 'firstSession', issuer: 'IT-PLR', year: 2025 })).when(reportSubmitted('r2', '2025-03-01'));
    const due = next.context.obligations.at(-1)!.due;
    expect(due).toEqual({ kind: 'firstSession', issuer: 'IT-PLR', year: 2026 });
    expect(resolveDeadline(due)).toMatchObject({ resolved: false, reason: 'sessionUnknown' });
    const sessions = [
      { issuer: 'IT-PLR', number: 50, date: '2026-06-18' },
      { issuer: 'IT-PLR', number: 49, date: '2026-03-12' },
      { issuer: 'AL-Runde', number: 80, date: '2026-01-20' },
    ];
    expect(resolveDeadline(due, { sessions })).toMatchObject({ resolved: true, effectiveDate: '2026-03-12', source: 'firstSession' });
  });

  test('the next period of a day keeps the end of the month: 31.01. → 28.02. → 31.03.; a one-off report does not recur', () => {
    expect(nextDue({ kind: 'date', date: '2025-01-31' }, { everyMonths: 1 })).toEqual({ kind: 'date', date: '2025-02-28' });
    expect(nextDue({ kind: 'date', date: '2025-02-28' }, { everyMonths: 1 })).toEqual({ kind: 'date', date: '2025-03-31' });
    expect(nextDue({ kind: 'date', date: '2025-01-15' }, { everyMonths: 6 })).toEqual({ kind: 'date', date: '2025-07-15' });
    const { next } = given(...ACTIVE).when(reportSubmitted('r1', '2024-11-20'));
    expect(next.context.obligations).toHaveLength(1);
  });

  test('a yearly obligation without a date, month or first session is refused by the schema', () => {
    const result = eventDataSchemas.reportRequested.safeParse({ kind: 'Jahresbericht', addressee: 'IT-PLR', due: { kind: 'untilFurtherNotice' }, recurrence: { everyMonths: 12 } });
    expect(result.success).toBe(false);
  });
});
