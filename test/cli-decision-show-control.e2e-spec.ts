/**
 * `gremienlauf decision show` says of each effect what the Beschlusskontrolle says of it: an
 * effect on a body that ended before it was carried out is „nicht mehr umsetzbar“, one of a
 * withdrawn decision „Beschluss zurückgenommen“ — not „offen“. It reads that from the decision
 * answer, which carries each effect's state and its number in the decision; a lead, whose answer
 * holds only the effects on its own bodies, sees each with its state and its true number.
 */
import type { IncomingMessage } from 'node:http';
import { approvedBodies } from './support/approved-bodies';
import { cliAgainst } from './support/cli-run';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('decision show and the Beschlusskontrolle on %s', (database) => {
  let t: TestApp;
  let alpha: string;
  let beta: string;
  let leadToken: string;
  let auditorToken: string;

  const record = (number: string, effects: object[]) =>
    t.http.post('/api/decisions').send({ number, issuer: 'AL-Runde', date: '2026-11-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects }).expect(201);
  const extension = (body: string) => ({ body, effect: 'extended', data: { approvedUntil: '2027-06-30' } });
  /** The effect lines of `decision show NUMBER`, run with `token` (the secretariat's by default). */
  const effectLines = async (number: string, token?: string) => {
    const run = await cliAgainst(t, ['decision', 'show', number], token);
    expect([run.code, run.stderr]).toEqual([0, '']);
    return run.stdout.split('\n').filter((l) => /^ {2}\d+: /.test(l));
  };
  /** Each effect of the decision answer as `token` reads it: its number in the decision, body, state and state in words. */
  const answerStates = async (number: string, token?: string) => {
    const http = token ? t.as(token) : t.http;
    const { body } = await http.get(`/api/decisions/AL-Runde/${encodeURIComponent(number)}`).expect(200);
    return (body.effects as Array<Record<string, unknown>>).map((e) => [e.index, e.body, e.state, e.stateLabel]);
  };
  /** The paths of the requests the service took while `run` ran. */
  const pathsRequestedDuring = async (run: () => Promise<unknown>) => {
    const paths: string[] = [];
    const listener = (request: IncomingMessage) => paths.push((request.url ?? '').split('?')[0]!);
    t.app.getHttpServer().on('request', listener);
    try {
      await run();
    } finally {
      t.app.getHttpServer().off('request', listener);
    }
    return paths;
  };
  const controlLabels = async (number: string) =>
    ((await t.http.get('/api/decision-control?issuer=AL-Runde').expect(200)).body as Array<{ decision: { number: string }; stateLabel: string }>)
      .filter((r) => r.decision.number === number)
      .map((r) => r.stateLabel);

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
    [alpha, beta] = await approvedBodies(t, [{ title: 'PG Alpha' }, { title: 'PG Beta', contacts: [{ name: 'Berta Beta', organization: 'Bayern' }] }]);
    await record('2026/23-AL', [extension(beta), extension(alpha)]);
    // PG Beta closes before 2026/23-AL is carried out.
    await record('2026/22-AL', [{ body: beta, effect: 'dissolved', data: {} }]);
    await t.http.post(`/api/decisions/AL-Runde/${encodeURIComponent('2026/22-AL')}/apply`).send({}).expect(200);
    await record('2026/09-AL', [extension(alpha)]);
    await t.http.post(`/api/decisions/AL-Runde/${encodeURIComponent('2026/09-AL')}/withdrawal`).send({ reason: 'irrtümlich erfasst' }).expect(200);
    const alphaContact = (await t.http.get(`/api/bodies/${alpha}`).expect(200)).body.context.profile.contactIds[0] as string;
    leadToken = (await t.user('lead', { username: 'lead-alpha', contactId: alphaContact })).token;
    auditorToken = (await t.user('auditor', { username: 'pruefung' })).token;
  }, 60_000);
  afterAll(() => t.close());

  test('an effect on a body that ended before it was carried out is „nicht mehr umsetzbar“, as in the Beschlusskontrolle', async () => {
    expect(await controlLabels('2026/23-AL')).toEqual(['nicht mehr umsetzbar: Gremium beendet am 20.11.2026', 'offen ohne Frist']);
    expect(await effectLines('2026/23-AL')).toEqual([
      `  0: Verlängern bis 30.06.2027 (extended) für Gremium ${beta} („PG Beta“) – nicht mehr umsetzbar: Gremium beendet am 20.11.2026`,
      `  1: Verlängern bis 30.06.2027 (extended) für Gremium ${alpha} („PG Alpha“) – offen ohne Frist`,
    ]);
    // An auditor reads the Beschlusskontrolle as the secretariat does.
    expect(await effectLines('2026/23-AL', auditorToken)).toEqual(await effectLines('2026/23-AL'));
  });

  test('an effect of a decision withdrawn before it was carried out says „Beschluss zurückgenommen“', async () => {
    expect(await controlLabels('2026/09-AL')).toEqual(['Beschluss zurückgenommen']);
    expect(await effectLines('2026/09-AL')).toEqual([`  0: Verlängern bis 30.06.2027 (extended) für Gremium ${alpha} („PG Alpha“) – Beschluss zurückgenommen`]);
  });

  test('a lead sees its own body’s effect with its state and its number in the decision', async () => {
    expect(await effectLines('2026/23-AL', leadToken)).toEqual([`  1: Verlängern bis 30.06.2027 (extended) für Gremium ${alpha} („PG Alpha“) – offen ohne Frist`]);
    expect(await effectLines('2026/09-AL', leadToken)).toEqual([`  0: Verlängern bis 30.06.2027 (extended) für Gremium ${alpha} („PG Alpha“) – Beschluss zurückgenommen`]);
  });

  test('the decision answer names each effect’s state as the Beschlusskontrolle does, by its number in the decision', async () => {
    expect(await answerStates('2026/23-AL')).toEqual([
      [0, beta, 'bodyEnded', 'nicht mehr umsetzbar: Gremium beendet am 20.11.2026'],
      [1, alpha, 'open', 'offen ohne Frist'],
    ]);
    expect(await answerStates('2026/22-AL')).toEqual([[0, beta, 'done', 'erledigt']]);
    expect(await answerStates('2026/09-AL')).toEqual([[0, alpha, 'withdrawn', 'Beschluss zurückgenommen']]);
  });

  test('a lead’s answer holds the effect on its own body only, with its number in the decision though the first effect is on another body', async () => {
    expect(await answerStates('2026/23-AL', leadToken)).toEqual([[1, alpha, 'open', 'offen ohne Frist']]);
    expect(await answerStates('2026/22-AL', leadToken)).toEqual([]);
  });

  test('decision show prints the states of the decision answer and does not read the Beschlusskontrolle', async () => {
    for (const token of [undefined, leadToken]) {
      let lines: string[] = [];
      const paths = await pathsRequestedDuring(async () => (lines = await effectLines('2026/23-AL', token)));
      expect(paths).toContain(`/api/decisions/AL-Runde/${encodeURIComponent('2026/23-AL')}`);
      expect(paths.filter((p) => p.startsWith('/api/decision-control'))).toEqual([]);
      const states = (await answerStates('2026/23-AL', token)).map(([index, , , label]) => [index, label]);
      expect(lines.map((l) => [Number(/^ {2}(\d+): /.exec(l)![1]), l.split(' – ').at(-1)])).toEqual(states);
    }
  });

  test('--json gives the decision answer, each effect with its number and state', async () => {
    const run = await cliAgainst(t, ['decision', 'show', '2026/23-AL', '--json']);
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as { effects: Array<Record<string, unknown>> };
    expect(answer.effects.map((e) => [e.index, e.body, e.appliedBy, e.state])).toEqual([
      [0, beta, null, 'bodyEnded'],
      [1, alpha, null, 'open'],
    ]);
  });
});
