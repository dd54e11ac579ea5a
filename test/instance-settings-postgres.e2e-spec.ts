/**
 * Instances on one PostgreSQL database share the settings of the Fristen (docs/operations.md):
 * an instance whose settings differ from one alive there is refused at its start, naming each
 * setting and that instance; a local command of the CLI likewise. An instance counts as alive
 * while its connection holds its lock, so one killed (its connection gone) no longer holds the
 * others to its settings, and one whose connection broke joins again once it can.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../config/configuration';
import { loadRemindersConfig } from '../config/reminders';
import { localClient } from '../src/cli/local';
import { Database } from '../src/database/database';
import { HEARTBEAT_MS, InstanceRegistration, InstanceSettingsDiffer, instanceUrl, liveInstances, registrationConnectionName, settingsDifferLine, type RegistryLog } from '../src/database/instance-registry';
import { DEFAULT_WAITS } from '../src/database/waits';
import { DatabaseRefusal, deadlineSettings, joinInstances, migrateAtStart } from '../src/start-checks';
import type { DatabaseConfig } from '../config/configuration';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { relayTo, through } from './support/relay';
import { openTestDatabase, startTestApp, testDatabaseKinds, testEnvironment } from './support/test-app';

const onPostgres = testDatabaseKinds().includes('postgres') ? describe : describe.skip;
const ROOT = join(__dirname, '..');
const LAUNCHER = join(ROOT, 'bin', 'gremienlauf.js');
const URL_ = process.env.TEST_DATABASE_URL ?? '';
/** The lock joins take turns under (src/database/instance-registry.ts). */
const JOIN_LOCK = 0x676c_6605;
const LIVENESS_LOCKS = 0x676c_6606;

/** The settings of an instance started with `env`. */
const settingsOf = (env: NodeJS.ProcessEnv) => deadlineSettings(loadConfig(env), loadRemindersConfig(env));

/** Collects what a registration logs. */
function recordingLog(): RegistryLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, error: (line) => lines.push(`error: ${line}`), log: (line) => lines.push(`log: ${line}`) };
}

async function rows(): Promise<Array<{ pid: number; settings: Record<string, string> }>> {
  const client = new Client({ connectionString: URL_ });
  await client.connect();
  try {
    const { rows: found } = await client.query<{ pid: number; settings: string }>('SELECT pid, settings FROM service_instances ORDER BY pid');
    return found.map((row) => ({ pid: row.pid, settings: JSON.parse(row.settings) as Record<string, string> }));
  } finally {
    await client.end();
  }
}

/**
 * What an instance killed with kill -9 leaves: its row, and no lock, which the server dropped with
 * its connection. (One of this process would join again at once: it is alive.)
 */
async function killedInstance(pid: number, settings: Record<string, string>): Promise<void> {
  const client = new Client({ connectionString: URL_ });
  await client.connect();
  try {
    const key = 1000 + pid;
    await client.query('SELECT pg_advisory_lock($1, $2)', [LIVENESS_LOCKS, key]);
    await client.query('INSERT INTO service_instances (instance_key, pid, host, port, started_at, settings) VALUES ($1, $2, $3, $4, $5, $6)', [
      key,
      pid,
      'app-1',
      3000 + pid,
      `2026-12-05T09:${14 + pid}:00.000Z`,
      JSON.stringify(settings),
    ]);
  } finally {
    await client.end();
  }
}

/** Ends the connections that hold instances' locks, as the server does for a process killed (kill -9) or a network that broke. */
async function dropConnections(): Promise<void> {
  const client = new Client({ connectionString: URL_ });
  await client.connect();
  try {
    await client.query("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objsubid = 2 AND pid <> pg_backend_pid()", [LIVENESS_LOCKS]);
  } finally {
    await client.end();
  }
}

/** The connections waiting for the lock joins take turns under, by application_name (asked outside any transaction, whose view of the activity would stand still). */
async function joinWaiters(): Promise<string[]> {
  const client = new Client({ connectionString: URL_ });
  await client.connect();
  try {
    const { rows: waiting } = await client.query<{ application_name: string }>(
      "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND NOT l.granted AND l.objid = $1 AND l.objsubid = 1",
      [JOIN_LOCK],
    );
    return waiting.map((row) => row.application_name);
  } finally {
    await client.end();
  }
}

async function until(condition: () => Promise<boolean> | boolean, what: string, withinMs = 20_000): Promise<void> {
  for (const end = Date.now() + withinMs; Date.now() < end; ) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`waited in vain: ${what}`);
}

