import { readFileSync } from 'node:fs';
import { DEFAULT_ISSUERS } from '../config/configuration';
import { parseRegistrationForm } from '../src/registration-import/registration-form.parser';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { projectFile } from '../src/common/project-file';
import { EXAMPLE_FORM } from '../src/seed/seed.service';
import { startTestApp, startTestAppWithScheduler } from './support/test-app';

describe('the example body on an empty database', () => {
  test('the fixture the tests use is exactly what the example form says', () => {
    const parsed = parseRegistrationForm(readFileSync(projectFile(EXAMPLE_FORM), 'utf8'), { issuers: DEFAULT_ISSUERS });
    const { reports, ...form } = parsed.registration;
    const { reports: fixtureReports, ...fixture } = EXAMPLE_REGISTRATION;
    expect(form).toMatchObject(fixture);
    expect(reports).toEqual(fixtureReports!.map(({ title: _title, ...report }) => expect.objectContaining(report)));
  });

  test('is imported from the form with its decision and approved until 31.03.2025', async () => {
    const t = await startTestApp({ config: { seedExample: true } });
    try {
      const [body] = (await t.http.get('/api/bodies').expect(200)).body;
      expect(body).toMatchObject({ title: 'Weiterentwicklung Struktur OZG Föderal', approvedUntil: '2025-03-31' });
      const history = (await t.http.get(`/api/bodies/${body.id}/history`).expect(200)).body.events;
      expect(history.map((e: { type: string }) => e.type).slice(0, 3)).toEqual(['registered', 'submitted', 'approved']);
      expect(history[2].decision).toMatchObject({ number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-12' });
      // Recorded by the service itself: no user account's name (a user may later be called `geschaeftsstelle`).
      expect(history.slice(0, 3).map((e: { actor: unknown }) => e.actor)).toEqual(Array(3).fill({ id: 'system:example', role: 'secretariat' }));
    } finally {
      await t.close();
    }
  });

  test('is up to today once the service has started, when the scheduler runs by itself', async () => {
    // The start sweep may read the timers before the import commits; the next would come an hour later.
    const t = await startTestAppWithScheduler({ config: { seedExample: true } });
    try {
      const [body] = (await t.http.get('/api/bodies').expect(200)).body;
      expect(body.state.value).toEqual({ active: { term: 'expired', reporting: 'reportOverdue', closure: 'operating' } });
      const history = (await t.http.get(`/api/bodies/${body.id}/history`).expect(200)).body.events;
      expect(history.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['started', 'reportDue', 'reportOverdue', 'termExpiring', 'termExpired']));
    } finally {
      await t.close();
    }
  });
});
