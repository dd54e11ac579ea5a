import { databaseConfig, loadConfig } from '../config/configuration';
import { loadRemindersConfig } from '../config/reminders';
import { loadAuditConfig } from '../src/audit/audit.config';
import { testConfig } from './support/test-app';

describe('the environment', () => {
  it('takes a variable set to nothing or blanks as not set: the default applies (not port 0)', () => {
    const app = loadConfig({ PORT: ' ', DATABASE_URL: '', SESSION_IDLE_MINUTES: '', BODY_LIMIT: '', GREMIENLAUF_BOOTSTRAP_TOKEN: '' });
    expect(app.port).toBe(3000);
    expect(app.database).toEqual(loadConfig({}).database);
    expect(app.bodyLimit).toBe(1024 * 1024);
    expect(app.auth).toEqual(loadConfig({}).auth);
    const reminders = loadRemindersConfig({ NODE_ENV: 'production', SCHEDULER_INTERVAL_SECONDS: '', SMTP_HOST: '', REMINDER_REPORT_DAYS_BEFORE: '' });
    expect(reminders).toEqual(loadRemindersConfig({ NODE_ENV: 'production' }));
    const app2 = testConfig(databaseConfig(':memory:'));
    expect(loadAuditConfig(app2, { GREMIENLAUF_CHECKPOINT_MINUTES: '', GREMIENLAUF_SIGNING_KEY: '' })).toEqual(loadAuditConfig(app2, {}));
  });

  it('names every variable that does not fit, and what is wrong with it', () => {
    expect(() => loadConfig({ PORT: 'achtzig', SQLITE_SYNCHRONOUS: 'OFF' })).toThrow(/^Ungültige Konfiguration: PORT: .+; SQLITE_SYNCHRONOUS: .+/);
    expect(() => loadConfig({ PORT: '80 80' })).toThrow(/^Ungültige Konfiguration: PORT: /);
    // One sentence: no full stop before a semicolon, one at the end.
    expect(() => loadConfig({ PORT: 'achtzig', SQLITE_SYNCHRONOUS: 'OFF' })).toThrow(/^[^]*[^.]; SQLITE_SYNCHRONOUS: [^]*\.$/);
    expect(() => loadConfig({ PORT: 'achtzig', SQLITE_SYNCHRONOUS: 'OFF' })).not.toThrow(/\.;/);
  });

  it('takes the database waits in whole seconds (5 and 10 by default); an answer wait not longer than the lock wait is refused, naming both', () => {
    expect(loadConfig({}).database.waits).toEqual({ lockMs: 5_000, answerMs: 10_000 });
    expect(loadConfig({ DATABASE_LOCK_WAIT_SECONDS: '2', DATABASE_ANSWER_WAIT_SECONDS: '30', DATABASE_URL: 'postgres://u:p@db/x' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db/x',
      waits: { lockMs: 2_000, answerMs: 30_000 },
    });
    expect(() => loadConfig({ DATABASE_LOCK_WAIT_SECONDS: '10' })).toThrow(
      'Ungültige Konfiguration: DATABASE_ANSWER_WAIT_SECONDS: muss größer sein als DATABASE_LOCK_WAIT_SECONDS (10), nicht 10: sonst hieße ein Vorgang, der auf eine Sperre wartet, „die Datenbank antwortete nicht“.',
    );
    expect(() => loadConfig({ DATABASE_LOCK_WAIT_SECONDS: '0,5', DATABASE_ANSWER_WAIT_SECONDS: '0' })).toThrow(/^Ungültige Konfiguration: DATABASE_LOCK_WAIT_SECONDS: .+; DATABASE_ANSWER_WAIT_SECONDS: .+\.$/);
  });
});
