/**
 * „Übernehmen und Beschluss anwenden“ on the web page „Registrierungsformular übernehmen“ for a
 * form whose decision the register already holds: the message after the click says, as the API's
 * and the CLI's answer do, that the new body's effect was added to the recorded Beschluss (noted
 * as a correction) and that it was cited, not recorded anew.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const SEED = readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
const TITLE = 'Weiterentwicklung Struktur OZG Föderal';
const formOf = (title: string, decision: string) => SEED.replace(TITLE, title).replace('Beschluss 2024/09', `Beschluss ${decision}`);

describe.each(testDatabaseKinds())('the message after applying an imported form’s decision on the web (%s)', (database) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
  });
  afterEach(() => t.close());

  const post = (fields: Record<string, string>) => t.http.post('/gremien/formular').type('form').send(fields);
  /** The page the click leads to, and the body's id. */
  const apply = async (fields: Record<string, string>) => {
    const location = (await post({ schritt: 'anwenden', ...fields }).expect(303)).headers.location as string;
    return { id: location.split('/')[2].split('?')[0], page: (await t.http.get(location).expect(200)).text };
  };

  it('says the effect on the new body was added to the decision recorded by an earlier import, and not where the import recorded it', async () => {
    const first = await apply({ formular: formOf('Cloud-Strategie Föderal', '2024/11'), decisionDate: '2024-06-12', procedure: 'Umlaufverfahren' });
    expect(first.page).toContain('Das Gremium wurde aus dem Registrierungsformular übernommen und Beschluss 2024/11-AL angewandt. Aktueller Zustand: Eingerichtet (Tätigkeit noch nicht begonnen).');
    expect(first.page).not.toContain('war bereits erfasst');

    const second = await apply({ formular: formOf('Datenschutz Föderal', '2024/11') });
    expect(second.page).toContain(
      'Das Gremium wurde aus dem Registrierungsformular übernommen. Beschluss 2024/11-AL war bereits erfasst („Einrichtung des Formats „Cloud-Strategie Föderal““ vom 12.06.2024); ' +
        'die Wirkung „Einrichten bis 31.03.2025“ für dieses Gremium wurde ihm hinzugefügt (im Beschlussregister als Berichtigung vermerkt), er wurde zitiert und angewandt, nicht neu erfasst. ' +
        'Aktueller Zustand: Eingerichtet (Tätigkeit noch nicht begonnen).',
    );
    const decision = (await t.http.get('/api/decisions/AL-Runde/2024%2F11-AL').expect(200)).body;
    expect(decision.effects.map((e: { body: string }) => e.body)).toEqual([first.id, second.id]);
    // The first body's page, asked again with the same address, still says the import recorded the decision.
    expect((await t.http.get(`/gremien/${first.id}?erfolg=uebernommen&beschluss=2024%2F11-AL`).expect(200)).text).toContain('übernommen und Beschluss 2024/11-AL angewandt.');
  });

  it('says the same as the API’s import answer for a decision recorded in the register beforehand, without effects', async () => {
    await t.http
      .post('/api/decisions')
      .send({ number: '2024/12-AL', issuer: 'AL-Runde', date: '2024-06-12', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung von Arbeitsformaten' })
      .expect(201);
    const { page } = await apply({ formular: formOf('Open Data Föderal', '2024/12') });
    const said = 'die Wirkung „Einrichten bis 31.03.2025“ für dieses Gremium wurde ihm hinzugefügt (im Beschlussregister als Berichtigung vermerkt)';
    expect(page).toContain(`Beschluss 2024/12-AL war bereits erfasst („Einrichtung von Arbeitsformaten“ vom 12.06.2024); ${said}, er wurde zitiert und angewandt, nicht neu erfasst.`);
    const api = await t.http
      .post('/api/bodies/import?applyDecision=true')
      .set('Content-Type', 'text/plain; charset=utf-8')
      .send(formOf('Open Source Föderal', '2024/12'))
      .expect(201);
    expect(api.body.warnings[0]).toContain(`Beschluss 2024/12-AL ist bereits erfasst („Einrichtung von Arbeitsformaten“ vom 12.06.2024); ${said}`);
  });
});
