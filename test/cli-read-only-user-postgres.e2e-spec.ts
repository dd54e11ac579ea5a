/**
 * A PostgreSQL user who may only read, as the CLI's local commands meet it: what it may do (read)
 * works; what it may not (a write, or migrating a new database) is refused in one German line
 * that says it is the database's rights, not „Interner Fehler“ with the server's English.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { cliLocal as run } from './support/cli-run';
import { openTestDatabase, testDatabaseKinds } from './support/test-app';

const onPostgres = testDatabaseKinds().includes('postgres') ? describe : describe.skip;
const SEED_FILE = join(__dirname, '..', 'examples', 'registrierung-weiterentwicklung-struktur-ozg-foederal.txt');
const READER = 'glf_cli_reader';

onPostgres('the CLI as a PostgreSQL user who may only read', () => {
  const url = process.env.TEST_DATABASE_URL ?? '';
  const reader = new URL(url);
  reader.username = READER;
  reader.password = 'nur-lesen';
  const env = { DATABASE_URL: reader.toString() };
  let admin: Client;

  // The signing key a first start makes lands in ./data of a folder of its own.
  const cwd = process.cwd();
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'gremienlauf-cli-reader-'));
    process.chdir(work);
  });
  afterAll(() => {
    process.chdir(cwd);
    rmSync(work, { recursive: true, force: true });
  });

  beforeEach(async () => {
    admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP OWNED BY ${READER}`).catch(() => undefined);
    await admin.query(`DROP ROLE IF EXISTS ${READER}`);
    await admin.query(`CREATE ROLE ${READER} LOGIN PASSWORD 'nur-lesen'`);
  });
  afterEach(async () => {
    await admin.query(`DROP OWNED BY ${READER}`).catch(() => undefined);
    await admin.query(`DROP ROLE IF EXISTS ${READER}`);
    await admin.end();
  });

  test('reads, and a write is refused naming the database’s rights; nothing is written', async () => {
    await openTestDatabase('postgres');
    // Opened once by a user who may write, as the service does at its first start (migrations, signing key).
    expect((await run(['list'], { DATABASE_URL: url })).code).toBe(0);
    await admin.query(`GRANT USAGE ON SCHEMA public TO ${READER}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${READER}`);

    const listed = await run(['list', '--json'], env);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);

    const imported = await run(['import', SEED_FILE], env);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toBe(
      'Abgelehnt: Der Vorgang wurde nicht ausgeführt: die Datenbank lässt den Dienst nicht schreiben (ihr Benutzer oder die Datei hat keine Schreibrechte). Das können nur die Betreiber beheben.\n',
    );
    const { rows } = await admin.query<{ count: string }>('SELECT count(*) FROM bodies');
    expect(rows[0].count).toBe('0');
  });

  test('a new database it may not migrate is refused in one line naming the user and the setting', async () => {
    await openTestDatabase('postgres');
    await admin.query(`GRANT USAGE ON SCHEMA public TO ${READER}`);

    const listed = await run(['list'], env);
    expect(listed.code).toBe(1);
    expect(listed.stderr).toMatch(
      new RegExp(
        `^Fehler: Der Benutzer der Datenbank postgres://${READER}:\\*\\*\\*@\\S+ \\(DATABASE_URL\\) darf nicht schreiben, was der Dienst schreiben muss: ` +
          'der Server antwortet „permission denied for schema public“ – dem Benutzer Schreibrechte geben oder einen anderen in DATABASE_URL nennen\\.\\n$',
      ),
    );
    const asOption = await run(['list', '--json', '--database', reader.toString()], {});
    expect(asOption.code).toBe(1);
    expect(JSON.parse(asOption.stderr).error).toMatchObject({ kind: 'startRefused', message: expect.stringContaining('(--database) darf nicht schreiben') });
    expect(JSON.parse(asOption.stderr).error.message).toContain('einen anderen in --database nennen.');
  });
});
