/**
 * The Beschlusskontrolle page and „Beschluss umsetzen“ over HTTP: the traffic lights in words,
 * the filters and the CSV link with the same filters, who may see and do what, and the event
 * forms that offer only the decisions whose effects fit. The browser suite
 * (web-decision-control-browser.e2e-spec.ts) opens the same page in Chromium and prints it.
 */
import { recordControlScenario, SCENARIO_NOW, type ControlScenario } from './decision-control.scenario';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

/** The page's effect rows as text: light, body, requirement, Frist, carried out. */
function effectRows(html: string): string[][] {
  return [...html.matchAll(/<tr class="effect-row[^"]*">([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1].matchAll(/<td data-label="(?:Stand|Gremium|Gefordert|Frist|Umgesetzt)">([\s\S]*?)<\/td>/g)].map((c) =>
      c[1].replace(/<[^>]+>/g, '').replace(/\u00AD/g, '').replace(/\s+/g, ' ').trim(),
    ),
  );
}

const decisionHeadings = (html: string) => [...html.matchAll(/<th scope="rowgroup"[^>]*><a href="[^"]+">Beschluss ([^<]+)<\/a>/g)].map((m) => m[1]);

describe.each(testDatabaseKinds())('Beschlusskontrolle page on %s', (database) => {
  let t: TestApp;
  let s: ControlScenario;

  beforeAll(async () => {
    t = await startTestApp({ now: SCENARIO_NOW, database });
    s = await recordControlScenario(t);
  }, 90_000);
  afterAll(() => t.close());

  test('given decisions in every state, the page lists each effect under its decision with its light in words, its Frist and the event that carried it out', async () => {
    const page = await t.http.get('/beschlusskontrolle').expect(200);
    expect(page.text).toContain('<h1>Beschlusskontrolle</h1>');
    expect(page.text).toMatch(/Auswahl: alle Jahre · IT-PLR und AL-Runde · jeder Stand · erstellt am 28\.11\.2026, 10:00 Uhr/);
    expect(decisionHeadings(page.text)).toEqual(['2026/70', '2026/50', '2026/42', '2026/41', '2025/10-AL']);
    const rows = effectRows(page.text);
    expect(rows).toEqual([
      ['bald fällig', 'Projektgruppe Alpha', 'Bericht anfordern: Zwischenbericht an IT-Planungsrat bis 15.12.2026', '15.12.2026', 'noch nicht umgesetzt'],
      ['überfällig', 'Projektgruppe Beta', 'Bericht anfordern: Zwischenbericht an IT-Planungsrat bis 02.11.2026', '02.11.2026', 'Bericht nicht eingereicht; angefordert: Berichtspflicht festgelegt am 21.10.2026 (Version 6)'],
      ['offen ohne Frist', 'Projektgruppe Beta', 'Entfristen', 'ohne Frist', 'noch nicht umgesetzt'],
      ['zurückgenommen', 'Projektgruppe Alpha', 'Bericht anfordern: Zwischenbericht an IT-Planungsrat bis 30.06.2026', '30.06.2026', 'nicht umgesetzt'],
      ['erledigt', 'Projektgruppe Alpha', 'Verlängern bis 30.06.2027', 'ohne Frist', `Verlängert am 10.03.2026 (Version ${s.alphaExtendedVersion})`],
      ['erledigt', 'Projektgruppe Alpha', 'Einrichten bis 31.12.2026', 'ohne Frist', expect.stringMatching(/^Eingerichtet \(Beschluss\) am 15\.01\.2026 \(Version \d+\)$/)],
      ['erledigt', 'Projektgruppe Beta', 'Einrichten bis 31.12.2026', 'ohne Frist', expect.stringMatching(/^Eingerichtet \(Beschluss\) am 15\.01\.2026/)],
      ['erledigt', 'Arbeitsgruppe Gamma', 'Einrichten bis 31.12.2027', 'ohne Frist', expect.stringMatching(/^Eingerichtet \(Beschluss\) am 20\.02\.2025/)],
    ]);
    // The light is colour and words: a class for the colour, the state as text beside it.
    expect(page.text).toContain('<span class="light light--red"><span class="light__dot" aria-hidden="true"></span><span class="light__label">überfällig</span>');
    expect(page.text).toContain('<span class="light light--open"><span class="light__dot" aria-hidden="true"></span><span class="light__label">offen ohne Frist</span>');
    expect(page.text).toContain(`<a href="/gremien/${s.alpha}#version-${s.alphaExtendedVersion}">Verlängert am 10.03.2026`);
    expect(page.text).toContain('8 Wirkungen aus 5 Beschlüssen');
    expect(page.text).toContain('href="/api/decision-control.csv" id="csv-link"');
    expect(page.text).toMatch(/<a href="\/beschlusskontrolle" aria-current="page">Beschlusskontrolle<\/a>/);
  });

  test('the filters narrow by year, issuer and state, the heading names them, and the CSV link carries the same filters', async () => {
    const year = await t.http.get('/beschlusskontrolle?jahr=2025').expect(200);
    expect(decisionHeadings(year.text)).toEqual(['2025/10-AL']);
    const issuer = await t.http.get('/beschlusskontrolle?gremium=AL-Runde').expect(200);
    expect(decisionHeadings(issuer.text)).toEqual(['2025/10-AL']);
    const overdue = await t.http.get('/beschlusskontrolle?jahr=2026&gremium=IT-PLR&stand=overdue').expect(200);
    expect(effectRows(overdue.text).map((r) => [r[0], r[1]])).toEqual([['überfällig', 'Projektgruppe Beta']]);
    expect(overdue.text).toContain('Auswahl: Jahr 2026 · IT-PLR – IT-Planungsrat · Stand: überfällig');
    expect(overdue.text).toContain('<option value="overdue" selected>');
    const link = /href="([^"]+)" id="csv-link"/.exec(overdue.text)![1].replace(/&amp;/g, '&');
    expect(link).toBe('/api/decision-control.csv?year=2026&issuer=IT-PLR&state=overdue');
    const csv = await t.http.get(link).expect(200);
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^2026\/70;IT-PLR;2026-10-20;Zwischenberichte und Entfristung;Projektgruppe Beta;.*;überfällig;6;2026-10-21$/)]);
    const none = await t.http.get('/beschlusskontrolle?jahr=2024').expect(200);
    expect(none.text).toContain('Keine Wirkungen für diese Auswahl.');
  });

  test('a wrong filter value is a 400 in German naming the filter, and nothing else is shown', async () => {
    const wrong = await t.http.get('/beschlusskontrolle?stand=rot').expect(400);
    expect(wrong.text).toContain('stand:');
    expect(wrong.text).not.toContain('effect-row');
    // An issuer that is none is named by the page's own parameter, here and on the register's page.
    for (const url of ['/beschlusskontrolle?gremium=ITPLR', '/beschluesse?gremium=ITPLR']) {
      const unknown = await t.http.get(url).expect(400);
      expect(unknown.text).toContain('gremium: Unbekanntes beschließendes Gremium „ITPLR“; bekannt: IT-PLR, AL-Runde.');
    }
  });

  test('auditors and readers see the page without „Beschluss umsetzen“; a lead sees only its own bodies and no CSV link; the admin may not', async () => {
    for (const role of ['auditor', 'reader'] as const) {
      const user = await t.user(role);
      const page = await user.http.get('/beschlusskontrolle').expect(200);
      expect(effectRows(page.text)).toHaveLength(8);
      expect(page.text).not.toContain('action="/beschluesse/umsetzen"');
      expect(page.text).toContain('>Beschlusskontrolle</a>');
      await user.http.post('/beschluesse/umsetzen').type('form').send({ issuer: 'IT-PLR', number: '2026/70', effect: '2', body: s.beta }).expect(403);
    }
    const beta = (await t.http.get(`/api/bodies/${s.beta}`).expect(200)).body;
    const lead = await t.user('lead', { contactId: beta.contacts[0].id });
    const own = await lead.http.get('/beschlusskontrolle').expect(200);
    // Alpha and Beta share the example form's contact person; Gamma too: a lead of that contact sees all three.
    const titles = new Set(effectRows(own.text).map((r) => r[1]));
    const led = (await lead.http.get('/api/bodies').expect(200)).body.map((b: any) => b.title);
    expect([...titles].every((title) => led.includes(title))).toBe(true);
    expect(own.text).not.toContain('csv-link');
    const admin = await t.user('admin');
    await admin.http.get('/beschlusskontrolle').expect(403);
  });

  test('„Beschluss umsetzen“ on the page sends the effect once per form, lands on the body with a notice, and the row turns to done', async () => {
    const page = await t.http.get('/beschlusskontrolle?stand=open').expect(200);
    const form = /<form method="post" action="\/beschluesse\/umsetzen" class="inline">([\s\S]*?)<\/form>/.exec(page.text)![1];
    const fields = Object.fromEntries([...form.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(fields).toMatchObject({ issuer: 'IT-PLR', number: '2026/70', effect: '2', body: s.beta, idempotencyKey: expect.any(String) });
    const permanent = async () => ((await t.http.get(`/api/bodies/${s.beta}/history`).expect(200)).body.events as any[]).filter((e) => e.type === 'madePermanent');
    expect(await permanent()).toEqual([]);
    const first = await t.http.post('/beschluesse/umsetzen').type('form').send(fields).expect(303);
    const again = await t.http.post('/beschluesse/umsetzen').type('form').send(fields).expect(303);
    expect(again.headers.location).toBe(first.headers.location);
    expect(first.headers.location).toBe(`/gremien/${s.beta}?erfolg=umgesetzt&typ=madePermanent&beschluss=2026%2F70#history`);
    // The double post took effect once (the scheduler's due events of the body came first, in the same write).
    const events = await permanent();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: { role: 'secretariat' }, decision: { number: '2026/70', date: '2026-10-20' } });
    const body = await t.http.get(first.headers.location).expect(200);
    // Beta has lived on since the decision (its report request of 21.10.): the Entfristung is dated today, and the notice says so.
    expect(body.text).toContain('Beschluss 2026/70 umgesetzt: „Entfristet“ wurde erfasst (mit Datum 28.11.2026, der Beschluss ist vom 20.10.2026).');
    const done = effectRows((await t.http.get('/beschlusskontrolle?jahr=2026').expect(200)).text).find((r) => r[2] === 'Entfristen')!;
    expect(done[0]).toBe('erledigt');
    expect(done[4]).toMatch(/^Entfristet am 2[0-9]\.\d\d\.2026 \(Version \d+\)$/);
  });

  test('a refused „Beschluss umsetzen“ shows the reason on the body page and changes nothing', async () => {
    const before = (await t.http.get(`/api/bodies/${s.beta}/history`).expect(200)).body.events;
    const refused = await t.http.post('/beschluesse/umsetzen').type('form').send({ issuer: 'IT-PLR', number: '2026/70', effect: '2', body: s.beta }).expect(422);
    expect(refused.text).toContain('Beschluss 2026/70 wurde nicht umgesetzt:');
    expect(refused.text).toContain('bereits umgesetzt');
    expect((await t.http.get(`/api/bodies/${s.beta}/history`).expect(200)).body.events).toEqual(before);
  });

  test('the body page lists its open effects with „Beschluss umsetzen“, and an event form offers only the decisions whose effect fits this body and event', async () => {
    const page = (await t.http.get(`/gremien/${s.alpha}`).expect(200)).text;
    expect(page).toContain('<h2 id="open-decisions">Beschlüsse zur Umsetzung</h2>');
    expect(page).toMatch(/<strong>Beschluss 2026\/70<\/strong> \(IT-Planungsrat\) vom 20\.10\.2026: Bericht anfordern: Zwischenbericht an IT-Planungsrat bis 15\.12\.2026/);
    // The withdrawn 2026/50 is not offered.
    expect(page).not.toMatch(/<strong>Beschluss 2026\/50/);
    const options = (type: string) => {
      const select = new RegExp(`<select id="aktion-${type}-decision"[^>]*>([\\s\\S]*?)</select>`).exec(page)?.[1];
      if (select === undefined) throw new Error(`no decision field for ${type}: ${[...page.matchAll(/<select id="([^"]+)"/g)].map((m) => m[1]).join(', ')}`);
      return [...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    };
    expect(options('reportRequested')).toEqual(['', '2026/70']);
    expect(options('extended')).toEqual(['']);
    expect(options('dissolved')).toEqual(['']);
    expect(page).toContain(`href="/beschluesse?wirkung=extended&amp;fuer=${s.alpha}#record"`);
    const auditor = await t.user('auditor');
    const read = (await auditor.http.get(`/gremien/${s.alpha}`).expect(200)).text;
    expect(read).toContain('Beschlüsse zur Umsetzung');
    expect(read).not.toContain('action="/beschluesse/umsetzen"');
  });

  test('a decision recorded from an event form returns to that form with the decision chosen and its term filled in', async () => {
    const form = (await t.http.get(`/beschluesse?wirkung=extended&fuer=${s.alpha}`).expect(200)).text;
    expect(form).toMatch(new RegExp(`<option value="${s.alpha}" selected>Projektgruppe Alpha</option>`));
    expect(form).toContain('<option value="extended" selected>');
    expect(form).toContain(`<input type="hidden" name="zurueck" value="${s.alpha}">`);
    const recorded = await t.http
      .post('/beschluesse')
      .type('form')
      .send({ issuer: 'IT-PLR', number: '2026/80', date: '2026-11-26', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Weitere Verlängerung', effectBody: s.alpha, effectType: 'extended', effectUntil: '2027-12-31', zurueck: s.alpha })
      .expect(303);
    expect(recorded.headers.location).toBe(`/gremien/${s.alpha}?beschluss=2026%2F80&aktion=extended#aktion-extended-details`);
    const back = (await t.http.get(recorded.headers.location).expect(200)).text;
    expect(back).toContain('Beschluss 2026/80 wurde erfasst und ist im Formular „Verlängern (Beschluss)“ ausgewählt.');
    expect(back).toContain('<details class="action" id="aktion-extended-details" open>');
    expect(back).toMatch(/<option value="2026\/80" selected>2026\/80 vom 26\.11\.2026 – Verlängern bis 31\.12\.2027<\/option>/);
    expect(back).toMatch(/id="aktion-extended-approvedUntil-date"[^>]*value="2027-12-31"/);
    // A return address that is not a registered body is ignored.
    const elsewhere = await t.http
      .post('/beschluesse')
      .type('form')
      .send({ issuer: 'IT-PLR', number: '2026/81', date: '2026-11-26', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Ohne Rückweg', effectBody: s.alpha, effectType: 'extended', effectUntil: '2028-06-30', zurueck: 'https://example.org/' })
      .expect(303);
    expect(elsewhere.headers.location).toBe('/beschluesse?erfasst=2026%2F81#register');
  });

  test('a decision’s page shows its effects with their lights and its register events; the secretariat adds an effect with a reason, and a refused one changes nothing', async () => {
    const path = `/beschluesse/IT-PLR/${encodeURIComponent('2026/70')}`;
    const page = await t.http.get(path).expect(200);
    expect(page.text).toContain('<h1>Beschluss 2026/70</h1>');
    expect(effectRows(page.text).map((r) => [r[0], r[1]])).toEqual([
      ['bald fällig', 'Projektgruppe Alpha'],
      ['überfällig', 'Projektgruppe Beta'],
      ['erledigt', 'Projektgruppe Beta'],
    ]);
    expect(page.text).toContain('Beschluss erfasst');
    const register = (await t.http.get('/beschluesse').expect(200)).text;
    expect(register).toContain(`<a href="${path}">2026/70</a>`);

    const before = (await t.http.get(`/api/decisions/IT-PLR/${encodeURIComponent('2026/70')}/history`).expect(200)).body.events.length;
    const noReason = await t.http.post(`${path}/wirkungen`).type('form').send({ effectBody: s.gamma, effectType: 'extended', effectUntil: '2028-06-30' }).expect(400);
    expect(noReason.text).toMatch(/id="wirkung-ergaenzen-reason-error"[\s\S]*?Bitte ausfüllen\./);
    const wrongDate = await t.http.post(`${path}/wirkungen`).type('form').send({ effectBody: s.gamma, effectType: 'extended', effectUntil: '2028-02-30', reason: 'Ergänzt' }).expect(400);
    expect(wrongDate.text).toContain('id="wirkung-ergaenzen-effectUntil-error"');
    expect((await t.http.get(`/api/decisions/IT-PLR/${encodeURIComponent('2026/70')}/history`).expect(200)).body.events).toHaveLength(before);

    const added = await t.http.post(`${path}/wirkungen`).type('form').send({ effectBody: s.gamma, effectType: 'extended', effectUntil: '2028-06-30', reason: 'Im Protokoll übersehen' }).expect(303);
    expect(added.headers.location).toBe(`${path}?erfolg=wirkung#wirkungen`);
    const after = await t.http.get(added.headers.location).expect(200);
    expect(after.text).toContain('Die Wirkung wurde ergänzt.');
    expect(effectRows(after.text).at(-1)).toEqual(['offen ohne Frist', 'Arbeitsgruppe Gamma', 'Verlängern bis 30.06.2028', 'ohne Frist', 'noch nicht umgesetzt']);
    expect(after.text).toMatch(/Beschluss berichtigt<\/strong>: Im Protokoll übersehen/);
    const history = (await t.http.get(`/api/decisions/IT-PLR/${encodeURIComponent('2026/70')}/history`).expect(200)).body.events;
    expect(history.at(-1)).toMatchObject({ type: 'decisionAmended', data: { reason: 'Im Protokoll übersehen' } });
    expect(history.at(-1).data.changes.effects).toHaveLength(4);
  });

  test('the secretariat corrects a decision’s facts by form with a reason: only what differs is amended; without a reason, without a change or against what a citing event relies on nothing changes', async () => {
    await t.http.post('/api/decisions').send({ number: '2026/91', issuer: 'IT-PLR', date: '2026-11-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Tippfeher im Titel' }).expect(201);
    const path = `/beschluesse/IT-PLR/${encodeURIComponent('2026/91')}`;
    const historyOf = async (number: string) => (await t.http.get(`/api/decisions/IT-PLR/${encodeURIComponent(number)}/history`).expect(200)).body.events;
    const page = (await t.http.get(path).expect(200)).text;
    expect(page).toMatch(/<form id="angaben-berichtigen"[\s\S]*?Tippfeher im Titel<\/textarea>/);
    const facts = { title: 'Tippfehler im Titel', date: '2026-11-20', procedure: 'Umlaufverfahren', session: '', type: 'Beschluss' };

    const noReason = await t.http.post(`${path}/angaben`).type('form').send(facts).expect(400);
    expect(noReason.text).toContain('id="angaben-berichtigen-reason-error"');
    const unchanged = await t.http.post(`${path}/angaben`).type('form').send({ ...facts, title: 'Tippfeher im Titel', reason: 'Nichts' }).expect(400);
    expect(unchanged.text).toContain('es gibt nichts zu ändern');
    const future = await t.http.post(`${path}/angaben`).type('form').send({ ...facts, date: '2026-12-24', reason: 'Datum' }).expect(400);
    expect(future.text).toContain('id="angaben-berichtigen-date-error"');
    expect(await historyOf('2026/91')).toHaveLength(1);

    const corrected = await t.http.post(`${path}/angaben`).type('form').send({ ...facts, reason: 'Tippfehler' }).expect(303);
    expect(corrected.headers.location).toBe(`${path}?erfolg=berichtigt`);
    const after = (await t.http.get(corrected.headers.location).expect(200)).text;
    expect(after).toContain('Die Angaben des Beschlusses wurden berichtigt.');
    expect(after).toContain('<dt>Titel</dt><dd>Tippfehler im Titel</dd>');
    expect((await historyOf('2026/91')).at(-1)).toMatchObject({ type: 'decisionAmended', data: { changes: { title: 'Tippfehler im Titel' }, reason: 'Tippfehler' } });

    // 2026/70 is cited: its date is what the citing events recorded.
    const cited = `/beschluesse/IT-PLR/${encodeURIComponent('2026/70')}`;
    const decision = (await t.http.get(`/api/decisions/IT-PLR/${encodeURIComponent('2026/70')}`).expect(200)).body;
    const before = (await historyOf('2026/70')).length;
    const relied = await t.http
      .post(`${cited}/angaben`)
      .type('form')
      .send({ title: decision.title, date: '2026-01-02', procedure: decision.procedure, session: decision.session ?? '', type: decision.type, reason: 'Datum falsch' })
      .expect(422);
    expect(relied.text).toContain('wird bereits zitiert');
    expect(await historyOf('2026/70')).toHaveLength(before);
  });

  test('a decision is withdrawn by form only with a reason; a withdrawn one offers no forms; readers see no register events, auditors no forms; an unknown decision is a 404', async () => {
    await t.http.post('/api/decisions').send({ number: '2026/90', issuer: 'IT-PLR', date: '2026-11-27', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Irrtümlich erfasst' }).expect(201);
    const path = `/beschluesse/IT-PLR/${encodeURIComponent('2026/90')}`;
    const noReason = await t.http.post(`${path}/zuruecknahme`).type('form').send({ reason: '' }).expect(400);
    expect(noReason.text).toContain('id="zuruecknehmen-reason-error"');
    const withdrawn = await t.http.post(`${path}/zuruecknahme`).type('form').send({ reason: 'Doppelt erfasst' }).expect(303);
    const page = (await t.http.get(withdrawn.headers.location).expect(200)).text;
    expect(page).toContain('Der Beschluss wurde zurückgenommen.');
    expect(page).toContain('Zurückgenommen am 28.11.2026: Doppelt erfasst.');
    expect(page).not.toContain('id="wirkung-ergaenzen"');
    expect(page).not.toContain('id="zuruecknehmen"');
    expect(page).not.toContain('id="angaben-berichtigen"');

    const auditor = await t.user('auditor');
    const audited = (await auditor.http.get(`/beschluesse/IT-PLR/${encodeURIComponent('2026/70')}`).expect(200)).text;
    expect(audited).toContain('Verlauf im Register');
    expect(audited).not.toContain('<form id="wirkung-ergaenzen"');
    expect(audited).not.toContain('<form id="angaben-berichtigen"');
    await auditor.http.post(`/beschluesse/IT-PLR/${encodeURIComponent('2026/70')}/zuruecknahme`).type('form').send({ reason: 'x' }).expect(403);
    const reader = await t.user('reader');
    const read = (await reader.http.get(`/beschluesse/IT-PLR/${encodeURIComponent('2026/70')}`).expect(200)).text;
    expect(read).not.toContain('Verlauf im Register');
    await t.http.get(`/beschluesse/IT-PLR/${encodeURIComponent('2026/99')}`).expect(404);
  });
});
