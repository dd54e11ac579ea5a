/**
 * A withdrawn decision in the Beschlusskontrolle: what it ordered and was carried out rests on
 * nothing since, so its rows are no longer „erledigt“ but „umgesetzt, Beschluss
 * zurückgenommen“ – in the JSON, under the filter, in the page's counts and rows, and in the CSV.
 */
import { recordWithdrawnScenario, WITHDRAWN_NOW } from './decision-control-withdrawn.scenario';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

/** The page's effect rows as text: light, body, requirement, Frist, carried out. */
function effectRows(html: string): string[][] {
  return [...html.matchAll(/<tr class="effect-row[^"]*">([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<td data-label="(?:Stand|Gremium|Gefordert|Frist|Umgesetzt)">([\s\S]*?)<\/td>/g)].map((c) =>
      c[1].replace(/<[^>]+>/g, '').replace(/\u00AD/g, '').replace(/\s+/g, ' ').trim(),
    ),
  );
}

const csvLines = (text: string) => text.replace(/^\uFEFF/, '').trim().split('\r\n');

describe.each(testDatabaseKinds())('a withdrawn decision in the Beschlusskontrolle on %s', (database) => {
  let t: TestApp;
  let nord: string;
  let sued: string;
  const rowsOf = async (query: string, number?: string) =>
    ((await t.http.get(`/api/decision-control${query}`).expect(200)).body as any[]).filter((r) => !number || r.decision.number === number);

  beforeAll(async () => {
    t = await startTestApp({ now: WITHDRAWN_NOW, database });
    ({ nord, sued } = await recordWithdrawnScenario(t));
  }, 90_000);
  afterAll(() => t.close());

  test('given a decision whose four effects were carried out, when it is withdrawn, then each row says „umgesetzt, Beschluss zurückgenommen“ and none says done', async () => {
    const rows = await rowsOf('', '2026/45');
    expect(rows.map((r) => [r.bodyTitle, r.effect, r.state, r.stateLabel, r.decision.withdrawn, r.appliedBy?.type])).toEqual([
      ['Arbeitsgruppe Nord-Ost', 'extended', 'appliedWithdrawn', 'umgesetzt, Beschluss zurückgenommen', true, 'extended'],
      ['Arbeitsgruppe Nord-Ost', 'renamed', 'appliedWithdrawn', 'umgesetzt, Beschluss zurückgenommen', true, 'renamed'],
      ['Arbeitsgruppe Süd-West', 'extended', 'appliedWithdrawn', 'umgesetzt, Beschluss zurückgenommen', true, 'extended'],
      ['Arbeitsgruppe Süd-West', 'renamed', 'appliedWithdrawn', 'umgesetzt, Beschluss zurückgenommen', true, 'renamed'],
    ]);
    // A requested report that was sent out stands without a basis as well; one never sent out is merely withdrawn.
    expect((await rowsOf('', '2026/50')).map((r) => [r.bodyId, r.state, r.stateLabel])).toEqual([
      [nord, 'appliedWithdrawn', 'umgesetzt, Beschluss zurückgenommen'],
      [sued, 'withdrawn', 'Beschluss zurückgenommen'],
    ]);
    expect((await rowsOf('?state=done')).map((r) => r.decision.number)).toEqual(['2026/41', '2026/41']);
  });

  test('the filter withdrawn finds every row of a withdrawn decision, carried out or not; appliedWithdrawn only the carried-out ones', async () => {
    const withdrawn = await rowsOf('?state=withdrawn');
    expect(withdrawn.map((r) => `${r.decision.number}#${r.effectIndex}:${r.state}`)).toEqual([
      '2026/45#0:appliedWithdrawn',
      '2026/45#1:appliedWithdrawn',
      '2026/45#2:appliedWithdrawn',
      '2026/45#3:appliedWithdrawn',
      '2026/50#0:appliedWithdrawn',
      '2026/50#1:withdrawn',
    ]);
    expect((await rowsOf('?state=appliedWithdrawn')).map((r) => `${r.decision.number}#${r.effectIndex}`)).toEqual([
      '2026/45#0',
      '2026/45#1',
      '2026/45#2',
      '2026/45#3',
      '2026/50#0',
    ]);
  });

  test('the CSV carries the withdrawal in the Stand column, under the same filter', async () => {
    const lines = csvLines((await t.http.get('/api/decision-control.csv?state=withdrawn').expect(200)).text);
    expect(lines).toHaveLength(7);
    const stand = lines[0].split(';').indexOf('Stand');
    expect(lines.slice(1).map((line) => line.split(';')[stand])).toEqual([
      ...Array(5).fill('umgesetzt, Beschluss zurückgenommen'),
      'Beschluss zurückgenommen',
    ]);
    expect(lines[1]).toMatch(/^2026\/45;IT-PLR;2026-11-10;Beschluss 2026\/45;Arbeitsgruppe Nord-Ost;/);
  });

  test('the page shows the state in words beside its light, counts it, offers it as a filter, says a new decision is needed and offers no „Beschluss umsetzen“', async () => {
    const page = (await t.http.get('/beschlusskontrolle').expect(200)).text;
    const rows = effectRows(page);
    expect(rows.filter((r) => r[0] === 'umgesetzt, Beschluss zurückgenommen').map((r) => [r[1], r[2]])).toEqual([
      ['Arbeitsgruppe Nord-Ost', 'Bericht anfordern: Zwischenbericht an IT-Planungsrat bis 15.02.2027'],
      ['Arbeitsgruppe Nord-Ost', 'Verlängern bis 30.06.2027'],
      ['Arbeitsgruppe Nord-Ost', 'Umbenennen in „Arbeitsgruppe Nord-Ost“'],
      ['Arbeitsgruppe Süd-West', 'Verlängern bis 30.06.2027'],
      ['Arbeitsgruppe Süd-West', 'Umbenennen in „Arbeitsgruppe Süd-West“'],
    ]);
    expect(rows.filter((r) => r[0] === 'erledigt')).toHaveLength(2);
    expect(page).toContain('<span class="light__label">umgesetzt, Beschluss zurückgenommen</span>');
    expect(page).toMatch(/<span class="light__label">umgesetzt, Beschluss zurückgenommen:<\/span> 5<\/span>/);
    expect(page).toMatch(/<span class="light__label">Beschluss zurückgenommen:<\/span> 1<\/span>/);
    expect(page).toMatch(/<span class="light__label">erledigt:<\/span> 2<\/span>/);
    expect(page).toContain('<option value="appliedWithdrawn">');
    // The decision's heading says what follows from the withdrawal.
    expect(page).toMatch(/Beschluss 2026\/45<\/a> \(IT-Planungsrat\) vom 10\.11\.2026 – Beschluss 2026\/45 <strong class="tag">zurückgenommen<\/strong> – was davon umgesetzt ist, steht ohne Grundlage; ein neuer Beschluss ist nötig/);
    const group = /Beschluss 2026\/45<\/a>[\s\S]*?<\/tbody>/.exec(page)![0];
    expect(group).not.toContain('action="/beschluesse/umsetzen"');

    const filtered = (await t.http.get('/beschlusskontrolle?stand=withdrawn').expect(200)).text;
    expect(effectRows(filtered)).toHaveLength(6);
    expect(filtered).toContain('Stand: Beschluss zurückgenommen (umgesetzt oder nicht)');
    expect(filtered).toContain('href="/api/decision-control.csv?state=withdrawn" id="csv-link"');

    const decisionPage = (await t.http.get(`/beschluesse/IT-PLR/${encodeURIComponent('2026/45')}`).expect(200)).text;
    expect(effectRows(decisionPage).map((r) => r[0])).toEqual(Array(4).fill('umgesetzt, Beschluss zurückgenommen'));
  });

  test('the OpenAPI answer schema lists and explains the state', async () => {
    const document = (await t.anonymous.get('/api/docs/openapi.json').expect(200)).body;
    const state = document.components.schemas.DecisionControlRow.properties.state;
    expect(state.enum).toEqual(['done', 'dueSoon', 'overdue', 'open', 'bodyEnded', 'appliedWithdrawn', 'replaced', 'withdrawn']);
    expect(state.description).toContain('appliedWithdrawn');
    expect(state.description).toContain('replaced');
    expect(state.description).toContain('neuer Beschluss');
  });
});
