/**
 * `npm run bench`: every speed target of the project, each measured beside its floor in the same
 * run and printed with its ratio.
 *
 *   load        the service in a process of its own, an HTTP client in another one (32 keep-alive
 *               connections, each driving its own bodies through their lives): throughput, p50/p99,
 *               the server's RSS — beside a raw better-sqlite3 append of the same rows, one commit
 *               per event (synchronous=FULL) and batched; the same load against PostgreSQL with
 *               two instances of the service
 *   service     the same lives through the write path in-process (no HTTP), and the SQL statements
 *               it sent, replayed on their own: what the database alone costs
 *   obligations write latency on a body with 800 report obligations beside one with none, and
 *               on one whose 800 obligations are all overdue
 *   replay      replay from the store beside a bare transition() fold over the same events
 *   as of       (state-as-of.ts) "state as of" on a body with 1,000 events: after its last event
 *               (from the stored projection) beside the day before it (the events folded)
 *   log         (large-log.ts) verify, export, sweep, idle RSS and start on a large log
 *
 * Sizes: BENCH_BODIES (lives per load run), BENCH_WARMUP_BODIES (lives driven before each timed run
 * and not counted: a service runs warm), BENCH_CONNECTIONS, BENCH_LOG_BODIES (bodies of the
 * large log; 10 events each), BENCH_DATABASE_URL (a PostgreSQL database the benchmark may empty;
 * default TEST_DATABASE_URL, neither: no PostgreSQL run). SQLite files live in a
 * temp folder, WAL, synchronous=FULL (the defaults).
 *
 * For profiling: BENCH_ONLY=service runs the in-process figures alone (no load run, so no ratio to
 * the raw append), BENCH_ONLY=http the SQLite load run and its raw appends alone, BENCH_ONLY=log those of the large log alone (the one BENCH_LOG_FILE keeps), BENCH_SERVICE_PROF=FILE writes a CPU profile of its timed run to FILE, and
 * BENCH_CPU_PROF=DIR one of every forked server.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { Client } from 'pg';
import { initialTransition, transition } from 'xstate';
import { bodyMachine, replay, type BodyEvent, type RegisteredEvent } from '../machines';
import { databaseConfig } from '../config/configuration';
import { createApp } from '../src/app';
import { Database } from '../src/database/database';
import { SECRETARIAT } from '../src/auth/actor';
import { DeadlinesService } from '../src/deadlines/deadlines.service';
import { DecisionsService } from '../src/decisions/decisions.service';
import type { EventRecord } from '../src/event-log/event-hash';
import { EventStore, toRecord, type EventRow } from '../src/event-log/event-store';
import { LifecycleService, type BodyCommand } from '../src/lifecycle/lifecycle.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { TEST_SECRETARIAT_TOKEN, testConfig } from '../test/support/test-config';
import { largeLogFigures } from './large-log';
import { stateAsOfFigures } from './state-as-of';
import { TRANSITIONS_PER_LIFE, decisionsFor, lifeOf, percentile } from './life';
import type { ClientJob, ClientResult } from './load-client';
import type { ServerRequest } from './load-server';

const BODIES = Number(process.env.BENCH_BODIES ?? 400);
/** Lives driven before each timed run (HTTP and in-process), not counted: the code a service runs for months is compiled and warm. */
const WARMUP = Number(process.env.BENCH_WARMUP_BODIES ?? 100);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** The PostgreSQL database of the load run, emptied before and after it (the same variable as bench:catchup). */
const PG_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || '';
const MiB = 2 ** 20;

/** One printed line: a figure, and where it has one, its floor's ratio and its target. */
export interface Figure {
  what: string;
  value: string;
  ratio?: string;
  target?: string;
  met?: boolean;
}

const figures: Figure[] = [];
/** a / b as "1.23x"; "—x" where b was not measured in this run (BENCH_ONLY=service has no raw append). */
export const ratio = (a: number, b: number) => (Number.isFinite(b) ? `${(a / b).toFixed(2)}x` : '—x');
const rate = (count: number, seconds: number) => count / seconds;
const perSecond = (count: number, seconds: number, unit: string) => `${Math.round(rate(count, seconds)).toLocaleString('en')} ${unit}/s`;

/** How often replay and the bare fold are each run (their median pass counts). */
const REPLAY_ROUNDS = 5;

