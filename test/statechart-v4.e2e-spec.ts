/**
 * Version 4 of the statechart over HTTP: an extension recorded after its new end leaves the term
 * expired at once, a decision ends a yearly report from a day on, and a transfer is an orderly
 * closure (refused while the final report is open). A body recorded under version 3 keeps its
 * rules until it is moved.
 */
import { BODY_MACHINE_VERSION } from '../machines';
import { machineVersion } from '../src/audit/machine-versions';
import { Database } from '../src/database/database';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { decisionFacts, lead, recordStream, registration } from './audit-builders';
import { deadlinesEnv } from './deadlines.support';
import { storeRecordedStream } from './support/stored-stream';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const YEARLY = { kind: 'Jahresbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2025-01' }, recurrence: { everyMonths: 12 } };
const TRANSFER_RULE =
  'Die Überführung in eine Nachfolgestruktur ist ein geordneter Abschluss und setzt wie dieser einen zur Kenntnis genommenen oder entfallenen Abschlussbericht voraus.';

describe.each(testDatabaseKinds())('statechart version 4, on %s', (database) => {
  let restoreEnv: () => void;
  let t: TestApp;

  const send = (id: string, body: object) => t.http.post(`/api/bodies/${id}/events`).send(body);
  const decide = (number: string, date: string, effects: object[]) =>
    t.http.post('/api/decisions').send({ number, issuer: 'AL-Runde', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects }).expect(201);
  const history = async (id: string) => (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events as Array<{ type: string; summary: string }>;
  const body = async (id: string) => (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
  const pendingTimers = async (id: string) =>
    (await t.app.get(Database).query<{ key: string }>(`SELECT key FROM timers WHERE body_id = ? AND status = 'pending' ORDER BY key`, [id])).map((r) => r.key.slice(id.length + 1));

  beforeAll(async () => {
    restoreEnv = deadlinesEnv();
    t = await startTestApp({ database, now: '2024-06-14T09:00:00Z' });
  });
  afterAll(async () => {
    await t.close();
    restoreEnv();
  });

  describe('a new body with a yearly report', () => {
    let id: string;

    beforeAll(async () => {
      t.clock.set('2024-06-14T09:00:00Z');
      id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, reports: [], registeredAt: '2024-06-03' }).expect(201)).body.id;
      await send(id, { type: 'submitted', occurredAt: '2024-06-05' }).expect(200);
      await decide('2024/09-AL', '2024-06-12', [{ body: id, effect: 'approved', data: { approvedUntil: '2025-03-31', reports: [YEARLY] } }]);
      const approved = await send(id, { type: 'approved', data: { approvedUntil: '2025-03-31', reports: [YEARLY] }, decision: '2024/09-AL' }).expect(200);
      expect(approved.body.event.machine).toEqual({ id: 'body', version: BODY_MACHINE_VERSION });
      // Given: the scheduler started the body, found the 2025 report due (opening 2026's, r2) and the term expired on 01.04.2025.
      t.clock.set('2025-04-10T09:00:00Z');
      await t.app.get(SchedulerService).sweep();
      expect((await body(id)).state.paths).toContain('active.term.expired');
    });

    test('an extension until 30.06.2025 decided in March but recorded on 10.07.2025 is recorded, and the term is expired again at once: it needs another decision', async () => {
      await decide('2025/05-AL', '2025-03-25', [{ body: id, effect: 'extended', data: { approvedUntil: '2025-06-30' } }]);
      t.clock.set('2025-07-10T09:00:00Z');

      const extended = await send(id, { type: 'extended', data: { approvedUntil: '2025-06-30' }, decision: '2025/05-AL' }).expect(200);

      expect(extended.body.state.value).toMatchObject({ active: { term: 'expired' } });
      expect(extended.body.state.label).toContain('Laufzeit abgelaufen');
      expect(extended.body.allowedEvents).toEqual(expect.arrayContaining(['extended', 'madePermanent']));
      expect((await history(id)).at(-1)).toMatchObject({
        type: 'extended',
        summary: 'befristet bis 31.03.2025 → 30.06.2025; das neue Ende lag am 10.07.2025 schon zurück: die Laufzeit ist abgelaufen und braucht einen weiteren Beschluss',
      });
      // No expiry is left for the scheduler to record; the term's Frist stands overdue at the new end.
      expect((await pendingTimers(id)).filter((key) => key.startsWith('termExpired/') || key.startsWith('termExpiring/'))).toEqual([]);
      const term = ((await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body as Array<{ kind: string; status: string; effectiveDate: string }>).find((d) => d.kind === 'termEnd');
      expect(term).toMatchObject({ status: 'overdue', effectiveDate: '2025-06-30' });
      expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
    });

    test('ending the yearly report needs its decision and names the series; from 01.01.2026 the 2026 report is owed no more', async () => {
      t.clock.set('2025-07-15T09:00:00Z');
      const data = { obligationId: 'r2', from: '2026-01-01', reason: 'Der Jahresbericht ist nicht mehr erforderlich.' };
      const versionBefore = (await history(id)).length;

      const undecided = await send(id, { type: 'reportSeriesEnded', data }).expect(422);
      expect(undecided.body.message).toBe('„Wiederkehrende Berichtspflicht beendet“ braucht den Beschluss, der es anordnet: bitte einen erfassten Beschluss nennen.');
      const unnamed = await send(id, { type: 'reportSeriesEnded', data: { from: '2026-01-01' } }).expect(400);
      expect(unnamed.body.details).toEqual([
        { path: 'data.obligationId', message: 'Es fehlt die Berichtspflicht (obligationId). In Frage kommt: r2 (Jahresbericht an IT-Planungsrat, jährlich).' },
      ]);
      expect(await history(id)).toHaveLength(versionBefore);

      await decide('2025/12-AL', '2025-07-15', [{ body: id, effect: 'reportSeriesEnded', data }]);
      const ended = await send(id, { type: 'reportSeriesEnded', data, decision: '2025/12-AL' }).expect(200);

      expect(ended.body.allowedEvents).not.toContain('reportSeriesEnded');
      const { context } = await body(id);
      expect(context.obligations.map((o: { id: string; state: string }) => [o.id, o.state])).toEqual([
        ['r1', 'overdue'],
        ['r2', 'waived'],
      ]);
      expect((await history(id)).at(-1)).toMatchObject({
        type: 'reportSeriesEnded',
        summary:
          'Jahresbericht an IT-Planungsrat, jährlich: ab 01.01.2026 nicht mehr geschuldet; entfällt: Frist im Januar 2026; bleibt geschuldet: Frist im Januar 2025; ' +
          'Begründung: Der Jahresbericht ist nicht mehr erforderlich.',
      });
      const fristen = (await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body as Array<{ ref: string }>;
      expect(fristen.map((d) => d.ref)).not.toContain('r2');
      expect((await pendingTimers(id)).filter((key) => key.includes('r2'))).toEqual([]);
      expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
    });

    test('a transfer is refused while the final report is open, naming it, and writes nothing; noted, the body is transferred', async () => {
      t.clock.set('2025-07-20T09:00:00Z');
      await decide('2025/20-AL', '2025-07-20', [{ body: id, effect: 'madePermanent', data: {} }]);
      await send(id, { type: 'madePermanent', decision: '2025/20-AL' }).expect(200);
      await send(id, { type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2025-10-31' } } }).expect(200);
      t.clock.set('2025-10-20T09:00:00Z');
      await decide('2025/30-AL', '2025-10-20', [{ body: id, effect: 'transferred', data: { successor: { name: 'Kooperationsgruppe Register' } } }]);
      const before = await history(id);

      const refused = await send(id, { type: 'transferred', data: { successor: { name: 'Kooperationsgruppe Register' } }, decision: '2025/30-AL' }).expect(422);

      const reason = `${TRANSFER_RULE} Offen ist: Abschlussbericht an AL-Runde (Frist 31.10.2025, offen) – erst einreichen und zur Kenntnis nehmen oder als entfallen erfassen.`;
      expect(refused.body.message).toBe(reason);
      expect(refused.body.details).toMatchObject({ violations: [reason], allowedEvents: expect.not.arrayContaining(['transferred']) });
      expect(await history(id)).toEqual(before);
      expect((await body(id)).notYetPossible).toContainEqual({ type: 'transferred', label: 'In Nachfolgestruktur überführt', reason });

      await send(id, { type: 'reportSubmitted', data: { obligationId: 'r3' } }).expect(200);
      await send(id, { type: 'reportAcknowledged', data: { obligationId: 'r3' } }).expect(200);
      const transferred = await send(id, { type: 'transferred', data: { successor: { name: 'Kooperationsgruppe Register' } }, decision: '2025/30-AL' }).expect(200);
      expect(transferred.body.state).toMatchObject({ value: 'transferred', label: 'In Nachfolgestruktur überführt' });
      expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
    });
  });

  describe('a body recorded under version 3, closing with its final report open', () => {
    const v3 = machineVersion('body', 3)!;
    const closing = [
      { type: 'submitted' as const, occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
      { type: 'approved' as const, data: { permanent: true }, occurredAt: '2024-06-20T12:00:00.000Z', decision: decisionFacts('2024/12', '2024-06-20') },
      { type: 'started' as const, occurredAt: '2024-07-01T07:00:00.000Z' },
      { type: 'closureInitiated' as const, data: { finalReportDue: { kind: 'month', month: '2026-09' } }, occurredAt: '2026-06-01T10:00:00.000Z' },
    ];
    const stored = async () => {
      const records = recordStream(closing, { machine: v3, registration: registration({ expectedEnd: null }) });
      await storeRecordedStream(t, records, v3);
      return records[0].bodyId;
    };
    const transfer = (id: string, number: string) => send(id, { type: 'transferred', data: { successor: { name: 'AG Nachfolge' } }, decision: number });

    test('not moved, it is transferred as version 3 did, and replays so', async () => {
      t.clock.set('2026-06-10T09:00:00Z');
      const id = await stored();
      await t.http
        .post('/api/decisions')
        .send({ number: '2026/40', issuer: 'IT-PLR', date: '2026-06-10', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Überführung', effects: [{ body: id, effect: 'transferred', data: { successor: { name: 'AG Nachfolge' } } }] })
        .expect(201);
      const done = await transfer(id, '2026/40').expect(200);
      expect(done.body.event.machine).toEqual({ id: 'body', version: 3 });
      expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
    });

    test('moved to version 4, its transfer waits for the final report', async () => {
      t.clock.set('2026-06-11T09:00:00Z');
      const id = await stored();
      const moved = await t.http.post(`/api/bodies/${id}/machine-upgrade`).send({}).expect(200);
      expect(moved.body.event.data).toEqual({ fromVersion: 3, toVersion: BODY_MACHINE_VERSION });
      expect(moved.body.allowedEvents).not.toContain('transferred');
      await t.http
        .post('/api/decisions')
        .send({ number: '2026/41', issuer: 'IT-PLR', date: '2026-06-11', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Überführung', effects: [{ body: id, effect: 'transferred', data: { successor: { name: 'AG Nachfolge' } } }] })
        .expect(201);
      const refused = await transfer(id, '2026/41').expect(422);
      expect(refused.body.message).toBe(`${TRANSFER_RULE} Offen ist: Abschlussbericht an IT-Planungsrat (Frist im September 2026, fällig am 30.09.2026; offen) – erst einreichen und zur Kenntnis nehmen oder als entfallen erfassen.`);
      expect((await t.http.get(`/api/bodies/${id}/replay`).expect(200)).body.verdict).toBe('matches');
    });
  });
});
