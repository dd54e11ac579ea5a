import ICAL from 'ical.js';
import { calendarFeed } from '../src/calendar/ics';
import { ApiClient } from '../src/cli/api';
import type { CommandContext } from '../src/cli/command';
import { calendarFeedCommand } from '../src/cli/commands/calendar-feed';
import { UsageError } from '../src/cli/errors';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import type { DeadlineView } from '../src/deadlines/deadlines.service';
import { deadlinesEnv, recordSeedBody, SEED_TITLE } from './deadlines.support';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const summaries = (ics: string) =>
  new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v).summary);
const pathOf = (url: string) => new URL(url).pathname;

describe.each(testDatabaseKinds())('subscribable calendar feeds (%s)', (kind) => {
  let restoreEnv: () => void;
  let t: TestApp;
  let seed: string;
  let other: string;

  beforeAll(async () => {
    restoreEnv = deadlinesEnv();
    t = await startTestApp({ database: kind });
    seed = await recordSeedBody(t, [{ name: 'Erika Muster', email: 'erika@example.org' }]);
    other = (
      await t.http
        .post('/api/bodies')
        .send({ ...EXAMPLE_REGISTRATION, title: 'Andere Projektgruppe', contacts: [{ name: 'Max Beispiel', email: 'max@example.org' }] })
        .expect(201)
    ).body.id;
  }, 60_000);
  afterAll(async () => {
    await t.close();
    restoreEnv();
  });

  const contactOf = async (id: string) => (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds[0] as string;

  test('a feed URL works without any header: ical.js reads it, with Cache-Control and an ETag that answers 304', async () => {
    const created = await t.http.post('/api/calendar-feeds').send({ label: 'Outlook' }).expect(201);
    expect(created.body).toMatchObject({ label: 'Outlook', bodyId: null, revokedAt: null, url: expect.stringMatching(/\/feeds\/glc_[A-Za-z0-9_-]{43}\.ics$/) });
    const response = await t.anonymous.get(pathOf(created.body.url)).expect(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(response.headers['cache-control']).toBe('private, max-age=300');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    const events = summaries(response.text);
    expect(events.filter((s) => s.includes(SEED_TITLE)).length).toBeGreaterThan(2);
    const again = await t.anonymous.get(pathOf(created.body.url)).set('if-none-match', response.headers.etag).expect(304);
    expect(again.text ?? '').toBe('');
  });

  test('the feed has its owner’s scope at every fetch: a lead sees only the bodies it leads, and loses a body it no longer may read', async () => {
    const lead = await t.user('lead', { username: 'lead-seed', contactId: await contactOf(seed) });
    const all = (await lead.http.post('/api/calendar-feeds').send({}).expect(201)).body;
    const own = (await lead.http.post('/api/calendar-feeds').send({ bodyId: seed }).expect(201)).body;
    const ics = (await t.anonymous.get(pathOf(all.url)).expect(200)).text;
    expect(new ICAL.Component(ICAL.parse(ics)).getFirstPropertyValue('x-wr-calname')).toBe('Gremienlauf – Fristen meiner Gremien');
    const uids = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((v) => String(v.getFirstPropertyValue('uid')));
    expect(uids.length).toBeGreaterThan(0);
    expect(uids.every((uid) => uid.startsWith(`${seed}/`))).toBe(true);
    expect((await t.anonymous.get(pathOf(own.url)).expect(200)).text).toContain(`UID:${seed}/`);
    // A body the lead does not lead cannot be subscribed to: 404, as if it did not exist.
    await lead.http.post('/api/calendar-feeds').send({ bodyId: other }).expect(404);
    // The lead's link to the body ends (here: the account is disabled): the feed answers nothing.
    const admin = await t.user('admin', { username: 'admin-feeds' });
    await admin.http.post('/api/users/lead-seed/disable').expect(200);
    await t.anonymous.get(pathOf(own.url)).expect(404);
  });

  test('a feed is revoked by its owner only; afterwards its URL answers 404, and the list never shows a secret', async () => {
    const reader = await t.user('reader', { username: 'lesen-feeds' });
    const feed = (await reader.http.post('/api/calendar-feeds').send({ label: 'Telefon' }).expect(201)).body;
    await t.http.delete(`/api/calendar-feeds/${feed.id}`).expect(404); // someone else's
    await t.anonymous.get(pathOf(feed.url)).expect(200);
    const listed = (await reader.http.get('/api/calendar-feeds').expect(200)).body;
    expect(listed).toEqual([{ id: feed.id, bodyId: null, label: 'Telefon', createdAt: feed.createdAt, revokedAt: null }]);
    const revoked = (await reader.http.delete(`/api/calendar-feeds/${feed.id}`).expect(200)).body;
    expect(revoked.revokedAt).toEqual(expect.any(String));
    const gone = await t.anonymous.get(pathOf(feed.url)).expect(404);
    expect(gone.body.message).toBe('Dieses Kalender-Abonnement gibt es nicht (mehr).');
    await t.anonymous.get('/feeds/glc_erraten.ics').expect(404);
    await t.anonymous.get(pathOf(feed.url).replace('.ics', '')).expect(404);
  });

  test('gremienlauf calendar-feed creates, lists and revokes the token user’s subscriptions', async () => {
    const lead = await t.user('lead', { username: 'lead-cli', contactId: await contactOf(seed) });
    const out: string[] = [];
    const client = new ApiClient('test', async (method, url, headers, body) => {
      const request = t.anonymous[method.toLowerCase() as 'get' | 'post' | 'delete'](url).set({ ...headers, authorization: `Bearer ${lead.token}` });
      const response = await (body === undefined ? request : request.send(body));
      return { status: response.status, body: response.text };
    });
    const context = (args: Record<string, string>, options: Record<string, string> = { token: lead.token }): CommandContext => ({
      args,
      options,
      rest: [],
      json: false,
      env: {},
      out: { line: (text = '') => out.push(text), note: (text) => out.push(text), result: (value, render) => out.push(render(value)) },
      api: async () => client,
      readInput: async () => '',
    });
    await calendarFeedCommand.run(context({ AKTION: 'create' }, { token: lead.token, body: seed, label: 'Telefon' }));
    const url = out[0].split('\n')[0];
    expect((await t.anonymous.get(pathOf(url)).expect(200)).text).toContain(`UID:${seed}/`);
    out.length = 0;
    await calendarFeedCommand.run(context({ AKTION: 'list' }));
    const id = out[0].split(/\s+/)[0];
    expect(out[0]).toContain(`Telefon  Gremium ${seed}  aktiv`);
    await calendarFeedCommand.run(context({ AKTION: 'revoke', ID: id }));
    await t.anonymous.get(pathOf(url)).expect(404);
    await expect(calendarFeedCommand.run(context({ AKTION: 'list' }, {}))).rejects.toThrow(UsageError);
  });

  test('a feed is read-only: the URL takes no write, and an admin (who reads no body) cannot subscribe', async () => {
    const feed = (await t.http.post('/api/calendar-feeds').send({}).expect(201)).body;
    const write = await t.anonymous.post(pathOf(feed.url)).send({});
    expect([404, 401, 405]).toContain(write.status);
    const admin = await t.user('admin', { username: 'admin-2' });
    await admin.http.post('/api/calendar-feeds').send({}).expect(403);
    await t.http.post('/api/calendar-feeds').send({ label: 'x', scope: 'alles' }).expect(400);
  });
});

describe('RFC 5545 text escaping', () => {
  const deadline = (title: string): DeadlineView =>
    ({
      key: 'b1/report/r1',
      bodyId: 'b1',
      bodyTitle: title,
      label: 'Zwischenbericht',
      description: 'im November 2024',
      effectiveDate: '2024-12-02',
      originalDate: '2024-11-30',
      rule: null,
      status: 'open',
      overdue: false,
      updatedAt: '2024-06-12T10:00:00.000Z',
    }) as unknown as DeadlineView;

  it('escapes backslash, semicolon, comma and line breaks, and replaces every other control character, so ical.js reads the title back', () => {
    const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\u007f';
    const title = `A;B,C\\D\r\nE\rF\nG${controls}H`;
    const ics = calendarFeed('Test', [deadline(title)], 'https://example.org');
    for (const line of ics.split('\r\n').slice(0, -1)) {
      expect(/[\u0000-\u0008\u000a-\u001f\u007f]/.test(line)).toBe(false);
    }
    // Line breaks come back as newlines, TAB as itself, every other control character as U+FFFD.
    const expected = title.replace(/\r\n|\r|\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\ufffd');
    expect(expected).toContain('\t');
    expect(summaries(ics)).toEqual([`Zwischenbericht – ${expected}`]);
  });
});
