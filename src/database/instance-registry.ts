/**
 * The instances that serve one PostgreSQL database (and the CLI's local commands running on it),
 * each with the settings of the Fristen it derives with. Every writer of a database must share
 * them: a service keeps in memory that the rows it wrote are the ones it derives, so Fristen and
 * reminders another writer derived with other settings would stay as that one wrote them
 * (docs/operations.md). On SQLite the service's
 * lock file carries them (src/database/service-lock.ts); here the table `service_instances` does.
 *
 * An instance is alive while it holds its advisory lock, taken on a connection of its own that it
 * keeps open for as long as it runs: the server drops the lock with the connection, however the
 * process ends (kill -9 included), so a row whose lock can be taken belongs to an instance that
 * is gone and is removed by the next one that looks. Instances joining at the same moment take
 * turns (a transaction-level lock), so two with different settings cannot both come up.
 */
import { hostname } from 'node:os';
import { randomInt } from 'node:crypto';
import { Client } from 'pg';
import { berlinZoneName, germanDateTime } from '../../machines/dates';
import { ServiceUnavailable } from './service-unavailable';
import { DEFAULT_WAITS, NO_ANSWER, seconds } from './waits';

/** Joins take turns under this lock (one key); the instances' liveness locks use two keys, this class and their own key. */
const JOIN_LOCK = 0x676c_6605;
const LIVENESS_LOCKS = 0x676c_6606;
/**
 * How long a registration that lost its connection waits before each further try to join again
 * (the first is at once): soon at first, as a PostgreSQL restart is over in a second or two, then
 * every five seconds.
 */
const RETRY_MS = [250, 500, 1000, 2000, 5000];
/**
 * How often a registration asks its connection whether it still answers. Idle, a connection
 * whose network broke, or that a firewall forgot, goes unnoticed on this side, while the server
 * may drop it, and the lock with it, and let an instance with other settings come up beside this
 * one (for a dead network the server's own check takes two hours by default). The question also
 * keeps the connection from idling out (`idle_session_timeout`, a firewall's idle limit). An
 * answer missing for the service's answer wait (`Waits.answerMs`, 10 s by default) counts as a
 * lost connection: so by default within half a minute.
 */
export const HEARTBEAT_MS = 20_000;

/** An instance as its row names it. */
export interface ServingInstance {
  pid: number;
  host: string;
  /** The port it was started on; null where it chose a free one (PORT=0). */
  port: number | null;
  /** ISO instant of its start. */
  since: string;
  /** Its settings of the Fristen, by variable (`deadlineSettings` in src/start-checks.ts). */
  settings: Record<string, string>;
  /** A local command of the CLI (`gremienlauf import`), entered for as long as it runs; absent for a service. */
  command?: string;
}

/** Instances alive on the database run with other settings of the Fristen: `differing` names them, each with its settings. */
export class InstanceSettingsDiffer extends Error {
  constructor(
    readonly differing: Array<{ instance: ServingInstance; names: string[] }>,
    readonly ours: Record<string, string>,
  ) {
    super(`instances with other deadline settings: ${differing.map((d) => d.names.join(',')).join('; ')}`);
  }
}

/** A unit of work refused while the instance is not registered (`Database.transaction`): it cannot write for now, another instance may. */
export class UnregisteredInstance extends ServiceUnavailable {}

/** Where the registration goes on after it lost its connection: logged, as the service's other background work is. */
export interface RegistryLog {
  error(line: string): void;
  log(line: string): void;
}

/** An instance's place among those serving the database: held until `leave`, or until the process ends. */
export class InstanceRegistration {
  private client: Client;
  private key: number;
  private left = false;
  /** Set from losing its connection until it joined again: meanwhile another with other settings could come up unseen. */
  private rejoining = false;
  /** Set while it could not join again because an instance alive has other settings. */
  private refusal: InstanceSettingsDiffer | null = null;
  /** The next question to its connection (`HEARTBEAT_MS`). */
  private heartbeat: NodeJS.Timeout | undefined;

