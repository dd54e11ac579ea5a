/**
 * A form whose decision the register already holds: importing it (again, with allowDuplicate /
 * --force) adds the new body's effect to that decision. The dry run says so before, the import's
 * answer and the CLI's output after, plainly and naming the effect and the namesake it already has.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliAgainst } from './support/cli-run';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const SEED_FILE = join(__dirname, '..', 'examples', 'registrierung-weiterentwicklung-struktur-ozg-foederal.txt');
const SEED = readFileSync(SEED_FILE, 'utf8');
const APPLY = '/api/bodies/import?applyDecision=true&decisionDate=2024-06-12&procedure=Umlaufverfahren';
const RECORDED = 'Beschluss 2024/09-AL ist bereits erfasst („Einrichtung des Formats „Weiterentwicklung Struktur OZG Föderal““ vom 12.06.2024)';

describe.each(testDatabaseKinds())('an import citing a decision already recorded (%s)', (database) => {
  let t: TestApp;
  let first: string;

  beforeEach(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
    first = (await importForm(APPLY).expect(201)).body.id;
  });
  afterEach(() => t.close());

  const importForm = (query: string) => t.http.post(query).set('Content-Type', 'text/plain; charset=utf-8').send(SEED);
  const effects = async () => (await t.http.get('/api/decisions/AL-Runde/2024%2F09-AL').expect(200)).body.effects as Array<{ body: string; effect: string }>;

  it('says in the dry run that the effect on the new body will be added to the decision, and that it already has one for the namesake', async () => {
    const dry = await importForm('/api/bodies/import?applyDecision=true&allowDuplicate=true&dryRun=true').expect(201);
    expect(dry.body.warnings[0]).toBe(
      `${RECORDED}; die Wirkung „Einrichten bis 31.03.2025“ für dieses Gremium wird ihm hinzugefügt (im Beschlussregister als Berichtigung vermerkt), er wird zitiert, nicht neu erfasst. ` +
        `Er hat bereits die Wirkung „Einrichten bis 31.03.2025“ für das gleichnamige Gremium ${first}.`,
    );
    expect((await effects()).map((e) => e.body)).toEqual([first]);
  });

  it('says in the answer of the import with allowDuplicate that the effect on the new body was added to the decision', async () => {
    const second = await importForm('/api/bodies/import?applyDecision=true&allowDuplicate=true').expect(201);
    expect(second.body.decision).toMatchObject({ number: '2024/09-AL', recorded: false, applied: true });
    expect(second.body.warnings[0]).toBe(
      `${RECORDED}; die Wirkung „Einrichten bis 31.03.2025“ für dieses Gremium wurde ihm hinzugefügt (im Beschlussregister als Berichtigung vermerkt), er wurde zitiert, nicht neu erfasst. ` +
        `Er hat bereits die Wirkung „Einrichten bis 31.03.2025“ für das gleichnamige Gremium ${first}.`,
    );
    expect((await effects()).map((e) => [e.body, e.effect])).toEqual([
      [first, 'approved'],
      [second.body.id, 'approved'],
    ]);
  });

  it('says so in the CLI’s output of import --force --apply-decision, before (--dry-run) and after', async () => {
    const cli = async (args: string[]) => {
      const run = await cliAgainst(t, args);
      return { code: run.code, output: run.stdout + run.stderr };
    };
    const dry = await cli(['import', SEED_FILE, '--apply-decision', '--force', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.output).toContain(`Hinweis: ${RECORDED}; die Wirkung „Einrichten bis 31.03.2025“ für dieses Gremium wird ihm hinzugefügt`);
    const run = await cli(['import', SEED_FILE, '--apply-decision', '--force']);
    expect(run.code).toBe(0);
    expect(run.output).toContain(`Hinweis: ${RECORDED}; die Wirkung „Einrichten bis 31.03.2025“ für dieses Gremium wurde ihm hinzugefügt`);
    expect(run.output).toContain('Beschluss 2024/09-AL (AL-Runde) vom 12.06.2024 war bereits erfasst; um die Wirkung auf dieses Gremium ergänzt und angewandt: eingerichtet, befristet bis 31.03.2025.');
  });
});
