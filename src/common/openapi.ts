import { applyDecorators } from '@nestjs/common';
import { ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

/** The JSON Schema of what a zod schema accepts, for the OpenAPI document. */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/**
 * The shared shapes of the answers, by name: a zod schema with `.meta({ id })` is written once
 * under `components/schemas` and referred to with `$ref` wherever an answer contains it.
 */
const COMPONENTS = new Map<string, unknown>();

/** Rewrites zod's `#/$defs/X` references to the document's `#/components/schemas/X`. */
function toComponentRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toComponentRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) =>
      key === '$ref' && typeof inner === 'string' ? [key, inner.replace(/^#\/\$defs\//, '#/components/schemas/')] : [key, toComponentRefs(inner)],
    ),
  );
}

/**
 * The JSON Schema of what a route answers, from the zod schema that describes it (output side):
 * objects are closed (`additionalProperties: false`) unless the zod schema says otherwise, and
 * named parts (`.meta({ id })`) become shared components.
 */
export function responseSchema(schema: z.ZodType): Record<string, unknown> {
  const { $defs, $schema: _dialect, ...root } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  for (const [name, definition] of Object.entries(($defs ?? {}) as Record<string, unknown>)) {
    const component = toComponentRefs(definition);
    const known = COMPONENTS.get(name);
    if (known !== undefined && JSON.stringify(known) !== JSON.stringify(component)) {
      throw new Error(`OpenAPI: two different answer shapes are both named ${name} (.meta({ id })); give one another name`);
    }
    COMPONENTS.set(name, component);
  }
  return toComponentRefs(root) as Record<string, unknown>;
}

/** Response headers worth naming (ETag, Set-Cookie, …): name → what it carries. */
/** Headers of an answer by name: a description (sent with every such answer), or one that is sent only sometimes. */
type AnswerHeaders = Record<string, string | { description: string; sometimes: true }>;

const headerObjects = (headers: AnswerHeaders = {}) =>
  Object.keys(headers).length === 0
    ? {}
    : {
        headers: Object.fromEntries(
          Object.entries(headers).map(([name, header]) =>
            typeof header === 'string'
              ? [name, { description: header, required: true, schema: { type: 'string' } }]
              : [name, { description: header.description, required: false, schema: { type: 'string' } }],
          ),
        ),
      };

/** The JSON answer of a route for a status (200 unless given), described by a zod schema. */
export function ApiAnswer(schema: z.ZodType, options: { status?: number; description?: string; headers?: AnswerHeaders } = {}) {
  return ApiResponse({
    status: options.status ?? 200,
    description: options.description ?? 'Erfolg',
    content: { 'application/json': { schema: responseSchema(schema) } },
    ...headerObjects(options.headers),
  });
}

/** A route that answers text of a media type (iCalendar, CSV, JSON Lines, a signed note). */
export function ApiTextAnswer(mediaType: string, description: string, options: { status?: number; headers?: AnswerHeaders } = {}) {
  return ApiResponse({ status: options.status ?? 200, description, content: { [mediaType]: { schema: { type: 'string' } } }, ...headerObjects(options.headers) });
}

/** Every query parameter of the zod schema the handler parses its query with, typed as that schema accepts it. */
export function ApiQueryFrom(schema: z.ZodObject) {
  const json = jsonSchema(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return applyDecorators(
    ...Object.entries(json.properties ?? {}).map(([name, property]) =>
      ApiQuery({ name, required: json.required?.includes(name) ?? false, description: property.description as string | undefined, schema: property }),
    ),
  );
}

/** Every path parameter of the zod schema the handler parses its path with. */
export function ApiParamsFrom(schema: z.ZodObject) {
  const json = jsonSchema(schema) as { properties?: Record<string, Record<string, unknown>> };
  return applyDecorators(...Object.entries(json.properties ?? {}).map(([name, property]) => ApiParam({ name, required: true, schema: property })));
}

/** The `Idempotency-Key` request header of a write (common/idempotency-key.ts, idempotency/). */
const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Optional, 1 bis 255 sichtbare ASCII-Zeichen (z. B. eine UUID): eine Wiederholung mit demselben Schlüssel erhält die erste Antwort und schreibt nichts; derselbe Schlüssel mit einer anderen Anfrage ist ein 422.',
  schema: { type: 'string', pattern: '^"?[\\x21\\x23-\\x7e]{1,255}"?$' },
};

