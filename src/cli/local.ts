import { userInfo } from 'node:os';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type AppConfig, type DatabaseConfig } from '../../config/configuration';
import { DEFAULT_WAITS } from '../database/waits';
import { injectClient, type ApiClient } from './api';
import { DEFAULT_DATABASE, databaseLabel, databaseUnreachable, type SettingSource } from './connection';
import { RefusedError, StartRefusedError } from './errors';

/** The configuration from the environment, as `serve` and the local client use it. */
export function configFrom(env: NodeJS.ProcessEnv): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    throw new RefusedError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The application on the local database (DATABASE_URL, default ./data/gremienlauf.sqlite),
 * built in this process without listening. It does not register the example body (on an
 * empty database the CLI shows what is there, nothing else) and runs no scheduler.
 */
export async function localClient(env: NodeJS.ProcessEnv, token: string | undefined, source: SettingSource, command = 'gremienlauf'): Promise<ApiClient> {
  const config: AppConfig = { ...configFrom(env), seedExample: false };
  assertSameSettingsAsService(config, env, source);
  await assertSameSettingsAsInstances(config, env, source);
  const { createApp }: typeof import('../app') = require('../app');
  const { Database }: typeof import('../database/database') = require('../database/database');
  const app = await openingDatabase(config.database, source, async () => {
    // A command is over in seconds: the scheduler and the dispatcher belong to `serve`, not to it.
    const built = await createApp(config, { logger: false, env: { ...env, SCHEDULER_ENABLED: 'false' } }).catch((error: unknown) => {
      throw startRefusal(error) ?? error;
    });
    await built.init();
    await built.getHttpAdapter().getInstance().ready();
    return built;
  });
  const registration = await joinAsCommand(config, env, source, command).catch(async (error: unknown) => {
    await app.close();
    throw error;
  });
  // Closing the application leaves the instances (Database.onApplicationShutdown).
  app.get(Database).servesAs(registration);
  const where = config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL';
  return injectClient(app, `lokale Datenbank ${where}`, token ?? trustLocalOperator(app));
}

/**
 * Beside a service on the same SQLite file a local command writes as a second writer. That is
 * safe only with the service's settings of the Fristen: the service keeps in memory that the
 * rows it wrote are the ones it derives, and would leave rows this process derived otherwise as
 * they are (test/sqlite-second-writer.spec.ts). With other settings the command is refused
 * before anything is opened, naming each setting and the way to the service (--url).
 */
function assertSameSettingsAsService(config: AppConfig, env: NodeJS.ProcessEnv, source: SettingSource): void {
  const database = config.database;
  if (database.kind !== 'sqlite' || database.file === ':memory:') return;
  // Required only here, so that help and offline commands load neither.
  const { ServiceLock }: typeof import('../database/service-lock') = require('../database/service-lock');
  const { deadlineSettings, holderName, holderUrl }: typeof import('../start-checks') = require('../start-checks');
  const { loadRemindersConfig }: typeof import('../../config/reminders') = require('../../config/reminders');
  const held = ServiceLock.heldOf(database.file);
  if (!held?.holder) return;
  const ours = deadlineSettings(config, loadRemindersConfig(env));
  const theirs = held.holder.settings;
  const differing = Object.keys(ours).filter((name) => name in theirs && theirs[name] !== ours[name]);
  if (differing.length === 0) return;
  const settings = differing.map((name) => `${name} dort ${theirs[name]}, hier ${ours[name]}`).join('; ');
  const url = held.holder.port ? ` ${holderUrl(held.holder)}` : '';
  throw new RefusedError(
    `Auf der Datenbank ${database.file} (${source}) läuft der Gremienlauf-Dienst (${holderName(held.holder)}) mit anderen Einstellungen der Fristen (${settings}); ` +
      `ein lokaler Befehl würde Fristen anders ableiten, und der Dienst würde sie nicht berichtigen – den Befehl mit --url${url} (und --token) an den Dienst richten oder hier dieselben Einstellungen setzen.`,
  );
}

/**
 * On PostgreSQL, the same for the instances serving the database (src/database/instance-registry.ts):
 * a local command beside one alive with other settings of the Fristen is refused before the
 * application is built, naming each setting and the instance.
 */
async function assertSameSettingsAsInstances(config: AppConfig, env: NodeJS.ProcessEnv, source: SettingSource): Promise<void> {
  const database = config.database;
  if (database.kind !== 'postgres') return;
  // Required only here, so that help and offline commands load neither.
  const { Client }: typeof import('pg') = require('pg');
  const registry: typeof import('../database/instance-registry') = require('../database/instance-registry');
  const { deadlineSettings }: typeof import('../start-checks') = require('../start-checks');
  const { loadRemindersConfig }: typeof import('../../config/reminders') = require('../../config/reminders');
  const ours = deadlineSettings(config, loadRemindersConfig(env));
  const differing = await openingDatabase(database, source, async () => {
    const { answerMs } = database.waits ?? DEFAULT_WAITS;
    const client = new Client({ connectionString: database.url, connectionTimeoutMillis: answerMs, query_timeout: answerMs });
    // A connection that breaks between its queries says so on the client, where no one listening would end the process; the next query fails with it.
    client.on('error', () => undefined);
    await client.connect();
    try {
      const alive = await registry.liveInstances(client, { removeGone: false });
      return alive.map(({ instance }) => ({ instance, names: registry.differingSettings(instance.settings, ours) })).filter((d) => d.names.length > 0);
    } catch (error) {
      // A database not yet migrated has no instances.
      if ((error as { code?: string }).code === '42P01') return [];
      throw error;
    } finally {
      await client.end().catch(() => undefined);
    }
  });
  if (differing.length > 0) throw instancesRefusal(new registry.InstanceSettingsDiffer(differing, ours), database, source);
}

