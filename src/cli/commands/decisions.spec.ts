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
  const decision = (withdrawn: boolean, appliedBy: { bodyId: string; version: number } | null = null) => ({
    number: '2026/23-AL',
    issuer: 'AL-Runde',
    date: '2026-11-10',
    procedure: 'Umlaufverfahren',
    session: null,
    type: 'Beschluss',
    title: 'Berichte der PG Beta',
    effects: [{ body, effect: 'reportRequested', data: { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2026-12-04' } }, appliedBy, replacedBy: null }],
    withdrawn: withdrawn ? { at: '2026-11-20T09:00:00.000Z', actor: 'gs', reason: 'irrtümlich erfasst' } : null,
  });
  const row = (state: string, stateLabel: string) => ({ decision: { number: '2026/23-AL', issuer: 'AL-Runde' }, effectIndex: 0, bodyId: body, effect: 'reportRequested', state, stateLabel });

  /** Runs `decision show 2026/23-AL` against a service that answers each GET path as `answers` says (a number: that status, refused). */
  async function show(answers: Record<string, unknown>): Promise<string> {
    const api = new ApiClient('test', async (_method, url) => {
      const answer = answers[url.split('?')[0]!];
      return typeof answer === 'number' ? { status: answer, body: JSON.stringify({ message: 'Nicht erlaubt.' }) } : { status: 200, body: JSON.stringify(answer) };
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
    return text.split('\n').find((l) => l.startsWith('  0: ')) ?? '';
  }
  const bodyAnswer = { title: 'PG Beta', context: { obligations: [] } };
  const decisionPath = `/api/decisions/AL-Runde/${encodeURIComponent('2026/23-AL')}`;

  test('an effect not carried out says what the Beschlusskontrolle says of it', async () => {
    const line = await show({
      [decisionPath]: decision(false),
      [`/api/bodies/${body}`]: bodyAnswer,
      '/api/decision-control': [row('bodyEnded', 'nicht mehr umsetzbar: Gremium beendet am 20.11.2026')],
    });
    expect(line).toMatch(/ für Gremium \S+ \(„PG Beta“\) – nicht mehr umsetzbar: Gremium beendet am 20\.11\.2026$/);
  });

  test('a requested report carried out but not taken note of says its state in the Beschlusskontrolle beside its event', async () => {
    const line = await show({
      [decisionPath]: decision(false, { bodyId: body, version: 4 }),
      [`/api/bodies/${body}`]: bodyAnswer,
      '/api/decision-control': [row('overdue', 'überfällig')],
    });
    expect(line).toMatch(/ – umgesetzt \(Version 4\), in der Beschlusskontrolle: überfällig$/);
  });

  test('where the Beschlusskontrolle is refused (403), the line follows the decision answer: a withdrawn decision’s effect is not open', async () => {
    const refused = { [`/api/bodies/${body}`]: bodyAnswer, '/api/decision-control': 403 };
    expect(await show({ ...refused, [decisionPath]: decision(true) })).toMatch(/ – Beschluss zurückgenommen$/);
    expect(await show({ ...refused, [decisionPath]: decision(false) })).toMatch(/ – offen$/);
  });
});
