/**
 * Access control, route by route: every route × every kind of caller → the expected status;
 * object-level checks with bodies the caller may not see; mass assignment on every write; and
 * an auditor's token changes nothing anywhere. The list of routes comes from the running
 * application, so a new route without a declaration or without a row here fails the test.
 */
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { Response } from 'supertest';
import { ACCESS_POLICY, type AccessPolicy } from '../src/auth/access';
import { EVENT_LABELS } from '../machines';
import { EVENT_PERMISSIONS } from '../src/auth/roles';
import { Database } from '../src/database/database';
import { decisionDetailSchema } from '../src/decisions/decision-answers';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { DEFAULT_AUTH } from '../config/configuration';
import { startTestApp, testDatabaseKinds, TEST_SECRETARIAT_TOKEN, type TestApp } from './support/test-app';

/** Where @ApiExcludeController() (the web UI's pages) leaves its mark. */
const API_EXCLUDE_CONTROLLER = 'swagger/apiExcludeController';

type Caller = 'none' | 'secretariat' | 'leadOwn' | 'leadOther' | 'auditor' | 'reader' | 'admin';
const CALLERS: Caller[] = ['none', 'secretariat', 'leadOwn', 'leadOther', 'auditor', 'reader', 'admin'];
type Agent = ReturnType<TestApp['as']> | TestApp['anonymous'];
type Expectation = Record<Caller, number>;

