/**
 * The Beschlusskontrolle for effects that settled otherwise than by being carried out: a
 * requested report that a later decision waived, and an effect on a body that ended before it
 * was carried out (no „Beschluss umsetzen“ then, and the CSV says the same).
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, type TestApp } from './support/test-app';

/** The page's effect rows as text: light, body, requirement, Frist, carried out. */
function effectRows(html: string): string[][] {
  return [...html.matchAll(/<tr class="effect-row[^"]*">([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<td data-label="(?:Stand|Gremium|Gefordert|Frist|Umgesetzt)">([\s\S]*?)<\/td>/g)].map((c) =>
      c[1].replace(/<[^>]+>/g, '').replace(/\u00AD/g, '').replace(/\s+/g, ' ').trim(),
    ),
  );
}

describe('Beschlusskontrolle: waived reports and effects on ended bodies', () => {
  let t: TestApp;
  let delta: string;
  let epsilon: string;

  const ok = async (request: Promise<{ status: number; body: any }>, status = 200) => {
    const response = await request;
    if (response.status !== status) throw new Error(`${response.status}: ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const register = async (title: string) =>
    (await ok(t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, parent: 'AL-Runde', start: '2026-01-05', expectedEnd: null, reports: [], registeredAt: '2026-01-05' }), 201)).id as string;
  const send = (body: string, command: object) => ok(t.http.post(`/api/bodies/${body}/events`).send(command));
  const decide = (number: string, date: string, effects: object[]) =>
    ok(t.http.post('/api/decisions').send({ number, issuer: 'AL-Runde', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects }), 201);

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
    delta = await register('Arbeitsgruppe Delta');
    epsilon = await register('Arbeitsgruppe Epsilon');
    for (const body of [delta, epsilon]) await send(body, { type: 'submitted', occurredAt: '2026-01-06' });
    await decide('2026/01-AL', '2026-01-15', [
      { body: delta, effect: 'approved', data: { approvedUntil: '2027-12-31' } },
      { body: epsilon, effect: 'approved', data: { approvedUntil: '2027-12-31' } },
    ]);
    for (const body of [delta, epsilon]) await send(body, { type: 'approved', decision: '2026/01-AL', data: { approvedUntil: '2027-12-31' }, occurredAt: '2026-01-15' });

    const report = { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2026-12-15' } };
    await decide('2026/10-AL', '2026-10-20', [{ body: delta, effect: 'reportRequested', data: report }]);
    await send(delta, { type: 'reportRequested', decision: '2026/10-AL', data: report, occurredAt: '2026-10-20' });
    const obligationId = (await ok(t.http.get(`/api/bodies/${delta}`))).context.obligations.find((o: { kind: string }) => o.kind === 'Zwischenbericht').id;
    const waived = { obligationId, reason: 'Die Ergebnisse gehen in den Jahresbericht ein.' };
    await decide('2026/17-AL', '2026-11-27', [{ body: delta, effect: 'reportWaived', data: waived }]);
    await send(delta, { type: 'reportWaived', decision: '2026/17-AL', data: waived, occurredAt: '2026-11-27' });

    await decide('2026/20-AL', '2026-11-12', [{ body: epsilon, effect: 'dissolved', data: {} }]);
    await decide('2026/21-AL', '2026-11-12', [{ body: epsilon, effect: 'transferred', data: { successor: { name: 'AG Nachfolge' } } }]);
    await send(epsilon, { type: 'dissolved', decision: '2026/20-AL', data: {}, occurredAt: '2026-11-12' });
  }, 90_000);
  afterAll(() => t.close());

  test('a requested report that a later decision waived is done, and says in German when and by which decision it was waived', async () => {
    const page = (await t.http.get('/beschlusskontrolle').expect(200)).text;
    const row = effectRows(page).find((r) => r[1] === 'Arbeitsgruppe Delta' && r[2].startsWith('Bericht anfordern'))!;
    expect(row[0]).toBe('erledigt');
    expect(row[4]).toMatch(/^Bericht entfallen am 27\.11\.2026 \(Beschluss 2026\/17-AL\); angefordert: Berichtspflicht festgelegt am 20\.10\.2026 \(Version \d+\)$/);
    expect(page).not.toContain('waived');
    const [api] = (await t.http.get('/api/decision-control?issuer=AL-Runde').expect(200)).body.filter((r: any) => r.effect === 'reportRequested');
    expect(api.report).toMatchObject({ state: 'waived', waived: { on: '2026-11-27', decision: '2026/17-AL' } });
  });

  test('an effect not carried out before its body ended is „nicht mehr umsetzbar“, without „Beschluss umsetzen“, in the page, the filter and the CSV alike', async () => {
    const page = (await t.http.get('/beschlusskontrolle').expect(200)).text;
    const row = effectRows(page).find((r) => r[1] === 'Arbeitsgruppe Epsilon' && r[2].startsWith('Überführ'))!;
    expect(row).toEqual(['nicht mehr umsetzbar: Gremium beendet am 12.11.2026', 'Arbeitsgruppe Epsilon', expect.any(String), 'ohne Frist', 'nicht umgesetzt']);
    expect(page).not.toContain('<input type="hidden" name="number" value="2026/21-AL">');
    expect(page).toContain('<option value="bodyEnded">nicht mehr umsetzbar (Gremium beendet)</option>');

    const ended = (await t.http.get('/beschlusskontrolle?stand=bodyEnded').expect(200)).text;
    expect(effectRows(ended).map((r) => r[1])).toEqual(['Arbeitsgruppe Epsilon']);
    const csv = (await t.http.get('/api/decision-control.csv?state=bodyEnded').expect(200)).text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(csv.slice(1)).toEqual([expect.stringMatching(/^2026\/21-AL;AL-Runde;2026-11-12;.*;nicht mehr umsetzbar: Gremium beendet am 12\.11\.2026;;$/)]);
  });
});
