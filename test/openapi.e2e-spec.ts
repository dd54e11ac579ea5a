import { spawnSync } from 'node:child_process';
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

type Operation = { operationId: string; security?: unknown[]; responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> };

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
