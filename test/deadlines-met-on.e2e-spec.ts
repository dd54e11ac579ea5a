/**
 * A met Frist says when it was met: a report the day it was submitted, and whether that was
 * after the Frist's day. The API gives `metOn`; the web pages (Fristen, Gremium, Zeitleiste), the
 * CLI and the calendar feeds say it in words. The migration that brought the column gives the
 * Fristen met before theirs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeadlinesMetOn1767900000000 } from '../src/database/migrations/1767900000000-deadlines-met-on';
import { migrateDownAndUp } from './support/migrations';
import { openTestDatabase, startTestApp, testDatabaseKinds } from './support/test-app';

const SEED = readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');

describe.each(testDatabaseKinds())('the day a Frist was met on %s', (database) => {
  test('a report submitted after its Frist is met on that day, late; the migration gives it the same day', async () => {
    const { config, cleanup } = await openTestDatabase(database);
    const t = await startTestApp({ databaseConfig: config, now: '2026-11-28T09:00:00Z' });
    let bodyId = '';
    const reportFrist = async () => {
      const list = (await t.http.get(`/api/deadlines?body=${bodyId}`).expect(200)).body as Array<{ kind: string; status: string; metOn: string | null; effectiveDate: string }>;
      return list.find((d) => d.kind === 'report');
    };
    try {
      bodyId = (await t.http.post('/api/bodies/import?applyDecision=true&decisionDate=2024-06-12&session=3').set('Content-Type', 'text/plain; charset=utf-8').send(SEED).expect(201)).body.id;
      await t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'started', occurredAt: '2024-06-17' }).expect(200);
      // Open: not met, no day.
      expect(await reportFrist()).toMatchObject({ status: 'open', metOn: null, effectiveDate: '2024-12-02' });
      // „im November 2024“ fell on Monday, 02.12.2024; the report came on the 5th.
      await t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1' }, occurredAt: '2024-12-05' }).expect(200);
      expect(await reportFrist()).toMatchObject({ status: 'met', metOn: '2024-12-05', effectiveDate: '2024-12-02' });

      const fristen = (await t.http.get('/fristen').expect(200)).text;
      const met = fristen.slice(fristen.indexOf('id="met"'), fristen.indexOf('id="sitzungen"'));
      expect(met).toContain('02.12.2024<br>eingereicht am 05.12.2024, verspätet</td>');
      const page = (await t.http.get(`/gremien/${bodyId}`).expect(200)).text;
      expect(page).toContain('<td data-label="Stand">eingereicht am 05.12.2024, verspätet</td>');
      const timeline = (await t.http.get('/zeitleiste').expect(200)).text;
      expect(timeline).toContain('<title>Zwischenbericht an IT-Planungsrat: 02.12.2024 (eingereicht am 05.12.2024, verspätet)</title>');
    } finally {
      await t.close();
    }

    // The releases before stored no day: the migration takes it from the obligation.
    await migrateDownAndUp(config, new DeadlinesMetOn1767900000000());
    const again = await startTestApp({ databaseConfig: config, now: '2026-11-28T09:00:00Z' });
    try {
      const list = (await again.http.get(`/api/deadlines?body=${bodyId}`).expect(200)).body as Array<{ kind: string; metOn: string | null }>;
      expect(list.filter((d) => d.kind === 'report').map((d) => d.metOn)).toEqual(['2024-12-05']);
    } finally {
      await again.close();
      cleanup();
    }
  });
});
