/**
 * What the start checks before it writes anything: the settings of every module, the port,
 * whether the database can be written, and that no other service runs on the SQLite file (the
 * lock it then holds, src/database/service-lock.ts). A start that would fail later (a port taken,
 * a database file restored as root) stops here with one German line, instead of after it has
 * created a new database or while it answers every request with a 500. Then the database is
 * migrated, and what that did is said.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { Logger } from '@nestjs/common';
import type { AppConfig, DatabaseConfig } from '../config/configuration';
import { loadRemindersConfig, type RemindersConfig } from '../config/reminders';
import { loadAuditConfig } from './audit/audit.config';
import { databaseLabel, databaseUnreachable, type SettingSource } from './cli/connection';
import { Database } from './database/database';
import { InstanceRegistration, InstanceSettingsDiffer, settingsDifferLine, sinceClause } from './database/instance-registry';
import { MIGRATIONS } from './database/migrations';
import { ServiceLock, ServiceLockTaken, lockFileOf, type LockHolder } from './database/service-lock';

/** The service could not listen where its configuration says: a fact of the machine, said in German, not a fault of the service. */
export class ListenFailure extends Error {}

/** The service refuses to start on a database it could not write to, or could not open. */
export class DatabaseRefusal extends Error {}

/**
 * Everything that must hold before the start writes anything: the audit's settings (the
 * others are checked by loadConfig), the port free, the SQLite file and its companions
 * writable, no other service on that file. The SQLite file's lock is then held until the
 * process ends (or `release`, where a caller stops the service and goes on); null for
 * PostgreSQL and an in-memory database, which need none.
 */
export async function checkBeforeStart(config: AppConfig, env: NodeJS.ProcessEnv, source: SettingSource): Promise<ServiceLock | null> {
  loadAuditConfig(config, env);
  await ensurePortFree(config);
  ensureWritable(config.database, source);
  return lockDatabase(config, loadRemindersConfig(env), source);
}

/**
 * Takes the SQLite file's lock for this service, or refuses the start in one line naming the
 * file and the service that has it (its PID, and its port where it was given one).
 */
export function lockDatabase(config: AppConfig, reminders: RemindersConfig, source: SettingSource): ServiceLock | null {
  const database = config.database;
  if (database.kind !== 'sqlite' || database.file === ':memory:') return null;
  try {
    // A new installation's folder: the database is created in it right after.
    mkdirSync(dirname(database.file), { recursive: true });
    return ServiceLock.acquire(database.file, {
      pid: process.pid,
      since: new Date().toISOString(),
      port: config.port === 0 ? null : config.port,
      settings: deadlineSettings(config, reminders),
    });
  } catch (error) {
    if (error instanceof ServiceLockTaken) {
      const cli = error.holder?.port ? ` Die Befehle der CLI erreichen ihn mit --url ${holderUrl(error.holder)}.` : '';
      throw new DatabaseRefusal(
        `Die Datenbank ${database.file} (${source}) nutzt schon ein anderer Gremienlauf-Dienst (${holderName(error.holder)}); auf einer SQLite-Datei läuft nur einer, dieser startet nicht.${cli}`,
        { cause: error },
      );
    }
    throw databaseUnreachable(database, source, error) ?? error;
  }
}

/** `PID 4711, Port 3000, seit 05.12.2026, 10:15 Uhr MEZ`, as far as the lock's sidecar tells. */
export function holderName(holder: LockHolder | null): string {
  if (!holder) return 'welcher, sagt die Sperrdatei nicht';
  return `PID ${holder.pid}${holder.port ? `, Port ${holder.port}` : ''}${sinceClause(holder.since)}`;
}

/** Where the holding service is reached from this machine: its port on localhost. */
export function holderUrl(holder: LockHolder): string {
  return `http://localhost:${holder.port}`;
}

/** How `deadlineSettings` names both settings of the reminders after the due date where there are none. */
const NO_OVERDUE_REMINDERS = 'aus (keine Mahnungen nach Fälligkeit)';

/**
 * The settings every writer of one database must share, by variable, as read (`ja` and `true`
 * alike): a body's Fristen and timers are derived with them, and a service keeps in memory that
 * the rows it wrote are the ones it derives (docs/performance.md → "Deadlines"), so rows another
 * writer derived with other settings stay as that one wrote them (test/sqlite-second-writer.spec.ts).
 */
