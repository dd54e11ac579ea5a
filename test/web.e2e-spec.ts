/**
 * The web UI without a browser: the forms against the event schemas, the diagram against the
 * machine, the traffic light, and the pages over HTTP (sign-in, roles, errors in German).
 * The browser suite (web-browser.e2e-spec.ts) walks the same pages in Chromium.
 */
import { COMMAND_EVENT_TYPES, PROFILE_LABELS, bodyMachine, eventDataSchemas, type BodyContext, type BodyEventType } from '../machines';
import type { AnyStateNode } from 'xstate';
import type { DeadlineView } from '../src/deadlines/deadlines.service';
import { eventData, eventFormItems, type EventFormContext } from '../src/web/event-forms';
import type { FormItem } from '../src/web/forms';
import { diagramEdges, machineTransitions, stateDiagramSvg } from '../src/web/state-diagram';
import { trafficLight } from '../src/web/web.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { DEFAULT_AUTH } from '../config/configuration';
import request from 'supertest';
import { FirstAccountSetup } from '../src/auth/first-account';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { startTestApp, type TestApp } from './support/test-app';
import { bodyPagePath } from '../src/common/links';
import { renderBody } from '../src/cli/commands/show';

const names = (items: FormItem[]): string[] => items.flatMap((i) => (i.type === 'group' ? names(i.items) : [i.name]));
const topKey = (name: string) => name.split(/[.[]/)[0];

/** Form fields that stand for schema keys under another name. */
const ALIASES: Record<string, string[]> = { term: ['approvedUntil', 'permanent'] };
/** Form fields that are no schema key: inline contacts become `contactIds` in the write path. */
const INLINE: Record<string, string> = { contacts: 'contactIds' };
/** Schema keys a form leaves alone on purpose, and why. */
const NOT_ASKED: Partial<Record<BodyEventType, string[]>> = {
  // A revision keeps the contact persons; they change with „Federführung geändert“.
  revised: ['contactIds', 'predecessors'],
  // The form takes the change (added, removed); the full-replace form is for the API.
  leadsChanged: ['leads'],
  participantsChanged: ['participants'],
};
/** Fields every form has besides the event's data. */
const ENVELOPE = new Set(['decision', 'occurredAt']);

const context = {
  profile: { ...EXAMPLE_REGISTRATION, shortName: null, contactIds: [], expectedEnd: '2024-12-31' },
  approvedUntil: '2025-03-31',
  obligations: [{ id: 'r1', kind: 'Zwischenbericht', addressee: 'IT-PLR', state: 'submitted', title: null, due: { kind: 'month', month: '2024-11' } }],
} as unknown as BodyContext;

const formContext: EventFormContext = {
  context,
  decisions: [{ value: '2024/09-AL', label: '2024/09-AL' }],
  bodies: [],
  issuers: [{ value: 'IT-PLR', label: 'IT-PLR' }],
  contacts: [],
  today: '2026-11-28',
  // The secretariat's forms for a body on the newest statechart version.
  received: true,
};

describe('Web forms and pictures from the machine', () => {
  const types: BodyEventType[] = [...COMMAND_EVENT_TYPES];

  it.each(types)('the form of „%s“ asks for every field of its schema and nothing else', (type) => {
    const asked = new Set(names(eventFormItems(type, formContext)).map(topKey).map((key) => INLINE[key] ?? key).flatMap((key) => ALIASES[key] ?? [key]));
    const shape = Object.keys((eventDataSchemas[type] as unknown as { shape: object }).shape);
    const missing = shape.filter((key) => !asked.has(key) && !(NOT_ASKED[type] ?? []).includes(key));
    const extra = [...asked].filter((key) => !shape.includes(key) && !ENVELOPE.has(key));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  });

  it('filled forms become data the event schemas accept', () => {
    const filled: Array<[BodyEventType, Record<string, string>]> = [
      ['approved', { term: 'until', approvedUntil: '2025-03-31', 'reports[0].kind': 'Zwischenbericht', 'reports[0].addressee': 'IT-PLR', 'reports[0].due.kind': 'month', 'reports[0].due.month': '2024-11' }],
      ['approved', { term: 'permanent', approvedUntil: '2025-03-31' }],
      ['extended', { approvedUntil: '2026-03-31', note: 'laut Beschluss' }],
      ['reportRequested', { kind: 'Jahresbericht', addressee: 'IT-PLR', 'due.kind': 'session', 'due.issuer': 'IT-PLR', 'due.session': '45' }],
      ['closureInitiated', { 'finalReportDue.kind': 'date', 'finalReportDue.date': '2025-02-28', reason: 'Auftrag erfüllt' }],
      ['reportRescheduled', { obligationId: 'r1', 'due.kind': 'month', 'due.month': '2025-09', reason: 'Laufzeit verlängert' }],
      ['reportWaived', { obligationId: 'r1', reason: 'Ergebnisse gehen in den Abschlussbericht ein' }],
      ['reportSeriesEnded', { obligationId: 'r1', from: '2026-01-01', reason: 'Jahresbericht nicht mehr erforderlich' }],
      ['extensionDeclined', { reason: 'Auftrag erfüllt' }],
      ['closed', { noSuccessorReason: 'Aufgabe erledigt' }],
      ['transferred', { 'successor.name': 'AG Föderale Zusammenarbeit' }],
      ['leadsChanged', { added: 'Hessen\r\nBayern\r\n' }],
      ['participantsChanged', { added: 'Berlin', removed: 'Hessen' }],
      ['reclassified', { kind: 'Arbeitsgruppe', parent: 'AL-Runde' }],
      ['extended', { 'approvedUntil.precision': 'month', 'approvedUntil.month': '2027-07' }],
      ['revised', { ...Object.fromEntries(Object.entries({ title: 'Neuer Titel' })) }],
    ];
    for (const [type, values] of filled) {
      const base = type === 'revised' ? { ...revisedBase(), ...values } : values;
      const result = eventDataSchemas[type].safeParse(eventData(type, base, context));
      expect({ type, issues: result.error?.issues ?? [] }).toEqual({ type, issues: [] });
    }
    expect(eventData('leadsChanged', { added: 'Hessen\r\nBayern\r\n', 'contacts[0].name': 'Dana Beispiel' }, context)).toEqual({
      added: ['Hessen', 'Bayern'],
      removed: [],
      removedContactIds: [],
      contacts: [{ name: 'Dana Beispiel' }],
    });
    expect(eventData('extended', { 'approvedUntil.precision': 'month', 'approvedUntil.month': '2027-07' }, context)).toEqual({ approvedUntil: { month: '2027-07' } });
    expect(eventData('revised', { ...revisedBase(), title: 'Neuer Titel' }, context)).toEqual({ title: 'Neuer Titel' });
  });

  it('the state diagram draws every state of the machine and every transition between states, one edge per pair of states', () => {
    const svg = stateDiagramSvg({ current: ['active', 'active.term', 'active.term.expired'], visited: ['draft', 'submitted', 'established'] });
    const paths: string[] = [];
    const walk = (node: AnyStateNode) => {
      for (const child of Object.values(node.states) as AnyStateNode[]) {
        paths.push(child.path.join('.'));
        walk(child);
      }
    };
    walk(bodyMachine.root);
    for (const path of paths) expect(svg).toContain(`data-state="${path}"`);
    const between = machineTransitions().filter((t) => t.target && t.target !== t.source);
    // One edge per pair of states (and kind): each transition between states is on one of them.
    const drawn = diagramEdges(between);
    expect(new Set(between.map((t) => `${t.source} ${t.target} ${t.automatic}`)).size).toBe(drawn.length);
    expect(svg.match(/<g class="transition[ "]/g)?.length).toBe(drawn.length);
    for (const t of between) {
      const edge = drawn.find((e) => e.source === t.source && e.target === t.target && e.automatic === t.automatic);
      expect(edge?.label.split(' / ')).toContain(t.label);
    }
    expect(drawn.find((e) => e.source === 'active.term.running' && e.target === 'active.term.expired')?.label).toBe('Laufzeit abgelaufen / Verlängert');
    expect(svg).toMatch(/class="state current" data-state="active.term.expired"/);
    expect(svg).toMatch(/class="state visited" data-state="submitted"/);
    expect(svg).toMatch(/class="state pending" data-state="closed"/);
    expect(svg).toContain('Aktueller Zustand: Laufzeit abgelaufen');
  });

  it('the traffic light: red when overdue or expired, yellow within 30 days, green otherwise, none once ended', () => {
    const deadline = (effectiveDate: string, overdue = false) => ({ label: 'Zwischenbericht an IT-Planungsrat', effectiveDate, overdue, status: 'open' }) as DeadlineView;
    const active = { statePaths: ['active', 'active.term', 'active.term.running'], approvedUntil: '2027-03-31', permanent: false };
    const today = '2026-11-28';
    expect(trafficLight(active, [], today)).toEqual({ level: 'green', text: 'Im Plan' });
    expect(trafficLight(active, [deadline('2026-12-28')], today)).toEqual({ level: 'yellow', text: 'Zwischenbericht an IT-Planungsrat in 30 Tagen' });
    expect(trafficLight(active, [deadline('2026-12-29')], today).level).toBe('green');
    expect(trafficLight(active, [deadline('2026-11-01', true)], today)).toEqual({ level: 'red', text: 'Frist überschritten: Zwischenbericht an IT-Planungsrat' });
    expect(trafficLight({ ...active, statePaths: ['active', 'active.term', 'active.term.expired'] }, [], today).level).toBe('red');
    expect(trafficLight({ ...active, approvedUntil: '2026-11-27' }, [], today).level).toBe('red');
    expect(trafficLight({ ...active, approvedUntil: '2026-12-10' }, [], today)).toEqual({ level: 'yellow', text: 'Laufzeit endet in 12 Tagen' });
    expect(trafficLight({ statePaths: ['closed'], approvedUntil: '2020-01-01', permanent: false }, [], today).level).toBe('ended');
  });
});

