import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../src/database/database';
import { rowCounts } from './support/row-counts';
import { startTestApp, type TestApp } from './support/test-app';

const SEED = readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');

describe('POST /api/bodies/import?applyDecision=true names a refused decision date where it was given', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
  });
  afterEach(() => t.close());

  const importForm = (text: string, query: string) => t.http.post(`/api/bodies/import${query}`).set('Content-Type', 'text/plain; charset=utf-8').send(text);

  /** The import is refused with exactly these issues, and nothing is written. */
  async function refused(text: string, query: string) {
    const before = await rowCounts(t.app.get(Database));
    const response = await importForm(text, query).expect(400);
    expect(await rowCounts(t.app.get(Database))).toEqual(before);
    return response.body as { message: string; details: Array<{ path?: string; field?: string; line?: number | null; message: string }> };
  }

  it('a decisionDate other than the day of its session in the calendar is refused at decisionDate', async () => {
    await t.http.post('/api/sessions').send({ issuer: 'AL-Runde', number: 3, date: '2024-06-11' }).expect(201);
    const answer = await refused(SEED, '?applyDecision=true&decisionDate=2024-06-12&session=3');
    expect(answer.details).toEqual([
      { path: 'decisionDate', message: 'Die 3. Sitzung (AL-Runde) ist laut Sitzungskalender am 11.06.2024: Ein Beschluss in dieser Sitzung ist vom 11.06.2024, nicht vom 12.06.2024.' },
    ]);
  });

  it('a decisionDate still to come is refused at decisionDate', async () => {
    const form = SEED.replace('Beschluss 2024/09', 'Beschluss 2026/09').replace('bis zum 31.03.2025', 'bis zum 31.03.2027');
    const answer = await refused(form, '?applyDecision=true&decisionDate=2026-12-01&procedure=Umlaufverfahren');
    expect(answer.details).toEqual([{ path: 'decisionDate', message: 'Das Beschlussdatum 01.12.2026 liegt in der Zukunft.' }]);
  });

  it('a decisionDate in another year than the decision number is refused at decisionDate, not at the number the form gave', async () => {
    const answer = await refused(SEED, '?applyDecision=true&decisionDate=2023-06-12&session=3');
    expect(answer.details).toEqual([{ path: 'decisionDate', message: 'Das Jahr der Beschlussnummer (2024) muss dem Jahr des Beschlussdatums (2023) entsprechen.' }]);
    // The dry run refuses it as the import would.
    const dry = await refused(SEED, '?dryRun=true&applyDecision=true&decisionDate=2023-06-12&session=3');
    expect(dry.details).toEqual(answer.details);
  });

  it('a date the form itself gives is refused at the form field „Ergebnis“', async () => {
    await t.http.post('/api/sessions').send({ issuer: 'AL-Runde', number: 3, date: '2024-06-11' }).expect(201);
    const form = SEED.replace('Beschluss 2024/09', 'Beschluss 2024/09 vom 12.06.2024 (3. Sitzung)');
    const answer = await refused(form, '?applyDecision=true');
    expect(answer.details).toEqual([
      { line: null, field: 'Ergebnis', message: expect.stringContaining('laut Sitzungskalender am 11.06.2024') },
    ]);
    expect(answer.message).toContain('Feld „Ergebnis“');
  });
});