export function deadlineSettings(config: Pick<AppConfig, 'issuers'>, { policy, calendar }: Pick<RemindersConfig, 'policy' | 'calendar'>): Record<string, string> {
  // Without reminders after the due date (every 0 days, or at most 0 of them) neither setting has
  // an effect: they are compared as off, so that writers differing only there do not refuse each other.
  const overdue = policy.report.overdueEveryDays > 0 && policy.report.overdueMaxReminders > 0;
  return {
    DEADLINE_LAND: calendar.land ?? 'BUND',
    DEADLINE_SHIFT_TO_WORKING_DAY: String(calendar.shiftToWorkingDay),
    TERM_EXPIRING_DAYS: String(policy.termExpiringDays),
    REMINDER_REPORT_DAYS_BEFORE: policy.report.daysBefore.join(','),
    REMINDER_REPORT_ON_THE_DAY: String(policy.report.onTheDay),
    REMINDER_REPORT_OVERDUE_EVERY_DAYS: overdue ? String(policy.report.overdueEveryDays) : NO_OVERDUE_REMINDERS,
    REMINDER_REPORT_OVERDUE_MAX: overdue ? String(policy.report.overdueMaxReminders) : NO_OVERDUE_REMINDERS,
    REMINDER_TERM_DAYS_BEFORE: policy.term.daysBefore.join(','),
    REMINDER_TERM_ON_EXPIRY: String(policy.term.onExpiry),
    GREMIENLAUF_ISSUERS: JSON.stringify(config.issuers),
  };
}

/**
 * On PostgreSQL, after the migrations: joins the instances serving the database, or refuses the
 * start in one line naming each setting of the Fristen that differs from an instance alive there,
 * and that instance (src/database/instance-registry.ts). Null on SQLite, where the lock file
 * (`lockDatabase`) carries the settings for the CLI's local commands and no second service runs.
 */
export async function joinInstances(config: AppConfig, env: NodeJS.ProcessEnv, source: SettingSource): Promise<InstanceRegistration | null> {
  const database = config.database;
  if (database.kind !== 'postgres') return null;
  const instance = { pid: process.pid, port: config.port === 0 ? null : config.port, since: new Date().toISOString(), settings: deadlineSettings(config, loadRemindersConfig(env)) };
  try {
    return await InstanceRegistration.join(database.url, instance, new Logger('Instanzen'), database.waits?.answerMs);
  } catch (error) {
    if (error instanceof InstanceSettingsDiffer) {
      throw new DatabaseRefusal(
        `${settingsDifferLine(error, `der Datenbank ${databaseLabel(database)} (${source})`)} Alle Instanzen einer Datenbank brauchen dieselben, sonst leiten sie Fristen und Erinnerungen verschieden ab; ` +
          'diese startet nicht – hier dieselben Einstellungen setzen, oder für neue Einstellungen erst alle Instanzen beenden.',
        { cause: error },
      );
    }
    throw permissionRefusal(database, source, error) ?? databaseUnreachable(database, source, error) ?? error;
  }
}

/**
 * Takes the port and gives it back at once: taken (or not allowed) is a ListenFailure now, before
 * the database is created and seeded. Port 0 (a free one, chosen when listening) needs no check.
 */
export async function ensurePortFree(config: Pick<AppConfig, 'port' | 'host'>): Promise<void> {
  if (config.port === 0) return;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ port: config.port, host: config.host, exclusive: true }, resolve);
    });
  } catch (error) {
    throw listenFailure(error, config);
  }
  await new Promise((resolve) => probe.close(resolve));
}

