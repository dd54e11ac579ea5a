/**
 * What the decision form offers for an effect on a body's reports, and how a recorded effect reads
 * as a requirement („Gefordert“): a recurring report is offered and named as its series, and the
 * requirement says what the effect's data holds (the report, the new Frist).
 */
import { newObligation, type ReportObligation } from '../machines';
import { effectRequirement } from '../src/decisions/effect-labels';
import { obligationOptions, readEffect } from '../src/web/effect-fields';

/** A yearly report to the IT-Planungsrat in its `period`th year, due each November from 2025. */
function yearly(period: number, state: ReportObligation['state']): ReportObligation {
  const report = { kind: 'Jahresbericht' as const, addressee: 'IT-Planungsrat', due: { kind: 'date' as const, date: `${2024 + period}-11-30` }, recurrence: { everyMonths: 12 } };
  return { ...newObligation(`r${period}`, report, { series: 'r1', period }), state };
}

const interim: ReportObligation = { ...yearly(1, 'pending'), id: 'r9', kind: 'Zwischenbericht', title: 'Erster Zwischenbericht', recurrence: undefined, series: undefined, period: undefined };
const obligations = [yearly(1, 'acknowledged'), yearly(2, 'submitted'), yearly(3, 'pending'), interim];

const ending = (effectSeries: string) => readEffect({ effectBody: 'b', effectType: 'reportSeriesEnded', effectSeries, effectFrom: '2026-11-01' }, obligationOptions(obligations));

describe('ending a recurring report from the decision form', () => {
  test('offers each running series once, valued by its latest period and named by its latest Frist, not by an id', () => {
    expect(obligationOptions(obligations).filter((o) => o.series)).toEqual([
      { value: 'r3', label: 'Jahresbericht an IT-Planungsrat, jährlich, zuletzt Frist 30.11.2027', recurring: true, series: true },
    ]);
  });

  test('takes the series as offered, without asking for its latest Frist', () => {
    expect(ending('r3')).toEqual({ effect: { body: 'b', effect: 'reportSeriesEnded', data: { obligationId: 'r3', from: '2026-11-01' } }, issues: [] });
  });

  test('refuses a report owed once, and says why', () => {
    expect(ending('r9').issues).toEqual([{ path: 'effectSeries', message: expect.stringMatching(/^Diese Berichtspflicht ist einmalig/) }]);
  });
});

describe('an effect as a requirement („Gefordert“)', () => {
  test('ending a series names the series, not one period', () => {
    const effect = { effect: 'reportSeriesEnded' as const, data: { obligationId: 'r3', from: '2026-11-01' } };
    expect(effectRequirement(effect, obligations)).toBe('Wiederkehrende Berichtspflicht beenden: Jahresbericht an IT-Planungsrat ab 01.11.2026');
  });

  test('an establishment names the report the same decision orders', () => {
    const effect = {
      effect: 'approved' as const,
      data: { approvedUntil: '2027-06-30', reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2027-03' } }] },
    };
    expect(effectRequirement(effect, null)).toBe('Einrichten bis 30.06.2027; Bericht: Zwischenbericht an IT-Planungsrat im März 2027');
  });

  test('a new Frist names the report with the Frist it is moved from, before and after it was moved, and the new Frist', () => {
    const effect = { effect: 'reportRescheduled' as const, data: { obligationId: 'r9', due: { kind: 'date', date: '2027-03-31' } } };
    const said = 'Berichtsfrist ändern: Erster Zwischenbericht (Zwischenbericht) an IT-Planungsrat, Frist 30.11.2025, neue Frist bis 31.03.2027';
    expect(effectRequirement(effect, obligations)).toBe(said);
    const moved: ReportObligation = { ...interim, due: { kind: 'date', date: '2027-03-31' }, rescheduled: [{ from: interim.due, on: '2025-10-01', decision: '2025/40', reason: null }] };
    expect(effectRequirement(effect, [moved])).toBe(said);
  });

  test('a waiver and a Kenntnisnahme name the report by its name, addressee and Frist, as the body’s page does', () => {
    expect(effectRequirement({ effect: 'reportWaived', data: { obligationId: 'r9', reason: 'Entfällt.' } }, obligations)).toBe(
      'Berichtspflicht aufheben: Erster Zwischenbericht (Zwischenbericht) an IT-Planungsrat, Frist 30.11.2025',
    );
    expect(effectRequirement({ effect: 'reportAcknowledged', data: { obligationId: 'r2' } }, obligations)).toBe(
      'Bericht zur Kenntnis nehmen: Jahresbericht an IT-Planungsrat, Frist 30.11.2026',
    );
  });

  test('a report is never named by its id: one the body does not hold, or of a body whose reports are not known, is said to be so', () => {
    const waiver = { effect: 'reportWaived' as const, data: { obligationId: 'r9' } };
    expect(effectRequirement(waiver, [])).toBe('Berichtspflicht aufheben: ein beim Gremium nicht geführter Bericht');
    expect(effectRequirement(waiver, null)).toBe('Berichtspflicht aufheben: ein Bericht des Gremiums');
    const ending = { effect: 'reportSeriesEnded' as const, data: { obligationId: 'r3', from: '2026-11-01' } };
    expect(effectRequirement(ending, null)).toBe('Wiederkehrende Berichtspflicht beenden: ein Bericht des Gremiums ab 01.11.2026');
    for (const effect of [waiver, ending, { effect: 'reportRescheduled' as const, data: { obligationId: 'r9', due: { kind: 'date', date: '2027-03-31' } } }]) {
      expect(effectRequirement(effect, null)).not.toMatch(/\br\d+\b/);
      expect(effectRequirement(effect, [])).not.toMatch(/\br\d+\b/);
    }
  });
});