  private constructor(
    private readonly url: string,
    private readonly instance: ServingInstance,
    joined: { client: Client; key: number },
    private readonly log: RegistryLog,
    /** How long its statements wait for an answer (`Waits.answerMs`). */
    private readonly answerMs: number,
  ) {
    this.client = joined.client;
    this.key = joined.key;
    this.watch();
  }

  /**
   * Joins the instances serving the database at `url`, or throws InstanceSettingsDiffer (and
   * writes nothing) where one alive runs with other settings of the Fristen. Its statements, and
   * its connecting, wait `answerMs` for an answer.
   */
  static async join(url: string, instance: Omit<ServingInstance, 'host'>, log: RegistryLog, answerMs = DEFAULT_WAITS.answerMs): Promise<InstanceRegistration> {
    const serving = { ...instance, host: hostname() };
    return new InstanceRegistration(url, serving, await joinOnce(url, serving, answerMs), log, answerMs);
  }

  /**
   * Why this instance is not registered: its connection was lost and it is joining again, or it
   * joins again in vain, since an instance with other settings of the Fristen came up while its
   * connection was gone. Null while it is registered. Meanwhile it answers /health with 503 and
   * writes nothing (`Database.transaction`).
   */
  problem(): string | null {
    if (this.refusal) return settingsDifferLine(this.refusal);
    return this.rejoining ? 'Ihre Verbindung zur Datenbank, die sie unter den Instanzen anmeldet, ist unterbrochen und wird neu aufgebaut.' : null;
  }

  /** The port it listens on, once known (PORT=0 chooses one when listening): named in others' refusals. */
  async listensOn(port: number): Promise<void> {
    this.instance.port = port;
    await this.client.query('UPDATE service_instances SET port = $1 WHERE instance_key = $2', [port, this.key]).catch(() => undefined);
  }

  /** Leaves: the row removed, the lock given back. */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    clearTimeout(this.heartbeat);
    // On a connection lost meanwhile this fails, and the next instance that looks removes the row.
    await this.client.query('DELETE FROM service_instances WHERE instance_key = $1', [this.key]).catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }

  /**
   * A lost connection loses the lock, and with it the instance's claim: others would count it as
   * gone. So does one that no longer answers, whose server may have dropped it. It joins again
   * (checking the settings again) until it is back: at once, then every five seconds.
   */
  private watch(): void {
    const client = this.client;
    client.once('error', (error: Error) => this.lose(client, error));
    client.once('end', () => this.lose(client));
    this.askLater(client);
  }

  /** Asks the connection after `HEARTBEAT_MS` whether it answers; then again, as long as it does. */
  private askLater(client: Client): void {
    this.heartbeat = setTimeout(() => {
      client.query('SELECT 1').then(
        () => this.client === client && !this.rejoining && !this.left && this.askLater(client),
        (error: Error) => this.lose(client, error),
      );
    }, HEARTBEAT_MS).unref();
  }

  private lose(client: Client, error?: Error): void {
    if (this.left || this.rejoining || client !== this.client) return;
    this.rejoining = true;
    clearTimeout(this.heartbeat);
    client.removeAllListeners();
    client.on('error', () => undefined);
    // One that stopped answering is cut here (a statement in flight makes `end` close the socket at once); on one already ended this does nothing.
    void client.end().catch(() => undefined);
    const why = error?.message === NO_ANSWER.statement ? `sie antwortete nicht binnen ${seconds(this.answerMs)}` : error?.message;
    this.log.error(`Verbindung der Instanzanmeldung zur Datenbank verloren${why ? ` (${why})` : ''}; sie wird neu aufgebaut, bis dahin schreibt die Instanz nichts.`);
    void this.rejoin();
  }

  /**
   * Tries at once, then after a quarter of a second, half a second, one and two seconds, then every
   * five seconds until it is back; until then it answers /health with
   * 503 and writes nothing (`Database.transaction`). Refused (an instance with other settings came
   * up meanwhile), it says so once and goes on trying: once that one is gone, it is back.
   */
  private async rejoin(): Promise<void> {
    for (let attempt = 1; !this.left; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt - 2, RETRY_MS.length - 1)]).unref());
      if (this.left) return;
      try {
        const joined = await joinOnce(this.url, this.instance, this.answerMs);
        if (this.left) {
          await joined.client.end().catch(() => undefined);
          return;
        }
        this.client = joined.client;
        this.key = joined.key;
        this.refusal = null;
        this.rejoining = false;
        this.watch();
        this.log.log('Instanzanmeldung wieder hergestellt.');
        return;
      } catch (error) {
        if (!(error instanceof InstanceSettingsDiffer)) continue;
        // Said once, not every five seconds; /health says it meanwhile.
        if (!this.refusal) {
          this.log.error(
            `Instanzanmeldung nicht wieder hergestellt: /health antwortet 503, und die Instanz schreibt nichts (auch der Fristenlauf nicht), bis sie wieder angemeldet ist. ${settingsDifferLine(error)}`,
          );
        }
        this.refusal = error;
      }
    }
  }
}

