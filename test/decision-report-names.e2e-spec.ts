/**
 * A decision's effect on a report (Kenntnisnahme, Aufhebung, neue Frist) names the report as the
 * body's page does — by its name, addressee and Frist — wherever people read it: the
 * Beschlusskontrolle (page, CSV, decision page), the body's page, `gremienlauf decision show` and
 * the register's messages. The report's internal id stays in the API's fields only.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { cliAgainst } from './support/cli-run';
import { startTestApp, type TestApp } from './support/test-app';

/** An obligation id as the body's context gives it (`r1`), anywhere in a text. */
const REPORT_ID = /\br\d+\b/;

const SACHSTAND = 'Sachstand 2025 (Zwischenbericht) an IT-Planungsrat, Frist 30.11.2026';

/** A page's text without tags and entities, whitespace folded. */
const textOf = (html: string) =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

describe('a report named by a decision’s effect', () => {
  let t: TestApp;
  let body: string;
  const number = '2026/60';
  const path = `/api/decisions/IT-PLR/${encodeURIComponent(number)}`;
  const cli = (args: string[]) => cliAgainst(t, args);

  /** Given an active body owing „Sachstand 2025“ by 30.11.2026, and 2026/60 waiving it, acknowledging it and moving its Frist. */
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
    const report = { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', title: 'Sachstand 2025', due: { kind: 'date', date: '2026-11-30' } };
    body = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Projektgruppe Alpha', parent: 'IT-PLR', start: '2026-01-12', expectedEnd: null, reports: [report], registeredAt: '2026-01-05' }).expect(201)).body.id;
    await t.http.post(`/api/bodies/${body}/events`).send({ type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
    const decide = (n: string, effects: object[]) =>
      t.http.post('/api/decisions').send({ number: n, issuer: 'IT-PLR', date: '2026-01-10', procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${n}`, effects }).expect(201);
    await decide('2026/59', [{ body, effect: 'approved', data: { approvedUntil: '2027-12-31' } }]);
    await t.http.post(`/api/decisions/IT-PLR/${encodeURIComponent('2026/59')}/apply`).send({}).expect(200);
    const r1 = (await t.http.get(`/api/bodies/${body}`).expect(200)).body.context.obligations[0].id;
    await decide(number, [
      { body, effect: 'reportWaived', data: { obligationId: r1, reason: 'Entfällt.' } },
      { body, effect: 'reportAcknowledged', data: { obligationId: r1 } },
      { body, effect: 'reportRescheduled', data: { obligationId: r1, due: { kind: 'date', date: '2027-03-31' } } },
    ]);
  }, 60_000);
  afterAll(() => t.close());

  const required = [
    `Berichtspflicht aufheben: ${SACHSTAND}`,
    `Bericht zur Kenntnis nehmen: ${SACHSTAND}`,
    `Berichtsfrist ändern: ${SACHSTAND}, neue Frist bis 31.03.2027`,
  ];

  test('the Beschlusskontrolle names it on its page, in its CSV and on the decision’s page, never by its id; the API keeps the id in its fields', async () => {
    const page = textOf((await t.http.get('/beschlusskontrolle').expect(200)).text);
    for (const text of required) expect(page).toContain(text);
    expect(page).not.toMatch(REPORT_ID);
    const decisionPage = textOf((await t.http.get(`/beschluesse/IT-PLR/${encodeURIComponent(number)}`).expect(200)).text);
    for (const text of required) expect(decisionPage).toContain(text);
    expect(decisionPage).not.toMatch(REPORT_ID);

    const csv = (await t.http.get('/api/decision-control.csv').expect(200)).text;
    for (const text of required) expect(csv).toContain(`;${text};`);
    expect(csv).not.toMatch(REPORT_ID);

    const rows = (await t.http.get('/api/decision-control').expect(200)).body as Array<{ decision: { number: string }; required: string }>;
    expect(rows.filter((r) => r.decision.number === number).map((r) => r.required)).toEqual(required);
    expect((await t.http.get(path).expect(200)).body.effects[0].data.obligationId).toMatch(REPORT_ID);
  });

  test('the body’s page names it the same way among the decisions to carry out', async () => {
    const open = textOf((await t.http.get(`/gremien/${body}`).expect(200)).text);
    const section = open.slice(open.indexOf('Beschlüsse zur Umsetzung Was erfasste'), open.indexOf('Aktionen', open.indexOf('Beschlüsse zur Umsetzung Was erfasste')));
    for (const text of required) expect(section).toContain(`vom 10.01.2026: ${text}`);
    expect(section).not.toMatch(REPORT_ID);
  });

  test('gremienlauf decision show names it, and --json keeps the id', async () => {
    const shown = await cli(['decision', 'show', number]);
    expect(shown.code).toBe(0);
    required.forEach((text, i) => expect(shown.stdout).toContain(`  ${i}: ${text} (`));
    expect(shown.stdout.replace(/für Gremium \S+/g, '')).not.toMatch(REPORT_ID);
    const json = await cli(['decision', 'show', number, '--json']);
    expect(JSON.parse(json.stdout).effects[0].data.obligationId).toMatch(REPORT_ID);
  });

  test('the register’s messages name it: several open effects, an event the decision does not order, an effect carried out', async () => {
    const several = await t.http.post(`${path}/apply`).send({}).expect(400);
    expect(several.body.message).toContain(`Wirkung 0: ${required[0]}; Wirkung 1: ${required[1]}; Wirkung 2: ${required[2]}.`);
    expect(several.body.message).not.toMatch(REPORT_ID);

    const r1 = (await t.http.get(path).expect(200)).body.effects[0].data.obligationId;
    const unordered = await t.http.post(`/api/bodies/${body}/events`).send({ type: 'reportWaived', decision: '2026/59', data: { obligationId: r1, reason: 'Entfällt.' } }).expect(422);
    expect(unordered.body.message).toContain(`was das Ereignis verlangt („${required[0]}“)`);
    expect(unordered.body.message).not.toMatch(REPORT_ID);

    await t.http.post(`${path}/apply`).send({ effect: 2 }).expect(200);
    const again = await t.http.post(`/api/bodies/${body}/events`).send({ type: 'reportRescheduled', decision: number, data: { obligationId: r1, due: { kind: 'date', date: '2027-03-31' } } }).expect(422);
    // Carried out, the report's Frist is the new one: named by the Frist it was moved from, as the decision meant it.
    expect(again.body.message).toContain(`die Wirkung „${required[2]}“ ist für dieses Gremium bereits umgesetzt`);
    expect(again.body.message).not.toMatch(REPORT_ID);
  });
});
