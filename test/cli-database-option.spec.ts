/**
 * Where the CLI's local database was named is where a message about it points: a --database
 * that names no database is wrong usage of that option, not a DATABASE_URL the operator never set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DATABASE } from '../src/cli/connection';
import { databaseSource } from '../src/cli/local';
import { cliLocal as run } from './support/cli-run';

// A command that did fall back to the default database (./data/gremienlauf.sqlite) finds it in a folder of its own.
const cwd = process.cwd();
let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'gremienlauf-cli-database-'));
  process.chdir(work);
});
afterAll(() => {
  process.chdir(cwd);
  rmSync(work, { recursive: true, force: true });
});

const XYZ = '„xyz://“ ist kein unterstütztes Schema; erwartet wird postgres://… oder postgresql://… für PostgreSQL oder der Pfad einer SQLite-Datei (z. B. ./data/gremienlauf.sqlite).';

describe('--database of another scheme', () => {
  test.each([
    [['list', '--database', 'xyz://foo']],
    [['--database', 'xyz://foo', 'list']],
    [['serve', '--database=xyz://foo']],
    [['backup', '/tmp/sicherung', '--database', 'xyz://foo']],
    [['record-decision', '2025/03-AL', '--database', 'xyz://foo']],
  ])('%j is wrong usage naming --database and the scheme, not DATABASE_URL, and never the rest', async (argv) => {
    const answer = await run(argv, { DATABASE_URL: '/srv/gremienlauf.sqlite' });
    expect(answer.code).toBe(2);
    expect(answer.stderr.split('\n')[0]).toBe(`Fehler: Ungültige Option --database: ${XYZ}`);
    expect(answer.stderr).not.toContain('DATABASE_URL');
    expect(answer.stderr).not.toContain('foo');
  });

  test('with --json the error names the option too', async () => {
    const answer = await run(['list', '--json', '--database', 'xyz://foo']);
    expect(answer.code).toBe(2);
    expect(JSON.parse(answer.stderr).error.message).toBe(`Ungültige Option --database: ${XYZ}`);
  });

  test('an empty --database is wrong usage, not the default database', async () => {
    const answer = await run(['list', '--database', ' ']);
    expect(answer.code).toBe(2);
    expect(answer.stderr.split('\n')[0]).toBe('Fehler: Die Option --database erwartet eine Datenbank: den Pfad einer SQLite-Datei oder postgres://…; sie ist leer.');
  });

  test('the same value in DATABASE_URL is still named as DATABASE_URL', async () => {
    const answer = await run(['list'], { DATABASE_URL: 'xyz://foo' });
    expect(answer.code).toBe(1);
    expect(answer.stderr).toBe(`Abgelehnt: Ungültige Konfiguration: DATABASE_URL: ${XYZ}\n`);
  });
});

describe('where the local database was named', () => {
  test('a DATABASE_URL of blanks counts as not set, as the configuration reads it: the default', () => {
    expect(databaseSource({}, { DATABASE_URL: '  ' })).toBe(DEFAULT_DATABASE);
    expect(databaseSource({}, { DATABASE_URL: 'register.sqlite' })).toBe('DATABASE_URL');
    expect(databaseSource({ database: 'register.sqlite' }, { DATABASE_URL: 'anders.sqlite' })).toBe('--database');
  });
});
