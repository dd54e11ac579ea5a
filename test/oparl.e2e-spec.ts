import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { OParlService } from '../src/oparl/oparl.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

/**
 * The OParl 1.1 read API against the official schemas (test/fixtures/oparl-schema, OParl/spec
 * v1.1.1): a client walks System → Body → Organization → Paper by the links alone, every object
 * it meets validates, lists page by links.next, filter by time and show withdrawn decisions as
 * deleted objects, and no personal data is anywhere.
 */
const SCHEMA_DIR = join(__dirname, 'fixtures', 'oparl-schema');
const TYPES = ['System', 'Body', 'Organization', 'Meeting', 'Paper', 'Consultation'] as const;

function oparlValidators(): Record<string, ValidateFunction> {
  // The schemas' patterns escape `:` and `/`, which a regular expression with the u flag refuses.
  const ajv = new Ajv({ allErrors: true, strictTypes: false, unicodeRegExp: false });
  addFormats(ajv);
  // OParl's own keywords describe links between the objects; they constrain nothing.
  ajv.addVocabulary(['references', 'backreference', 'cardinality', 'schema']);
  return Object.fromEntries(TYPES.map((type) => [`https://schema.oparl.org/1.1/${type}`, ajv.compile(JSON.parse(readFileSync(join(SCHEMA_DIR, `${type}.json`), 'utf8')))]));
}

type OParlObject = Record<string, any> & { id: string; type: string };

const ORIGIN = 'http://oparl.test';
const CONTACT = { name: 'Erika Mustermann-Geheim', organization: 'Hessen', email: 'erika.geheim@example.org', phone: '+49 611 4711-0815' };

