import { renderDecisionHistory, type DecisionHistoryEvent } from './decisions';

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