type Operation = { operationId?: string; security?: Array<Record<string, string[]>>; responses?: Record<string, unknown>; parameters?: Array<{ name: string; in: string }>; requestBody?: unknown };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components?: Record<string, Record<string, unknown>>; security?: unknown };

/** The one error shape of every error response (common/http-errors.ts), as JSON Schema. */
export const ERROR_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'error', 'message', 'details'],
  properties: {
    statusCode: { type: 'integer', minimum: 400, maximum: 599 },
    error: { type: 'string', description: 'HTTP reason phrase, e.g. Bad Request' },
    message: { type: 'string', description: 'German, for people' },
    details: {
      description: '400: [{path, message}] per failing field; 409: {expectedVersion, currentVersion}; 422: {state, violations, allowedEvents, path?} (path: the field the refusal is about, e.g. data.due, where it is about one); otherwise null',
    },
  },
  additionalProperties: false,
} as const;

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Eingabe ungültig: details nennt jedes fehlerhafte Feld',
  '401': 'Nicht angemeldet: API-Token (Bearer) oder Sitzung fehlt oder ist ungültig',
  '403': 'Angemeldet, aber die Rolle darf das nicht',
  '404': 'Nicht gefunden (für eine Federführung auch: nicht ihr Gremium)',
  '409': 'Konflikt: Version überholt oder schon vorhanden',
  '422': 'Vom Lebenszyklus oder einer Regel des Registers nicht erlaubt',
};

/**
 * Completes the generated document: OpenAPI 3.1 (whose Schema Object is JSON Schema 2020-12,
 * the dialect `jsonSchema` writes), the error shape as a component and as the answer of every
 * error status an operation can give, the shared answer shapes (`responseSchema`), and per
 * operation the security its route declares — none for public routes, the opaque API token (or
 * the session cookie) for every other one — and the `Idempotency-Key` header of every write
 * that honours it. `routes.isPublic(operationId)` and `routes.ignoresIdempotencyKey(operationId)`
 * come from the route's `@Access` policy and `@WithoutIdempotencyKey`.
 */
export function completeOpenApiDocument<D extends object>(
  document: D,
  routes: { isPublic: (operationId: string) => boolean; ignoresIdempotencyKey: (operationId: string) => boolean },
): D {
  const doc = document as unknown as Document;
  doc.openapi = '3.1.0';
  delete doc.security;
  doc.components ??= {};
  doc.components.schemas = { ...(doc.components.schemas ?? {}), ...Object.fromEntries([...COMPONENTS].sort(([a], [b]) => a.localeCompare(b))), Error: ERROR_SCHEMA };
  const token = doc.components.securitySchemes?.token as { bearerFormat?: string; description?: string } | undefined;
  if (token) {
    delete token.bearerFormat; // an opaque token (glf_…), not a JWT
    token.description = 'API-Token, undurchsichtig (glf_…, gremienlauf token create BENUTZER); die Web-Oberfläche nutzt stattdessen ein Sitzungs-Cookie';
  }
  for (const item of Object.values(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue;
      const id = operation.operationId ?? '';
      const open = routes.isPublic(id);
      operation.security = open ? [] : [{ token: [] }];
      if (method !== 'get' && !routes.ignoresIdempotencyKey(id) && !operation.parameters?.some((p) => p.in === 'header' && p.name === IDEMPOTENCY_KEY_PARAMETER.name)) {
        operation.parameters = [...(operation.parameters ?? []), IDEMPOTENCY_KEY_PARAMETER];
      }
      const statuses = ['400', '404', ...(open ? [] : ['401', '403']), ...(method === 'get' ? [] : ['409', '422'])];
      operation.responses ??= {};
      for (const status of statuses.sort()) {
        operation.responses[status] ??= { description: ERROR_RESPONSES[status], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
      }
    }
  }
  return document;
}
