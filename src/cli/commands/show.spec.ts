import type { Deadline } from '../../../machines';
import { approved, given, givenFrom, registered, reportAcknowledged, reportDue, reportOverdue, reportSubmitted, started, submitted } from '../../../test/support/machine-events';
import type { DeadlineRow } from './deadlines';
import { renderBody, type BodyView } from './show';

const view = (...events: Parameters<typeof given>): BodyView => ({
  id: 'b1',
  version: events.length + 1,
  title: 'Weiterentwicklung Struktur OZG Föderal',
  state: { label: 'Aktiv' },
  allowedEvents: [],
  context: given(...events).snapshot.context,
  contacts: [],
  registeredAt: registered().occurredAt,
  updatedAt: registered().occurredAt,
});

const reportFrist = (effectiveDate: string, originalDate: string): DeadlineRow => ({
  bodyId: 'b1',
  kind: 'report',
  ref: 'r1',
  bodyTitle: 'Weiterentwicklung Struktur OZG Föderal',
  label: 'Zwischenbericht an IT-Planungsrat',
  deadline: { kind: 'month', month: '2024-11' } satisfies Deadline,
  originalDate,
  effectiveDate,
  rule: null,
  description: '',
  status: 'open',
  metOn: null,
  overdue: false,
});

const reportLine = (text: string) => text.split('\n').find((line) => line.startsWith('r1 '));