/** Every declared route of the application: `METHOD /path` as Nest declares it, with its policy. */
function declaredRoutes(t: TestApp): Array<{ route: string; page: boolean; policy: AccessPolicy | undefined }> {
  const routes: Array<{ route: string; page: boolean; policy: AccessPolicy | undefined }> = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler);
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const full = `/${[base, String(path)].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
        const policy = Reflect.getMetadata(ACCESS_POLICY, handler) ?? Reflect.getMetadata(ACCESS_POLICY, controller);
        routes.push({ route: `${method} ${full}`, page: Reflect.getMetadata(API_EXCLUDE_CONTROLLER, controller) !== undefined, policy });
      }
    }
  }
  return routes;
}

/** The statuses when `allowed` callers get `ok`: nobody signed in 401, a lead of another body 404 on a body's route, the rest 403. */
function only(ok: number, allowed: Caller[], options: { bodyScoped?: boolean } = {}): Expectation {
  const out = {} as Expectation;
  for (const caller of CALLERS) {
    if (allowed.includes(caller)) out[caller] = ok;
    else if (caller === 'none') out[caller] = 401;
    else if (caller === 'leadOther' && options.bodyScoped && allowed.includes('leadOwn')) out[caller] = 404;
    else out[caller] = 403;
  }
  return out;
}
const everyone = (status: number): Expectation => Object.fromEntries(CALLERS.map((c) => [c, status])) as Expectation;
const SIGNED_IN: Caller[] = ['secretariat', 'leadOwn', 'leadOther', 'auditor', 'reader', 'admin'];
const READERS: Caller[] = ['secretariat', 'leadOwn', 'leadOther', 'auditor', 'reader'];

describe.each(testDatabaseKinds())('access control on %s', (database) => {
  let t: TestApp;
  let bodyA: string;
  let bodyB: string;
  let agents: Record<Caller, Agent>;
  let counter = 0;
  const next = () => ++counter;

  beforeAll(async () => {
    // The matrix logs in (and fails) more often than the login limit allows one address.
    const auth = { ...DEFAULT_AUTH, bootstrapToken: TEST_SECRETARIAT_TOKEN, loginMaxAttempts: 1000 };
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z', config: { auth } });
    bodyA = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }).expect(201)).body.id;
    bodyB = (
      await t.http
        .post('/api/bodies')
        .send({ ...EXAMPLE_REGISTRATION, title: 'Anderes Gremium', contacts: [{ name: 'Erika Muster', organization: 'Bayern' }], registeredAt: '2024-06-03' })
        .expect(201)
    ).body.id;
    const send = (body: object) => t.http.post(`/api/bodies/${bodyA}/events`).send(body).expect(200);
    await send({ type: 'submitted', occurredAt: '2024-06-05' });
    await t.http
      .post('/api/decisions')
      .send({ number: '2024/09', issuer: 'AL-Runde', date: '2024-06-13', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: bodyA, effect: 'approved', data: { approvedUntil: '2027-03-31' } }] })
      .expect(201);
    await send({ type: 'approved', data: { approvedUntil: '2027-03-31' }, decision: '2024/09-AL' });
    await send({ type: 'started', occurredAt: '2024-06-17' });

    const contactOf = async (id: string) => (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds[0] as string;
    const leadOwn = await t.user('lead', { username: 'lead-a', contactId: await contactOf(bodyA) });
    const leadOther = await t.user('lead', { username: 'lead-b', contactId: await contactOf(bodyB) });
    agents = {
      none: t.anonymous,
      secretariat: t.http,
      leadOwn: leadOwn.http,
      leadOther: leadOther.http,
      auditor: (await t.user('auditor', { username: 'pruefung' })).http,
      reader: (await t.user('reader', { username: 'lesen' })).http,
      admin: (await t.user('admin', { username: 'admin' })).http,
    };
  }, 60_000);
  afterAll(() => t.close());

  /** Everything a request could change, but for usage timestamps and the dispatcher's retries. */
  async function fingerprint(): Promise<string> {
    const db = t.app.get(Database);
    // Not calendar_feeds: a user's own calendar subscriptions, which every reader (the auditor too) may keep.
    const tables = ['contacts', 'contact_events', 'decisions', 'decision_events', 'bodies', 'events', 'audit_log', 'audit_checkpoints', 'sessions', 'deadlines', 'users', 'auth_sessions'];
    const parts = await Promise.all(tables.map((table) => db.query(`SELECT * FROM ${table} ORDER BY 1`)));
    parts.push(await db.query('SELECT id, user_id, token_hash, label, revoked_at FROM api_tokens ORDER BY 1'));
    parts.push(await db.query('SELECT COUNT(*) AS n FROM outbox'));
    parts.push(await db.query("SELECT key, status FROM timers WHERE status = 'pending' ORDER BY 1"));
    return JSON.stringify(parts);
  }

  /** A fresh throwaway user (for the disable, password and token routes) and the id of its token. */
  async function throwaway() {
    const user = await t.user('reader', { username: `wegwerf-${next()}` });
    const [token] = (await agents.admin.get(`/api/users/${user.username}/tokens`).expect(200)).body;
    return { username: user.username, tokenId: token.id as string };
  }

  /** A decision recorded for the call (to amend or withdraw), as its path. */
  async function freshDecision(): Promise<string> {
    const input = decisionInput();
    await t.http.post('/api/decisions').send(input).expect(201);
    return `/api/decisions/IT-PLR/${encodeURIComponent(input.number)}`;
  }

  /** A contact nobody leads, to erase. */
  async function freshContact(): Promise<string> {
    const contacts = [{ name: 'Max Wegwerf', organization: 'Berlin' }];
    const id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: `Wegwerf ${next()}`, contacts, registeredAt: '2024-06-03' }).expect(201)).body.id;
    return (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds[0];
  }

  interface Case {
    method: 'get' | 'post' | 'put' | 'patch' | 'delete';
    /** The path; may prepare what a write consumes (a throwaway user, a fresh contact), so each call has its own. */
    path(): string | Promise<string>;
    /** The valid body (fresh each call); a write with a JSON body is also checked for mass assignment. */
    body?(): Record<string, unknown>;
    /** A text body instead of JSON. */
    text?: string;
    expect: Expectation;
  }

  interface Prepared {
    path: string;
    body?: Record<string, unknown>;
  }

  async function prepare(c: Case): Promise<Prepared> {
    return { path: await c.path(), body: c.body?.() };
  }

  function send(c: Case, http: Agent, { path, body }: Prepared, raw?: string): Promise<Response> {
    const req = http[c.method](path);
    if (raw !== undefined) return req.set('content-type', 'application/json').send(raw) as unknown as Promise<Response>;
    if (c.text !== undefined) return req.set('content-type', 'text/plain').send(c.text) as unknown as Promise<Response>;
    return (body === undefined ? req : req.send(body)) as unknown as Promise<Response>;
  }

  const decisionInput = () => ({ number: `2026/${100 + next()}`, issuer: 'IT-PLR', date: '2026-11-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Test' });
  const extensionRequest = { type: 'extensionRequested', data: { approvedUntil: '2028-12-31', justification: 'Der Auftrag ist noch nicht erfüllt.' } };
  const registration = () => ({ ...EXAMPLE_REGISTRATION, title: `Neu ${next()}`, contacts: [] });
  const read = (path: () => string | Promise<string>, expect: Expectation): Case => ({ method: 'get', path, expect });
  /** The path of the OParl object of the given kind that stands for 2024/09-AL (an Umlaufverfahren). */
  const oparlPath = async (kind: string) => {
    const [paper] = (await t.anonymous.get('/oparl/v1/body/AL-Runde/paper').expect(200)).body.data;
    return new URL(paper.id.replace('/paper/', `/${kind}/`)).pathname;
  };
  /** Proofs and notes need a checkpoint: the secretariat writes one first, if there is none. */
  const checkpointed = (path: () => string | Promise<string>) => async () => {
    if ((await t.http.get('/api/audit/checkpoints')).body.length === 0) await t.http.post('/api/audit/checkpoints').expect(201);
    return path();
  };

  const MATRIX: Record<string, Case> = {
    'GET /health': read(() => '/health', everyone(200)),
    'POST /api/auth/login': { method: 'post', path: () => '/api/auth/login', body: () => ({ username: 'niemand', password: 'falsch-falsch' }), expect: everyone(401) },
    'POST /api/auth/logout': { method: 'post', path: () => '/api/auth/logout', expect: only(200, SIGNED_IN) },
    'GET /api/auth/me': read(() => '/api/auth/me', only(200, SIGNED_IN)),
    'GET /api/users': read(() => '/api/users', only(200, ['admin'])),
    'POST /api/users': { method: 'post', path: () => '/api/users', body: () => ({ username: `neu-${next()}`, role: 'reader' }), expect: only(201, ['admin']) },
    'PUT /api/users/:username/password': {
      method: 'put',
      path: async () => `/api/users/${(await throwaway()).username}/password`,
      body: () => ({ password: 'ein-langes-passwort' }),
      expect: only(200, ['admin']),
    },
    'POST /api/users/:username/disable': { method: 'post', path: async () => `/api/users/${(await throwaway()).username}/disable`, expect: only(200, ['admin']) },
    'GET /api/users/:username/tokens': read(() => '/api/users/lesen/tokens', only(200, ['admin'])),
    'POST /api/users/:username/tokens': { method: 'post', path: () => '/api/users/lesen/tokens', body: () => ({ label: 'Test' }), expect: only(201, ['admin']) },
    'DELETE /api/tokens/:id': { method: 'delete', path: async () => `/api/tokens/${(await throwaway()).tokenId}`, expect: only(200, ['admin']) },
    'POST /api/bodies': { method: 'post', path: () => '/api/bodies', body: registration, expect: only(201, ['secretariat']) },
    'GET /api/bodies': read(() => '/api/bodies', only(200, READERS)),
    'GET /api/bodies/:id': read(() => `/api/bodies/${bodyA}`, only(200, ['secretariat', 'leadOwn', 'auditor', 'reader'], { bodyScoped: true })),
    'POST /api/bodies/:id/events': {
      method: 'post',
      path: () => `/api/bodies/${bodyA}/events`,
      // A justification of its own each time: the very same request again while open is no change (422).
      body: () => ({ ...extensionRequest, data: { ...extensionRequest.data, justification: `${extensionRequest.data.justification} (${next()})` } }),
      expect: only(200, ['secretariat', 'leadOwn'], { bodyScoped: true }),
    },
    // One version of the chart ships: the secretariat reaches the write path, which refuses (422).
    'POST /api/bodies/:id/machine-upgrade': {
      method: 'post',
      path: () => `/api/bodies/${bodyA}/machine-upgrade`,
      body: () => ({}),
      expect: only(422, ['secretariat']),
    },
    // Begun, then ended again by the same caller: the body's monitoring runs as before for the routes after them.
    'POST /api/bodies/:id/backfill': { method: 'post', path: () => `/api/bodies/${bodyA}/backfill`, body: () => ({ reason: 'Altbestand nacherfassen' }), expect: only(201, ['secretariat']) },
    'POST /api/bodies/:id/backfill/end': { method: 'post', path: () => `/api/bodies/${bodyA}/backfill/end`, body: () => ({ reason: 'Geschichte erfasst' }), expect: only(200, ['secretariat']) },
    'GET /api/bodies/:id/history': read(() => `/api/bodies/${bodyA}/history`, only(200, ['secretariat', 'leadOwn', 'auditor'], { bodyScoped: true })),
    'GET /api/bodies/:id/state': read(() => `/api/bodies/${bodyA}/state?asOf=2024-07-01`, only(200, ['secretariat', 'leadOwn', 'auditor'], { bodyScoped: true })),
    'GET /api/bodies/:id/replay': read(() => `/api/bodies/${bodyA}/replay`, only(200, ['secretariat', 'auditor'])),
    'GET /api/bodies/:id/calendar.ics': read(() => `/api/bodies/${bodyA}/calendar.ics`, only(200, ['secretariat', 'leadOwn', 'auditor', 'reader'], { bodyScoped: true })),
    // The secretariat reaches the parser, which refuses the text (400); everyone else is stopped before.
    'POST /api/bodies/import': { method: 'post', path: () => '/api/bodies/import?dryRun=true', text: 'kein Formular', expect: only(400, ['secretariat']) },
    'POST /api/decisions': { method: 'post', path: () => '/api/decisions', body: decisionInput, expect: only(201, ['secretariat']) },
    'GET /api/decisions': read(() => '/api/decisions', only(200, READERS)),
    'GET /api/decisions/:issuer/:number': read(() => '/api/decisions/AL-Runde/2024%2F09-AL', only(200, READERS)),
    'PATCH /api/decisions/:issuer/:number': {
      method: 'patch',
      path: freshDecision,
      body: () => ({ title: 'Berichtigter Titel', reason: 'Tippfehler im Titel' }),
      expect: only(200, ['secretariat']),
    },
    'POST /api/decisions/:issuer/:number/withdrawal': {
      method: 'post',
      path: async () => `${await freshDecision()}/withdrawal`,
      body: () => ({ reason: 'Irrtümlich erfasst' }),
      expect: only(200, ['secretariat']),
    },
    'GET /api/decisions/:issuer/:number/history': read(() => '/api/decisions/AL-Runde/2024%2F09-AL/history', only(200, ['secretariat', 'auditor'])),
    // 2024/09-AL is carried out already: the secretariat reaches the register, which finds no open effect (400).
    'POST /api/decisions/:issuer/:number/apply': {
      method: 'post',
      path: () => '/api/decisions/AL-Runde/2024%2F09-AL/apply',
      body: () => ({ body: bodyA }),
      expect: only(400, ['secretariat']),
    },
    'GET /api/decision-control': read(() => '/api/decision-control', only(200, READERS)),
    'GET /api/decision-control.csv': read(() => '/api/decision-control.csv', only(200, ['secretariat', 'auditor', 'reader'])),
    'GET /api/audit/verify': read(() => '/api/audit/verify', only(200, ['secretariat', 'auditor'])),
    'GET /api/audit/checkpoints': read(() => '/api/audit/checkpoints', only(200, ['secretariat', 'auditor'])),
    'POST /api/audit/checkpoints': { method: 'post', path: () => '/api/audit/checkpoints', expect: only(201, ['secretariat']) },
    'GET /api/audit/public-key': read(() => '/api/audit/public-key', everyone(200)),
    'POST /api/calendar-feeds': { method: 'post', path: () => '/api/calendar-feeds', body: () => ({ label: 'Test' }), expect: only(201, READERS) },
    'GET /api/calendar-feeds': read(() => '/api/calendar-feeds', only(200, READERS)),
    'DELETE /api/calendar-feeds/:id': {
      method: 'delete',
      path: async () => `/api/calendar-feeds/${(await t.http.post('/api/calendar-feeds').send({}).expect(201)).body.id}`,
      // Only the owner (the secretariat) may revoke it; for every other reader it does not exist.
      expect: { ...only(200, ['secretariat']), leadOwn: 404, leadOther: 404, auditor: 404, reader: 404 },
    },
    'GET /feeds/:file': read(async () => new URL((await t.http.post('/api/calendar-feeds').send({}).expect(201)).body.url).pathname, everyone(200)),
    'GET /api/audit/checkpoint': read(checkpointed(() => '/api/audit/checkpoint'), everyone(200)),
    'GET /api/audit/checkpoints/:sequence/note': read(checkpointed(() => '/api/audit/checkpoints/1/note'), everyone(200)),
    'GET /api/audit/proof/inclusion': read(
      checkpointed(async () => `/api/audit/proof/inclusion?event=${(await t.http.get(`/api/bodies/${bodyA}/history`)).body.events[0].id}`),
      only(200, ['secretariat', 'auditor']),
    ),
    'GET /api/audit/proof/consistency': read(checkpointed(() => '/api/audit/proof/consistency?from=1'), only(200, ['secretariat', 'auditor'])),
    'GET /api/audit/export': read(() => '/api/audit/export', only(200, ['secretariat', 'auditor'])),
    'POST /api/contacts/:id/erasure': {
      method: 'post',
      path: async () => `/api/contacts/${await freshContact()}/erasure`,
      body: () => ({ reason: 'Antrag nach Art. 17 DSGVO' }),
      expect: only(200, ['secretariat']),
    },
    'PATCH /api/contacts/:id': {
      method: 'patch',
      path: async () => `/api/contacts/${await freshContact()}`,
      body: () => ({ email: 'max.wegwerf@berlin.example', reason: 'neue Adresse' }),
      expect: only(200, ['secretariat']),
    },
    'GET /api/contacts/:id/history': read(async () => `/api/contacts/${await freshContact()}/history`, only(200, ['secretariat', 'auditor'])),
    'POST /api/sessions': { method: 'post', path: () => '/api/sessions', body: () => ({ issuer: 'IT-PLR', number: 200 + next(), date: '2027-03-18' }), expect: only(201, ['secretariat']) },
    'GET /api/sessions': read(() => '/api/sessions', only(200, READERS)),
    'GET /calendar.ics': read(() => '/calendar.ics', only(200, ['secretariat', 'auditor', 'reader'])),
    'GET /api/deadlines': read(() => '/api/deadlines', only(200, READERS)),
    'GET /api/todos': read(() => '/api/todos', only(200, ['secretariat', 'leadOwn', 'leadOther', 'auditor'])),
    'GET /api/reminders': read(() => '/api/reminders', only(200, ['secretariat', 'auditor'])),
    // No message is dead here: the secretariat passes the access check and is told the id is unknown.
    'POST /api/reminders/:id/requeue': { method: 'post', path: () => '/api/reminders/00000000-0000-7000-8000-000000000000/requeue', expect: only(404, ['secretariat']) },
    'GET /oparl/v1': read(() => '/oparl/v1', everyone(200)),
    'GET /oparl/v1/body': read(() => '/oparl/v1/body', everyone(200)),
    'GET /oparl/v1/body/:id': read(() => '/oparl/v1/body/AL-Runde', everyone(200)),
    'GET /oparl/v1/body/:id/organization': read(() => '/oparl/v1/body/AL-Runde/organization', everyone(200)),
    'GET /oparl/v1/body/:id/person': read(() => '/oparl/v1/body/AL-Runde/person', everyone(200)),
    'GET /oparl/v1/body/:id/meeting': read(() => '/oparl/v1/body/AL-Runde/meeting', everyone(200)),
    'GET /oparl/v1/body/:id/paper': read(() => '/oparl/v1/body/AL-Runde/paper', everyone(200)),
    'GET /oparl/v1/organization/:id': read(() => `/oparl/v1/organization/${bodyA}`, everyone(200)),
    'GET /oparl/v1/organization/:id/paper': read(() => `/oparl/v1/organization/${bodyA}/paper`, everyone(200)),
    'GET /oparl/v1/meeting/session/:issuer/:number': read(async () => {
      await t.http.post('/api/sessions').send({ issuer: 'AL-Runde', number: 1, date: '2024-05-16' });
      return '/oparl/v1/meeting/session/AL-Runde/1';
    }, everyone(200)),
    'GET /oparl/v1/meeting/umlaufverfahren/:id': read(async () => oparlPath('meeting/umlaufverfahren'), everyone(200)),
    'GET /oparl/v1/paper/:id': read(async () => oparlPath('paper'), everyone(200)),
    'GET /oparl/v1/consultation/:id': read(async () => oparlPath('consultation'), everyone(200)),
    'POST /api/simulations': { method: 'post', path: () => '/api/simulations', body: () => ({ from: '2026-11-28', to: '2026-12-05' }), expect: only(200, ['secretariat', 'auditor']) },
  };

  test('every route declares who may call it, and the matrix below has a row for each API route', () => {
    const routes = declaredRoutes(t);
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((r) => r.policy === undefined).map((r) => r.route)).toEqual([]);
    // Pages of the web UI (left out of the API document) are declared like every route; what they show is the web UI's tests' business.
    const api = routes.filter((r) => !r.page).map((r) => r.route).sort();
    expect(api).toEqual(Object.keys(MATRIX).sort());
  });

  test.each(CALLERS)('every route answers %s with the expected status; a refused write changes nothing', async (caller) => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const [route, c] of Object.entries(MATRIX)) {
      const prepared = await prepare(c);
      const before = await fingerprint();
      const response = await send(c, agents[caller], prepared);
      outcomes.push(`${route} → ${response.status}`);
      expected.push(`${route} → ${c.expect[caller]}`);
      if (response.status >= 400 && response.type === 'application/json') {
        expect(Object.keys(response.body).sort()).toEqual(['details', 'error', 'message', 'statusCode']);
      }
      if (response.status >= 400 || c.method === 'get') expect({ route, state: await fingerprint() }).toEqual({ route, state: before });
    }
    expect(outcomes).toEqual(expected);
  }, 120_000);

  test('a lead never learns that a body it does not lead exists: 404, as for an id nobody registered', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const id of [bodyA, missing]) {
      for (const path of [`/api/bodies/${id}`, `/api/bodies/${id}/history`, `/api/bodies/${id}/state`, `/api/bodies/${id}/calendar.ics`]) {
        const response = await agents.leadOther.get(path).expect(404);
        expect(response.body).toEqual({ statusCode: 404, error: 'Not Found', message: `Gremium ${id} ist nicht registriert.`, details: null });
      }
      await agents.leadOther.post(`/api/bodies/${id}/events`).send(extensionRequest).expect(404);
    }
  });

  test('a lead lists only the bodies it leads and their deadlines', async () => {
    const own = (await agents.leadOwn.get('/api/bodies').expect(200)).body as Array<{ id: string }>;
    expect(own.map((b) => b.id)).toEqual([bodyA]);
    const other = (await agents.leadOther.get('/api/bodies').expect(200)).body as Array<{ id: string }>;
    expect(other.map((b) => b.id)).toEqual([bodyB]);
    const all = (await t.http.get('/api/bodies').expect(200)).body as Array<{ id: string }>;
    expect(all.length).toBeGreaterThan(2);
    const deadlines = (await agents.leadOwn.get('/api/deadlines').expect(200)).body as Array<{ bodyId: string }>;
    expect(deadlines.length).toBeGreaterThan(0);
    expect(new Set(deadlines.map((d) => d.bodyId))).toEqual(new Set([bodyA]));
  });

  test('a lead sees among the events citing a decision only those of its own bodies', async () => {
    const path = `/api/decisions/AL-Runde/${encodeURIComponent('2024/09-AL')}`;
    const cited = async (agent: Agent) => ((await agent.get(path).expect(200)).body.citedBy as Array<{ bodyId: string }>).map((e) => e.bodyId);
    expect(await cited(agents.secretariat)).toEqual([bodyA]);
    expect(await cited(agents.auditor)).toEqual([bodyA]);
    expect(await cited(agents.leadOwn)).toEqual([bodyA]);
    expect(await cited(agents.leadOther)).toEqual([]);
  });

  test('a lead sees a decision’s effects, and the events that carried them out, only on its own bodies (as the web page does)', async () => {
    const path = `/api/decisions/AL-Runde/${encodeURIComponent('2024/09-AL')}`;
    const effects = async (agent: Agent) => (await agent.get(path).expect(200)).body.effects as Array<{ body: string; appliedBy: { bodyId: string; version: number } | null }>;
    const applied = { bodyId: bodyA, version: 3, type: 'approved', occurredAt: expect.any(String) };
    expect(await effects(agents.secretariat)).toEqual([expect.objectContaining({ body: bodyA, appliedBy: applied })]);
    expect(await effects(agents.auditor)).toEqual([expect.objectContaining({ body: bodyA, appliedBy: applied })]);
    expect(await effects(agents.leadOwn)).toEqual([expect.objectContaining({ body: bodyA, appliedBy: applied })]);
    // Not an effect on bodyA reading as never carried out („appliedBy: null“): none of bodyA's at all, nor its citing event.
    const other = (await agents.leadOther.get(path).expect(200)).body;
    expect([other.effects, other.citedBy]).toEqual([[], []]);
    expect(decisionDetailSchema.safeParse(other).success).toBe(true);
  });

  test('a lead sends only its own event types: reports and extension requests, never a decision', async () => {
    expect(EVENT_PERMISSIONS.lead).toEqual(['reportSubmitted', 'extensionRequested']);
    const before = await fingerprint();
    for (const event of [
      { type: 'extended', data: { approvedUntil: '2029-12-31' }, decision: '2024/09-AL' },
      { type: 'dissolved', data: {}, decision: '2024/09-AL' },
      { type: 'reportAcknowledged', data: { obligationId: 'r1' } },
      { type: 'reportRescheduled', data: { obligationId: 'r1', due: { kind: 'month', month: '2027-06' } } },
      { type: 'reportWaived', data: { obligationId: 'r1', reason: 'Entfällt.' } },
      { type: 'extensionDeclined', data: { reason: 'Abgelehnt.' } },
      { type: 'termExpired', data: {} },
      { type: 'registered', data: {} },
      { type: 'kaputt' },
    ]) {
      const response = await agents.leadOwn.post(`/api/bodies/${bodyA}/events`).send(event);
      expect({ type: event.type, status: response.status }).toEqual({ type: event.type, status: 403 });
      // What the role may send instead (the role table is no secret), not a bare "Keine Berechtigung".
      const sent = event.type in EVENT_LABELS ? `„${EVENT_LABELS[event.type as keyof typeof EVENT_LABELS]}“ (${event.type})` : `„${event.type}“`;
      expect(response.body.message).toBe(
        `Als Federführung senden Sie nur „Bericht eingereicht“ (reportSubmitted) und „Verlängerung beantragt“ (extensionRequested), nicht ${sent}; alles andere trägt die Geschäftsstelle ein.`,
      );
    }
    // No type, or one that is no text, is no event at all: named as such (400), as to the secretariat, not refused as „undefined“.
    for (const event of [{ data: {} }, { type: null, data: {} }, { type: ['reportSubmitted'], data: {} }]) {
      const response = await agents.leadOwn.post(`/api/bodies/${bodyA}/events`).send(event).expect(400);
      expect(response.body.details).toEqual([{ path: 'type', message: expect.any(String) }]);
      expect(JSON.stringify(response.body)).not.toMatch(/undefined|null„/);
    }
    // What a lead sends happens when it arrives: no date of its own.
    const dated = await agents.leadOwn.post(`/api/bodies/${bodyA}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1' }, occurredAt: '2024-11-21' }).expect(400);
    expect(dated.body.details).toEqual([{ path: 'occurredAt', message: expect.stringMatching(/^Als Federführung senden Sie ohne Datum/) }]);
    // A refusal offers the lead only what the lead could send instead.
    const refused = await agents.leadOwn.post(`/api/bodies/${bodyA}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r9' } }).expect(422);
    expect(refused.body.details.allowedEvents.length).toBeGreaterThan(0);
    expect(refused.body.details.allowedEvents.filter((type: string) => !EVENT_PERMISSIONS.lead.includes(type as never))).toEqual([]);
    expect(await fingerprint()).toEqual(before);
    const submitted = await agents.leadOwn
      .post(`/api/bodies/${bodyA}/events`)
      .send({ type: 'reportSubmitted', data: { obligationId: 'r1', title: 'Zwischenbericht' } })
      .expect(200);
    expect(submitted.body.event.actor).toEqual({ id: 'lead-a', role: 'lead' });
  });

  test('the secretariat moves a report\'s Frist, waives a report and declines an extension request; an auditor is refused and changes nothing', async () => {
    const id = (await t.http.post('/api/bodies').send({ ...registration(), registeredAt: '2024-06-03' }).expect(201)).body.id;
    const write = (http: Agent, body: object) => http.post(`/api/bodies/${id}/events`).send(body);
    await write(t.http, { type: 'submitted', occurredAt: '2024-06-05' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2024/77', issuer: 'AL-Runde', date: '2024-06-13', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: id, effect: 'approved', data: { approvedUntil: '2027-03-31' } }] })
      .expect(201);
    await write(t.http, { type: 'approved', data: { approvedUntil: '2027-03-31' }, decision: '2024/77-AL' }).expect(200);
    await write(t.http, { type: 'started', occurredAt: '2024-06-17' }).expect(200);
    await write(t.http, extensionRequest).expect(200);
    const events = [
      { type: 'reportRescheduled', data: { obligationId: 'r1', due: { kind: 'month', month: '2027-06' }, reason: 'Laufzeit verlängert' } },
      { type: 'extensionDeclined', data: { reason: 'Der Auftrag ist erfüllt.' } },
      { type: 'reportWaived', data: { obligationId: 'r1', reason: 'Ergebnisse liegen vor.' } },
    ];
    for (const event of events) {
      // (A lead is refused these on its own body above: its role sends reports and requests only.)
      const before = await fingerprint();
      const refused = await write(agents.auditor, event);
      expect({ type: event.type, status: refused.status }).toEqual({ type: event.type, status: 403 });
      expect(await fingerprint()).toEqual(before);
      const recorded = await write(t.http, event).expect(200);
      expect(recorded.body.event).toMatchObject({ type: event.type, actor: { role: 'secretariat' } });
    }
    expect(EVENT_PERMISSIONS.secretariat).toEqual(expect.arrayContaining(['reportRescheduled', 'reportWaived', 'extensionDeclined']));
    expect(EVENT_PERMISSIONS.auditor).toEqual([]);
  });

  test('a body tells each caller which of its allowed events that caller may send (yourEvents)', async () => {
    const yours = async (caller: Caller) => {
      const body = (await agents[caller].get(`/api/bodies/${bodyA}`).expect(200)).body as { allowedEvents: Array<{ type: string }>; yourEvents: Array<{ type: string }> };
      return { allowed: body.allowedEvents.map((e) => e.type), yours: body.yourEvents.map((e) => e.type) };
    };
    const secretariat = await yours('secretariat');
    // (The body's one report is in: the lead's test above submitted it.)
    expect(secretariat.allowed).toEqual(expect.arrayContaining(['extended', 'reportAcknowledged', 'extensionRequested', 'dissolved']));
    expect(secretariat.yours).toEqual(secretariat.allowed);
    // The lead of the body: of its two event types the one the body takes now, nothing else.
    const lead = await yours('leadOwn');
    expect(lead.allowed).toEqual(secretariat.allowed);
    expect(lead.yours).toEqual(['extensionRequested']);
    for (const caller of ['auditor', 'reader'] as const) expect((await yours(caller)).yours).toEqual([]);
  });

  test('a role the route does not admit is told so in terms of its role, and nothing is written', async () => {
    const before = await fingerprint();
    for (const [agent, label] of [
      [agents.auditor, 'Prüfung'],
      [agents.reader, 'Lesezugriff'],
    ] as const) {
      const event = await agent.post(`/api/bodies/${bodyA}/events`).send({ type: 'renamed', data: { title: 'X' } }).expect(403);
      expect(event.body.message).toBe(`Mit der Rolle „${label}“ senden Sie keine Ereignisse, also auch nicht „Umbenannt“ (renamed); Ereignisse trägt die Geschäftsstelle ein.`);
      const decision = await agent.post('/api/decisions').send({}).expect(403);
      expect(decision.body).toEqual({ statusCode: 403, error: 'Forbidden', message: `Mit der Rolle „${label}“ ist diese Anfrage nicht erlaubt.`, details: null });
    }
    expect(await fingerprint()).toEqual(before);
  });

  test('the actor of every event is the authenticated user, whatever the request says', async () => {
    const events = (await t.http.get(`/api/bodies/${bodyA}/history`).expect(200)).body.events as Array<{ type: string; actor: { id: string } }>;
    // The system events that fell due before a write are the scheduler's, never the writer's.
    const system = events.filter((e) => e.actor.id === 'system:scheduler');
    expect(system.every((e) => ['started', 'reportDue', 'reportOverdue', 'termExpiring', 'termExpired'].includes(e.type))).toBe(true);
    const history = events.filter((e) => !system.includes(e));
    const actors = new Set(history.map((e) => JSON.stringify(e.actor)));
    expect(actors).toEqual(new Set([JSON.stringify({ id: 'geschaeftsstelle', role: 'secretariat' }), JSON.stringify({ id: 'lead-a', role: 'lead' })]));
    const requested = history.filter((e) => e.type === 'extensionRequested');
    expect(requested.map((e) => e.actor)).toContainEqual({ id: 'lead-a', role: 'lead' });
  });

  test('a reader sees no personal fields: no contacts, no contact ids, no actors', async () => {
    const body = (await agents.reader.get(`/api/bodies/${bodyA}`).expect(200)).body;
    expect(body.title).toBe(EXAMPLE_REGISTRATION.title);
    expect(body).not.toHaveProperty('contacts');
    expect(body.context.profile).not.toHaveProperty('contactIds');
    const text = JSON.stringify([
      body,
      (await agents.reader.get('/api/bodies').expect(200)).body,
      (await agents.reader.get('/api/sessions').expect(200)).body,
      (await agents.reader.get('/api/decisions/AL-Runde/2024%2F09-AL').expect(200)).body,
      (await agents.reader.get('/api/deadlines').expect(200)).body,
    ]);
    for (const personal of ['Stettner', 'Heilemann', 'Müller-Niese', 'geschaeftsstelle', '"contactIds"', '"actor"', '"recordedBy"']) {
      expect(text).not.toContain(personal);
    }
    // The secretariat sees them.
    expect(JSON.stringify((await t.http.get(`/api/bodies/${bodyA}`).expect(200)).body)).toContain('Stettner');
  });

  test("an auditor's token changes nothing through any route, with any body", async () => {
    let requests = 0;
    for (const [route, c] of Object.entries(MATRIX)) {
      const variants: Array<string | undefined> = [undefined];
      if (c.method !== 'get') variants.push(JSON.stringify({ state: 'closed', role: 'secretariat' }));
      for (const raw of variants) {
        const prepared = await prepare(c);
        const before = await fingerprint();
        await send(c, agents.auditor, prepared, raw);
        requests++;
        expect({ route, state: await fingerprint() }).toEqual({ route, state: before });
      }
    }
    expect(requests).toBeGreaterThan(45);
  }, 120_000);

  describe('I-JSON at the door (RFC 7493): NUL, control characters and lone surrogates are refused with 400 naming the field, on every route', () => {
    const BAD: Array<[string, string]> = [
      ['NUL', 'a\u0000b'],
      ['an escape character', 'a\u001bb'],
      ['a C1 control character', 'a\u0085b'],
      ['a lone high surrogate', 'a\ud800b'],
      ['a lone low surrogate', 'a\udc00b'],
    ];
    const writer = (route: string): Caller => (/\/(users|tokens)/.test(route) ? 'admin' : 'secretariat');

    test.each(BAD)('%s in each text field of every write', async (_name, bad) => {
      let checked = 0;
      for (const [route, c] of Object.entries(MATRIX)) {
        if (c.method === 'get') continue;
        const prepared = await prepare(c);
        const fields = Object.entries(prepared.body ?? {}).filter(([, value]) => typeof value === 'string');
        const variants: Array<[string, string]> = fields.map(([field]) => [field, JSON.stringify({ ...prepared.body, [field]: bad })]);
        // A text body travels as UTF-8, which cannot carry a lone surrogate at all.
        if (c.text !== undefined && !/[\ud800-\udfff]/.test(bad)) variants.push(['body', JSON.stringify(bad)]);
        for (const [field, raw] of variants) {
          const before = await fingerprint();
          const req = agents[writer(route)][c.method](prepared.path);
          const response = c.text !== undefined && field === 'body' ? await req.set('content-type', 'text/plain').send(bad) : await req.set('content-type', 'application/json').send(raw);
          expect({ route, field, status: response.status, details: response.body.details }).toEqual({
            route,
            field,
            status: 400,
            details: [{ path: field, message: expect.stringMatching(/Steuerzeichen|Surrogat/) }],
          });
          expect({ route, state: await fingerprint() }).toEqual({ route, state: before });
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(15);
    }, 120_000);

    test('%00 in a query parameter or a path segment of any route, API or page, is a 400 naming it, never a 500', async () => {
      const routes = declaredRoutes(t);
      for (const { route, page } of routes) {
        const [method, path] = route.split(' ');
        const concrete = path.replace(/:(\w+)/g, 'x');
        const agent = agents[writer(route)];
        const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
        const http = (url: string) => agent[verb](url);
        const before = await fingerprint();
        const query = await http(`${concrete}?q=a%00b`);
        expect({ route, status: query.status }).toEqual({ route, status: 400 });
        if (!page) expect({ route, details: query.body.details }).toEqual({ route, details: [{ path: 'query.q', message: expect.stringContaining('U+0000') }] });
        if (path.includes(':')) {
          const param = path.match(/:(\w+)/)![1];
          const segment = await http(path.replace(/:(\w+)/g, 'a%00b'));
          expect({ route, status: segment.status }).toEqual({ route, status: 400 });
          if (!page) expect({ route, details: segment.body.details?.[0]?.path }).toEqual({ route, details: `path.${param}` });
        }
        expect({ route, state: await fingerprint() }).toEqual({ route, state: before });
      }
    }, 120_000);
  });

  describe('mass assignment: extra fields on every write are refused with 400 and change nothing', () => {
    const EXTRA: Array<[string, (input: Record<string, unknown>) => string | null]> = [
      ['state', (i) => JSON.stringify({ ...i, state: 'closed' })],
      ['version', (i) => JSON.stringify({ ...i, version: 99 })],
      ['hash', (i) => JSON.stringify({ ...i, hash: '0'.repeat(64) })],
      // Where `role` is a field of the write (creating a user), it is no extra field.
      ['role', (i) => ('role' in i ? null : JSON.stringify({ ...i, role: 'admin' }))],
      ['actor', (i) => JSON.stringify({ ...i, actor: { id: 'geschaeftsstelle', role: 'secretariat' } })],
      ['__proto__', (i) => withRawField('"__proto__":{"role":"admin"}', i)],
      ['constructor', (i) => withRawField('"constructor":{"prototype":{"role":"admin"}}', i)],
      [
        'nested',
        (i) =>
          JSON.stringify(
            i.data && typeof i.data === 'object' ? { ...i, data: { ...(i.data as object), state: 'closed', actor: { id: 'x', role: 'secretariat' } } } : { ...i, nested: { state: 'closed', role: 'admin' } },
          ),
      ],
    ];
    /** JSON text with a field that JSON.stringify cannot write (a literal `__proto__` key). */
    const withRawField = (field: string, input: Record<string, unknown>) => {
      const rest = JSON.stringify(input).slice(1, -1);
      return `{${field}${rest ? `,${rest}` : ''}}`;
    };
    const writes = () => Object.entries(MATRIX).filter(([route, c]) => c.method !== 'get' && route !== 'POST /api/bodies/import');
    const writer = (route: string): Caller => (/\/(users|tokens)/.test(route) ? 'admin' : 'secretariat');

    test.each(EXTRA.map(([name]) => name))('with %s', async (name) => {
      const variant = EXTRA.find(([n]) => n === name)![1];
      for (const [route, c] of [...writes(), ['POST /api/bodies/import', { ...MATRIX['POST /api/bodies/import'], text: undefined, body: () => ({ form: 'kein Formular' }) }] as const]) {
        const prepared = await prepare(c);
        const raw = variant(prepared.body ?? {});
        if (raw === null) continue;
        const before = await fingerprint();
        const response = await send(c, agents[writer(route)], prepared, raw);
        expect({ route, status: response.status }).toEqual({ route, status: 400 });
        expect({ route, state: await fingerprint() }).toEqual({ route, state: before });
      }
    }, 120_000);

    test('a lead cannot pass itself off as the secretariat', async () => {
      const before = await fingerprint();
      await agents.leadOwn
        .post(`/api/bodies/${bodyA}/events`)
        .send({ ...extensionRequest, actor: { id: 'geschaeftsstelle', role: 'secretariat' } })
        .expect(400);
      await agents.leadOwn.post('/api/auth/logout').send({ role: 'secretariat' }).expect(400);
      expect(await fingerprint()).toEqual(before);
    });

    test('routes without a body refuse one', async () => {
      for (const [http, path] of [
        [t.http, '/api/audit/checkpoints'],
        [agents.admin, `/api/users/${(await throwaway()).username}/disable`],
      ] as const) {
        const before = await fingerprint();
        await http.post(path).send({ state: 'x' }).expect(400);
        expect(await fingerprint()).toEqual(before);
      }
    });
  });
});
