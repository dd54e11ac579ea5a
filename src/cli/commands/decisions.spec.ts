import { ApiClient } from '../api';
import { decisionCommand, renderDecisionHistory, type DecisionHistoryEvent } from './decisions';

const recorded: DecisionHistoryEvent = { version: 1, type: 'decisionRecorded', recordedAt: '2024-06-12T08:00:00.000Z', actor: { id: 'gs' }, data: {}, hash: 'a'.repeat(64) };

describe('gremienlauf decision history', () => {
  test('each event is named by its German label, with the type the log stores beside it', () => {
    const text = renderDecisionHistory([
      recorded,
      { ...recorded, version: 2, type: 'decisionAmended', data: { reason: 'Datum berichtigt' } },
      { ...recorded, version: 3, type: 'decisionWithdrawn', data: { reason: 'irrtümlich erfasst' } },
    ]);
    expect(text).toMatch(/^Version\s+Ereignis\s+/);
    expect(text).not.toMatch(/\s(decisionRecorded|decisionAmended|decisionWithdrawn)\s/);
    expect(text).toMatch(/\n1\s+Beschluss erfasst \(decisionRecorded\)\s/);
    expect(text).toMatch(/\n2\s+Beschluss berichtigt \(decisionAmended\)\s/);
    expect(text).toMatch(/\n3\s+Beschluss zurückgenommen \(decisionWithdrawn\)\s/);
  });
});

describe('gremienlauf decision show', () => {
  const body = '0b5c1a52-3f43-4c2e-9d5e-1a2b3c4d5e6f';
  /** The decision answer with its one effect at `index` in the decision (a lead's answer), in the Beschlusskontrolle's `state`. */
  const decision = (
    control: { state: string; stateLabel: string },
    { withdrawn = false, appliedBy = null, index = 0 }: { withdrawn?: boolean; appliedBy?: { bodyId: string; version: number } | null; index?: number } = {},
  ) => ({
    number: '2026/23-AL',
    issuer: 'AL-Runde',
    date: '2026-11-10',
    procedure: 'Umlaufverfahren',
    session: null,
    type: 'Beschluss',
    title: 'Berichte der PG Beta',
    effects: [
      {
        body,
        effect: 'reportRequested',
        data: { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2026-12-04' } },
        index,
        appliedBy,
        replacedBy: null,
        ...control,
      },
    ],
    withdrawn: withdrawn ? { at: '2026-11-20T09:00:00.000Z', actor: 'gs', reason: 'irrtümlich erfasst' } : null,
  });

  /** Runs `decision show 2026/23-AL` against a service that answers each GET path as `answers` says; its effect lines and the paths it read. */
  async function show(answers: Record<string, unknown>): Promise<{ lines: string[]; paths: string[] }> {
    const paths: string[] = [];
    const api = new ApiClient('test', async (_method, url) => {
      const path = url.split('?')[0]!;
      paths.push(path);
      return path in answers ? { status: 200, body: JSON.stringify(answers[path]) } : { status: 404, body: JSON.stringify({ message: 'Nicht gefunden.' }) };
    });
    let text = '';
    await decisionCommand.run({
      args: { AKTION: 'show', NUMMER: '2026/23-AL' },
      options: { issuer: 'AL-Runde' },
      rest: [],
      json: false,
      env: {},
      out: { line: () => undefined, note: () => undefined, result: (value, render) => (text = render(value)) },
      api: async () => api,
      readInput: async () => '',
    });
    return { lines: text.split('\n').filter((l) => /^ {2}\d+: /.test(l)), paths };
  }
  const bodyAnswer = { title: 'PG Beta', context: { obligations: [] } };
  const decisionPath = `/api/decisions/AL-Runde/${encodeURIComponent('2026/23-AL')}`;

  test('an effect not carried out says its state from the decision answer, without reading the Beschlusskontrolle', async () => {
    const { lines, paths } = await show({
      [decisionPath]: decision({ state: 'bodyEnded', stateLabel: 'nicht mehr umsetzbar: Gremium beendet am 20.11.2026' }),
      [`/api/bodies/${body}`]: bodyAnswer,
    });
    expect(lines).toEqual([expect.stringMatching(/^ {2}0: .* für Gremium \S+ \(„PG Beta“\) – nicht mehr umsetzbar: Gremium beendet am 20\.11\.2026$/)]);
    expect(paths).toEqual([decisionPath, `/api/bodies/${body}`]);
  });

  test('a requested report carried out but not taken note of says its state in the Beschlusskontrolle beside its event', async () => {
    const { lines } = await show({
      [decisionPath]: decision({ state: 'overdue', stateLabel: 'überfällig' }, { appliedBy: { bodyId: body, version: 4 } }),
      [`/api/bodies/${body}`]: bodyAnswer,
    });
    expect(lines).toEqual([expect.stringMatching(/ – umgesetzt \(Version 4\), in der Beschlusskontrolle: überfällig$/)]);
  });

  test('a carried-out effect the Beschlusskontrolle counts done is named by its event alone', async () => {
    const { lines } = await show({
      [decisionPath]: decision({ state: 'done', stateLabel: 'erledigt' }, { appliedBy: { bodyId: body, version: 4 } }),
      [`/api/bodies/${body}`]: bodyAnswer,
    });
    expect(lines).toEqual([expect.stringMatching(/ – umgesetzt \(Version 4\)$/)]);
  });

  test('an effect is numbered as the answer numbers it in the decision, not by its place in a lead’s answer', async () => {
    const { lines } = await show({
      [decisionPath]: decision({ state: 'withdrawn', stateLabel: 'Beschluss zurückgenommen' }, { withdrawn: true, index: 1 }),
      [`/api/bodies/${body}`]: bodyAnswer,
    });
    expect(lines).toEqual([expect.stringMatching(/^ {2}1: .* – Beschluss zurückgenommen$/)]);
  });
});
