import { spawnSync } from 'node:child_process';
import { ModulesContainer } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { RequestMethod } from '@nestjs/common';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The official OpenAPI schemas, checked by @seriousme/openapi-schema-validator. It is an ES module,
 * which jest cannot load here: it runs in a Node child process that reads the document on stdin.
 */
function validate(document: unknown): { valid: boolean; errors?: unknown } {
  const script = "import { Validator } from '@seriousme/openapi-schema-validator'; let text = ''; process.stdin.on('data', (c) => (text += c)); process.stdin.on('end', async () => { const r = await new Validator().validate(JSON.parse(text)); console.log(JSON.stringify({ valid: r.valid, errors: r.errors })); });";
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify(document), encoding: 'utf8', cwd: __dirname });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

type Operation = {
  operationId: string;
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; schema?: Record<string, unknown> }>;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
};

/** Every route the application's controllers declare, as `METHOD /path/{param}`, and whether its handler reads the query. */
function declaredRoutes(t: TestApp): Array<{ route: string; readsQuery: boolean }> {
  const routes: Array<{ route: string; readsQuery: boolean }> = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
      if (!controller) continue;
      const prefixes = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const args = Object.keys(Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {});
        const readsQuery = args.some((key) => key.startsWith(`${RouteParamtypes.QUERY}:`));
        for (const prefix of prefixes) {
          for (const path of ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, handler) ?? '')) {
            const full = `/${[prefix, path].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/').replace(/:([A-Za-z]+)/g, '{$1}');
            routes.push({ route: `${method} ${full}`, readsQuery });
          }
        }
      }
    }
  }
  return routes;
}

describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, Record<string, unknown>> } };
  const operations = () => Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));

  beforeAll(async () => {
    t = await startTestApp();
    document = (await t.anonymous.get('/api/docs/openapi.json').expect(200)).body;
  });
  afterAll(() => t.close());

  it('is OpenAPI 3.1 and valid under the official schema (every route of every feature, as generated)', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(operations().length).toBeGreaterThan(40);
  });

  it('marks the public routes public and every other one as needing the opaque API token', () => {
    const security = Object.fromEntries(operations().map(({ route, op }) => [route, op.security]));
    for (const route of ['GET /health', 'GET /api/audit/public-key', 'POST /api/auth/login', 'GET /api/audit/checkpoint', 'GET /feeds/{file}']) {
      expect({ route, security: security[route] }).toEqual({ route, security: [] });
    }
    for (const route of ['GET /api/bodies', 'POST /api/bodies/{id}/events', 'GET /api/audit/export', 'POST /api/calendar-feeds']) {
      expect({ route, security: security[route] }).toEqual({ route, security: [{ token: [] }] });
    }
    expect(document.components.securitySchemes.token).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.securitySchemes.token.bearerFormat).toBeUndefined();
  });

  it('documents every API route the controllers declare (none hidden from the document)', () => {
    const documented = new Set(operations().map(({ route }) => route));
    const api = declaredRoutes(t)
      .map(({ route }) => route)
      .filter((route) => route.split(' ')[1].startsWith('/api/'));
    expect(api.length).toBeGreaterThan(40);
    expect(api.filter((route) => !documented.has(route))).toEqual([]);
  });

  // OParl (/oparl/v1) answers objects of the OParl 1.1 standard; its tests validate them against the official schemas.
  it('declares for every operation of the API the schema of its success answer, per media type', () => {
    const missing = operations().filter(({ route }) => !route.split(' ')[1].startsWith('/oparl/')).flatMap(({ route, op }) => {
      const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
      const described = success.filter(([, answer]) => Object.values(answer.content ?? {}).some((media) => media.schema !== undefined));
      return described.length > 0 && described.length === success.length ? [] : [route];
    });
    expect(missing).toEqual([]);
  });

  it('declares Idempotency-Key on every write but the ones that ignore it (sign-in, sign-out, a new API token)', () => {
    const withoutKey = operations()
      .filter(({ route }) => !route.startsWith('GET '))
      .filter(({ op }) => !op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'))
      .map(({ route }) => route);
    expect(withoutKey.sort()).toEqual(['POST /api/auth/login', 'POST /api/auth/logout', 'POST /api/users/{username}/tokens']);
  });

  it('declares query parameters for every API route whose handler reads the query, and every path parameter of every operation', () => {
    const byRoute = new Map(operations().map(({ route, op }) => [route, op]));
    const readers = declaredRoutes(t).filter(({ route, readsQuery }) => readsQuery && route.split(' ')[1].startsWith('/api/'));
    expect(readers.length).toBeGreaterThanOrEqual(12);
    expect(readers.filter(({ route }) => !byRoute.get(route)?.parameters?.some((p) => p.in === 'query')).map(({ route }) => route)).toEqual([]);
    const undeclared = operations().flatMap(({ route, op }) =>
      [...route.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).filter((name) => !op.parameters?.some((p) => p.in === 'path' && p.name === name)).map((name) => `${route}: ${name}`),
    );
    expect(undeclared).toEqual([]);
  });

  it('declares the query parameters each route parses, with their types', () => {
    const query = (route: string) => {
      const op = operations().find((o) => o.route === route)?.op;
      return Object.fromEntries((op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.schema?.type ?? p.schema?.enum]));
    };
    expect(query('GET /api/bodies')).toEqual({ state: 'string', q: 'string', limit: 'integer', after: 'string' });
    expect(query('GET /api/decisions')).toEqual({ issuer: 'string', year: 'integer' });
    expect(query('GET /api/deadlines')).toEqual({ before: 'string', body: 'string', overdue: 'string', met: 'string', held: 'string', limit: 'integer', offset: 'integer' });
    expect(query('GET /api/reminders')).toEqual({ status: 'string', channel: 'string', body: 'string' });
    expect(query('GET /api/sessions')).toEqual({ issuer: 'string' });
    expect(query('GET /api/decision-control')).toEqual({ year: 'integer', issuer: 'string', state: 'string' });
    expect(query('GET /api/audit/verify')).toEqual({ body: 'string' });
    expect(query('GET /api/audit/proof/consistency')).toEqual({ from: 'integer', to: 'integer' });
    expect(Object.keys(query('POST /api/bodies/import')).sort()).toEqual(['allowDuplicate', 'applyDecision', 'backfill', 'contact', 'decisionDate', 'dryRun', 'procedure', 'registeredAt', 'session']);
    expect(query('POST /api/bodies/import').contact).toBe('array');
  });

  it('is refused by the validator when broken, so the check can fail', () => {
    expect(validate({ ...document, openapi: '3.1.0', paths: { '/x': { get: { responses: { '200': { content: 42 } } } } } }).valid).toBe(false);
  });

  it('declares the one error shape for the error statuses of every operation', () => {
    for (const { route, op } of operations()) {
      const errors = Object.keys(op.responses).filter((status) => status >= '400');
      expect({ route, has400: errors.includes('400') }).toEqual({ route, has400: true });
      for (const status of errors) {
        expect({ route, status, schema: op.responses[status].content?.['application/json']?.schema?.$ref }).toEqual({ route, status, schema: '#/components/schemas/Error' });
      }
    }
  });
});