/** Why the service could not listen, in the operator's words: the port taken or not allowed, the host unknown. */
export function listenFailure(error: unknown, { port, host }: Pick<AppConfig, 'port' | 'host'>): Error {
  const other = 'Einen anderen wählt die Umgebungsvariable PORT (bei „gremienlauf serve“ auch --port).';
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'EADDRINUSE':
      return new ListenFailure(`Port ${port} auf ${host} ist schon belegt – läuft Gremienlauf dort bereits? ${other}`, { cause: error });
    case 'EACCES':
      return new ListenFailure(`Port ${port} auf ${host} darf dieser Benutzer nicht öffnen (Ports unter 1024 brauchen besondere Rechte). ${other}`, { cause: error });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ListenFailure(`Die Adresse ${host} (HOST) gehört nicht zu diesem Rechner; 0.0.0.0 nimmt Anfragen an allen Adressen an, 127.0.0.1 nur von diesem Rechner.`, { cause: error });
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * SQLite opens a file it may not write read-only without a word, and every write then fails
 * („attempt to write a readonly database“). So the database file, and its -wal and -shm files
 * where they exist, must be writable by the user the service runs as, as the OS answers for it.
 */
export function ensureWritable(database: DatabaseConfig, source: SettingSource): void {
  if (database.kind !== 'sqlite' || database.file === ':memory:') return;
  const file = database.file;
  const denied = [file, `${file}-wal`, `${file}-shm`, lockFileOf(file)].filter((path) => existsSync(path) && !writable(path));
  if (denied.length === 0) return;
  const user = userName();
  throw new DatabaseRefusal(
    `Die Datenbank ${file} (${source}) darf dieser Benutzer${user ? ` (${user})` : ''} nicht schreiben: ${denied.map(ownership).join(', ')} – ` +
      `der Dienst muss darin schreiben; Eigentümer oder Rechte anpassen (z. B. chown${user ? ` ${user}` : ''} ${denied.join(' ')}).`,
  );
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** `/srv/x.sqlite (Eigentümer uid 0, Rechte 644)`. */
function ownership(path: string): string {
  const { uid, mode } = statSync(path);
  return `${path} (Eigentümer uid ${uid}, Rechte ${(mode & 0o777).toString(8)})`;
}

function userName(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}

/**
 * Opens the database once, which migrates it, and says what that did: null when this start ran
 * no migration, else one line naming how many and which (all of them: a new database). Of
 * instances starting together on PostgreSQL, the one that ran them says so. A database opened
 * before it is migrated (as here) that cannot be opened is named as such (src/cli/connection.ts).
 */
export async function migrateAtStart(database: DatabaseConfig, source: SettingSource): Promise<string | null> {
  try {
    const db = await Database.open(database);
    const ran = [...db.migrationsRun];
    await db.close();
    return migrationsLine(ran, ran.length === MIGRATIONS.length);
  } catch (error) {
    throw databaseUnreachable(database, source, error) ?? postgresRefusal(database, source, error) ?? permissionRefusal(database, source, error) ?? error;
  }
}

/**
 * A PostgreSQL user that may not write what the service must (its tables, or the schema a new
 * database is created in): one line naming the database and the server's answer; null for other errors.
 */
export function permissionRefusal(database: DatabaseConfig, source: SettingSource, error: unknown): DatabaseRefusal | null {
  if (database.kind !== 'postgres' || (error as { code?: string } | null)?.code !== '42501') return null;
  return new DatabaseRefusal(
    `Der Benutzer der Datenbank ${databaseLabel(database)} (${source}) darf nicht schreiben, was der Dienst schreiben muss: der Server antwortet „${(error as Error).message}“ – dem Benutzer Schreibrechte geben oder einen anderen in ${source} nennen.`,
    { cause: error },
  );
}

/** What a start that ran these migrations says; null when it ran none. */
export function migrationsLine(ran: string[], fresh: boolean): string | null {
  if (ran.length === 0) return null;
  const which = ran.length <= 5 ? ran.join(', ') : `${ran[0]} … ${ran[ran.length - 1]}`;
  if (fresh) return `Neue Datenbank angelegt: alle ${ran.length} Migrationen ausgeführt (${which}).`;
  return `Datenbank aktualisiert: ${ran.length === 1 ? '1 Migration' : `${ran.length} Migrationen`} ausgeführt (${which}).`;
}

/**
 * A PostgreSQL server that refused the SSL the URL asks for (`?sslmode=require` against a server
 * without SSL): the driver's error carries no code, so src/cli/connection.ts does not know it.
 * One line naming DATABASE_URL and the server's answer; null for other errors.
 */
function postgresRefusal(database: DatabaseConfig, source: SettingSource, error: unknown): DatabaseRefusal | null {
  if (database.kind !== 'postgres' || !(error instanceof Error) || !/\bSSL\b/.test(error.message)) return null;
  const hint = /does not support SSL/i.test(error.message)
    ? 'sslmode in der URL verlangt SSL, das dieser Server nicht anbietet; ohne SSL den Parameter sslmode weglassen (oder sslmode=disable)'
    : 'stimmen sslmode und die Zertifikate?';
  return new DatabaseRefusal(`Die Datenbank ${databaseLabel(database)} (${source}) ist nicht erreichbar: der Server antwortet „${error.message}“ – ${hint}.`, { cause: error });
}
