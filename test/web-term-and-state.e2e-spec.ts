/**
 * How the web pages tell a body's term and state: „Befristet bis“ is the end the decisions
 * approved, also after the body's life has ended, with the day it ended told apart („Beendet am“)
 * on the body's page, in the Übersicht and on the Prüfung page; a state label never nests
 * brackets.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, type TestApp } from './support/test-app';

/** A page's text without tags, whitespace folded. */
const textOf = (html: string) => html.replace(/<(script|style)[\s\S]*?<\/\1>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

/** Brackets within brackets: `Aktiv (Dauerhaft eingerichtet (entfristet), …)`. */
const NESTED = /\([^()]*\(/;

describe('the term and the state of a body on the web pages', () => {
  let t: TestApp;
  let dissolved: string;
  let permanent: string;

  /** Given „AG Beendet“ approved until 31.12.2026 and dissolved on 15.06.2026, and „AG Dauerhaft“ approved for good and started. */
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
    const register = async (title: string) =>
      (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, parent: 'IT-PLR', start: '2026-02-02', expectedEnd: null, reports: [], registeredAt: '2026-01-05' }).expect(201)).body.id as string;
    dissolved = await register('AG Beendet');
    permanent = await register('AG Dauerhaft');
    for (const id of [dissolved, permanent]) await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({
        number: '2026/10',
        issuer: 'IT-PLR',
        date: '2026-01-20',
        procedure: 'Umlaufverfahren',
        type: 'Beschluss',
        title: 'Einrichtung',
        effects: [
          { body: dissolved, effect: 'approved', data: { approvedUntil: '2026-12-31' } },
          { body: permanent, effect: 'approved', data: { permanent: true } },
        ],
      })
      .expect(201);
    await t.http.post(`/api/decisions/IT-PLR/${encodeURIComponent('2026/10')}/apply`).send({ body: dissolved }).expect(200);
    await t.http.post(`/api/decisions/IT-PLR/${encodeURIComponent('2026/10')}/apply`).send({ body: permanent }).expect(200);
    await t.http.post(`/api/bodies/${permanent}/events`).send({ type: 'started', occurredAt: '2026-02-02' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/30', issuer: 'IT-PLR', date: '2026-06-15', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Auflösung', effects: [{ body: dissolved, effect: 'dissolved', data: {} }] })
      .expect(201);
    await t.http.post(`/api/decisions/IT-PLR/${encodeURIComponent('2026/30')}/apply`).send({}).expect(200);
  }, 60_000);
  afterAll(() => t.close());

  test('an ended body shows „Befristet bis“ as approved and „Beendet am“ apart, on its page, in the Übersicht and on the Prüfung page', async () => {
    const page = textOf((await t.http.get(`/gremien/${dissolved}`).expect(200)).text);
    expect(page).toContain('Befristet bis: 31.12.2026 Beendet am: 15.06.2026');
    expect(page).not.toContain('Befristet bis: beendet');

    const overview = (await t.http.get('/').expect(200)).text;
    const row = textOf(/<tr>(?:(?!<\/tr>)[\s\S])*AG Beendet[\s\S]*?<\/tr>/.exec(overview)![0]);
    expect(row).toMatch(/31\.12\.2026 beendet am 15\.06\.2026 $/);

    const auditor = await t.user('auditor');
    const audit = (await auditor.http.get(`/pruefung?gremium=${dissolved}&stichtag=2026-07-01`).expect(200)).text;
    expect(audit).toContain('<dt>Befristet bis</dt><dd>31.12.2026</dd>');
    expect(audit).toContain('<dt>Beendet am</dt><dd>15.06.2026</dd>');
  });

  test('a body still alive has no „Beendet am“', async () => {
    expect(textOf((await t.http.get(`/gremien/${permanent}`).expect(200)).text)).not.toContain('Beendet am');
  });

  test('a permanent body’s state reads without brackets in brackets, on its page and in the Übersicht', async () => {
    const page = (await t.http.get(`/gremien/${permanent}`).expect(200)).text;
    const state = textOf(/<strong id="current-state">([\s\S]*?)<\/strong>/.exec(page)![1]).trim();
    expect(state).toMatch(/^Aktiv \(Dauerhaft eingerichtet, /);
    expect(state).not.toMatch(NESTED);
    const overview = (await t.http.get('/').expect(200)).text;
    const row = textOf(/<tr>(?:(?!<\/tr>)[\s\S])*AG Dauerhaft[\s\S]*?<\/tr>/.exec(overview)![0]);
    expect(row).toContain('Aktiv (Dauerhaft eingerichtet, ');
    expect(row).not.toMatch(NESTED);
  });
});