/**
 * On PostgreSQL, once the database is migrated: the command enters itself among the instances
 * for as long as it runs (until its client closes), so that an instance starting meanwhile with
 * other settings of the Fristen is refused, naming it. Refused itself where one with other
 * settings came up since `assertSameSettingsAsInstances` looked. A user who may only read writes
 * nothing, so derives nothing either: such a command runs without entering itself.
 */
async function joinAsCommand(config: AppConfig, env: NodeJS.ProcessEnv, source: SettingSource, command: string): Promise<import('../database/instance-registry').InstanceRegistration | null> {
  const database = config.database;
  if (database.kind !== 'postgres') return null;
  const registry: typeof import('../database/instance-registry') = require('../database/instance-registry');
  const { deadlineSettings }: typeof import('../start-checks') = require('../start-checks');
  const { loadRemindersConfig }: typeof import('../../config/reminders') = require('../../config/reminders');
  const instance = { pid: process.pid, port: null, since: new Date().toISOString(), settings: deadlineSettings(config, loadRemindersConfig(env)), command };
  // A broken connection is joined again at once (writes wait meanwhile); said on stderr, as the command's own errors are.
  const log = { error: (line: string) => process.stderr.write(`${line}\n`), log: () => undefined };
  try {
    return await registry.InstanceRegistration.join(database.url, instance, log, database.waits?.answerMs);
  } catch (error) {
    if (error instanceof registry.InstanceSettingsDiffer) throw instancesRefusal(error, database, source);
    if ((error as { code?: string }).code === '42501') return null;
    throw databaseUnreachable(database, source, error) ?? error;
  }
}

/** The refusal of a local command beside instances (or other local commands) with other settings of the Fristen, with the way to an instance. */
function instancesRefusal(differ: import('../database/instance-registry').InstanceSettingsDiffer, database: DatabaseConfig, source: SettingSource): RefusedError {
  const registry: typeof import('../database/instance-registry') = require('../database/instance-registry');
  const line = registry.settingsDifferLine(differ, `der Datenbank ${databaseLabel(database)} (${source})`);
  const instances = differ.differing.filter((d) => !d.instance.command);
  if (instances.length === 0) {
    return new RefusedError(`${line} Dieser Befehl würde Fristen anders ableiten als jener – warten, bis jener fertig ist, oder hier dieselben Einstellungen setzen.`);
  }
  const reachable = instances.map((d) => registry.instanceUrl(d.instance)).find((url) => url !== null);
  const url = reachable ? ` ${reachable}` : '';
  return new RefusedError(
    `${line} Ein lokaler Befehl würde Fristen anders ableiten, und die Instanzen würden sie nicht berichtigen – den Befehl mit --url${url} (und --token) an eine Instanz richten oder hier dieselben Einstellungen setzen.`,
  );
}

/**
 * Runs `open`; a database that cannot be opened is reported as such (connection.ts), a user who
 * may not write what opening it writes (the migrations of a new database) as the start says it,
 * anything else as it is.
 */
export async function openingDatabase<T>(database: DatabaseConfig, source: SettingSource, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    const unreachable = databaseUnreachable(database, source, error);
    if (unreachable) throw unreachable;
    // Required only here, so that help and offline commands load no start code.
    const { permissionRefusal }: typeof import('../start-checks') = require('../start-checks');
    const refused = permissionRefusal(database, source, error);
    throw refused ? new StartRefusedError(refused.message, { cause: error }) : error;
  }
}

/**
 * The service's refusal to start as configured (the signing key file missing while the log holds
 * checkpoints: src/audit/signing-key.ts) as the CLI reports it, one German line with exit code 1;
 * null for any other error.
 */
export function startRefusal(error: unknown): StartRefusedError | null {
  // Required only here, so that help and offline commands load no audit code.
  const { SigningKeyRefusal }: typeof import('../audit/signing-key') = require('../audit/signing-key');
  return error instanceof SigningKeyRefusal ? new StartRefusedError(error.message, { cause: error }) : null;
}

/** Where the local database was named: `--database`, `DATABASE_URL`, or nowhere (the default). */
export function databaseSource(options: { database?: unknown }, env: NodeJS.ProcessEnv): SettingSource {
  if (typeof options.database === 'string') return '--database';
  // A variable set to nothing counts as not set (config/environment.ts): then the default is used.
  return env.DATABASE_URL?.trim() ? 'DATABASE_URL' : DEFAULT_DATABASE;
}

/**
 * Whoever can open the database can change it anyway (the reasoning of the CLI's user
 * administration in auth/local-auth.ts). So a local command without --token acts as the
 * secretariat under the operator's name (`cli:<OS user>`, recorded as the actor of its events),
 * through a credential that exists only in this process: the app does not listen, and the
 * secret is neither stored nor printed.
 */
function trustLocalOperator(app: NestFastifyApplication): string {
  const { AuthService }: typeof import('../auth/auth.service') = require('../auth/auth.service');
  return app.get(AuthService, { strict: false }).inProcessToken({
    userId: 'local-operator',
    username: operatorName(),
    role: 'secretariat',
    contactId: null,
    via: 'token',
    credentialId: 'local-cli',
  });
}

function operatorName(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}
