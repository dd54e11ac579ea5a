/**
 * Exactly-once commands with `Idempotency-Key` (IETF httpapi draft): concurrent repeats, a
 * repeat after a restart, the same key with another request, a refused command, expiry. On
 * SQLite (one writer, group commit) and PostgreSQL (concurrent transactions) alike.
 */
import { randomUUID } from 'node:crypto';
import { Database } from '../src/database/database';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { rowCounts } from './support/row-counts';
import { openTestDatabase, startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('Idempotency-Key on %s', (database) => {
  let t: TestApp;
  let cleanup: () => void;
  let config: Awaited<ReturnType<typeof openTestDatabase>>['config'];

  beforeAll(async () => {
    ({ config, cleanup } = await openTestDatabase(database));
    t = await startTestApp({ databaseConfig: config });
  }, 30_000);
  afterAll(async () => {
    await t.close();
    cleanup();
  });

  const register = (key: string, title = 'Gremium mit Schlüssel') =>
    t.http.post('/api/bodies').set('Idempotency-Key', key).send({ ...EXAMPLE_REGISTRATION, title, registeredAt: '2024-06-03' });
  const eventsOf = async (bodyId: string) => (await t.app.get(Database).query('SELECT type FROM events WHERE body_id = ?', [bodyId])).length;
  const bodiesTitled = async (title: string) => (await t.app.get(Database).query('SELECT id FROM bodies WHERE title = ?', [title])).length;

  test('ten concurrent repeats of an event write one event and get byte-identical answers', async () => {
    const bodyId = (await register(randomUUID(), 'Zehnmal gesendet').expect(201)).body.id;
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => t.http.post(`/api/bodies/${bodyId}/events`).set('Idempotency-Key', key).send({ type: 'submitted', occurredAt: '2024-06-05' })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(responses.map((r) => r.text)).size).toBe(1);
    expect(new Set(responses.map((r) => r.headers['content-type'])).size).toBe(1);
    expect(await eventsOf(bodyId)).toBe(2);
  });

  test('ten concurrent repeats of a registration register one body', async () => {
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 10 }, () => register(key, 'Einmal registriert')));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(responses.map((r) => r.text)).size).toBe(1);
    expect(await bodiesTitled('Einmal registriert')).toBe(1);
  });

  test('the same key with another request is a 422 in German and writes nothing', async () => {
    const key = randomUUID();
    await register(key, 'Erste Anfrage').expect(201);
    const before = await rowCounts(t.app.get(Database));
    const reused = await register(key, 'Andere Anfrage').expect(422);
    expect(reused.body).toMatchObject({ statusCode: 422, message: expect.stringContaining(`Der Idempotency-Key „${key}“ wurde bereits für eine andere Anfrage verwendet`) });
    expect(await rowCounts(t.app.get(Database))).toEqual(before);
  });

  test('a refused command is answered the same way again, and nothing of it is written', async () => {
    const bodyId = (await register(randomUUID(), 'Abgelehnt').expect(201)).body.id;
    const key = randomUUID();
    const send = () => t.http.post(`/api/bodies/${bodyId}/events`).set('Idempotency-Key', key).send({ type: 'started', occurredAt: '2024-06-05' });
    const first = await send().expect(422);
    const before = await rowCounts(t.app.get(Database));
    const again = await send().expect(422);
    expect(again.text).toBe(first.text);
    expect(await rowCounts(t.app.get(Database))).toEqual(before);
    expect(await eventsOf(bodyId)).toBe(1);
  });

  test('an event honours the key in its handler as the other writes do: a malformed key is a 400 and another event under a used key a 422, neither appends', async () => {
    const bodyId = (await register(randomUUID(), 'Ereignis mit Schlüssel').expect(201)).body.id;
    const sendWith = (key: string, command: Record<string, unknown>) => t.http.post(`/api/bodies/${bodyId}/events`).set('Idempotency-Key', key).send(command);
    const malformed = await sendWith('mit leerzeichen', { type: 'submitted', occurredAt: '2024-06-05' }).expect(400);
    expect(malformed.body.details).toEqual([{ path: 'Idempotency-Key', message: expect.stringContaining('sichtbare ASCII-Zeichen') }]);
    expect(await eventsOf(bodyId)).toBe(1);
    const key = randomUUID();
    const first = await sendWith(key, { type: 'submitted', occurredAt: '2024-06-05' }).expect(200);
    expect(first.body).toMatchObject({ id: bodyId, version: 2 });
    const before = await rowCounts(t.app.get(Database));
    const reused = await sendWith(key, { type: 'withdrawn', occurredAt: '2024-06-06' }).expect(422);
    expect(reused.body.message).toContain(`Der Idempotency-Key „${key}“ wurde bereits für eine andere Anfrage verwendet`);
    expect(await rowCounts(t.app.get(Database))).toEqual(before);
    expect((await sendWith(key, { type: 'submitted', occurredAt: '2024-06-05' }).expect(200)).text).toBe(first.text);
    expect(await eventsOf(bodyId)).toBe(2);
  });

  test('a key that is not 1–255 visible ASCII characters is a 400 naming the header', async () => {
    const response = await register('mit leerzeichen').expect(400);
    expect(response.body.details).toEqual([{ path: 'Idempotency-Key', message: expect.stringContaining('sichtbare ASCII-Zeichen') }]);
  });

  test('without a key every request counts; a key from another user is another key', async () => {
    await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Ohne Schlüssel 2' }).expect(201);
    await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Ohne Schlüssel 2' }).expect(201);
    expect(await bodiesTitled('Ohne Schlüssel 2')).toBe(2);
    const other = await t.user('secretariat', { username: 'zweite-geschaeftsstelle' });
    const key = randomUUID();
    await register(key, 'Zwei Benutzer').expect(201);
    await other.http.post('/api/bodies').set('Idempotency-Key', key).send({ ...EXAMPLE_REGISTRATION, title: 'Zwei Benutzer' }).expect(201);
    expect(await bodiesTitled('Zwei Benutzer')).toBe(2);
  });

  test('a repeat after a restart gets the same answer and writes nothing; after 24 hours the key is free again', async () => {
    const key = randomUUID();
    const first = await register(key, 'Vor dem Neustart').expect(201);
    await t.app.close();
    t = await startTestApp({ databaseConfig: config });
    const before = await rowCounts(t.app.get(Database));
    const again = await register(key, 'Vor dem Neustart').expect(201);
    expect(again.text).toBe(first.text);
    expect(await rowCounts(t.app.get(Database))).toEqual(before);

    t.clock.advance(24 * 3_600_000 + 1000);
    const reusedLater = await register(key, 'Nach einem Tag').expect(201);
    expect(reusedLater.body.id).not.toBe(first.body.id);
  }, 30_000);
});
