/**
 * Every chooser of a body tells apart bodies that share a title by their id, as the register
 * and the Beschlusskontrolle do: the Prüfung page's „Gremium prüfen“ and the registration form's
 * „Registrierter Vorgänger“.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, type TestApp } from './support/test-app';

describe('choosing among bodies that share a title', () => {
  let t: TestApp;
  let twin: string;
  let twin2: string;
  let single: string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
    const register = async (title: string) => (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, registeredAt: '2026-01-05' }).expect(201)).body.id as string;
    twin = await register('Projektgruppe Zwilling');
    twin2 = await register('Projektgruppe Zwilling');
    single = await register('Projektgruppe Einzeln');
  }, 60_000);
  afterAll(() => t.close());

  test('the Prüfung page offers both with their ids, a title of its own without one, and names the chosen one so', async () => {
    const auditor = await t.user('auditor');
    const page = (await auditor.http.get(`/pruefung?gremium=${twin2}`).expect(200)).text;
    const select = /<select id="pruefung-gremium"[\s\S]*?<\/select>/.exec(page)![0];
    expect(select).toContain(`<option value="${twin}">Projektgruppe Zwilling (${twin.slice(0, 8)})</option>`);
    expect(select).toContain(`<option value="${twin2}" selected>Projektgruppe Zwilling (${twin2.slice(0, 8)})</option>`);
    expect(select).toContain(`<option value="${single}">Projektgruppe Einzeln</option>`);
    expect(page).toContain(`<h3>Wiederholung: Projektgruppe Zwilling (${twin2.slice(0, 8)})</h3>`);
  });

  test('the registration form’s registered predecessor offers both with their ids', async () => {
    const page = (await t.http.get('/gremien/neu').expect(200)).text;
    const select = /<select id="[^"]*predecessors[^"]*bodyId[^"]*"[\s\S]*?<\/select>/.exec(page)![0];
    expect(select).toContain(`<option value="${twin}">Projektgruppe Zwilling (${twin.slice(0, 8)})</option>`);
    expect(select).toContain(`<option value="${twin2}">Projektgruppe Zwilling (${twin2.slice(0, 8)})</option>`);
    expect(select).toContain(`<option value="${single}">Projektgruppe Einzeln</option>`);
  });
});
