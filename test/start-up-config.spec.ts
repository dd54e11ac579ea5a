/**
 * The settings as the start reads them: DATABASE_URL's scheme, the one reading of a switch
 * such as SCHEDULER_ENABLED, every module's settings checked in one line before anything is
 * written, and what the start says about migrations and the port.
 */
import { createServer, type Server } from 'node:net';
import { databaseConfig, loadConfig } from '../config/configuration';
import { ConfigurationError } from '../config/environment';
import { loadRemindersConfig } from '../config/reminders';
import { loadAuditConfig } from '../src/audit/audit.config';
import { ensurePortFree, ListenFailure, migrationsLine } from '../src/start-checks';
import { testConfig } from './support/test-app';

describe('DATABASE_URL', () => {
  it('is PostgreSQL for postgres:// and postgresql:// in any case', () => {
    expect(databaseConfig('postgres://u:pw@db:5432/register')).toEqual({ kind: 'postgres', url: 'postgres://u:pw@db:5432/register' });
    expect(databaseConfig('POSTGRES://u:pw@db/register')).toEqual({ kind: 'postgres', url: 'postgres://u:pw@db/register' });
    expect(databaseConfig('PostgreSQL://u@db/register')).toEqual({ kind: 'postgres', url: 'postgresql://u@db/register' });
  });

  it('is a SQLite file for a relative or absolute path, also after sqlite:', () => {
    expect(databaseConfig('/srv/gremienlauf/register.sqlite')).toMatchObject({ kind: 'sqlite', file: '/srv/gremienlauf/register.sqlite' });
    expect(databaseConfig('sqlite:/srv/register.sqlite')).toMatchObject({ kind: 'sqlite', file: '/srv/register.sqlite' });
    expect(databaseConfig('./data/x:y.sqlite')).toMatchObject({ kind: 'sqlite', file: `${process.cwd()}/data/x:y.sqlite` });
    expect(loadConfig({ DATABASE_URL: 'data/register.sqlite' }).database).toMatchObject({ kind: 'sqlite', file: `${process.cwd()}/data/register.sqlite` });
  });

  it.each([
    ['postgress://postgres:pw-geheim@127.0.0.1:5432/db', 'postgress://'],
    ['mysql://root:pw-geheim@localhost/db', 'mysql://'],
    ['file:/tmp/pw-geheim.sqlite', 'file:'],
    ['xyz://pw-geheim', 'xyz://'],
  ])('refuses %s in one line naming DATABASE_URL and the scheme, not the rest', (url, scheme) => {
    expect(() => loadConfig({ DATABASE_URL: url })).toThrow(new RegExp(`^Ungültige Konfiguration: DATABASE_URL: „${scheme.replace(/\//g, '\\/')}“ ist kein unterstütztes Schema; erwartet wird postgres://`));
    let message = '';
    try {
      databaseConfig(url);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`DATABASE_URL: „${scheme}“`);
    expect(message).not.toContain('pw-geheim');
    expect(message.split('\n')).toHaveLength(1);
  });

  it('calls postgres:/ without the two slashes incomplete', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres:/db' })).toThrow('DATABASE_URL: „postgres:“ ist unvollständig');
  });
});

describe('SCHEDULER_ENABLED', () => {
  const app = testConfig(databaseConfig(':memory:'));

  it.each(['no', '0', 'off', 'False', 'nein', ' false '])('%s switches off the scheduler and the checkpoints alike', (value) => {
    expect(loadRemindersConfig({ NODE_ENV: 'production', SCHEDULER_ENABLED: value }).schedulerEnabled).toBe(false);
    expect(loadAuditConfig(app, { SCHEDULER_ENABLED: value }).checkpointEveryMinutes).toBe(0);
    expect(() => loadConfig({ SCHEDULER_ENABLED: value })).not.toThrow();
  });

  it.each(['yes', '1', 'on', 'True', 'ja'])('%s switches them on', (value) => {
    expect(loadRemindersConfig({ NODE_ENV: 'test', SCHEDULER_ENABLED: value }).schedulerEnabled).toBe(true);
    expect(loadAuditConfig(app, { SCHEDULER_ENABLED: value }).checkpointEveryMinutes).toBe(60);
  });

  it('anything else is refused by both, naming the variable and what is accepted', () => {
    const expected = 'SCHEDULER_ENABLED: Erwartet wird true oder false (auch yes/no, ja/nein, on/off, 1/0), nicht „vielleicht“.';
    expect(() => loadConfig({ SCHEDULER_ENABLED: 'vielleicht' })).toThrow(`Ungültige Konfiguration: ${expected}`);
    expect(() => loadAuditConfig(app, { SCHEDULER_ENABLED: 'vielleicht' })).toThrow(expected);
  });
});

describe('the settings of every module, checked at once', () => {
  it('a wrong SMTP_PORT stops loadConfig in one line that names it and what is expected', () => {
    expect(() => loadConfig({ SMTP_PORT: 'abc' })).toThrow(
      new ConfigurationError('Ungültige Konfiguration', ['SMTP_PORT: erwartet die Portnummer des SMTP-Servers, z. B. 587 (oder 465 mit SMTP_SECURE=true)']),
    );
  });

  it('names the problems of the service and of the reminders together', () => {
    expect(() => loadConfig({ PORT: 'achtzig', SMTP_REQUIRE_TLS: 'ja bitte', PUBLIC_URL: 'ftp://gremien.example.org' })).toThrow(
      /^Ungültige Konfiguration: PORT: [^;]+; PUBLIC_URL: erwartet die Adresse der Weboberfläche[^;]+; SMTP_REQUIRE_TLS: Erwartet wird true oder false [^;]+$/,
    );
    expect(() => loadConfig({ WEBHOOK_URLS: 'https://example.org/hook' })).toThrow('Ungültige Konfiguration: WEBHOOK_SECRET: mindestens 16 Zeichen');
  });

  it('reads the service switches as SCHEDULER_ENABLED is read', () => {
    const config = loadConfig({ GREMIENLAUF_HTTPS: 'yes', TRUST_PROXY: '1', GREMIENLAUF_SEED_EXAMPLE: 'nein' });
    expect([config.auth?.https, config.auth?.trustProxy, config.seedExample]).toEqual([true, true, false]);
  });
});

describe('what the start says about migrations', () => {
  it('nothing when none ran; how many and which when some did', () => {
    expect(migrationsLine([], false)).toBeNull();
    expect(migrationsLine(['BodyLinks1767600000000'], false)).toBe('Datenbank aktualisiert: 1 Migration ausgeführt (BodyLinks1767600000000).');
    expect(migrationsLine(['A1', 'B2', 'C3', 'D4', 'E5', 'F6'], true)).toBe('Neue Datenbank angelegt: alle 6 Migrationen ausgeführt (A1 … F6).');
  });
});

describe('the port, before anything is written', () => {
  let taken: Server;

  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(4231, '127.0.0.1', resolve));
  });

  afterAll(() => new Promise((resolve) => taken.close(resolve)));

  it('a port taken is the German line of a failed listen', async () => {
    const failure = await ensurePortFree({ port: 4231, host: '127.0.0.1' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ListenFailure);
    expect((failure as Error).message).toBe(
      'Port 4231 auf 127.0.0.1 ist schon belegt – läuft Gremienlauf dort bereits? Einen anderen wählt die Umgebungsvariable PORT (bei „gremienlauf serve“ auch --port).',
    );
  });

  it('a free port is given back at once, so the service can take it', async () => {
    await ensurePortFree({ port: 4232, host: '127.0.0.1' });
    await ensurePortFree({ port: 4232, host: '127.0.0.1' });
  });
});
