import { newObligation } from '../../machines';
import { effectRequirement, replacedAlongChain } from './effect-labels';

describe('the addressee of a report in an effect’s requirement', () => {
  /** The final report a closure of an IT-PLR body creates: the chart stores its parent's id as the addressee. */
  const finalReport = newObligation('r2', { kind: 'Abschlussbericht', addressee: 'IT-PLR', due: { kind: 'month', month: '2027-05' } });

  test('a final report a closure owes to the IT-PLR is named „an IT-Planungsrat“, as reports from the form are', () => {
    const waiver = { effect: 'reportWaived' as const, data: { obligationId: 'r2', reason: 'Ergebnisse übergeben' } };
    expect(effectRequirement(waiver, [finalReport])).toBe('Berichtspflicht aufheben: Abschlussbericht an IT-Planungsrat, Frist im Mai 2027');
  });

  test('a report requested of the IT-PLR by its id is named by its full name; the AL-Runde keeps its own', () => {
    const requested = (addressee: string) => ({ effect: 'reportRequested' as const, data: { kind: 'Zwischenbericht', addressee, due: { kind: 'month', month: '2027-05' } } });
    expect(effectRequirement(requested('IT-PLR'), null)).toBe('Bericht anfordern: Zwischenbericht an IT-Planungsrat im Mai 2027');
    expect(effectRequirement(requested('AL-Runde'), null)).toBe('Bericht anfordern: Zwischenbericht an AL-Runde im Mai 2027');
  });

  test('a report requested with a title is named by its title, with its kind in brackets, as the body’s reports are', () => {
    const requested = { effect: 'reportRequested' as const, data: { kind: 'Zwischenbericht', title: 'Auftragsbericht Cloud', addressee: 'AL-Runde', due: { kind: 'date', date: '2026-12-09' } } };
    expect(effectRequirement(requested, null)).toBe('Bericht anfordern: Auftragsbericht Cloud (Zwischenbericht) an AL-Runde bis 09.12.2026');
  });

  test('a report planned by an approval is named by its title too', () => {
    const approval = {
      effect: 'approved' as const,
      data: { approvedUntil: '2027-12-31', reports: [{ kind: 'Abschlussbericht', title: 'Ergebnisbericht', addressee: 'IT-PLR', due: { kind: 'month', month: '2027-11' } }] },
    };
    expect(effectRequirement(approval, null)).toBe('Einrichten bis 31.12.2027; Bericht: Ergebnisbericht (Abschlussbericht) an IT-Planungsrat im November 2027');
  });
});

describe('a decision that replaced another along a chain of replacements', () => {
  const d = (number: string, issuer = 'AL-Runde') => ({ number, issuer });

  it('names the one it replaced only where the event is recorded under another decision', () => {
    expect(replacedAlongChain(d('2026/39-AL'), d('2026/38-AL'))).toBe('; dieser Beschluss ersetzt 2026/39-AL, der es übernommen hatte');
    expect(replacedAlongChain(d('2026/39-AL'), d('2026/39-AL', 'IT-PLR'))).toBe('; dieser Beschluss ersetzt 2026/39-AL, der es übernommen hatte');
    expect(replacedAlongChain(d('2026/39-AL'), d('2026/39-AL'))).toBe('');
    expect(replacedAlongChain(undefined, d('2026/38-AL'))).toBe('');
    expect(replacedAlongChain(d('2026/39-AL'), null)).toBe('');
  });

  test('a reclassification names the kind and the parent it orders, so that a refusal tells one from another', () => {
    const to = (data: Record<string, unknown>) => effectRequirement({ effect: 'reclassified' as const, data }, null);
    expect(to({ kind: 'Arbeitsgruppe' })).toBe('Art oder Zuordnung ändern: Art „Arbeitsgruppe“');
    expect(to({ parent: 'IT-PLR' })).toBe('Art oder Zuordnung ändern: übergeordnet IT-Planungsrat');
    expect(to({ kind: 'Projektgruppe', parent: 'AL-Runde' })).toBe('Art oder Zuordnung ändern: Art „Projektgruppe“, übergeordnet AL-Runde');
  });
});