/** The round of median duration. */
function medianRound<T extends { seconds: number }>(rounds: readonly T[]): T {
  return [...rounds].sort((a, b) => a.seconds - b.seconds)[Math.floor(rounds.length / 2)];
}

async function timed<T>(work: () => Promise<T> | T): Promise<{ result: T; seconds: number }> {
  const start = performance.now();
  const result = await work();
  return { result, seconds: (performance.now() - start) / 1000 };
}

/** A forked benchmark process and a way to ask it something. */
interface Child {
  proc: ChildProcess;
  ask<T>(message: unknown): Promise<T>;
}

function forkChild(script: string, args: string[] = []): { child: Child; first: Promise<{ url: string; startMs: number }> } {
  // BENCH_CPU_PROF=DIR: every forked process writes a CPU profile (.cpuprofile) into DIR when it ends.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const proc = fork(join(__dirname, script), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--expose-gc', ...profile] });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`${script} ended with code ${code}`));
      proc.once('exit', onExit);
      proc.once('message', (message: { kind: string; message?: string }) => {
        proc.off('exit', onExit);
        if (message.kind === 'error') reject(new Error(`${script}: ${message.message}`));
        else resolve(message as T);
      });
    });
  const first = next<{ url: string; startMs: number }>();
  const ask = <T>(message: unknown) => {
    const answer = next<T>();
    proc.send(message as object);
    return answer;
  };
  return { child: { proc, ask }, first };
}

async function startServer(database: string): Promise<Child & { url: string; startMs: number }> {
  const { child, first } = forkChild('load-server.js', [database]);
  const { url, startMs } = await first;
  return { ...child, url, startMs };
}

async function stopServer(server: Child): Promise<void> {
  await server.ask<unknown>({ kind: 'close' } satisfies ServerRequest);
  await ended(server.proc);
}

/** Lets a child end on its own (so that it writes its CPU profile), stopping it if it lingers. */
function ended(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = setTimeout(() => proc.kill(), 10_000);
    proc.once('exit', () => {
      clearTimeout(stop);
      resolve();
    });
    proc.disconnect();
  });
}

/** Drives every body's life over HTTP from a client process of its own. */
async function load(urls: string[], bodyIds: string[]): Promise<ClientResult> {
  const { child } = forkChild('load-client.js');
  const job: ClientJob = { urls, token: TEST_SECRETARIAT_TOKEN, bodyIds, connections: CONNECTIONS };
  const { result } = await child.ask<{ result: ClientResult }>(job);
  await ended(child.proc);
  return result;
}

/** The load run against one or more instances on one database. */
async function loadRun(databases: string[]): Promise<{ result: ClientResult; warm: string[]; rss: number[]; cpuMs: number }> {
  const servers: Array<Awaited<ReturnType<typeof startServer>>> = [];
  for (const database of databases) servers.push(await startServer(database)); // one after the other: migrations
  const setup = await servers[0].ask<{ bodyIds: string[] }>({ kind: 'setup', bodies: WARMUP + BODIES, decisions: true } satisfies ServerRequest);
  const urls = servers.map((s) => s.url);
  const warm = setup.bodyIds.slice(0, WARMUP);
  if (warm.length > 0) await load(urls, warm);
  const bodyIds = setup.bodyIds.slice(WARMUP);
  // The servers' CPU time during the load (user + system, all instances): what a transition costs them, however busy the machine.
  const usage = () => Promise.all(servers.map((s) => s.ask<{ rss: number; cpuMs: number }>({ kind: 'memory' } satisfies ServerRequest)));
  const before = await usage();
  const result = await load(urls, bodyIds);
  const after = await usage();
  for (const server of servers) await stopServer(server);
  return { result, warm, rss: after.map((a) => a.rss), cpuMs: after.reduce((sum, a, i) => sum + a.cpuMs - before[i].cpuMs, 0) };
}

/**
 * The same rows appended by hand with better-sqlite3 (INSERT event, UPDATE body), synchronous=FULL:
 * one transaction per event, or `batch` events per transaction.
 */
