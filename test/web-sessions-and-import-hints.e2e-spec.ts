/**
 * The web says what the API says. The Sitzungskalender on the Fristen page tells, after the
 * redirect, the warning the API answers for a day that is no working day (re-derived from the
 * session's day), names the day a moved session had before, and lists its earlier days
 * („früher“). The preview of „Registrierungsformular übernehmen“ tells already that „Registriert
 * am“ after the decision's day keeps the decision from being applied, while the draft is taken over.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const SEED = readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
const TITLE = 'Weiterentwicklung Struktur OZG Föderal';
/** The example form under another title, its decision dated in the field „Ergebnis“ when `dated` is given. */
const formOf = (title: string, dated?: string) =>
  SEED.replace(TITLE, title).replace('Beschluss 2024/09', dated ? `Beschluss 2024/09 vom ${dated}` : 'Beschluss 2024/09');

/** The row of the sessions table for one session, from its number on. */
const sessionRow = (page: string, number: number) =>
  new RegExp(`data-label="Sitzung">${number}\\. Sitzung</th><td data-label="Datum">([^<]*)</td><td data-label="früher">([^<]*)</td>`).exec(page)?.slice(1);

describe('the web sessions calendar tells what the API answers', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
  });
  afterEach(() => t.close());

  const enter = (number: number, date: string) => t.http.post('/fristen/sitzungen').type('form').send({ issuer: 'IT-PLR', number: String(number), date }).expect(303);
  const pageAfter = async (posted: { headers: Record<string, string> }) => (await t.http.get(posted.headers.location).expect(200)).text;

  it('a session entered on a Saturday is entered, with the API’s warning after the redirect, and none in the address', async () => {
    const api = (await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 44, date: '2027-03-06' }).expect(201)).body as { warnings: string[] };
    expect(api.warnings).toEqual(['Der 06.03.2027 ist kein Arbeitstag (Samstag); bitte prüfen, ob die Sitzung an diesem Tag stattfindet.']);

    const entered = await enter(45, '2027-03-13');
    expect(entered.headers.location).toBe(`/fristen?sitzung=${encodeURIComponent('IT-PLR/45')}#sitzungen`);
    const page = await pageAfter(entered);
    expect(page).toContain('45. Sitzung (IT-PLR) am 13.03.2027 eingetragen;');
    expect(page).toContain('<p class="hint">Hinweis: Der 13.03.2027 ist kein Arbeitstag (Samstag); bitte prüfen, ob die Sitzung an diesem Tag stattfindet.</p>');
    expect(page).toContain(`Hinweis: ${api.warnings[0].replace('06.03.2027', '13.03.2027')}`);
    expect(sessionRow(page, 45)).toEqual(['13.03.2027', '–']);
  });

  it('a session entered on a working day has no warning', async () => {
    const page = await pageAfter(await enter(45, '2027-03-18'));
    expect(page).toContain('45. Sitzung (IT-PLR) am 18.03.2027 eingetragen;');
    expect(page).not.toContain('kein Arbeitstag');
  });

  it('a moved session names the day it had before, and the table lists its earlier days', async () => {
    await enter(46, '2027-06-19');
    const moved = await enter(46, '2027-06-17');
    expect(moved.headers.location).toContain('&verlegt=1#sitzungen');
    const page = await pageAfter(moved);
    expect(page).toContain('46. Sitzung (IT-PLR) verlegt vom 19.06.2027 auf den 17.06.2027; die Fristen, die sich auf sie beziehen und noch nicht fällig waren, richten sich danach.');
    expect(page).not.toContain('kein Arbeitstag');
    expect(page).toContain('<th scope="col">früher</th>');
    expect(sessionRow(page, 46)).toEqual(['17.06.2027', '19.06.2027']);

    const again = await pageAfter(await enter(46, '2027-06-16'));
    expect(again).toContain('46. Sitzung (IT-PLR) verlegt vom 17.06.2027 auf den 16.06.2027;');
    expect(sessionRow(again, 46)).toEqual(['16.06.2027', '19.06.2027, 17.06.2027']);
    // As GET /api/sessions has them, oldest first.
    const listed = (await t.http.get('/api/sessions').expect(200)).body as Array<{ earlierDates: Array<{ date: string }> }>;
    expect(listed[0].earlierDates.map((e) => e.date)).toEqual(['2027-06-19', '2027-06-17']);
  });
});

