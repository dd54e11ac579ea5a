/**
 * A Nacherfassung begun after the deadline monitoring has already caught the body up is allowed,
 * but the answer says plainly what the monitoring had recorded and sent for the body (the API's
 * `recordedBefore`, the CLI's note, the web page's message after the button): the hold holds only
 * what the monitoring has not recorded or written yet, and nothing can be entered before the last
 * recorded system event.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { cliAgainst } from './support/cli-run';
import { mailApp } from './support/mail-app';
import type { TestSmtp } from './support/smtp';
import { testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const SEED_FILE = join(__dirname, '..', 'examples', 'registrierung-weiterentwicklung-struktur-ozg-foederal.txt');
const SEED = readFileSync(SEED_FILE, 'utf8');
const IMPORT_WITH_HISTORY = '/api/bodies/import?applyDecision=true&decisionDate=2024-06-12&registeredAt=2024-06-03&procedure=Umlaufverfahren';
const RECORDED =
  'Die Fristenüberwachung hat für dieses Gremium bereits erfasst: Tätigkeit begonnen am 17.06.2024, Bericht fällig am 02.12.2024, Bericht überfällig am 03.12.2024, ' +
  'Laufzeitende naht am 31.12.2024, Laufzeit abgelaufen am 01.04.2025';
const HOLDS_ONLY = 'Die Nacherfassung hält nur an, was die Fristenüberwachung noch nicht erfasst oder geschrieben hat: Bereits Erfasstes bleibt im Verlauf, und Ereignisse vor dem 01.04.2025 lassen sich nicht mehr nachtragen.';

describe.each(testDatabaseKinds())('a Nacherfassung begun after the monitoring caught the body up (%s)', (database) => {
  const start = mailApp();
  let t: TestApp;
  let smtp: TestSmtp;

  beforeEach(async () => {
    ({ t, smtp } = await start({ database, now: '2025-06-02T08:00:00Z', env: { SECRETARIAT_EMAIL: 'geschaeftsstelle@it-planungsrat.example' } }));
  });

  const importSeed = async (query = '') =>
    (await t.http.post(`${IMPORT_WITH_HISTORY}${query}`).set('Content-Type', 'text/plain; charset=utf-8').send(SEED).expect(201)).body as { id: string; backfill: unknown };
  const reminders = async (id: string) => ((await t.http.get('/api/reminders').query({ body: id }).expect(200)).body.messages as Array<{ status: string }>).map((m) => m.status);
  const end = (id: string) => t.http.post(`/api/bodies/${id}/backfill/end`).send({ reason: 'Geschichte erfasst' }).expect(200);

  const cli = (args: string[]) => cliAgainst(t, args);

  it('the API, the CLI and the web page say what was already recorded, waiting and sent, and begin the hold all the same', async () => {
    const { id } = await importSeed();
    await t.app.get(SchedulerService).sweep();
    const written = await reminders(id);
    expect(written.length).toBeGreaterThan(0);
    expect(written.every((status) => status === 'pending')).toBe(true);
    const n = written.length;

    // The API: the hold begins (201), and the answer names the system events and the reminders waiting in the outbox.
    const begun = (await t.http.post(`/api/bodies/${id}/backfill`).send({ reason: 'Bestand nacherfassen' }).expect(201)).body;
    expect(begun.backfill).toMatchObject({ since: '2025-06-02T08:00:00.000Z' });
    expect(begun.recordedBefore.events.map((e: { type: string; count: number }) => [e.type, e.count])).toEqual([
      ['started', 1],
      ['reportDue', 1],
      ['reportOverdue', 1],
      ['termExpiring', 1],
      ['termExpired', 1],
    ]);
    expect(begun.recordedBefore.events[4]).toEqual({
      type: 'termExpired',
      label: 'Laufzeit abgelaufen',
      count: 1,
      firstOccurredAt: '2025-03-31T22:00:00.000Z',
      lastOccurredAt: '2025-03-31T22:00:00.000Z',
    });
    expect(begun.recordedBefore.reminders).toEqual({ sent: 0, waiting: n });
    expect(begun.recordedBefore.notice).toBe(`${RECORDED}; ${n} Erinnerungen geschrieben, die im Ausgang bis zum Ende der Nacherfassung warten (dann geht hinaus, was noch zutrifft). ${HOLDS_ONLY}`);

    // While the hold lasts they wait: the dispatcher neither sends nor withdraws them.
    t.clock.set('2025-06-02T08:30:00Z');
    expect(await t.app.get(DispatcherService).dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
    expect(await reminders(id)).toEqual(Array(n).fill('pending'));
    expect(smtp.mails).toEqual([]);
    await end(id);

    // Once the reminders went out, the CLI says they were sent.
    t.clock.set('2025-06-02T09:00:00Z');
    await t.app.get(DispatcherService).dispatch();
    expect(await reminders(id)).toEqual(Array(n).fill('sent'));
    const cliBegun = await cli(['backfill', 'begin', id, '--reason', 'Bestand nacherfassen']);
    expect(cliBegun.code).toBe(0);
    expect(cliBegun.stdout).toContain(`Gremium ${id}: Nacherfassung begonnen`);
    expect(cliBegun.stderr).toBe(`Hinweis: ${RECORDED}; ${n} Erinnerungen versandt. ${HOLDS_ONLY}\n`);
    await end(id);

    // The web page's message after „Nacherfassung beginnen“.
    const posted = await t.http.post(`/gremien/${id}/nacherfassung`).type('form').send({ reason: 'Bestand nacherfassen' }).expect(303);
    const page = (await t.http.get(posted.headers.location).expect(200)).text;
    expect(page).toContain(`Die Nacherfassung hat begonnen: die Fristenüberwachung ruht, bis sie beendet wird. ${RECORDED}; ${n} Erinnerungen versandt. ${HOLDS_ONLY}`);
  });

  it('says nothing of the kind where the monitoring had recorded and sent nothing yet', async () => {
    const imported = await importSeed('&backfill=true');
    expect(imported.backfill).not.toBeNull();
    await end(imported.id);
    const begun = (await t.http.post(`/api/bodies/${imported.id}/backfill`).send({ reason: 'Bestand nacherfassen' }).expect(201)).body;
    expect(begun.recordedBefore).toBeNull();
    await end(imported.id);
    const cliBegun = await cli(['backfill', 'begin', imported.id, '--reason', 'Bestand nacherfassen']);
    expect([cliBegun.code, cliBegun.stderr]).toEqual([0, '']);
    await end(imported.id);
    const posted = await t.http.post(`/gremien/${imported.id}/nacherfassung`).type('form').send({ reason: 'Bestand nacherfassen' }).expect(303);
    const page = (await t.http.get(posted.headers.location).expect(200)).text;
    expect(page).toContain('Die Nacherfassung hat begonnen: die Fristenüberwachung ruht, bis sie beendet wird.');
    expect(page).not.toContain('Die Fristenüberwachung hat für dieses Gremium bereits');
  });
});
