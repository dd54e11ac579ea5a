/**
 * „Registriert am“ on the web page „Registrierungsformular übernehmen“: the day the form reached
 * the Geschäftsstelle, as the API's `registeredAt` and the CLI's `--registered-at` give it. Carried
 * through „Prüfen“ into both ways of taking the form over; left empty, the registration bears the
 * day of the decision applied with it (or today). A day that is no date, or one after the
 * decision, is refused at the field, and nothing is registered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { berlinDate } from '../machines';
import { startTestApp, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const SEED = readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
const TITLE = 'Weiterentwicklung Struktur OZG Föderal';
const formOf = (title: string) => SEED.replace(TITLE, title);

describe('„Registriert am“ on the web import page', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
  });
  afterEach(() => t.close());

  const post = (fields: Record<string, string>) => t.http.post('/gremien/formular').type('form').send(fields);
  const registeredOn = async (location: string) => {
    const id = location.split('/')[2].split('?')[0];
    const history = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events as Array<{ type: string; occurredAt: string }>;
    return berlinDate(history.find((e) => e.type === 'registered')!.occurredAt);
  };
  const bodies = async () => ((await t.http.get('/api/bodies').expect(200)).body as unknown[]).length;

  it('is shown in the preview, carried into „Als Entwurf übernehmen“ and „Übernehmen und Beschluss anwenden“, and is the day the registration bears', async () => {
    const preview = await post({ formular: formOf('Cloud-Strategie Föderal'), registeredAt: '2024-06-03', schritt: 'pruefen' }).expect(200);
    expect(preview.text).toContain('<strong>Registriert am:</strong> 03.06.2024');
    // Both forms of the preview carry the day on.
    expect(preview.text.match(/<input type="hidden" name="registeredAt" value="2024-06-03">/g)).toHaveLength(2);
    expect(preview.text).toContain('id="formular-registriert-am" name="registeredAt" value="2024-06-03"');

    const draft = await post({ formular: formOf('Cloud-Strategie Föderal'), registeredAt: '2024-06-03', schritt: 'uebernehmen' }).expect(303);
    expect(await registeredOn(draft.headers.location)).toBe('2024-06-03');

    const applied = await post({
      formular: formOf('Datenschutz Föderal'),
      registeredAt: '2024-06-05',
      schritt: 'anwenden',
      decisionDate: '2024-06-12',
      procedure: 'Umlaufverfahren',
    }).expect(303);
    expect(await registeredOn(applied.headers.location)).toBe('2024-06-05');
  });

  it('left empty, the registration bears the day of the decision applied with it', async () => {
    const applied = await post({ formular: formOf('Open Data Föderal'), registeredAt: '', schritt: 'anwenden', decisionDate: '2024-06-12', procedure: 'Umlaufverfahren' }).expect(303);
    expect(await registeredOn(applied.headers.location)).toBe('2024-06-12');
  });

  it('refuses a day that is no date, and one after the decision, naming the field, and registers nothing', async () => {
    const notADate = await post({ formular: formOf('Open Source Föderal'), registeredAt: '2024-02-30', schritt: 'uebernehmen' }).expect(400);
    expect(notADate.text).toContain('Registriert am: „2024-02-30“ ist kein Datum; erwartet wird ein Tag wie 03.06.2024.');

    const late = await post({ formular: formOf('Open Source Föderal'), registeredAt: '2024-07-01', schritt: 'anwenden', decisionDate: '2024-06-12', procedure: 'Umlaufverfahren' });
    expect(late.status).toBeGreaterThanOrEqual(400);
    expect(late.text).toContain('Registriert am');
    expect(late.text).toContain('Die Registrierung (01.07.2024) kann nicht nach dem Beschluss (12.06.2024) liegen.');
    expect(await bodies()).toBe(0);
  });
});
