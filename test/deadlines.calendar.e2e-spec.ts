import ICAL from 'ical.js';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { deadlinesEnv, recordSeedBody, SEED_TITLE } from './deadlines.support';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return {
    calendar,
    events: calendar.getAllSubcomponents('vevent').map((v) => {
      const event = new ICAL.Event(v);
      return {
        uid: event.uid,
        summary: event.summary,
        description: event.description,
        start: event.startDate.toString(),
        allDay: event.startDate.isDate,
        end: event.endDate.toString(),
      };
    }),
  };
}

describe.each(testDatabaseKinds())('calendar feed (RFC 5545, %s)', (kind) => {
  let restoreEnv: () => void;
  let t: TestApp;
  let id: string;

  beforeEach(async () => {
    restoreEnv = deadlinesEnv();
    t = await startTestApp({ database: kind });
    id = await recordSeedBody(t);
  });

  afterEach(async () => {
    await t.close();
    restoreEnv();
  });

  it('GET /api/bodies/:id/calendar.ics lists the body’s Fristen as all-day events an iCalendar parser reads', async () => {
    const response = await t.http.get(`/api/bodies/${id}/calendar.ics`).expect(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(response.text.split('\r\n').every((line) => Buffer.byteLength(line, 'utf8') <= 75)).toBe(true);

    const { calendar, events } = parse(response.text);
    expect(calendar.getFirstPropertyValue('x-wr-timezone')).toBe('Europe/Berlin');
    expect(calendar.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe('Europe/Berlin');
    expect(events).toEqual([
      expect.objectContaining({ uid: `${id}/start/begin@gremienlauf`, start: '2024-06-17', end: '2024-06-18', allDay: true }),
      expect.objectContaining({
        uid: `${id}/report/r1@gremienlauf`,
        summary: `Zwischenbericht an IT-Planungsrat – ${SEED_TITLE}`,
        start: '2024-12-02',
        allDay: true,
      }),
      expect.objectContaining({ uid: `${id}/term/end@gremienlauf`, start: '2025-03-31' }),
    ]);
    expect(events[1].description).toContain(
      'Ursprünglich 30.11.2024, wirksam 02.12.2024: Samstag, 30.11.2024 → Montag, 02.12.2024 (§ 193 BGB, § 31 Abs. 3 VwVfG)',
    );
    expect(events[1].description).toContain(`https://gremienlauf.example/gremien/${id}`);
  });

  it('keeps the UIDs stable while the body moves on, and /calendar.ics has every body', async () => {
    const beforeIcs = (await t.http.get('/calendar.ics').expect(200)).text;
    const before = parse(beforeIcs).events.map((e) => e.uid);
    const stamp = (ics: string, uid: string) => ics.split('BEGIN:VEVENT').find((v) => v.includes(uid))?.match(/DTSTAMP:(\S+)/)?.[1];
    t.clock.set('2024-06-17T08:00:00Z');
    await t.app.get(SchedulerService).sweep();
    const other = await t.http
      .post('/api/bodies')
      .send({ title: 'AG Datennutzung', kind: 'Arbeitsgruppe', parent: 'IT-PLR', focusTopic: 'Datennutzung', leads: ['Berlin'], start: '2024-07-01' })
      .expect(201);
    const after = parse((await t.http.get('/calendar.ics').expect(200)).text).events;
    // The start is gone (the body started); the report and the term end keep their UIDs. A draft has no Fristen.
    expect(after.map((e) => e.uid)).toEqual(before.filter((uid) => !uid.includes('/start/')));
    expect(after.some((e) => e.uid.startsWith(other.body.id))).toBe(false);
    // An unchanged Frist keeps its DTSTAMP, so calendar clients see no change.
    const afterIcs = (await t.http.get('/calendar.ics').expect(200)).text;
    const termUid = `${id}/term/end@gremienlauf`;
    expect(stamp(afterIcs, termUid)).toBe(stamp(beforeIcs, termUid));
  });

  it('answers 404 for an unknown body', async () => {
    const { body } = await t.http.get('/api/bodies/00000000-0000-4000-8000-000000000000/calendar.ics').expect(404);
    expect(body.message).toContain('ist nicht registriert');
  });
});
