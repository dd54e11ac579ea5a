import { approvedBodies } from './approved-bodies';
import { startTestApp, type TestApp, type TestDatabaseKind } from './test-app';

/** An AL-Runde decision's path in the API. */
export const decisionPath = (number: string) => `/api/decisions/AL-Runde/${encodeURIComponent(number)}`;

/** What the chain specs do to a body S: record an AL-Runde decision extending it, withdraw one. */
export interface ChainActions {
  /** S, approved by 2026/10-AL until 31.12.2026. */
  body: string;
  /** Records AL-Runde decision `number` of 20.11.2026 extending S to 30.06.2027 (`extra`: e.g. `replaces`, `date`). */
  record(number: string, extra?: object): Promise<unknown>;
  /** Withdraws it, by the Geschäftsstelle or by the user whose `http` is given. */
  withdraw(number: string, reason: string, http?: TestApp['http']): Promise<unknown>;
}

/**
 * An open chain of replacements for one event of a body S: 2026/41-AL extends S, is carried out
 * on 25.11. and withdrawn; 2026/40-AL takes the event over and is withdrawn too (by another member
 * of the Geschäftsstelle, `gs-ruecknahme`), nothing replaces it yet.
 */
export async function openReplacementChain(t: TestApp): Promise<ChainActions> {
  const [body] = await approvedBodies(t, [{ title: 'Arbeitsgruppe S' }]);
  const actions: ChainActions = {
    body,
    record: (number, extra = {}) =>
      t.http
        .post('/api/decisions')
        .send({
          number,
          issuer: 'AL-Runde',
          date: '2026-11-20',
          procedure: 'Umlaufverfahren',
          type: 'Beschluss',
          title: `Beschluss ${number}`,
          effects: [{ body, effect: 'extended', data: { approvedUntil: '2027-06-30' } }],
          ...extra,
        })
        .expect(201),
    withdraw: (number, reason, http = t.http) => http.post(`${decisionPath(number)}/withdrawal`).send({ reason }).expect(200),
  };
  await actions.record('2026/41-AL', { date: '2026-11-10' });
  await t.http.post(`${decisionPath('2026/41-AL')}/apply`).send({ occurredAt: '2026-11-25' }).expect(200);
  await actions.withdraw('2026/41-AL', 'richtig ist 2026/40-AL');
  await actions.record('2026/40-AL', { replaces: '2026/41-AL' });
  const other = await t.user('secretariat', { username: 'gs-ruecknahme' });
  await actions.withdraw('2026/40-AL', 'richtig ist 2026/43-AL', other.http);
  return actions;
}

/** What a chain spec works with: the app and the chain's actions, set by `replacementChainSuite` before the tests. */
export interface ChainSuite extends ChainActions {
  t: TestApp;
}

/**
 * Starts the app on 28.11.2026 with the open chain of `openReplacementChain` before all tests of
 * the enclosing describe and closes it after them. The suite's fields are set once `beforeAll` ran.
 */
export function replacementChainSuite(database: TestDatabaseKind): ChainSuite {
  const suite = {} as ChainSuite;
  beforeAll(async () => {
    suite.t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
    Object.assign(suite, await openReplacementChain(suite.t));
  }, 90_000);
  afterAll(() => suite.t.close());
  return suite;
}
