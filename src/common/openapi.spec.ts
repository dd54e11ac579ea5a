import { z } from 'zod';
import { completeOpenApiDocument, responseSchema } from './openapi';

describe('answer schemas for the OpenAPI document', () => {
  test('an answer is closed and its named parts become shared components referred to by $ref', () => {
    const part = z.object({ id: z.string() }).meta({ id: 'SpecPart' });
    const schema = responseSchema(z.object({ items: z.array(part), first: part.nullable() }));
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false, properties: { items: { items: { $ref: '#/components/schemas/SpecPart' } } } });
    expect(JSON.stringify(schema)).not.toContain('$defs');

    const document = completeOpenApiDocument({ openapi: '3.0.0', paths: {}, components: {} as Record<string, unknown> }, { isPublic: () => false, ignoresIdempotencyKey: () => false });
    expect(document.components.schemas).toMatchObject({ SpecPart: { type: 'object', required: ['id'], additionalProperties: false } });
  });

  test('the same name for the same shape is one component; for two different shapes it is refused', () => {
    responseSchema(z.object({ a: z.object({ x: z.string() }).meta({ id: 'SpecTwice' }) }));
    expect(() => responseSchema(z.object({ b: z.object({ x: z.string() }).meta({ id: 'SpecTwice' }) }))).not.toThrow();
    expect(() => responseSchema(z.object({ c: z.object({ y: z.number() }).meta({ id: 'SpecTwice' }) }))).toThrow('SpecTwice');
  });

  test('every write gets the Idempotency-Key header but the ones that ignore it; reads do not', () => {
    const op = (operationId: string) => ({ operationId, responses: {} });
    const document = completeOpenApiDocument(
      { openapi: '3.0.0', paths: { '/a': { get: op('A_read'), post: op('A_write') }, '/login': { post: op('Auth_login') } } },
      { isPublic: (id) => id === 'Auth_login', ignoresIdempotencyKey: (id) => id === 'Auth_login' },
    );
    const names = (o: { parameters?: Array<{ name: string }> }) => (o.parameters ?? []).map((p) => p.name);
    const paths = document.paths as Record<string, Record<string, { parameters?: Array<{ name: string }>; security?: unknown }>>;
    expect(names(paths['/a'].post)).toEqual(['Idempotency-Key']);
    expect(names(paths['/a'].get)).toEqual([]);
    expect(names(paths['/login'].post)).toEqual([]);
    expect(paths['/login'].post.security).toEqual([]);
  });
});
