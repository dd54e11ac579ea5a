import { z } from 'zod';

/** The JSON Schema of what a zod schema accepts, for the OpenAPI document. */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

type Operation = { operationId?: string; security?: Array<Record<string, string[]>>; responses?: Record<string, unknown>; parameters?: unknown[]; requestBody?: unknown };
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
      description: '400: [{path, message}] per failing field; 409: {expectedVersion, currentVersion}; 422: {state, violations, allowedEvents}; otherwise null',
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
 * error status an operation can give, and per operation the security its route declares —
 * none for public routes, the opaque API token (or the session cookie) for every other one.
 * `isPublic(operationId)` says which routes are public (from their `@Access` policy).
 */
export function completeOpenApiDocument<D extends object>(document: D, isPublic: (operationId: string) => boolean): D {
  const doc = document as unknown as Document;
  doc.openapi = '3.1.0';
  delete doc.security;
  doc.components ??= {};
  doc.components.schemas = { ...(doc.components.schemas ?? {}), Error: ERROR_SCHEMA };
  const token = doc.components.securitySchemes?.token as { bearerFormat?: string; description?: string } | undefined;
  if (token) {
    delete token.bearerFormat; // an opaque token (glf_…), not a JWT
    token.description = 'API-Token, undurchsichtig (glf_…, gremienlauf token create BENUTZER); die Web-Oberfläche nutzt stattdessen ein Sitzungs-Cookie';
  }
  for (const item of Object.values(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'patch'].includes(method)) continue;
      const open = operation.operationId !== undefined && isPublic(operation.operationId);
      operation.security = open ? [] : [{ token: [] }];
      const statuses = ['400', '404', ...(open ? [] : ['401', '403']), ...(method === 'get' ? [] : ['409', '422'])];
      operation.responses ??= {};
      for (const status of statuses.sort()) {
        operation.responses[status] ??= { description: ERROR_RESPONSES[status], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
      }
    }
  }
  return document;
}