onPostgres('instances on one PostgreSQL database and their settings of the Fristen', () => {
  const ours = settingsOf({});
  const other = settingsOf({ REMINDER_REPORT_DAYS_BEFORE: '30' });
  const joined: InstanceRegistration[] = [];
  const join_ = async (pid: number, settings: Record<string, string>, log: RegistryLog = recordingLog()) => {
    // Started a minute apart (PID 1 at 09:15 UTC), so that they are named in that order.
    const registration = await InstanceRegistration.join(URL_, { pid, port: 3000 + pid, since: `2026-12-05T09:${14 + pid}:00.000Z`, settings }, log);
    joined.push(registration);
    return registration;
  };

  let database: DatabaseConfig;
  beforeEach(async () => {
    database = (await openTestDatabase('postgres')).config;
    await (await Database.open(database)).close();
  });
  afterEach(async () => {
    for (const registration of joined.splice(0)) await registration.leave();
  });

  test('instances with the same settings join; one with other settings is refused, naming the setting and each instance, and writes nothing', async () => {
    expect(other.REMINDER_REPORT_DAYS_BEFORE).toBe('30');
    expect(ours.REMINDER_REPORT_DAYS_BEFORE).not.toBe('30');
    await join_(1, ours);
    await join_(2, ours);
    const refused = await join_(3, other).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InstanceSettingsDiffer);
    expect((refused as InstanceSettingsDiffer).differing.map((d) => [d.instance.pid, d.names])).toEqual([
      [1, ['REMINDER_REPORT_DAYS_BEFORE']],
      [2, ['REMINDER_REPORT_DAYS_BEFORE']],
    ]);
    // The same difference is said once, for both.
    expect(settingsDifferLine(refused as InstanceSettingsDiffer)).toMatch(
      new RegExp(`^Auf der Datenbank laufen 2 Instanzen mit anderen Einstellungen der Fristen: REMINDER_REPORT_DAYS_BEFORE dort ${ours.REMINDER_REPORT_DAYS_BEFORE}, hier 30 \\(Instanz PID 1 auf \\S+, Port 3001, seit 05\\.12\\.2026, 10:15 Uhr MEZ; Instanz PID 2 auf \\S+, Port 3002, seit 05\\.12\\.2026, 10:16 Uhr MEZ\\)\\.$`),
    );
    expect((await rows()).map((r) => r.pid)).toEqual([1, 2]);
  });

  test('an instance that left, or whose connection is gone (killed), holds no one to its settings: its row goes with the next that looks', async () => {
    const first = await join_(1, ours);
    await killedInstance(2, ours);
    await first.leave();
    expect((await rows()).map((r) => r.pid)).toEqual([2]);
    // A look alone (a local command's) finds none alive, and leaves the row: its user may not write.
    const client = new Client({ connectionString: URL_ });
    await client.connect();
    try {
      expect(await liveInstances(client, { removeGone: false })).toEqual([]);
    } finally {
      await client.end();
    }
    expect((await rows()).map((r) => r.pid)).toEqual([2]);
    await join_(3, other);
    expect(await rows()).toEqual([{ pid: 3, settings: other }]);
  });

  test('an instance whose connection broke joins again at once, answering /health with 503 and writing nothing until it is back; where meanwhile one with other settings came up, it says so, and joins once that one is gone', async () => {
    const log = recordingLog();
    const registration = await join_(1, ours, log);
    // The service whose registration it is.
    const t = await startTestApp({ databaseConfig: database, registration });
    try {
      await dropConnections();
      await until(async () => log.lines.some((line) => line.startsWith('log: Instanzanmeldung wieder hergestellt')), 'the instance to join again');
      expect(log.lines[0]).toMatch(/^error: Verbindung der Instanzanmeldung zur Datenbank verloren/);
      expect((await rows()).map((r) => r.pid)).toEqual([1]);
      // Back, it holds the others to its settings again.
      await expect(join_(2, other)).rejects.toBeInstanceOf(InstanceSettingsDiffer);

      // It tries to join again at once. That try is held here (the lock joins take turns under) and then cut off,
      // so that its next comes five seconds later; meanwhile one with other settings comes up.
      const holder = new Client({ connectionString: URL_ });
      await holder.connect();
      let third: InstanceRegistration;
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT pg_advisory_xact_lock($1)', [JOIN_LOCK]);
        await dropConnections();
        await until(async () => (await joinWaiters()).join() === registrationConnectionName(1), 'the instance to try to join again at once');
        // Not joined, it says so and writes nothing.
        const joining = await t.anonymous.get('/health').expect(503);
        expect(joining.body.message).toBe(
          'Diese Instanz ist nicht angemeldet und schreibt nichts: Ihre Verbindung zur Datenbank, die sie unter den Instanzen anmeldet, ist unterbrochen und wird neu aufgebaut.',
        );
        const meanwhile = await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 44, date: '2025-02-20' }).expect(503);
        expect(meanwhile.body.message).toMatch(/^Diese Instanz schreibt nichts, solange sie nicht angemeldet ist \(\/health antwortet 503\): Ihre Verbindung zur Datenbank/);
        await holder.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [registrationConnectionName(1)]);
        await holder.query('COMMIT');
        third = await join_(3, other);
      } finally {
        await holder.end();
      }
      await until(async () => log.lines.some((line) => line.startsWith('error: Instanzanmeldung nicht wieder hergestellt: ')), 'the refusal to be logged');
      expect(log.lines.at(-1)).toMatch(
        /^error: Instanzanmeldung nicht wieder hergestellt: \/health antwortet 503, und die Instanz schreibt nichts \(auch der Fristenlauf nicht\), bis sie wieder angemeldet ist\. Auf der Datenbank läuft eine Instanz mit anderen Einstellungen der Fristen: REMINDER_REPORT_DAYS_BEFORE dort 30, hier /,
      );
      expect((await rows()).map((r) => r.pid)).toEqual([3]);
      const health = await t.anonymous.get('/health').expect(503);
      expect(health.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.any(String), details: null });
      expect(health.body.message).toMatch(/^Diese Instanz ist nicht angemeldet und schreibt nichts: Auf der Datenbank läuft eine Instanz mit anderen Einstellungen der Fristen: REMINDER_REPORT_DAYS_BEFORE dort 30, hier \S+ \(Instanz PID 3 auf /);
      // It writes nothing meanwhile: a session (which derives every body's Fristen) is refused and not recorded.
      const refused = await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 45, date: '2025-03-20' }).expect(503);
      expect(refused.body.message).toMatch(/^Diese Instanz schreibt nichts, solange sie nicht angemeldet ist \(\/health antwortet 503\): Auf der Datenbank läuft eine Instanz /);
      expect((await t.http.get('/api/sessions').expect(200)).body).toEqual([]);

      await third.leave();
      await until(async () => log.lines.filter((line) => line === 'log: Instanzanmeldung wieder hergestellt.').length === 2, 'the instance to join again once the other is gone');
      expect(registration.problem()).toBeNull();
      await t.anonymous.get('/health').expect(200);
      await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 45, date: '2025-03-20' }).expect(201);
      // The refusal was said once, not at every try.
      expect(log.lines.filter((line) => line.startsWith('error: Instanzanmeldung nicht wieder hergestellt'))).toHaveLength(1);
    } finally {
      await t.close();
    }
    expect((await rows()).map((r) => r.pid)).toEqual([]);
  }, 40_000);

  test('an instance whose connection the server dropped unheard (a broken network, a firewall that forgot it) notices within half a minute, as its question gets no answer, and is held to the settings of one that came up meanwhile', async () => {
    const relay = await relayTo({ host: new URL(URL_).hostname, port: Number(new URL(URL_).port || 5432) });
    const log = recordingLog();
    try {
      const registration = await InstanceRegistration.join(through(URL_, relay), { pid: 1, port: 3001, since: '2026-12-05T09:15:00.000Z', settings: ours }, log);
      joined.push(registration);
      const admin = new Client({ connectionString: URL_ });
      await admin.connect();
      try {
        const { rows: sessions } = await admin.query<{ client_port: number }>('SELECT client_port FROM pg_stat_activity WHERE application_name = $1', [registrationConnectionName(1)]);
        relay.severSilently(sessions[0].client_port);
        await until(async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [registrationConnectionName(1)])).rowCount === 0, 'the server to drop the connection');
      } finally {
        await admin.end();
      }
      // The server let go of its lock: one with other settings comes up beside it. The instance has heard nothing yet.
      const second = await join_(2, other);
      expect(registration.problem()).toBeNull();
      expect(log.lines).toEqual([]);

      const asked = Date.now();
      await until(async () => registration.problem() !== null && log.lines.length === 2, 'the instance to notice', HEARTBEAT_MS + DEFAULT_WAITS.answerMs + 10_000);
      expect(Date.now() - asked).toBeLessThan(HEARTBEAT_MS + DEFAULT_WAITS.answerMs + 5_000);
      expect(log.lines[0]).toBe(
        'error: Verbindung der Instanzanmeldung zur Datenbank verloren (sie antwortete nicht binnen 10 s); sie wird neu aufgebaut, bis dahin schreibt die Instanz nichts.',
      );
      expect(log.lines[1]).toMatch(/^error: Instanzanmeldung nicht wieder hergestellt: .* REMINDER_REPORT_DAYS_BEFORE dort 30, hier \S+ \(Instanz PID 2 auf /);
      expect(registration.problem()).toMatch(/^Auf der Datenbank läuft eine Instanz mit anderen Einstellungen der Fristen: /);

      await second.leave();
      await until(async () => registration.problem() === null, 'the instance to join again once the other is gone');
      expect(log.lines.at(-1)).toBe('log: Instanzanmeldung wieder hergestellt.');
      expect((await rows()).map((r) => r.pid)).toEqual([1]);
    } finally {
      for (const registration of joined.splice(0)) await registration.leave();
      await relay.close();
    }
  }, 90_000);

  test('a user who may only read: a local command finds the instances (leaving the rows of those gone), a start is refused in one German line', async () => {
    await killedInstance(1, ours);
    const admin = new Client({ connectionString: URL_ });
    await admin.connect();
    const readOnly = new URL(URL_);
    readOnly.username = 'glf_instances_reader';
    readOnly.password = 'nur-lesen';
    try {
      await admin.query('DROP OWNED BY glf_instances_reader').catch(() => undefined);
      await admin.query('DROP ROLE IF EXISTS glf_instances_reader');
      await admin.query("CREATE ROLE glf_instances_reader LOGIN PASSWORD 'nur-lesen'");
      await admin.query('GRANT USAGE ON SCHEMA public TO glf_instances_reader');
      await admin.query('GRANT SELECT ON service_instances TO glf_instances_reader');
      const reader = new Client({ connectionString: readOnly.toString() });
      await reader.connect();
      try {
        expect(await liveInstances(reader, { removeGone: false })).toEqual([]);
      } finally {
        await reader.end();
      }
      expect((await rows()).map((r) => r.pid)).toEqual([1]);
      const config = { ...loadConfig({ DATABASE_URL: readOnly.toString() }) };
      const refused = await joinInstances(config, {}, 'DATABASE_URL').catch((error: unknown) => error as Error);
      expect(refused).toBeInstanceOf(DatabaseRefusal);
      expect((refused as Error).message).toMatch(
        /^Der Benutzer der Datenbank postgres:\/\/glf_instances_reader:\*\*\*@\S+ \(DATABASE_URL\) darf nicht schreiben, was der Dienst schreiben muss: der Server antwortet „permission denied for table service_instances“ – dem Benutzer Schreibrechte geben oder einen anderen in DATABASE_URL nennen\.$/,
      );
      // On an empty database the migrations are refused alike.
      await admin.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public; GRANT USAGE ON SCHEMA public TO glf_instances_reader');
      const unmigrated = await migrateAtStart(config.database, 'DATABASE_URL').catch((error: unknown) => error as Error);
      expect(unmigrated).toBeInstanceOf(DatabaseRefusal);
      expect((unmigrated as Error).message).toMatch(/^Der Benutzer der Datenbank postgres:\/\/glf_instances_reader:\*\*\*@\S+ \(DATABASE_URL\) darf nicht schreiben, was der Dienst schreiben muss: der Server antwortet „permission denied for schema public“/);
    } finally {
      await admin.query('REVOKE ALL ON service_instances FROM glf_instances_reader').catch(() => undefined);
      await admin.query('REVOKE ALL ON SCHEMA public FROM glf_instances_reader').catch(() => undefined);
      await admin.query('DROP ROLE IF EXISTS glf_instances_reader');
      await admin.end();
    }
  });

  test('a local command of the CLI beside an instance with other settings is refused before it opens the application', async () => {
    await join_(1, ours);
    const refused = localClient({ DATABASE_URL: URL_, REMINDER_REPORT_DAYS_BEFORE: '30' }, undefined, 'DATABASE_URL').catch((error: unknown) => error as Error);
    const message = (await refused as Error).message;
    expect(message).toMatch(/^Auf der Datenbank postgres:\/\/\S+ \(DATABASE_URL\) läuft eine Instanz mit anderen Einstellungen der Fristen: REMINDER_REPORT_DAYS_BEFORE dort \S+, hier 30 \(Instanz PID 1 auf \S+, Port 3001, seit 05\.12\.2026, 10:15 Uhr MEZ\)\. /);
    // The instance runs on this machine: reached at localhost, where it may listen on 127.0.0.1 only; one on another by its host name.
    const elsewhere = { pid: 2, host: 'app-2.intern', port: 3002, since: '2026-12-05T09:16:00.000Z', settings: ours };
    expect([instanceUrl(elsewhere), instanceUrl({ ...elsewhere, host: hostname() }), instanceUrl({ ...elsewhere, port: null })]).toEqual(['http://app-2.intern:3002', 'http://localhost:3002', null]);
    expect(message).toContain('Ein lokaler Befehl würde Fristen anders ableiten, und die Instanzen würden sie nicht berichtigen – den Befehl mit --url http://localhost:3001 (und --token) an eine Instanz richten');
  });

  test('a local command enters itself among the instances while it runs: an instance or a command with other settings is refused meanwhile, naming it', async () => {
    const command = await localClient(testEnvironment(database, { DATABASE_URL: URL_ }), undefined, 'DATABASE_URL', 'gremienlauf import');
    try {
      expect((await rows()).map((r) => r.pid)).toEqual([process.pid]);
      const started = await joinInstances(loadConfig({ DATABASE_URL: URL_ }), { REMINDER_REPORT_DAYS_BEFORE: '30' }, 'DATABASE_URL').catch((error: unknown) => error as Error);
      expect(started).toBeInstanceOf(DatabaseRefusal);
      expect((started as Error).message).toMatch(
        new RegExp(
          `^Auf der Datenbank postgres://\\S+ \\(DATABASE_URL\\) läuft ein lokaler Befehl der CLI mit anderen Einstellungen der Fristen: REMINDER_REPORT_DAYS_BEFORE dort ${ours.REMINDER_REPORT_DAYS_BEFORE}, hier 30 ` +
            `\\(lokaler Befehl „gremienlauf import“, PID ${process.pid} auf ${hostname()}, seit [0-9.]+, [0-9:]+ Uhr MES?Z\\)\\. .*diese startet nicht`,
        ),
      );
      const second = await localClient({ DATABASE_URL: URL_, REMINDER_REPORT_DAYS_BEFORE: '30' }, undefined, 'DATABASE_URL', 'gremienlauf list').catch((error: unknown) => error as Error);
      expect((second as Error).message).toMatch(/läuft ein lokaler Befehl der CLI mit anderen Einstellungen der Fristen: .* Dieser Befehl würde Fristen anders ableiten als jener – warten, bis jener fertig ist, oder hier dieselben Einstellungen setzen\.$/);
      // Entered, it writes as before.
      const { id: bodyId } = await command.post<{ id: string }>('/api/bodies', { json: { ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' } });
      expect((await command.get<Array<{ id: string }>>('/api/bodies')).map((body) => body.id)).toEqual([bodyId]);
    } finally {
      await command.close();
    }
    // Over, it has left: the instance with other settings comes up.
    expect(await rows()).toEqual([]);
    const registration = await joinInstances(loadConfig({ DATABASE_URL: URL_ }), { REMINDER_REPORT_DAYS_BEFORE: '30' }, 'DATABASE_URL');
    joined.push(registration!);
    expect((await rows()).map((r) => r.settings.REMINDER_REPORT_DAYS_BEFORE)).toEqual(['30']);
  });

  test('each application leaves only the registration it serves as: a local command in the process of an instance leaves its own, the instance stays', async () => {
    const registration = await join_(1, ours);
    const t = await startTestApp({ databaseConfig: database, registration });
    try {
      const command = await localClient(testEnvironment(database, { DATABASE_URL: URL_ }), undefined, 'DATABASE_URL', 'gremienlauf list');
      expect((await rows()).map((r) => r.pid).sort()).toEqual([1, process.pid].sort());
      await command.close();
      expect((await rows()).map((r) => r.pid)).toEqual([1]);
      expect(registration.problem()).toBeNull();
      await t.anonymous.get('/health').expect(200);
    } finally {
      await t.close();
    }
    // The instance's own goes with it.
    expect(await rows()).toEqual([]);
  });
});

onPostgres('instances started as processes (gremienlauf serve, npm start) with different settings of the Fristen', () => {
  let dist: string;
  let work: string;
  const children: ChildProcess[] = [];
  const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  beforeAll(async () => {
    dist = join(ROOT, 'node_modules', '.cache', `gremienlauf-instance-settings-${process.pid}`);
    spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist], { cwd: ROOT, stdio: 'ignore' });
    if (!existsSync(join(dist, 'src', 'main.js'))) throw new Error('the service did not compile');
    cpSync(join(ROOT, 'src', 'web', 'views'), join(dist, 'src', 'web', 'views'), { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'gremienlauf-instance-settings-'));
    await openTestDatabase('postgres');
  }, 240_000);

  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
    rmSync(dist, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string>) => ({
    PATH: process.env.PATH,
    GREMIENLAUF_DIST: dist,
    DATABASE_URL: URL_,
    // One key for all, given before the first start: instances starting together on an empty database would each make one.
    GREMIENLAUF_SIGNING_KEY: signingKey,
    GREMIENLAUF_BOOTSTRAP_TOKEN: 'glf_test_0123456789abcdef0123456789abcdef',
    HOST: '127.0.0.1',
    ...extra,
  });

  /** Starts `gremienlauf serve`: up (its start line printed, with the port it listens on) or ended (its exit code and what it wrote to stderr). */
  function serve(port: number, extra: Record<string, string> = {}) {
    const child = spawn(process.execPath, [LAUNCHER, 'serve', '--port', String(port)], { cwd: work, env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const outcome = new Promise<{ up: boolean; port: number | null; code: number | null; stdout: string; stderr: string }>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const up = /Gremienlauf läuft auf http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
        if (up) resolve({ up: true, port: Number(up[1]), code: null, stdout, stderr });
      });
      child.once('exit', (code) => resolve({ up: false, port: null, code, stdout, stderr }));
    });
    return { child, outcome };
  }

  test('two started together on an empty database come up (one says it migrated it); one with other settings is refused in one line naming the setting and both; once they are killed, it comes up', async () => {
    // On ports they choose (PORT 0): the refusal names the ones they listen on.
    const pair = [serve(0), serve(0)];
    const outcomes = await Promise.all(pair.map((p) => p.outcome));
    expect(outcomes.map((o) => o.up)).toEqual([true, true]);
    // The one that ran the migrations says so; the other, which found them done, says nothing of them.
    const migrated = outcomes.map((o) => /^Neue Datenbank angelegt: alle \d+ Migrationen ausgeführt/m.test(o.stdout));
    expect(migrated.sort()).toEqual([false, true]);
    expect(outcomes.filter((o) => /Datenbank aktualisiert/.test(o.stdout))).toEqual([]);

    const refused = await serve(4332, { REMINDER_REPORT_DAYS_BEFORE: '30' }).outcome;
    expect([refused.up, refused.code]).toEqual([false, 1]);
    const named = pair.map((p, i) => `Instanz PID ${p.child.pid} auf \\S+, Port ${outcomes[i].port}, seit [^;)]+`);
    const [a, b] = pair[0].child.pid! < pair[1].child.pid! ? named : [named[1], named[0]];
    expect(refused.stderr).toMatch(
      new RegExp(
        `^Abgelehnt: Auf der Datenbank postgres://\\S+ \\(DATABASE_URL\\) laufen 2 Instanzen mit anderen Einstellungen der Fristen: REMINDER_REPORT_DAYS_BEFORE dort \\S+, hier 30 \\((${a}; ${b}|${b}; ${a})\\)\\. Alle Instanzen einer Datenbank brauchen dieselben, .*\\n$`,
      ),
    );

    // npm start (src/main.ts) says the same, without the CLI's prefix.
    const started = spawnSync(process.execPath, [join(dist, 'src', 'main.js')], { cwd: work, encoding: 'utf8', env: env({ PORT: '4333', REMINDER_REPORT_DAYS_BEFORE: '30' }), timeout: 60_000 });
    expect(started.status).toBe(1);
    expect(started.stderr).toMatch(/^Auf der Datenbank postgres:\/\/\S+ \(DATABASE_URL\) laufen 2 Instanzen mit anderen Einstellungen der Fristen: REMINDER_REPORT_DAYS_BEFORE dort /);

    for (const { child } of pair) {
      const ended = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await ended;
    }
    const third = serve(4334, { REMINDER_REPORT_DAYS_BEFORE: '30' });
    expect((await third.outcome).up).toBe(true);
    expect((await rows()).map((r) => r.pid)).toEqual([third.child.pid]);
  }, 120_000);
});