function revisedBase(): Record<string, string> {
  const p = context.profile;
  return {
    title: p.title,
    shortName: '',
    kind: p.kind,
    parent: p.parent,
    focusTopic: p.focusTopic,
    leads: p.leads.join('\n'),
    participants: p.participants.join('\n'),
    start: p.start,
    'expectedEnd.precision': 'day',
    'expectedEnd.date': p.expectedEnd as string,
    objective: p.objective,
    goals: p.goals.join('\n'),
    fmkRelation: p.fmkRelation,
    reportingPlan: p.reportingPlan,
    resources: p.resources,
  };
}

describe('Web pages over HTTP', () => {
  let t: TestApp;
  let seedId: string;
  let otherId: string;

  beforeAll(async () => {
    t = await startTestApp({ config: { seedExample: true } });
    const list = await t.http.get('/api/bodies').expect(200);
    seedId = list.body[0].id;
    const other = await t.http
      .post('/api/bodies')
      .send({ title: 'Arbeitsgruppe Datennutzung', kind: 'Arbeitsgruppe', parent: 'IT-PLR', focusTopic: 'Datennutzung', leads: ['Bayern'], start: '2025-01-01' })
      .expect(201);
    otherId = other.body.id;
  });

  afterAll(() => t?.close());

  it('GET / without a session leads to the German login page and back', async () => {
    const res = await t.anonymous.get('/fristen').expect(303);
    expect(res.headers.location).toBe('/anmelden?weiter=%2Ffristen');
    const login = await t.anonymous.get('/anmelden?weiter=%2Ffristen').expect(200);
    expect(login.text).toContain('<html lang="de">');
    expect(login.text).toContain('name="weiter" value="/fristen"');
  });

  it('POST /anmelden with a wrong password answers 401 in German; a right one sets the session cookie and goes back', async () => {
    await t.user('secretariat', { username: 'web-sek', password: 'ein-richtig-langes-passwort' });
    const wrong = await t.anonymous.post('/anmelden').type('form').send({ username: 'web-sek', password: 'falsch-falsch-falsch', weiter: '/fristen' }).expect(401);
    expect(wrong.text).toContain('Benutzername oder Passwort ist falsch.');
    const right = await t.anonymous.post('/anmelden').type('form').send({ username: 'web-sek', password: 'ein-richtig-langes-passwort', weiter: '//evil.example/' }).expect(303);
    expect(right.headers.location).toBe('/');
    expect(String(right.headers['set-cookie'])).toMatch(/gremienlauf_session=.+HttpOnly/i);
  });

  it('Fristen: a signed-in reader creates a calendar subscription, sees its URL once, and revokes it', async () => {
    await t.user('reader', { username: 'web-abo', password: 'ein-richtig-langes-passwort' });
    const session = String((await t.anonymous.post('/anmelden').type('form').send({ username: 'web-abo', password: 'ein-richtig-langes-passwort' })).headers['set-cookie']).split(';')[0];
    const created = await t.anonymous.post('/fristen/abonnements').set('Cookie', session).type('form').send({ bezeichnung: 'Thunderbird' }).expect(201);
    const url = /value="([^"]*\/feeds\/glc_[^"]+\.ics)"/.exec(created.text)?.[1];
    expect(url).toBeDefined();
    expect(created.text).toContain('Diese Adresse wird nur jetzt angezeigt.');
    await t.anonymous.get(new URL(url!).pathname).expect(200);
    const page = await t.anonymous.get('/fristen').set('Cookie', session).expect(200);
    expect(page.text).toContain('Thunderbird');
    expect(page.text).not.toContain(url);
    const id = /action="\/fristen\/abonnements\/([0-9a-f-]+)\/widerrufen"/.exec(page.text)?.[1];
    const revoked = await t.anonymous.post(`/fristen/abonnements/${id}/widerrufen`).set('Cookie', session).type('form').send({}).expect(303);
    expect(revoked.headers.location).toBe('/fristen?widerrufen=1#abonnements');
    await t.anonymous.get(new URL(url!).pathname).expect(404);
  });

  it('after signing in only a path of this site is a way back: tricks that browsers read as another host lead to /', async () => {
    await t.user('secretariat', { username: 'web-weiter', password: 'ein-richtig-langes-passwort' });
    const tricks = ['/\t/evil.example', '/\n/evil.example', '/\\evil.example', '//evil.example', '/.//evil.example', 'https://evil.example/'];
    for (const weiter of tricks) {
      const right = await t.anonymous.post('/anmelden').type('form').send({ username: 'web-weiter', password: 'ein-richtig-langes-passwort', weiter }).expect(303);
      expect({ weiter, location: right.headers.location }).toEqual({ weiter, location: '/' });
    }
    // A NUL never gets past the door (I-JSON): 400.
    await t.anonymous.post('/anmelden').type('form').send({ username: 'web-weiter', password: 'ein-richtig-langes-passwort', weiter: '/\u0000x' }).expect(400);
    const login = await t.anonymous.get('/anmelden?weiter=%2F%09%2Fevil.example').expect(200);
    expect(login.text).toContain('name="weiter" value="/"');
    const session = String((await t.anonymous.post('/anmelden').type('form').send({ username: 'web-weiter', password: 'ein-richtig-langes-passwort' })).headers['set-cookie']).split(';')[0];
    const signedIn = await t.anonymous.get('/anmelden?weiter=%2F%09%2Fevil.example').set('Cookie', session).expect(303);
    expect(signedIn.headers.location).toBe('/');
    const fine = await t.anonymous.get('/anmelden?weiter=%2Ffristen%3Fq%3Dx').set('Cookie', session).expect(303);
    expect(fine.headers.location).toBe('/fristen?q=x');
  }, 60_000);

  it('the link that reminders and calendar entries carry for a body opens its Gremium page', async () => {
    const page = await t.http.get(bodyPagePath(otherId)).expect(200);
    expect(page.text).toContain('<h1>Arbeitsgruppe Datennutzung</h1>');
  });

  it('the Übersicht lists every body with state, Federführung and traffic light', async () => {
    const res = await t.http.get('/').expect(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('Weiterentwicklung Struktur OZG Föderal');
    expect(res.text).toContain('Arbeitsgruppe Datennutzung');
    expect(res.text).toContain('Hessen, Bremen, Bund (BMI)');
    expect(res.text).toMatch(/light--green[\s\S]*Grün:/);
    const filtered = await t.http.get('/?q=datennutzung').expect(200);
    expect(filtered.text).not.toContain('Weiterentwicklung Struktur OZG Föderal');
    expect(filtered.text).toContain('1 von 2 Gremien');
  });

  it('the Übersicht puts the most urgent first: the seed with its expired term above a draft that sorts before it by title', async () => {
    const res = await t.http.get('/').expect(200);
    expect(res.text).toContain('Alle registrierten Gremien');
    expect(res.text.indexOf('Weiterentwicklung Struktur OZG Föderal')).toBeLessThan(res.text.indexOf('Arbeitsgruppe Datennutzung'));
  });

  it('the Gremium page names the scheduler by what it is, an expired term „abgelaufen“ and each report kind once', async () => {
    // The scheduler catches up to the frozen today: started, report due and overdue, term expired.
    await t.app.get(SchedulerService).sweep();
    const page = await t.http.get(`/gremien/${seedId}`).expect(200);
    expect(page.text).toContain('<dd>Fristenüberwachung (System)</dd>');
    expect(page.text).not.toContain('system:scheduler');
    expect(page.text).toMatch(/Ende der Laufzeit \(befristet bis\)<\/th><td[^>]*>[^<]+<\/td><td data-label="Stand">abgelaufen<\/td>/);
    expect(page.text).toContain('<th scope="row" data-label="Bericht">Zwischenbericht</th>');
    expect(page.text).not.toContain('Zwischenbericht (Zwischenbericht)');
  });

  it('the Gremium page names the registration\'s fields as the form and the CLI do (Zielstellung, Planung und Berichte, …)', async () => {
    const page = await t.http.get(`/gremien/${seedId}`).expect(200);
    const terms = [...page.text.matchAll(/<dt>([^<]+)<\/dt>/g)].map((m) => m[1]);
    const shown = renderBody({ ...(await t.http.get(`/api/bodies/${seedId}`).expect(200)).body, contacts: [] });
    for (const key of ['kind', 'permanent', 'parent', 'objective', 'fmkRelation', 'reportingPlan', 'participants'] as const) {
      expect(terms).toContain(PROFILE_LABELS[key]);
      expect(shown).toMatch(new RegExp(`^${PROFILE_LABELS[key]}:`, 'm'));
    }
    expect(terms).toEqual(expect.arrayContaining(['Art des Formates', 'Zielstellung', 'Fachministerkonferenzen', 'Planung und Berichte']));
  });

  it('the API offers people no scheduler events, and a report event without an obligation names the ones that fit', async () => {
    const body = await t.http.get(`/api/bodies/${seedId}`).expect(200);
    const offered = body.body.allowedEvents.map((e: { type: string }) => e.type);
    expect(offered).toContain('reportSubmitted');
    expect(offered.filter((type: string) => ['reportDue', 'reportOverdue', 'termExpiring', 'termExpired'].includes(type))).toEqual([]);
    const missing = await t.http.post(`/api/bodies/${seedId}/events`).send({ type: 'reportSubmitted' }).expect(400);
    expect(missing.body.details).toEqual([{ path: 'data.obligationId', message: 'Es fehlt die Berichtspflicht (obligationId). In Frage kommt: r1 (Zwischenbericht, überfällig).' }]);
    const history = await t.http.get(`/api/bodies/${seedId}/history`).expect(200);
    expect(history.body.events.at(-1).type).not.toBe('reportSubmitted');
  });

  it('Fristen: the secretariat keeps the sessions calendar (enter, move, a missing date named at its field); others read it', async () => {
    const before = (await t.http.get('/fristen').expect(200)).text;
    expect(before).toContain('Noch keine Sitzungen eingetragen.');
    expect(before).toContain('action="/fristen/sitzungen"');
    const entered = await t.http.post('/fristen/sitzungen').type('form').send({ issuer: 'IT-PLR', number: '45', date: '2027-03-18' }).expect(303);
    expect(entered.headers.location).toBe(`/fristen?sitzung=${encodeURIComponent('IT-PLR/45')}#sitzungen`);
    const page = (await t.http.get(entered.headers.location).expect(200)).text;
    expect(page).toContain('45. Sitzung (IT-PLR) am 18.03.2027 eingetragen; die Fristen, die sich auf sie beziehen und noch nicht fällig waren, richten sich danach.');
    expect(page).toMatch(/<td data-label="Gremium">IT-PLR<\/td><th scope="row" data-label="Sitzung">45\. Sitzung<\/th><td data-label="Datum">18\.03\.2027<\/td>/);
    const moved = await t.http.post('/fristen/sitzungen').type('form').send({ issuer: 'IT-PLR', number: '45', date: '2027-03-19' }).expect(303);
    expect(moved.headers.location).toContain('&verlegt=1#sitzungen');
    expect((await t.http.get(moved.headers.location).expect(200)).text).toContain('45. Sitzung (IT-PLR) verlegt vom 18.03.2027 auf den 19.03.2027;');
    // The notice names only a session the calendar holds, never text from the address.
    expect((await t.http.get('/fristen?sitzung=Ihr%20Konto%20ist%20gesperrt').expect(200)).text).not.toContain('Ihr Konto ist gesperrt');
    const missing = await t.http.post('/fristen/sitzungen').type('form').send({ issuer: 'IT-PLR', number: '46', date: '' }).expect(400);
    expect(missing.text).toMatch(/Datum der Sitzung: Bitte ausfüllen\./);
    expect((await t.http.get('/api/sessions').expect(200)).body.map((x: { number: number; date: string }) => [x.number, x.date])).toEqual([[45, '2027-03-19']]);
    const reader = await t.user('reader');
    const read = (await reader.http.get('/fristen').expect(200)).text;
    expect(read).toContain('19.03.2027');
    expect(read).not.toContain('action="/fristen/sitzungen"');
    await reader.http.post('/fristen/sitzungen').type('form').send({ issuer: 'IT-PLR', number: '47', date: '2027-06-24' }).expect(403);
  });

  it('a form post with wrong data answers 400 with the German message next to the field and writes nothing', async () => {
    const res = await t.http.post(`/gremien/${otherId}/ereignisse`).type('form').send({ type: 'returnedForRevision', reason: 'unvollständig' }).expect(422);
    expect(res.text).toContain('ist im Zustand „Entwurf“ nicht zulässig');
    await t.http.post(`/gremien/${otherId}/ereignisse`).type('form').send({ type: 'submitted', expectedVersion: '1' }).expect(303);
    const bad = await t.http.post(`/gremien/${otherId}/ereignisse`).type('form').send({ type: 'returnedForRevision', reason: '   ' }).expect(400);
    expect(bad.text).toMatch(/id="aktion-returnedForRevision-reason-error"><span class="visually-hidden">Fehler: <\/span>[^<]+</);
    expect(bad.text).toContain('aria-invalid="true"');
    const stale = await t.http.post(`/gremien/${otherId}/ereignisse`).type('form').send({ type: 'withdrawn', expectedVersion: '1' }).expect(409);
    expect(stale.text).toContain('Das Gremium wurde inzwischen geändert (jetzt Version 2)');
    // A version that is no number is refused, not dropped: dropped, the post would skip the check and be carried out.
    const garbled = await t.http.post(`/gremien/${otherId}/ereignisse`).type('form').send({ type: 'withdrawn', expectedVersion: 'zwei' }).expect(400);
    expect(garbled.text).toContain('Erwartet wird die Version, bei der das Formular angezeigt wurde');
    const history = await t.http.get(`/api/bodies/${otherId}/history`).expect(200);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['registered', 'submitted']);
  });

  it('an event form offering one decision is filled in with what the decision orders, not with the end the body asked for', async () => {
    const { body } = await t.http
      .post('/api/bodies')
      .send({ ...EXAMPLE_REGISTRATION, title: 'Kooperationsgruppe Registermodernisierung', expectedEnd: { month: '2027-07' }, registeredAt: '2025-03-01' })
      .expect(201);
    await t.http.post(`/api/bodies/${body.id}/events`).send({ type: 'submitted', occurredAt: '2025-03-10' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2025/20', issuer: 'IT-PLR', date: '2025-03-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: body.id, effect: 'approved', data: { approvedUntil: '2026-06-30' } }] })
      .expect(201);
    const page = (await t.http.get(`/gremien/${body.id}`).expect(200)).text;
    const form = page.slice(page.indexOf('id="aktion-approved"'), page.indexOf('</form>', page.indexOf('id="aktion-approved"')));
    expect(form).toMatch(/name="approvedUntil.precision" value="day" checked>/);
    expect(form).toMatch(/name="approvedUntil.date"[^>]*value="2026-06-30">/);
    expect(form).toMatch(/name="approvedUntil.month"[^>]*value="">/);
    expect(form).toContain('<option value="2025/20" selected>');
  });

  it('every form carries a fresh hidden key: a double click on „Einreichen“ takes effect once and both clicks land on the same page', async () => {
    const id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Doppelklick' }).expect(201)).body.id;
    const page = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    const keys = [...page.matchAll(/name="idempotencyKey" value="([^"]+)"/g)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(1);
    expect(new Set(keys).size).toBe(keys.length);
    const click = () => t.http.post(`/gremien/${id}/ereignisse`).type('form').send({ type: 'submitted', expectedVersion: '1', idempotencyKey: keys[0] });
    const [first, second] = await Promise.all([click(), click()]);
    const third = await click();
    expect([first.status, second.status, third.status]).toEqual([303, 303, 303]);
    expect(new Set([first.headers.location, second.headers.location, third.headers.location]).size).toBe(1);
    const history = await t.http.get(`/api/bodies/${id}/history`).expect(200);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['registered', 'submitted']);
  });

  it('readers and auditors see no write controls; a reader sees no contact persons and no Prüfung', async () => {
    const reader = await t.user('reader');
    const page = await reader.http.get(`/gremien/${seedId}`).expect(200);
    expect(page.text).not.toMatch(/<form[^>]*method="post"[^>]*action="\/gremien/);
    expect(page.text).not.toContain('Ralf Stettner');
    expect(page.text).not.toContain('Gremium registrieren');
    const denied = await reader.http.get('/pruefung').expect(403);
    expect(denied.text).toContain('Keine Berechtigung');
    await reader.http.post(`/gremien/${seedId}/ereignisse`).type('form').send({ type: 'withdrawn' }).expect(403);

    const auditor = await t.user('auditor');
    const audit = await auditor.http.get(`/pruefung?gremium=${seedId}&stichtag=2026-11-28`).expect(200);
    expect(audit.text).toContain('Intakt:');
    // The events counted by what their chains record, not as "in N Ketten" (a decision's chain is no body's).
    expect(audit.text).toMatch(/Alle \d+ Ereignisse sind unverändert: \d+ von \d+ Gremi(um|en)[,.]/);
    expect(audit.text).toContain('Stimmt überein:');
    // As known the day before anything was recorded, the body did not exist yet.
    const before = await auditor.http.get(`/pruefung?gremium=${seedId}&kenntnisstand=2026-11-27`).expect(200);
    expect(before.text).toContain('nach Kenntnisstand');
    expect(before.text).toMatch(/role="alert">„[^<]+“ war [^<]*noch nicht registriert/);
    const wrong = await auditor.http.get(`/pruefung?gremium=${seedId}&stichtag=31.12.2024`).expect(400);
    // Named as the form names the field, not as the API does.
    expect(wrong.text).toContain('Stichtag: Erwartet ein Datum (JJJJ-MM-TT)');
    expect(wrong.text).not.toContain('asOf');
    expect((await auditor.http.get(`/gremien/${seedId}`).expect(200)).text).not.toMatch(/action="\/gremien\/[^"]+\/ereignisse"/);
  });

  it('a lead sees only the bodies it leads, and only the actions its role may send', async () => {
    const body = await t.http.get(`/api/bodies/${seedId}`).expect(200);
    const lead = await t.user('lead', { contactId: body.body.contacts[0].id });
    const overview = await lead.http.get('/').expect(200);
    expect(overview.text).toContain('Weiterentwicklung Struktur OZG Föderal');
    expect(overview.text).toContain('Die Gremien und Arbeitsformate in Ihrer Federführung');
    expect(overview.text).not.toContain('Alle registrierten Gremien');
    expect(overview.text).not.toContain('Arbeitsgruppe Datennutzung');
    await lead.http.get(`/gremien/${otherId}`).expect(404);
    const own = await lead.http.get(`/gremien/${seedId}`).expect(200);
    expect(own.text).not.toMatch(/name="type" value="(approved|returnedForRevision|rejected|withdrawn)"/);
  });

  it('a lead sees a predecessor it may not open named, without a link that would answer „nicht registriert“', async () => {
    const { body } = await t.http
      .post('/api/bodies')
      .send({ ...EXAMPLE_REGISTRATION, title: 'Nachfolge Datennutzung', contacts: [{ name: 'Erika Muster', organization: 'Bayern' }], predecessors: [{ name: 'Arbeitsgruppe Datennutzung', bodyId: otherId }] })
      .expect(201);
    const contacts = (await t.http.get(`/api/bodies/${body.id}`).expect(200)).body.contacts;
    const lead = await t.user('lead', { contactId: contacts.at(-1).id });
    const page = (await lead.http.get(`/gremien/${body.id}`).expect(200)).text;
    expect(page).toContain('<dt>Hervorgegangen aus</dt><dd><ul class="plain"><li>Arbeitsgruppe Datennutzung</li>');
    expect(page).not.toContain(`href="/gremien/${otherId}"`);
    expect((await t.http.get(`/gremien/${body.id}`).expect(200)).text).toContain(`<li><a href="/gremien/${otherId}">Arbeitsgruppe Datennutzung</a></li>`);
  });

  it('a lead of an active body is offered exactly „Bericht einreichen“ and „Verlängerung beantragen“, its report is recorded under its name, and then only „Verlängerung beantragen“ is left', async () => {
    const created = await t.http
      .post('/api/bodies')
      .send({
        title: 'Kooperationsgruppe Register',
        kind: 'Kooperationsgruppe',
        parent: 'IT-PLR',
        focusTopic: 'Datennutzung',
        leads: ['Berlin'],
        start: '2025-02-01',
        contacts: [{ name: 'Max Mustermann', organization: 'Berlin' }],
        reports: [{ kind: 'Zwischenbericht', addressee: 'IT-PLR', due: { kind: 'date', date: '2027-01-15' } }],
        registeredAt: '2025-01-10',
      })
      .expect(201);
    const id = created.body.id;
    await t.http.post('/api/decisions').send({ number: '2025/04', issuer: 'IT-PLR', date: '2025-01-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: id, effect: 'approved', data: { approvedUntil: '2027-12-31' } }] }).expect(201);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', occurredAt: '2025-01-15' }).expect(200);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'approved', decision: '2025/04', data: { approvedUntil: '2027-12-31' } }).expect(200);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'started', occurredAt: '2025-02-01' }).expect(200);
    const details = await t.http.get(`/api/bodies/${id}`).expect(200);
    const lead = await t.user('lead', { username: 'lead-berlin', contactId: details.body.contacts[0].id });

    const page = await lead.http.get(`/gremien/${id}`).expect(200);
    const offered = [...page.text.matchAll(/name="type" value="([A-Za-z]+)"/g)].map((m) => m[1]);
    expect(offered.sort()).toEqual(['extensionRequested', 'reportSubmitted']);
    expect(page.text).toContain('Bericht einreichen');
    // What a lead sends is dated when it arrives: its forms have no date field (the secretariat's have).
    expect(page.text).not.toContain('name="occurredAt"');
    expect((await t.http.get(`/gremien/${id}`).expect(200)).text).toContain('name="occurredAt"');

    await lead.http.post(`/gremien/${id}/ereignisse`).type('form').send({ type: 'reportSubmitted', obligationId: 'r1', title: 'Erster Zwischenbericht' }).expect(303);
    const after = await lead.http.get(`/gremien/${id}`).expect(200);
    expect(after.text).toMatch(/Bericht eingereicht[\s\S]*lead-berlin \(Federführung\)/);
    // The obligation's state with its day, said once.
    expect(after.text).toMatch(/<td data-label="Stand">eingereicht am \d{2}\.\d{2}\.\d{4}<\/td>/);
    // Its only report is in: no form to submit one is offered any more (it would have nothing to choose).
    expect([...after.text.matchAll(/name="type" value="([A-Za-z]+)"/g)].map((m) => m[1])).toEqual(['extensionRequested']);
    expect(after.text).toContain('<li>„Bericht einreichen“: Jeder festgelegte Bericht ist eingereicht.</li>');
    // The secretariat's page tells of its own actions only: to acknowledge the report is possible now.
    const forSecretariat = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    expect(forSecretariat).toContain('<li>„Bericht einreichen“: Jeder festgelegte Bericht ist eingereicht.</li>');
    expect(forSecretariat).not.toContain('„Bericht zur Kenntnis nehmen“:');
    await lead.http.post(`/gremien/${id}/ereignisse`).type('form').send({ type: 'extended', approvedUntil: '2028-12-31', decision: '2025/04' }).expect(403);
  });

  it('the stylesheet is served by the app itself', async () => {
    const css = await t.anonymous.get('/assets/style.css').expect(200);
    expect(css.headers['content-type']).toContain('text/css');
    expect(css.text).toContain(':focus-visible');
    // Long unbroken values (a URL, pasted text) wrap instead of widening the page (test/web-long-values-browser.e2e-spec.ts measures it).
    expect(css.text).toContain('main { overflow-wrap: anywhere; }');
  });

  it('the Zeitleiste draws each body’s extensions with their decisions and its report milestones, for a lead only its own bodies', async () => {
    const created = await t.http
      .post('/api/bodies')
      .send({
        title: 'Projektgruppe Zeitleiste',
        kind: 'Projektgruppe',
        parent: 'IT-PLR',
        focusTopic: 'Datennutzung',
        leads: ['Hamburg'],
        start: '2025-03-01',
        contacts: [{ name: 'Erika Muster', organization: 'Hamburg' }],
        reports: [{ kind: 'Abschlussbericht', addressee: 'IT-PLR', due: { kind: 'date', date: '2026-02-16' } }],
        registeredAt: '2025-02-10',
      })
      .expect(201);
    const id = created.body.id;
    await t.http.post('/api/decisions').send({ number: '2025/07', issuer: 'IT-PLR', date: '2025-02-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: id, effect: 'approved', data: { approvedUntil: '2025-12-31' } }] }).expect(201);
    await t.http.post('/api/decisions').send({ number: '2025/19', issuer: 'IT-PLR', date: '2025-06-18', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Verlängerung', effects: [{ body: id, effect: 'extended', data: { approvedUntil: '2026-06-30' } }] }).expect(201);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', occurredAt: '2025-02-15' }).expect(200);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'approved', decision: '2025/07', data: { approvedUntil: '2025-12-31' } }).expect(200);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'extended', decision: '2025/19', data: { approvedUntil: '2026-06-30' } }).expect(200);

    const page = await t.http.get('/zeitleiste').expect(200);
    expect(page.text).toContain('Verlängert am 18.06.2025 bis 30.06.2026 (Beschluss 2025/19)');
    expect(page.text).toMatch(/<title>[^<]*Abschlussbericht[^<]*16\.02\.2026/);
    // A lead of another body sees neither the body nor its extension.
    const contactId = (await t.http.get(`/api/bodies/${seedId}`).expect(200)).body.contacts[0].id;
    const lead = await t.user('lead', { username: 'lead-zeitleiste', contactId });
    const ledPage = await lead.http.get('/zeitleiste').expect(200);
    expect(ledPage.text).not.toContain('Projektgruppe Zeitleiste');
    expect(ledPage.text).not.toContain('Beschluss 2025/19');
  });
});