describe('the import preview tells that „Registriert am“ after the decision keeps it from being applied', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
  });
  afterEach(() => t.close());

  const post = (fields: Record<string, string>) => t.http.post('/gremien/formular').type('form').send(fields);
  const bodies = async () => ((await t.http.get('/api/bodies').expect(200)).body as unknown[]).length;
  const hintOf = (page: string) => /<p class="hint" id="mit-beschluss-registriert-am">Hinweis: ([^<]*)<\/p>/.exec(page)?.[1] ?? null;
  const REFUSAL = 'Die Registrierung (20.06.2024) kann nicht nach dem Beschluss (12.06.2024) liegen';

  it('„Prüfen“ says it at the decision, still offers both ways, and the draft is taken over with that day', async () => {
    const text = formOf('Cloud-Strategie Föderal', '12.06.2024');
    const preview = await post({ formular: text, registeredAt: '2024-06-20', schritt: 'pruefen' }).expect(200);
    expect(hintOf(preview.text)).toBe(
      `${REFUSAL}: so wird „Übernehmen und Beschluss anwenden“ abgelehnt. Bitte „Registriert am“ leeren oder berichtigen und erneut prüfen; „Als Entwurf übernehmen“ geht auch so.`,
    );
    expect(preview.text.indexOf('id="mit-beschluss-registriert-am"')).toBeGreaterThan(preview.text.indexOf('id="mit-beschluss"'));
    expect(preview.text).toContain('value="uebernehmen">Als Entwurf übernehmen</button>');
    expect(preview.text).toContain('Übernehmen und Beschluss anwenden');
    expect(await bodies()).toBe(0);

    // What the hint foretells: applying is refused as before, and nothing is registered.
    const applied = await post({ formular: text, registeredAt: '2024-06-20', schritt: 'anwenden', procedure: 'Umlaufverfahren' });
    expect(applied.status).toBeGreaterThanOrEqual(400);
    expect(applied.text).toContain(`${REFUSAL}.`);
    expect(hintOf(applied.text)).toBeNull();
    expect(await bodies()).toBe(0);

    await post({ formular: text, registeredAt: '2024-06-20', schritt: 'uebernehmen' }).expect(303);
    expect(await bodies()).toBe(1);
  });

  it('takes the decision’s day from the register when it is recorded there', async () => {
    await t.http
      .post('/api/decisions')
      .send({ number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-12', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung' })
      .expect(201);
    const preview = await post({ formular: formOf('Datenschutz Föderal'), registeredAt: '2024-06-20', schritt: 'pruefen' }).expect(200);
    expect(hintOf(preview.text)).toContain(`${REFUSAL}:`);
  });

  it('has no objection to a day up to the decision’s, nor without „Registriert am“', async () => {
    const text = formOf('Open Data Föderal', '12.06.2024');
    expect(hintOf((await post({ formular: text, registeredAt: '2024-06-12', schritt: 'pruefen' }).expect(200)).text)).toBeNull();
    expect(hintOf((await post({ formular: text, registeredAt: '', schritt: 'pruefen' }).expect(200)).text)).toBeNull();
  });

  it('with the decision’s day still to be given, says what it has to be', async () => {
    const preview = await post({ formular: formOf('Open Source Föderal'), registeredAt: '2024-06-20', schritt: 'pruefen' }).expect(200);
    expect(hintOf(preview.text)).toBe('Der Beschluss kann nicht vor dem Tag liegen, der unter „Registriert am“ steht (20.06.2024).');
    expect(preview.text).toContain('name="decisionDate"');
  });
});