function rawAppend(file: string, events: EventRecord[], batch: number): { count: number; seconds: number } {
  rmSync(file, { force: true });
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE events (id TEXT PRIMARY KEY, body_id TEXT NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL,
      actor_id TEXT NOT NULL, actor_role TEXT NOT NULL, occurred_at TEXT NOT NULL, recorded_at TEXT NOT NULL, machine_id TEXT NOT NULL,
      machine_version INTEGER NOT NULL, decision_number TEXT, decision TEXT, prev_hash TEXT, hash TEXT NOT NULL, UNIQUE (body_id, version));
    CREATE TABLE bodies (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL, context TEXT NOT NULL, last_hash TEXT NOT NULL);`);
  const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const upsert = db.prepare(
    'INSERT INTO bodies (id, version, state, context, last_hash) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version, state = excluded.state, context = excluded.context, last_hash = excluded.last_hash',
  );
  const context = JSON.stringify({ profile: EXAMPLE_REGISTRATION, obligations: [] });
  const append = db.transaction((rows: EventRecord[]) => {
    for (const e of rows) {
      insert.run(e.id, e.bodyId, e.version, e.type, JSON.stringify(e.data), e.actor.id, e.actor.role, e.occurredAt, e.recordedAt, e.machine.id,
        e.machine.version, e.decision?.number ?? null, e.decision ? JSON.stringify(e.decision) : null, e.prevHash, e.hash);
      upsert.run(e.bodyId, e.version, '{"active":{}}', context, e.hash);
    }
  });
  const start = performance.now();
  for (let i = 0; i < events.length; i += batch) append(events.slice(i, i + batch));
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return { count: events.length, seconds };
}

/** A statement the service's SQLite writer ran, with its values. */
type TracedStatement = [sql: string, values: ReadonlyArray<string | number | null>];

/**
 * Runs the statements the service sent during a run, in their order and with their commits, on a
 * copy of the database as it was before the run: the service's work with everything but the
 * database itself (JavaScript: decisions, derivations, queue) taken out.
 */
function replayStatements(file: string, statements: readonly TracedStatement[]): { seconds: number; cpuMicros: number } {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const prepared = new Map<string, BetterSqlite3.Statement>();
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (const [sql, values] of statements) {
    let statement = prepared.get(sql);
    if (!statement) prepared.set(sql, (statement = db.prepare(sql)));
    if (statement.reader) statement.all(...values);
    else statement.run(...values);
  }
  const seconds = (performance.now() - start) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  db.close();
  return { seconds, cpuMicros: user + system };
}

/**
 * The events of the timed load run (registrations and the warm-up's lives left out: they are not
 * timed there either), in the order they were recorded.
 */
function recordedTransitions(file: string, warm: readonly string[]): EventRecord[] {
  const db = new BetterSqlite3(file, { readonly: true });
  const rows = db.prepare('SELECT * FROM events WHERE version > 1 ORDER BY recorded_at, rowid').all() as EventRow[];
  db.close();
  const untimed = new Set(warm);
  return rows.filter((row) => !untimed.has(row.body_id)).map(toRecord);
}

/** Empties the database; null when done, else why not. */
async function resetPostgres(url: string): Promise<string | null> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL without its password, for the printout. */
function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

function toMachineEvent(record: EventRecord): BodyEvent {
  return { type: record.type, data: record.data, occurredAt: record.occurredAt, ...(record.decision ? { decision: record.decision } : {}) } as BodyEvent;
}

/** Runs each body's commands in order, with up to `inFlight` bodies at a time. */
async function drive(bodyIds: string[], inFlight: number, send: (command: BodyCommand) => Promise<unknown>): Promise<number[]> {
  let next = 0;
  const latencies: number[] = [];
  const worker = async () => {
    while (next < bodyIds.length) {
      const bodyId = bodyIds[next++];
      for (const command of lifeOf(bodyId)) {
        const start = performance.now();
        await send(command);
        latencies.push(performance.now() - start);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return latencies;
}

/** A registration with `n` planned interim reports, one a month from 2030 on. */
function withReports(n: number) {
  const reports = Array.from({ length: n }, (_, i) => ({
    kind: 'Zwischenbericht' as const,
    addressee: 'IT-Planungsrat',
    due: { kind: 'month' as const, month: `${2030 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}` },
  }));
  return { ...EXAMPLE_REGISTRATION, reports, registeredAt: '2024-06-03' };
}

/** A registration with `n` interim reports due from July 2024 to March 2025 in turn: all overdue by mid-2025. */
function withPastReports(n: number) {
  const months = ['2024-07', '2024-08', '2024-09', '2024-10', '2024-11', '2024-12', '2025-01', '2025-02', '2025-03'];
  const reports = Array.from({ length: n }, (_, i) => ({
    kind: 'Zwischenbericht' as const,
    addressee: 'AL-Runde',
    due: { kind: 'date' as const, date: `${months[i % months.length]}-15` },
  }));
  return { ...EXAMPLE_REGISTRATION, reports, registeredAt: '2024-06-03' };
}

/** BENCH_SERVICE_PROF=FILE: a CPU profile of the timed in-process run alone, written to FILE. */
async function startProfile(): Promise<{ stop(): Promise<void> } | null> {
  const file = process.env.BENCH_SERVICE_PROF;
  if (!file) return null;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

async function inProcessFigures(dir: string, rawSingle: number): Promise<void> {
  // The bodies live in 2024/25: the scheduler would fire their deadlines meanwhile (as in load-server.ts).
  process.env.SCHEDULER_ENABLED = 'false';
  const app = await createApp(testConfig(databaseConfig(join(dir, 'service.sqlite'))), { logger: false });
  // Initialised as when it listens: the projectors (deadlines, outbox) register themselves in
  // onModuleInit, and main.ts loads the holiday calendar once listening.
  await app.init();
  app.get(DeadlinesService).preloadCalendar();
  const lifecycle = app.get(LifecycleService);
  const register = async (input: unknown = { ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }) => (await lifecycle.register(input, SECRETARIAT)).bodyId;
  const warm: string[] = [];
  for (let i = 0; i < WARMUP; i++) warm.push(await register());
  const bodies: string[] = [];
  for (let i = 0; i < BODIES; i++) bodies.push(await register());
  const lean = await register(withReports(0));
  const laden = await register(withReports(800));
  const behind = await register(withPastReports(800));
  for (const decision of decisionsFor([...warm, ...bodies, lean, laden, behind])) await app.get(DecisionsService).record(decision, SECRETARIAT);
  await drive(warm, CONNECTIONS, (command) => lifecycle.execute(command, SECRETARIAT));
  // The database as it stands before the run (nothing is being written), and every statement
  // the run sends it: replayed on their own below, they show what the database alone costs.
  const database = app.get(Database);
  const file = join(dir, 'service.sqlite');
  for (const suffix of ['', '-wal']) copyFileSync(file + suffix, join(dir, `statements.sqlite${suffix}`));
  const statements: TracedStatement[] = [];
  database.traceStatements((sql, values) => statements.push([sql, values]));
  const cpu = process.cpuUsage();
  const profiling = await startProfile();
  const service = await timed(() => drive(bodies, CONNECTIONS, (command) => lifecycle.execute(command, SECRETARIAT)));
  await profiling?.stop();
  const { user, system } = process.cpuUsage(cpu);
  database.traceStatements(null);
  const serviceRate = rate(service.result.length, service.seconds);
  figures.push({
    what: `durable transitions, service in-process (${CONNECTIONS} in flight)`,
    value: `${perSecond(service.result.length, service.seconds, 'transitions')}, p99 ${percentile(service.result, 99).toFixed(1)} ms, CPU ${((user + system) / 1000 / service.result.length).toFixed(2)} ms/transition`,
    ratio: `${ratio(serviceRate, rawSingle)} raw single`,
    target: '≥ 2x raw single',
    met: Number.isFinite(rawSingle) ? serviceRate >= 2 * rawSingle : undefined,
  });
  const replayed = replayStatements(join(dir, 'statements.sqlite'), statements);
  figures.push({
    what: '  its SQL statements alone, replayed (same commits)',
    value: `${perSecond(service.result.length, replayed.seconds, 'transitions')}, CPU ${((replayed.cpuMicros / 1000) / service.result.length).toFixed(2)} ms/transition, ${(statements.length / service.result.length).toFixed(1)} statements each`,
    ratio: `${ratio(rate(service.result.length, replayed.seconds), rawSingle)} raw single`,
  });

  // Write latency: the same events on a body with 800 report obligations and on one with none,
  // and on a body whose 800 obligations are all overdue (its first write, which fires the 1,600
  // system events that fell due, is not counted). One write a minute: each moves the time before
  // which nothing of the body may fall due. Each write waits for its own fsync, whose time varies
  // on this disk from minute to minute: the three bodies are written in turns, 100 times each.
  const latencies = async (bodies: Array<{ bodyId: string; on: string }>) => {
    const write = ({ bodyId, on }: { bodyId: string; on: string }, i: number) =>
      lifecycle.execute(
        { bodyId, type: 'participantsChanged', data: { participants: [`Land ${i}`] }, occurredAt: new Date(Date.parse(`${on}T08:00:00Z`) + (i + 1) * 60_000).toISOString() },
        SECRETARIAT,
      );
    for (const body of bodies) {
      for (const command of lifeOf(body.bodyId).slice(0, 3)) await lifecycle.execute(command, SECRETARIAT);
      await write(body, -1);
    }
    const samples = bodies.map((): number[] => []);
    for (let i = 0; i < 100; i++) {
      for (const [k, body] of bodies.entries()) {
        const start = performance.now();
        await write(body, i);
        samples[k].push(performance.now() - start);
      }
    }
    return samples.map((body) => percentile(body, 50));
  };
  const [none, many, overdue] = await latencies([
    { bodyId: lean, on: '2024-06-20' },
    { bodyId: laden, on: '2024-06-20' },
    { bodyId: behind, on: '2025-06-20' },
  ]);
  figures.push({
    what: 'write latency (p50), body with 800 obligations / none',
    value: `${many.toFixed(2)} ms / ${none.toFixed(2)} ms`,
    ratio: ratio(many, none),
    target: '≤ 1.5x',
    met: many <= 1.5 * none,
  });
  figures.push({
    what: '  the same, all 800 obligations overdue',
    value: `${overdue.toFixed(2)} ms / ${none.toFixed(2)} ms`,
    ratio: ratio(overdue, none),
    target: '≤ 1.5x',
    met: overdue <= 1.5 * none,
  });

  // Replay from the store beside the bare fold over the same events.
  const store = app.get(EventStore);
  const streams: EventRecord[][] = [];
  for (const bodyId of bodies) streams.push(await store.readStream(bodyId));
  const replayFromStore = () => timed(async () => {
    let events = 0;
    for (const bodyId of bodies) {
      const [first, ...rest] = await store.readStream(bodyId);
      replay({ occurredAt: first.occurredAt, data: first.data } as RegisteredEvent, rest.map(toMachineEvent));
      events += rest.length + 1;
    }
    return events;
  });
  const inMemory = streams.map(([first, ...rest]) => ({ input: { occurredAt: first.occurredAt, data: first.data } as RegisteredEvent, events: rest.map(toMachineEvent) }));
  const bareFold = () => timed(() => {
    let events = 0;
    for (const { input, events: stream } of inMemory) {
      let snapshot = initialTransition(bodyMachine, input)[0];
      for (const event of stream) snapshot = transition(bodyMachine, snapshot, event)[0];
      events += stream.length + 1;
    }
    return events;
  });
  // One pass over these lives takes a fraction of a second, within reach of a collection or a
  // compilation: both are run REPLAY_ROUNDS times in turn and the median pass of each counts.
  const fromStoreRounds: Array<{ result: number; seconds: number }> = [];
  const bareRounds: Array<{ result: number; seconds: number }> = [];
  for (let round = 0; round < REPLAY_ROUNDS; round++) {
    fromStoreRounds.push(await replayFromStore());
    bareRounds.push(await bareFold());
  }
  const fromStore = medianRound(fromStoreRounds);
  const bare = medianRound(bareRounds);
  figures.push({ what: 'bare transition() fold over the same events', value: perSecond(bare.result, bare.seconds, 'events') });
  figures.push({
    what: 'replay from the store (read, parse, fold)',
    value: perSecond(fromStore.result, fromStore.seconds, 'events'),
    ratio: `${ratio(rate(fromStore.result, fromStore.seconds), rate(bare.result, bare.seconds))} bare fold`,
    target: '≥ 0.8x bare fold',
    met: rate(fromStore.result, fromStore.seconds) >= 0.8 * rate(bare.result, bare.seconds),
  });
  await app.close();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gremienlauf-bench-'));
  const header =
    `Gremienlauf benchmark: ${BODIES} lives × ${TRANSITIONS_PER_LIFE} transitions per load run (after ${WARMUP} lives not counted), ` +
    `${CONNECTIONS} connections, SQLite WAL synchronous=FULL, Node ${process.version}`;
  try {
    if (process.env.BENCH_ONLY === 'service') {
      // Only the in-process write path (for profiling it): no load run, so no raw append to compare.
      await inProcessFigures(dir, NaN);
      return printFigures(header);
    }
    if (process.env.BENCH_ONLY === 'log') {
      // Only the large log's figures, on the log BENCH_LOG_FILE keeps (written by an earlier run).
      figures.push(...(await largeLogFigures(dir, '', startServer, stopServer)));
      return printFigures(header);
    }
    // Load over HTTP, SQLite, then the raw append of exactly the rows it wrote.
    const sqliteFile = join(dir, 'load.sqlite');
    const http = await loadRun([sqliteFile]);
    const rows = recordedTransitions(sqliteFile, http.warm);
    const single = rawAppend(join(dir, 'raw-single.sqlite'), rows, 1);
    const batched = rawAppend(join(dir, 'raw-batched.sqlite'), rows, CONNECTIONS);
    const rawSingle = rate(single.count, single.seconds);
    figures.push({ what: 'raw better-sqlite3 append, one commit per event (FULL)', value: perSecond(single.count, single.seconds, 'transitions') });
    figures.push({
      what: `raw better-sqlite3 append, ${CONNECTIONS} events per commit`,
      value: perSecond(batched.count, batched.seconds, 'transitions'),
      ratio: `${ratio(rate(batched.count, batched.seconds), rawSingle)} raw single`,
    });
    const httpRate = rate(http.result.count, http.result.seconds);
    figures.push({
      what: `durable transitions over HTTP, SQLite (${CONNECTIONS} connections)`,
      value: perSecond(http.result.count, http.result.seconds, 'transitions'),
      ratio: `${ratio(httpRate, rawSingle)} raw single, ${ratio(httpRate, rate(batched.count, batched.seconds))} batched`,
      target: '≥ 1.0x raw single',
      met: httpRate >= rawSingle,
    });
    figures.push({
      what: '  latency p50 / p99 (max), server RSS and CPU',
      value: `${http.result.p50.toFixed(1)} / ${http.result.p99.toFixed(1)} ms (${http.result.max.toFixed(0)}), ${Math.round(http.rss[0] / MiB)} MiB, server CPU ${(http.cpuMs / http.result.count).toFixed(2)} ms/transition`,
      target: 'p99 ≤ 20 ms',
      met: http.result.p99 <= 20,
    });
    // Only the SQLite load run and its floors (for profiling the server with BENCH_CPU_PROF).
    if (process.env.BENCH_ONLY === 'http') return printFigures(header);

    const pgProblem = PG_URL ? await resetPostgres(PG_URL) : 'neither BENCH_DATABASE_URL nor TEST_DATABASE_URL set';
    if (!pgProblem) {
      const pg = await loadRun([PG_URL, PG_URL]);
      const pgRate = rate(pg.result.count, pg.result.seconds);
      figures.push({
        what: `durable transitions over HTTP, PostgreSQL, 2 instances`,
        value: perSecond(pg.result.count, pg.result.seconds, 'transitions'),
        ratio: `${ratio(pgRate, httpRate)} SQLite`,
      });
      figures.push({
        what: '  latency p50 / p99 (max), RSS per instance, CPU',
        value: `${pg.result.p50.toFixed(1)} / ${pg.result.p99.toFixed(1)} ms (${pg.result.max.toFixed(0)}), ${pg.rss.map((r) => Math.round(r / MiB)).join(' + ')} MiB, CPU ${(pg.cpuMs / pg.result.count).toFixed(2)} ms/transition`,
      });
      await resetPostgres(PG_URL);
    } else {
      figures.push({ what: 'PostgreSQL load run', value: `skipped (${PG_URL ? `${redacted(PG_URL)}: ` : ''}${pgProblem})` });
    }

    await inProcessFigures(dir, rawSingle);
    figures.push(...(await stateAsOfFigures(dir)));
    figures.push(...(await largeLogFigures(dir, sqliteFile, startServer, stopServer)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printFigures(header);
}

function printFigures(header: string): void {
  console.log(header);
  const width = Math.max(...figures.map((f) => f.what.length));
  const valueWidth = Math.max(...figures.map((f) => f.value.length));
  for (const f of figures) {
    const verdict = f.target ? `${f.target.padEnd(18)} ${f.met === undefined ? 'not measured' : f.met ? 'met' : 'NOT met'}` : '';
    console.log(`${f.what.padEnd(width)}  ${f.value.padEnd(valueWidth)}  ${(f.ratio ?? '').padEnd(28)} ${verdict}`.trimEnd());
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
