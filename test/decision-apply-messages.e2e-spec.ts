/**
 * The messages of „Beschluss umsetzen“ and of a refused amendment say what to do in the
 * register's words: each open effect with the number to give and the body by its title (with
 * its id only where another body bears the same title). The CLI names its own option (--index).
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { cliAgainst } from './support/cli-run';
import { startTestApp, type TestApp } from './support/test-app';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('messages of „Beschluss umsetzen“ and of a refused amendment', () => {
  let t: TestApp;
  let digital: string;
  let register: string;
  let twinOne: string;
  let twinTwo: string;
  const path = (issuer: string, number: string) => `/api/decisions/${issuer}/${encodeURIComponent(number)}`;
  const decide = (number: string, issuer: string, effects: object[]) =>
    t.http.post('/api/decisions').send({ number, issuer, date: '2026-11-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects }).expect(201);
  const cli = (args: string[]) => cliAgainst(t, args);

  /**
   * Given four bodies, two of them both titled „AG Doppelt“; 2026/31-AL acknowledges a report of
   * one body and closes another; 2026/45 extends and renames one twin and renames the other.
   */
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
    const registered = async (title: string, parent: string) =>
      (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, parent, expectedEnd: null, reports: [], registeredAt: '2026-01-05' }).expect(201)).body.id as string;
    digital = await registered('AG Digitale Verwaltung', 'AL-Runde');
    register = await registered('AG Register', 'AL-Runde');
    twinOne = await registered('AG Doppelt', 'IT-PLR');
    twinTwo = await registered('AG Doppelt', 'IT-PLR');
    await decide('2026/31-AL', 'AL-Runde', [
      { body: digital, effect: 'reportAcknowledged', data: { obligationId: 'r1' } },
      { body: register, effect: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2027-03-31' } } },
    ]);
    await decide('2026/45', 'IT-PLR', [
      { body: twinOne, effect: 'extended', data: { approvedUntil: '2027-06-30' } },
      { body: twinTwo, effect: 'renamed', data: { title: 'AG Doppelt Zwei' } },
      { body: twinOne, effect: 'renamed', data: { title: 'AG Doppelt Eins' } },
    ]);
  }, 60_000);
  afterAll(() => t.close());

  test('given open effects for two bodies, applying without a body lists each effect with its number, in words, with the bodies’ titles', async () => {
    const refused = await t.http.post(`${path('AL-Runde', '2026/31-AL')}/apply`).send({}).expect(400);
    expect(refused.body.details).toEqual([
      {
        path: 'body',
        message:
          'Beschluss 2026/31-AL (AL-Runde) vom 20.11.2026 hat offene Wirkungen für mehrere Gremien – ' +
          'Wirkung 0: Bericht zur Kenntnis nehmen: ein beim Gremium nicht geführter Bericht für „AG Digitale Verwaltung“; ' +
          'Wirkung 1: Geordneten Abschluss einleiten, Abschlussbericht bis 31.03.2027 für „AG Register“. ' +
          'Bitte das Gremium angeben oder die Nummer der Wirkung.',
      },
    ]);
  });

  test('given two open effects for the body, applying with the body lists them with their numbers; a title borne twice comes with the id', async () => {
    const refused = await t.http.post(`${path('IT-PLR', '2026/45')}/apply`).send({ body: twinOne }).expect(400);
    expect(refused.body.details).toEqual([
      {
        path: 'effect',
        message:
          `Beschluss 2026/45 (IT-PLR) vom 20.11.2026 hat für „AG Doppelt“ (${twinOne}) mehrere offene Wirkungen – ` +
          'Wirkung 0: Verlängern bis 30.06.2027; Wirkung 2: Umbenennen in „AG Doppelt Eins“. Bitte die Nummer der Wirkung angeben.',
      },
    ]);
    const elsewhere = await t.http.post(`${path('IT-PLR', '2026/45')}/apply`).send({ body: twinOne, effect: 1 }).expect(400);
    expect(elsewhere.body.details).toEqual([
      { path: 'effect', message: `Beschluss 2026/45 (IT-PLR) vom 20.11.2026: Wirkung 1 gilt „AG Doppelt“ (${twinTwo}), nicht „AG Doppelt“ (${twinOne}).` },
    ]);
    const beyond = await t.http.post(`${path('IT-PLR', '2026/45')}/apply`).send({ effect: 3 }).expect(400);
    expect(beyond.body.details).toEqual([{ path: 'effect', message: 'Beschluss 2026/45 (IT-PLR) vom 20.11.2026 hat keine Wirkung 3 (nur Wirkung 0 bis 2).' }]);
  });

  test('the CLI names its own options: --index N for the effect, --body ID for the body', async () => {
    const index = await cli(['decision', 'apply', '2026/45', '--body', twinOne]);
    expect(index.code).toBe(1);
    expect(index.stderr).toContain(`Abgelehnt: Ungültige Angaben – --index N: Beschluss 2026/45 (IT-PLR) vom 20.11.2026 hat für „AG Doppelt“ (${twinOne}) mehrere offene Wirkungen – Wirkung 0: Verlängern bis 30.06.2027; Wirkung 2:`);
    expect(index.stderr).not.toMatch(/\beffect\b/);
    const body = await cli(['decision', 'apply', '2026/31-AL']);
    expect(body.code).toBe(1);
    expect(body.stderr).toContain('Abgelehnt: Ungültige Angaben – --body ID: Beschluss 2026/31-AL (AL-Runde) vom 20.11.2026 hat offene Wirkungen für mehrere Gremien – Wirkung 0:');
    expect(body.stderr).not.toMatch(UUID);
    // With --json the API's answer stays as it was given.
    const json = await cli(['decision', 'apply', '2026/45', '--body', twinOne, '--json']);
    expect(JSON.parse(json.stderr).error.details.details).toEqual([{ path: 'effect', message: expect.stringContaining('Wirkung 0: Verlängern bis 30.06.2027') }]);
  });

  test('a refused amendment names the citing body by its title', async () => {
    await t.http.post(`/api/bodies/${digital}/events`).send({ type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
    await decide('2026/32-AL', 'AL-Runde', [{ body: digital, effect: 'approved', data: { approvedUntil: '2027-12-31' } }]);
    const applied = await t.http.post(`${path('AL-Runde', '2026/32-AL')}/apply`).send({}).expect(200);
    const date = await t.http.patch(path('AL-Runde', '2026/32-AL')).send({ date: '2026-11-19', reason: 'Tippfehler' }).expect(422);
    expect(date.body.message).toContain(`Das Datum 20.11.2026 steht in „AG Digitale Verwaltung“, Version ${applied.body.version} „Eingerichtet (Beschluss)“.`);
    expect(date.body.message).not.toMatch(UUID);
    const dropped = await t.http.patch(path('AL-Runde', '2026/32-AL')).send({ effects: [], reason: 'Gestrichen' }).expect(422);
    expect(dropped.body.message).toContain(`Die Wirkung „Einrichten bis 31.12.2027“ für „AG Digitale Verwaltung“ ist durch Version ${applied.body.version} „Eingerichtet (Beschluss)“ umgesetzt und bleibt.`);
    expect(dropped.body.message).not.toMatch(UUID);
  });
});