/** Takes a connection of its own with the instance's liveness lock, and its row, once no other instance alive has other settings. */
async function joinOnce(url: string, instance: ServingInstance, answerMs: number): Promise<{ client: Client; key: number }> {
  // Named in pg_stat_activity, so that an operator can tell this connection from the pool's.
  const client = new Client({
    connectionString: url,
    application_name: registrationConnectionName(instance.pid),
    // A server that hangs fails the join (or leaving) after a while, as it does the service's statements.
    connectionTimeoutMillis: answerMs,
    query_timeout: answerMs,
  });
  // Broken while joining, the statement in flight fails and the join with it; unheard, the client's 'error' would end the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [JOIN_LOCK]);
    const alive = await liveInstances(client, { removeGone: true });
    const differing = alive
      .map(({ instance: other }) => ({ instance: other, names: differingSettings(other.settings, instance.settings) }))
      .filter((d) => d.names.length > 0);
    if (differing.length > 0) throw new InstanceSettingsDiffer(differing, instance.settings);
    let key: number;
    do key = randomInt(1, 2 ** 31 - 1);
    while (alive.some((a) => a.key === key));
    // Session-level: held after the transaction, until the connection closes.
    await client.query('SELECT pg_advisory_lock($1, $2)', [LIVENESS_LOCKS, key]);
    await client.query(
      'INSERT INTO service_instances (instance_key, pid, host, port, started_at, settings, command) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [key, instance.pid, instance.host, instance.port, instance.since, JSON.stringify(instance.settings), instance.command ?? null],
    );
    await client.query('COMMIT');
    return { client, key };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/** `gremienlauf instance 4711`: the application_name of an instance's own connection, which holds its lock. */
export function registrationConnectionName(pid: number): string {
  return `gremienlauf instance ${pid}`;
}

/**
 * The instances alive on the database (their liveness lock held). With `removeGone` (a joining
 * instance, in its transaction) the rows of those gone are removed; a local command only reads,
 * as a user who may not write.
 */
export async function liveInstances(client: Pick<Client, 'query'>, { removeGone }: { removeGone: boolean }): Promise<Array<{ key: number; instance: ServingInstance }>> {
  const { rows } = await client.query<{ instance_key: number; pid: number; host: string; port: number | null; started_at: string; settings: string; command: string | null }>(
    'SELECT instance_key, pid, host, port, started_at, settings, command FROM service_instances ORDER BY started_at, instance_key',
  );
  const alive: Array<{ key: number; instance: ServingInstance }> = [];
  for (const row of rows) {
    const key = Number(row.instance_key);
    const { rows: taken } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS free', [LIVENESS_LOCKS, key]);
    if (taken[0].free) {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [LIVENESS_LOCKS, key]);
      if (removeGone) await client.query('DELETE FROM service_instances WHERE instance_key = $1', [key]);
      continue;
    }
    const instance: ServingInstance = { pid: row.pid, host: row.host, port: row.port, since: row.started_at, settings: parsedSettings(row.settings) };
    alive.push({ key, instance: row.command ? { ...instance, command: row.command } : instance });
  }
  return alive;
}