describe.each(testDatabaseKinds())('OParl 1.1 on %s', (database) => {
  let t: TestApp;
  const validators = oparlValidators();
  let approvedAl: string;
  let approvedItPlr: string;
  let draft: string;

  /** GET as an anonymous OParl client addressing the service as http://oparl.test. */
  const get = (url: string) => {
    expect(url.startsWith(ORIGIN)).toBe(true);
    return t.anonymous.get(url.slice(ORIGIN.length)).set('Host', 'oparl.test');
  };
  const json = async (url: string) => (await get(url).expect(200)).body;
  const at = (instant: string) => t.clock.set(instant);
  const record = (decision: object) => t.http.post('/api/decisions').send({ type: 'Beschluss', ...decision }).expect(201);
  const send = (body: string, command: object) => t.http.post(`/api/bodies/${body}/events`).send(command).expect(200);

  /** Every object reachable from the System by following URLs (lists page by page), by id. */
  async function crawl(): Promise<{ objects: Map<string, OParlObject>; responses: string[] }> {
    const objects = new Map<string, OParlObject>();
    const responses: string[] = [];
    const seen = new Set<string>();
    const queue = [`${ORIGIN}/oparl/v1`];
    const collect = (value: unknown): void => {
      if (typeof value === 'string' && value.startsWith(`${ORIGIN}/oparl/v1`) && !seen.has(value)) {
        seen.add(value);
        queue.push(value);
      } else if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') {
        const o = value as OParlObject;
        if (typeof o.type === 'string' && o.type.startsWith('https://schema.oparl.org/')) objects.set(o.id, o);
        Object.values(o).forEach(collect);
      }
    };
    seen.add(queue[0]);
    while (queue.length > 0) {
      const response = await get(queue.shift()!).expect(200);
      responses.push(response.text);
      collect(response.body);
    }
    return { objects, responses };
  }

  function expectValid(o: OParlObject): void {
    const validate = validators[o.type];
    expect({ id: o.id, type: o.type, known: validate !== undefined }).toEqual({ id: o.id, type: o.type, known: true });
    validate(o);
    expect({ id: o.id, errors: validate.errors ?? [] }).toEqual({ id: o.id, errors: [] });
    // The schema says only "date-time"; the spec (2.4) prescribes the form yyyy-mm-ddThh:mm:ss±hh:mm.
    for (const field of ['created', 'modified', 'start', 'end'].filter((f) => f in o)) {
      expect({ id: o.id, field, value: o[field] }).toEqual({ id: o.id, field, value: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/) });
    }
  }

  /**
   * Given: a Gremium of the AL-Runde approved in its 12th session (in the calendar), one of the
   * IT-PLR approved by Umlaufverfahren, a draft, eight more IT-PLR decisions; recorded a minute
   * apart from 20.02.2026 on.
   */
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-02-20T08:00:00Z', database });
    let minute = 0;
    const tick = () => at(new Date(Date.parse('2026-02-20T08:00:00Z') + ++minute * 60_000).toISOString());
    const register = async (form: object) => {
      tick();
      return (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, contacts: [CONTACT], registeredAt: '2026-01-05', ...form }).expect(201)).body.id as string;
    };
    approvedAl = await register({});
    approvedItPlr = await register({ title: 'Kooperationsgruppe Datennutzung', shortName: 'KG Daten', kind: 'Kooperationsgruppe', parent: 'IT-PLR', focusTopic: 'Datennutzung' });
    draft = await register({ title: 'Entwurf eines Arbeitsformats' });
    for (const body of [approvedAl, approvedItPlr]) await send(body, { type: 'submitted', occurredAt: '2026-01-06' });
    tick();
    await t.http.post('/api/sessions').send({ issuer: 'AL-Runde', number: 12, date: '2026-01-14' }).expect(201);
    tick();
    await record({ number: '2026/03', issuer: 'AL-Runde', date: '2026-01-14', procedure: 'Sitzung', session: 12, title: 'Einsetzung der Projektgruppe', effects: [{ body: approvedAl, effect: 'approved', data: { approvedUntil: '2027-03-31' } }] });
    tick();
    await record({ number: '2026/01', issuer: 'IT-PLR', date: '2026-01-15', procedure: 'Umlaufverfahren', title: 'Einsetzung der Kooperationsgruppe', effects: [{ body: approvedItPlr, effect: 'approved', data: { permanent: true } }] });
    tick();
    await send(approvedAl, { type: 'approved', decision: '2026/03-AL', data: { approvedUntil: '2027-03-31' } });
    await send(approvedItPlr, { type: 'approved', decision: '2026/01', data: { permanent: true } });
    for (let n = 2; n <= 9; n++) {
      tick();
      await record({ number: `2026/0${n}`, issuer: 'IT-PLR', date: '2026-02-0' + n, procedure: 'Umlaufverfahren', title: `Beschluss Nummer ${n}`, effects: [] });
    }
  }, 120_000);
  afterAll(() => t.close());

  test('a client walks System → Body → Organization → Paper by the links alone, and every object it meets is valid under the official schema', async () => {
    const system = await json(`${ORIGIN}/oparl/v1`);
    expect(system).toMatchObject({ id: `${ORIGIN}/oparl/v1`, type: 'https://schema.oparl.org/1.1/System', oparlVersion: 'https://schema.oparl.org/1.1/' });
    const bodies = await json(system.body);
    expect(bodies.data.map((b: OParlObject) => b.name)).toEqual(['IT-Planungsrat', 'Abteilungsleiterrunde des IT-Planungsrats']);
    const al = bodies.data[1];
    expect(await json(al.id)).toEqual(al);
    const organizations = (await json(al.organization)).data as OParlObject[];
    const gremium = organizations.find((o) => o.id.endsWith(approvedAl))!;
    expect(gremium).toMatchObject({
      name: 'Weiterentwicklung Struktur OZG Föderal',
      classification: 'Projektgruppe',
      organizationType: 'Gremium',
      startDate: '2024-06-17',
      body: al.id,
      subOrganizationOf: `${ORIGIN}/oparl/v1/organization/AL-Runde`,
      keyword: ['Digitale Anwendungen'],
    });
    expect(organizations.map((o) => o.name)).toEqual(['Abteilungsleiterrunde des IT-Planungsrats', 'Weiterentwicklung Struktur OZG Föderal']);
    const parent = await json(gremium.subOrganizationOf);
    expect(parent).toMatchObject({ name: 'Abteilungsleiterrunde des IT-Planungsrats', body: al.id });
    const [paper] = (await json(gremium['gremienlauf:paper'])).data as OParlObject[];
    expect(paper).toMatchObject({ reference: '2026/03-AL', date: '2026-01-14', paperType: 'Beschluss', name: 'Einsetzung der Projektgruppe', body: al.id, 'gremienlauf:organization': [gremium.id] });
    expect(await json(paper.id)).toEqual(paper);
    const [consultation] = paper.consultation;
    expect(consultation).toMatchObject({ paper: paper.id, organization: [parent.id], authoritative: true, role: 'Beschlussfassung' });
    expect(await json(consultation.id)).toEqual(consultation);
    const meeting = await json(consultation.meeting);
    expect(meeting).toMatchObject({ name: '12. Sitzung: Abteilungsleiterrunde des IT-Planungsrats', start: '2026-01-14T00:00:00+01:00', organization: [parent.id] });

    const { objects } = await crawl();
    const types = new Map<string, number>();
    for (const o of objects.values()) {
      expectValid(o);
      types.set(o.type.split('/').pop()!, (types.get(o.type.split('/').pop()!) ?? 0) + 1);
    }
    // 2 bodies; 2 issuer organizations and 2 Gremien (the draft is none); 1 session and 9 Umlaufverfahren; 10 decisions, each with its consultation.
    expect(Object.fromEntries(types)).toEqual({ System: 1, Body: 2, Organization: 4, Meeting: 10, Paper: 10, Consultation: 10 });
    expect([...objects.keys()].some((id) => id.includes(draft))).toBe(false);
  });

  test('the validator refuses an object that breaks the schema, so the checks above can fail', async () => {
    const paper = (await json(`${ORIGIN}/oparl/v1/body/IT-PLR/paper`)).data[0];
    const validate = validators['https://schema.oparl.org/1.1/Paper'];
    expect(validate({ ...paper, date: 12 })).toBe(false);
    expect(validate({ ...paper, type: 'https://schema.oparl.org/1.0/Paper' })).toBe(false);
    const { legislativeTerm: _omitted, ...body } = await json(`${ORIGIN}/oparl/v1/body/IT-PLR`);
    expect(validators['https://schema.oparl.org/1.1/Body'](body)).toBe(false);
  });

  test('a list walked page by page along links.next with limit=3 yields every decision exactly once, with first, prev, last and the pagination', async () => {
    const first = await json(`${ORIGIN}/oparl/v1/body/IT-PLR/paper?limit=3`);
    expect(first.pagination).toEqual({ totalElements: 9, elementsPerPage: 3, currentPage: 1, totalPages: 3 });
    expect(first.links).toEqual({
      first: `${ORIGIN}/oparl/v1/body/IT-PLR/paper?limit=3`,
      self: `${ORIGIN}/oparl/v1/body/IT-PLR/paper?limit=3`,
      next: `${ORIGIN}/oparl/v1/body/IT-PLR/paper?limit=3&page=2`,
      last: `${ORIGIN}/oparl/v1/body/IT-PLR/paper?limit=3&page=3`,
    });
    const references: string[] = [];
    let page = first;
    let pages = 1;
    for (;;) {
      references.push(...page.data.map((p: OParlObject) => p.reference));
      if (!page.links.next) break;
      const next = await json(page.links.next);
      expect(next.links.prev).toBe(page.links.self);
      page = next;
      pages++;
    }
    expect(pages).toBe(3);
    expect(references.sort()).toEqual(['2026/01', '2026/02', '2026/03', '2026/04', '2026/05', '2026/06', '2026/07', '2026/08', '2026/09']);
    expect(page.links.self).toBe(first.links.last);
    // A limit above 100 is capped; a page beyond the last is empty.
    expect((await json(`${ORIGIN}/oparl/v1/body/IT-PLR/paper?limit=1000`)).pagination.elementsPerPage).toBe(100);
    expect((await json(`${ORIGIN}/oparl/v1/body/IT-PLR/paper?page=7`)).data).toEqual([]);
  });

  test('an organization list reads the bodies a page at a time and yields the same organizations with one body per read', async () => {
    const service = t.app.get(OParlService);
    const lists = async () => Promise.all(['IT-PLR', 'AL-Runde'].map(async (b) => (await json(`${ORIGIN}/oparl/v1/body/${b}/organization`)).data));
    const whole = await lists();
    service.bodyPage = 1;
    try {
      expect(await lists()).toEqual(whole);
      const second = await json(`${ORIGIN}/oparl/v1/body/AL-Runde/organization?limit=1&page=2`);
      expect(second.data.map((o: OParlObject) => o.id)).toEqual([`${ORIGIN}/oparl/v1/organization/${approvedAl}`]);
      expect(second.pagination.totalElements).toBe(2);
    } finally {
      service.bodyPage = 200;
    }
    expect(whole.map((list) => list.length)).toEqual([2, 2]);
  });

  test('modified_since lists what changed since then, the links keep the filter, and created_until cuts by creation', async () => {
    at('2026-03-01T10:00:00Z');
    await t.http.patch(`/api/decisions/IT-PLR/${encodeURIComponent('2026/05')}`).send({ title: 'Beschluss Nummer 5 (berichtigt)', reason: 'Titel berichtigt' }).expect(200);
    const since = '2026-03-01T11:00:00+01:00';
    const changed = await json(`${ORIGIN}/oparl/v1/body/IT-PLR/paper?modified_since=${encodeURIComponent(since)}&limit=1`);
    expect(changed.data.map((p: OParlObject) => [p.reference, p.name, p.modified])).toEqual([['2026/05', 'Beschluss Nummer 5 (berichtigt)', '2026-03-01T11:00:00+01:00']]);
    expect(changed.links.self).toBe(`${ORIGIN}/oparl/v1/body/IT-PLR/paper?limit=1&modified_since=${encodeURIComponent(since)}`);
    expect((await json(`${ORIGIN}/oparl/v1/body/IT-PLR/paper?modified_since=2026-03-01T10%3A00%3A01Z`)).data).toEqual([]);
    // Only the Gremium that changed since then is listed; the issuer's own organization has no timestamps and is left out of a filtered list.
    at('2026-03-02T10:00:00Z');
    await send(approvedItPlr, { type: 'renamed', data: { title: 'Kooperationsgruppe Datennutzung und Datenräume' }, occurredAt: '2026-03-02' });
    const organizations = await json(`${ORIGIN}/oparl/v1/body/IT-PLR/organization?modified_since=2026-03-02T00%3A00%3A00Z`);
    expect(organizations.data.map((o: OParlObject) => o.id)).toEqual([`${ORIGIN}/oparl/v1/organization/${approvedItPlr}`]);
    const early = await json(`${ORIGIN}/oparl/v1/body/IT-PLR/paper?created_until=2026-02-20T08%3A07%3A00Z`);
    expect(early.data.map((p: OParlObject) => p.reference)).toEqual(['2026/01']);
  });

  test('a withdrawn decision is a deleted Paper: left out of lists, listed with deleted: true under modified_since, and still 200 at its URL', async () => {
    const [before] = (await json(`${ORIGIN}/oparl/v1/body/IT-PLR/paper?created_until=2026-02-20T08%3A07%3A00Z`)).data;
    expect(before.reference).toBe('2026/01');
    at('2026-04-01T12:00:00Z');
    await t.http.post(`/api/decisions/IT-PLR/${encodeURIComponent('2026/09')}/withdrawal`).send({ reason: 'Im Umlaufverfahren gescheitert' }).expect(200);
    const all = await json(`${ORIGIN}/oparl/v1/body/IT-PLR/paper`);
    expect(all.data.map((p: OParlObject) => p.reference)).not.toContain('2026/09');
    expect(all.pagination.totalElements).toBe(8);

    const changed = await json(`${ORIGIN}/oparl/v1/body/IT-PLR/paper?modified_since=2026-04-01T00%3A00%3A00Z`);
    expect(changed.data).toHaveLength(1);
    const [gone] = changed.data;
    expect(gone).toEqual({ id: gone.id, type: 'https://schema.oparl.org/1.1/Paper', created: expect.any(String), modified: '2026-04-01T14:00:00+02:00', deleted: true });
    expectValid(gone);
    expect(await json(gone.id)).toEqual(gone);
    const consultation = await json(gone.id.replace('/paper/', '/consultation/'));
    expect(consultation).toMatchObject({ deleted: true, type: 'https://schema.oparl.org/1.1/Consultation' });
    // Its Umlaufverfahren is deleted with it.
    const meetings = await json(`${ORIGIN}/oparl/v1/body/IT-PLR/meeting?modified_since=2026-04-01T00%3A00%3A00Z`);
    expect(meetings.data).toEqual([expect.objectContaining({ id: gone.id.replace('/paper/', '/meeting/umlaufverfahren/'), deleted: true })]);
    expect((await json(`${ORIGIN}/oparl/v1/body/IT-PLR/meeting`)).pagination.totalElements).toBe(8);
  });

  test('no e-mail address, phone number, contact name or actor appears in any OParl response', async () => {
    const { responses } = await crawl();
    expect(responses.length).toBeGreaterThan(20);
    // Random ids and hashes could hold '4711' by chance; they are masked so the digits are looked for only where a phone number could leak.
    const text = responses.join('\n').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{64}/g, '<id>');
    for (const secret of [CONTACT.name, 'Mustermann', CONTACT.email, '@', CONTACT.phone, '4711', 'geschaeftsstelle', 'Ralf Stettner']) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    }
    // The contact is in the database: the check looks where it could be found.
    expect(JSON.stringify((await t.http.get(`/api/bodies/${approvedAl}`).expect(200)).body)).toContain(CONTACT.name);
    expect((await json(`${ORIGIN}/oparl/v1/body/AL-Runde/person`)).data).toEqual([]);
  });

  test('OParl routes need no token, answer any origin, refuse a malformed filter with 400 naming it, and an unknown object is a 404', async () => {
    const system = await get(`${ORIGIN}/oparl/v1`).expect(200);
    expect(system.headers['access-control-allow-origin']).toBe('*');
    const bad = await get(`${ORIGIN}/oparl/v1/body/IT-PLR/paper?modified_since=2026-03-01`).expect(400);
    expect(bad.body.details).toEqual([{ path: 'query.modified_since', message: expect.stringContaining('date-time mit Zeitzone') }]);
    // A day that does not exist is refused, not rolled over into March (one issue, not two for one value).
    const rolled = await get(`${ORIGIN}/oparl/v1/body/IT-PLR/paper?created_since=2026-02-30T00%3A00%3A00Z`).expect(400);
    expect(rolled.body.details).toEqual([{ path: 'query.created_since', message: expect.stringContaining('die es gibt') }]);
    expect((await get(`${ORIGIN}/oparl/v1/body/IT-PLR/paper?limit=0`).expect(400)).body.details[0].path).toBe('query.limit');
    expect((await get(`${ORIGIN}/oparl/v1/body/IT-PLR/paper?sort=name`).expect(400)).body.details[0].path).toBe('query.sort');
    await get(`${ORIGIN}/oparl/v1/body/Stadtrat`).expect(404);
    await get(`${ORIGIN}/oparl/v1/organization/${draft}`).expect(404);
    await get(`${ORIGIN}/oparl/v1/paper/00000000-0000-4000-8000-000000000000`).expect(404);
    await get(`${ORIGIN}/oparl/v1/meeting/session/AL-Runde/13`).expect(404);
    await get(`${ORIGIN}/oparl/v1/meeting/session/AL-Runde/012`).expect(404);
  });
});

describe('OParl ids on PUBLIC_BASE_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { publicBaseUrl: 'https://gremien.example.org' } });
  });
  afterAll(() => t.close());

  test('with publicBaseUrl set, every id is on it whatever Host the request named', async () => {
    const system = (await t.anonymous.get('/oparl/v1').set('Host', 'elsewhere.test').expect(200)).body;
    expect(system).toMatchObject({ id: 'https://gremien.example.org/oparl/v1', body: 'https://gremien.example.org/oparl/v1/body' });
    const bodies = (await t.anonymous.get('/oparl/v1/body').expect(200)).body;
    expect(bodies.data[0].organization).toBe('https://gremien.example.org/oparl/v1/body/IT-PLR/organization');
  });
});