describe('gremienlauf show', () => {
  test('a report is due on its Frist’s effective date, with the day it was moved from', () => {
    const reportFristen = new Map([['r1', reportFrist('2024-12-02', '2024-11-30')]]);
    expect(reportLine(renderBody(view(submitted(), approved(), started()), reportFristen))).toMatch(
      /^r1\s+Zwischenbericht\s+IT-Planungsrat\s+im November 2024\s+02\.12\.2024 \(verschoben von 30\.11\.2024\)\s+offen$/,
    );
  });

  test('a report without a Frist yet (a draft) shows no date', () => {
    expect(reportLine(renderBody(view()))).toMatch(/^r1\s+Zwischenbericht\s+IT-Planungsrat\s+im November 2024\s+–\s+offen$/);
  });

  test('due system events the log does not hold yet are listed under the state', () => {
    const text = renderBody({ ...view(submitted(), approved()), notYetRecorded: [{ type: 'started', label: 'Tätigkeit begonnen', dueAt: '2024-06-16T22:00:00.000Z' }] });
    expect(text).toMatch(/Noch nicht verbucht:\s+Tätigkeit begonnen \(started\) am 17\.06\.2024\n/);
    expect(renderBody(view(submitted(), approved()))).not.toContain('Noch nicht verbucht');
  });

  test('the state names the day it began: due and overdue since, submitted on', () => {
    const active = [submitted(), approved(), started()] as const;
    expect(reportLine(renderBody(view(...active, reportDue('r1', '2024-11-01'))))).toMatch(/fällig seit 01\.11\.2024$/);
    expect(reportLine(renderBody(view(...active, reportDue('r1', '2024-11-01'), reportOverdue('r1', '2024-12-03'))))).toMatch(/überfällig seit 03\.12\.2024$/);
    expect(reportLine(renderBody(view(...active, reportSubmitted('r1', '2024-11-20'))))).toMatch(/\s{2}eingereicht am 20\.11\.2024$/);
    expect(reportLine(renderBody(view(...active, reportSubmitted('r1', '2024-11-20'), reportAcknowledged('r1', '2024-11-28'))))).toMatch(
      /\s{2}zur Kenntnis genommen am 28\.11\.2024 \(eingereicht am 20\.11\.2024\)$/,
    );
  });

  test('a report handed in after its Frist says it came late: against the Frist’s effective date, or, once the body has no Fristen, as the chart recorded it overdue', () => {
    const active = [submitted(), approved(), started()] as const;
    const reportFristen = new Map([['r1', reportFrist('2024-12-02', '2024-11-30')]]);
    expect(reportLine(renderBody(view(...active, reportSubmitted('r1', '2024-12-05'), reportAcknowledged('r1', '2025-02-20')), reportFristen))).toMatch(
      /\s{2}zur Kenntnis genommen am 20\.02\.2025 \(eingereicht am 05\.12\.2024, verspätet\)$/,
    );
    expect(reportLine(renderBody(view(...active, reportSubmitted('r1', '2024-12-02')), reportFristen))).toMatch(/\s{2}eingereicht am 02\.12\.2024$/);
    const late = view(...active, reportDue('r1', '2024-12-02'), reportOverdue('r1', '2024-12-03'), reportSubmitted('r1', '2025-01-15'), reportAcknowledged('r1', '2025-02-20'));
    expect(reportLine(renderBody(late))).toMatch(/\(eingereicht am 15\.01\.2025, verspätet\)$/);
  });

  test('a report handed in after its Frist says so from the body’s reportDates, where the body has no Fristen and the chart never had it overdue', () => {
    const active = [submitted(), approved(), started()] as const;
    const body = view(...active, reportSubmitted('r1', '2024-12-03'));
    expect(body.context.obligations[0].overdueOn).toBeNull();
    expect(reportLine(renderBody(body))).toMatch(/\s{2}eingereicht am 03\.12\.2024$/);
    const reportDates = [{ obligationId: 'r1', effectiveDate: '2024-12-02', submittedOn: '2024-12-03' }];
    expect(reportLine(renderBody({ ...body, reportDates }))).toMatch(/\s{2}eingereicht am 03\.12\.2024, verspätet$/);
  });

  test('which of the allowed events the caller may send, where it is not all of them', () => {
    const allowedEvents = [
      { type: 'reportSubmitted', label: 'Bericht eingereicht' },
      { type: 'extended', label: 'Verlängert' },
    ];
    const lastLines = (body: BodyView) => renderBody(body).split('\n').slice(-2).join('\n');
    const active = view(submitted(), approved(), started());
    expect(lastLines({ ...active, allowedEvents, yourEvents: [allowedEvents[0]] })).toBe(
      'Zulässige Ereignisse: Bericht eingereicht (reportSubmitted), Verlängert (extended)\nDavon für Sie: Bericht eingereicht (reportSubmitted); die übrigen trägt die Geschäftsstelle ein.',
    );
    expect(lastLines({ ...active, allowedEvents, yourEvents: [] })).toMatch(/\nDavon für Sie: keines; Ereignisse trägt die Geschäftsstelle ein\.$/);
    // All of them (the secretariat), or an answer without the field: no second line.
    expect(renderBody({ ...active, allowedEvents, yourEvents: allowedEvents })).not.toContain('Davon für Sie');
    expect(renderBody({ ...active, allowedEvents })).not.toContain('Davon für Sie');
  });

  test('where the body came from and where its work went, both ways, and how often a report recurs', () => {
    const linked = renderBody({
      ...view(submitted(), approved(), started()),
      predecessors: [{ name: 'Projektgruppe Vorläufer', bodyId: 'b0' }],
      successors: [{ name: 'Kooperationsgruppe Nachfolge' }],
    });
    expect(linked).toMatch(/Hervorgegangen aus:\s+Projektgruppe Vorläufer \(b0\)\n/);
    expect(linked).toMatch(/Nachfolgestruktur:\s+Kooperationsgruppe Nachfolge\n/);
    const yearly = view(submitted(), approved(), started());
    yearly.context = { ...yearly.context, obligations: yearly.context.obligations.map((o) => ({ ...o, recurrence: { everyMonths: 12 } })) };
    expect(reportLine(renderBody(yearly))).toMatch(/^r1\s+Zwischenbericht\s+IT-Planungsrat\s+im November 2024, jährlich\s/);
  });

  test('the events the body’s facts rule out for now are told with why, after the allowed ones', () => {
    const notYetPossible = [{ type: 'closed', label: 'Abgeschlossen', reason: 'Der geordnete Abschluss setzt einen zur Kenntnis genommenen oder entfallenen Abschlussbericht voraus.' }];
    const text = renderBody({ ...view(submitted(), approved(), started()), allowedEvents: [{ type: 'dissolved', label: 'Aufgelöst' }], notYetPossible });
    expect(text.split('\n').slice(-2)).toEqual([
      'Zulässige Ereignisse: Aufgelöst (dissolved)',
      'Noch nicht möglich: Abgeschlossen (closed) – Der geordnete Abschluss setzt einen zur Kenntnis genommenen oder entfallenen Abschlussbericht voraus.',
    ]);
    expect(renderBody(view(submitted(), approved(), started()))).not.toContain('Noch nicht möglich');
  });

  test('every period of a titled recurring report is named by the series’ title, though the later ones have none of their own', () => {
    const yearly = registered('2024-06-03', {
      reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', title: 'Jährlicher Sachstandsbericht', due: { kind: 'month', month: '2024-11' }, recurrence: { everyMonths: 12 } }],
    });
    const body = { ...view(), context: givenFrom(yearly, submitted(), approved(), started(), reportDue('r1', '2024-11-01')).snapshot.context };
    expect(body.context.obligations.map((o) => o.title)).toEqual(['Jährlicher Sachstandsbericht', null]);
    const lines = renderBody(body).split('\n').filter((line) => /^r[12] /.test(line));
    expect(lines).toEqual([
      expect.stringMatching(/^r1\s+Jährlicher Sachstandsbericht \(Zwischenbericht\)\s+IT-Planungsrat\s+im November 2024, jährlich\s/),
      expect.stringMatching(/^r2\s+Jährlicher Sachstandsbericht \(Zwischenbericht\)\s+IT-Planungsrat\s+im November 2025, jährlich\s/),
    ]);
  });
});