/** The variables both name with different values (one that only one of them knows, from another release, counts as the same). */
export function differingSettings(theirs: Record<string, string>, ours: Record<string, string>): string[] {
  return Object.keys(ours).filter((name) => name in theirs && theirs[name] !== ours[name]);
}

function parsedSettings(text: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** `Instanz PID 4711 auf app-1, Port 3000, seit 05.12.2026, 10:15 Uhr MEZ`; `lokaler Befehl „gremienlauf import“, PID 4711 auf app-1, seit …`. */
export function instanceName(instance: ServingInstance): string {
  const where = `PID ${instance.pid} auf ${instance.host}`;
  if (instance.command) return `lokaler Befehl „${instance.command}“, ${where}${sinceClause(instance.since)}`;
  return `Instanz ${where}${instance.port ? `, Port ${instance.port}` : ''}${sinceClause(instance.since)}`;
}

/**
 * Where a command reaches an instance from this machine: `http://localhost:3000` on its own host
 * (where it may listen on 127.0.0.1 only, which its host name need not resolve to), else its host
 * name and port. Null where its port is not known.
 */
export function instanceUrl(instance: ServingInstance): string | null {
  if (instance.port === null) return null;
  return `http://${instance.host === hostname() ? 'localhost' : instance.host}:${instance.port}`;
}

/**
 * `, seit 05.12.2026, 10:15 Uhr MEZ` for when a process started: Berlin time, with its zone named,
 * as operators read it beside logs that may be in UTC; nothing for a time it did not say.
 */
export function sinceClause(since: string): string {
  const instant = new Date(since);
  return Number.isNaN(instant.getTime()) ? '' : `, seit ${germanDateTime(instant)} Uhr ${berlinZoneName(instant)}`;
}

/**
 * What differs, instances with the same difference named together: `Auf der Datenbank läuft eine
 * Instanz mit anderen Einstellungen der Fristen: REMINDER_REPORT_DAYS_BEFORE dort 28,7, hier 30
 * (Instanz PID 4711 auf app-1, Port 3000, seit …).`
 */
export function settingsDifferLine(error: InstanceSettingsDiffer, database = 'der Datenbank'): string {
  const groups = new Map<string, ServingInstance[]>();
  for (const { instance, names } of error.differing) {
    const difference = names.map((name) => `${name} dort ${instance.settings[name]}, hier ${error.ours[name]}`).join('; ');
    groups.set(difference, [...(groups.get(difference) ?? []), instance]);
  }
  const each = [...groups].map(([difference, instances]) => `${difference} (${instances.map(instanceName).join('; ')})`);
  return `Auf ${database} ${running(error.differing.map((d) => d.instance))} mit anderen Einstellungen der Fristen: ${each.join(' / ')}.`;
}

/** `läuft eine Instanz`, `läuft ein lokaler Befehl der CLI`, `laufen 2 Instanzen`, `laufen 2 Instanzen und lokale Befehle der CLI`. */
function running(instances: ServingInstance[]): string {
  const commands = instances.filter((instance) => instance.command).length;
  if (instances.length === 1) return commands === 1 ? 'läuft ein lokaler Befehl der CLI' : 'läuft eine Instanz';
  if (commands === instances.length) return `laufen ${commands} lokale Befehle der CLI`;
  return `laufen ${instances.length} ${commands === 0 ? 'Instanzen' : 'Instanzen und lokale Befehle der CLI'}`;
}