describe('the first start of an installation', () => {
  const noBootstrap = { auth: { ...DEFAULT_AUTH, bootstrapToken: null, securityLog: 'off' } };

  it('without users and bootstrap token, the one-time set-up link creates the first secretariat account, signs it in, and works only once', async () => {
    const t = await startTestApp({ config: noBootstrap });
    try {
      const offer = await t.app.get(FirstAccountSetup).offer('http://localhost:3000');
      expect(offer?.announcement).toContain(offer!.link);
      expect(offer?.announcement).toContain('gilt einmal und bis 28.11.2026, 11:00 Uhr');
      const code = new URL(offer!.link).searchParams.get('code')!;
      await t.anonymous.get('/einrichten?code=falsch').expect(410);
      const form = await t.anonymous.get(`/einrichten?code=${code}`).expect(200);
      expect(form.text).toContain('Erstes Konto einrichten');

      const browser = request.agent(t.app.getHttpServer());
      const mismatch = await browser.post('/einrichten').type('form').send({ code, username: 'erste', password: 'ein-langes-Passwort', passwordRepeated: 'ein-anderes-Passwort' }).expect(400);
      expect(mismatch.text).toContain('Die beiden Passwörter stimmen nicht überein.');
      const short = await browser.post('/einrichten').type('form').send({ code, username: 'erste', password: 'kurz', passwordRepeated: 'kurz' }).expect(400);
      expect(short.text).toContain('Das Passwort braucht mindestens 12 Zeichen.');

      const created = await browser.post('/einrichten').type('form').send({ code, username: 'erste', password: 'ein-langes-Passwort', passwordRepeated: 'ein-langes-Passwort' }).expect(303);
      expect(created.headers.location).toBe('/');
      const overview = await browser.get('/').expect(200);
      expect(overview.text).toContain('Angemeldet als <strong>erste</strong> (Geschäftsstelle)');

      await t.anonymous.get(`/einrichten?code=${code}`).expect(410);
      await request(t.app.getHttpServer()).post('/einrichten').type('form').send({ code, username: 'zweite', password: 'ein-langes-Passwort', passwordRepeated: 'ein-langes-Passwort' }).expect(410);
      expect(await t.app.get(FirstAccountSetup).offer('http://localhost:3000')).toBeNull();
    } finally {
      await t.close();
    }
  }, 60_000);

  it('the set-up link expires after an hour, and there is none where a bootstrap token is configured', async () => {
    const t = await startTestApp({ config: noBootstrap });
    try {
      const offer = await t.app.get(FirstAccountSetup).offer('http://localhost:3000');
      const code = new URL(offer!.link).searchParams.get('code')!;
      t.clock.advance(60 * 60_000 + 1);
      await t.anonymous.get(`/einrichten?code=${code}`).expect(410);
    } finally {
      await t.close();
    }
    const withToken = await startTestApp();
    try {
      expect(await withToken.app.get(FirstAccountSetup).offer('http://localhost:3000')).toBeNull();
    } finally {
      await withToken.close();
    }
  });

  it('the sign-in page says how to create the first account while there is none, and not after', async () => {
    const t = await startTestApp({ config: { auth: { ...DEFAULT_AUTH, bootstrapToken: null } } });
    try {
      const first = await t.anonymous.get('/anmelden').expect(200);
      expect(first.text).toContain('Es gibt noch kein Benutzerkonto');
      expect(first.text).toContain('npx gremienlauf user create');
      await t.user('secretariat', { username: 'erste-person' });
      const later = await t.anonymous.get('/anmelden').expect(200);
      expect(later.text).not.toContain('Es gibt noch kein Benutzerkonto');
    } finally {
      await t.close();
    }
  });
});
