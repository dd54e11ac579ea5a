/**
 * Throughput of the write path and of replay, each beside its floor:
 *   durable transitions/s through the service and over HTTP  vs  a raw better-sqlite3 append of the same rows
 *   replay events/s from the store                              vs  a bare transition() fold over the same events
 * Run: npm run bench. SQLite file in a temp folder, WAL, synchronous=FULL (the defaults).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { initialTransition, transition } from 'xstate';
import { bodyMachine, replay, type BodyEvent, type RegisteredEvent } from '../machines';
import { databaseConfig } from '../config/configuration';
import { createApp } from '../src/app';
import { SECRETARIAT } from '../src/common/actor';
import { DecisionsService } from '../src/decisions/decisions.service';
import type { EventRecord } from '../src/event-log/event-hash';
import { EventStore } from '../src/event-log/event-store';
import { LifecycleService, type BodyCommand } from '../src/lifecycle/lifecycle.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { TEST_SECRETARIAT_TOKEN, testConfig } from '../test/support/test-app';

const BODIES = Number(process.env.BENCH_BODIES ?? 300);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 8);

/** The seed body's life after registration: nine transitions. */
function lifeOf(bodyId: string): BodyCommand[] {
  return [
    { bodyId, type: 'submitted', occurredAt: '2024-06-05' },
    { bodyId, type: 'approved', data: { approvedUntil: '2025-03-31' }, decision: '2024/09-AL' },
    { bodyId, type: 'started', occurredAt: '2024-06-17' },
    { bodyId, type: 'reportDue', data: { obligationId: 'r1' }, occurredAt: '2024-11-01' },
    { bodyId, type: 'reportSubmitted', data: { obligationId: 'r1' }, occurredAt: '2024-11-20' },
    { bodyId, type: 'reportAcknowledged', data: { obligationId: 'r1' }, occurredAt: '2024-11-28' },
    { bodyId, type: 'extended', data: { approvedUntil: '2025-12-31' }, decision: '2025/03-AL' },
    { bodyId, type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2025-11-30' } }, occurredAt: '2025-09-01' },
    { bodyId, type: 'transferred', data: { successor: { name: 'Nachfolgestruktur' } }, decision: '2025/20' },
  ];
}

const DECISIONS = [
  { number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-13', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung' },
  { number: '2025/03-AL', issuer: 'AL-Runde', date: '2025-03-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Verlängerung' },
  { number: '2025/20', issuer: 'IT-PLR', date: '2025-10-15', procedure: 'Sitzung', session: 48, type: 'Beschluss', title: 'Überführung' },
];

/** Runs each body's commands in order, with up to IN_FLIGHT bodies at a time. */
async function drive(bodyIds: string[], send: (command: BodyCommand) => Promise<unknown>): Promise<number> {
  let next = 0;
  let sent = 0;
  const worker = async () => {
    while (next < bodyIds.length) {
      const bodyId = bodyIds[next++];
      for (const command of lifeOf(bodyId)) {
        await send(command);
        sent++;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return sent;
}

async function timed<T>(work: () => Promise<T> | T): Promise<{ result: T; seconds: number }> {
  const start = performance.now();
  const result = await work();
  return { result, seconds: (performance.now() - start) / 1000 };
}

async function main(): Promise<void> {
  // The benchmark's bodies live in 2024/25: the scheduler would fire their deadlines meanwhile.
  process.env.SCHEDULER_ENABLED = 'false';
  const dir = mkdtempSync(join(tmpdir(), 'gremienlauf-bench-'));
  const rows: Array<[string, number, number, string]> = [];
  const app = await createApp(testConfig(databaseConfig(join(dir, 'bench.sqlite'))), { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const lifecycle = app.get(LifecycleService);
  const register = async () => (await lifecycle.register({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }, SECRETARIAT)).bodyId;
  const serviceBodies: string[] = [];
  for (let i = 0; i < BODIES; i++) serviceBodies.push(await register());
  const httpBodies: string[] = [];
  for (let i = 0; i < BODIES; i++) httpBodies.push(await register());
  // Each decision names its effect on every body of the run.
  for (const decision of DECISIONS) {
    const effects = [...serviceBodies, ...httpBodies].flatMap((bodyId) =>
      lifeOf(bodyId)
        .filter((command) => command.decision === decision.number)
        .map((command) => ({ body: bodyId, effect: command.type, data: command.data })),
    );
    await app.get(DecisionsService).record({ ...decision, effects }, SECRETARIAT);
  }

  const service = await timed(() => drive(serviceBodies, (command) => lifecycle.execute(command, SECRETARIAT)));
  rows.push([`durable transitions, service (${IN_FLIGHT} bodies in flight)`, service.result, service.seconds, 'transitions']);

  const http = await timed(() =>
    drive(httpBodies, async ({ bodyId, ...command }) => {
      const response = await fetch(`${base}/api/bodies/${bodyId}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_SECRETARIAT_TOKEN}` },
        body: JSON.stringify(command),
      });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }),
  );
  rows.push([`durable transitions, HTTP (${IN_FLIGHT} bodies in flight)`, http.result, http.seconds, 'transitions']);

  // The same rows, appended by hand: one transaction per event (INSERT event, UPDATE body).
  const store = app.get(EventStore);
  const streams: EventRecord[][] = [];
  for (const bodyId of serviceBodies) streams.push(await store.readStream(bodyId));
  const raw = rawAppend(join(dir, 'bench.sqlite'), streams);
  rows.push(['raw better-sqlite3 append of the same rows', raw.count, raw.seconds, 'transitions']);

  const fromStore = await timed(async () => {
    let events = 0;
    for (const bodyId of serviceBodies) {
      const [first, ...rest] = await store.readStream(bodyId);
      replay({ occurredAt: first.occurredAt, data: first.data } as RegisteredEvent, rest.map(toMachineEvent));
      events += rest.length + 1;
    }
    return events;
  });
  rows.push(['replay from the store (read, parse, fold)', fromStore.result, fromStore.seconds, 'events']);

  const inMemory = streams.map(([first, ...rest]) => ({ input: { occurredAt: first.occurredAt, data: first.data } as RegisteredEvent, events: rest.map(toMachineEvent) }));
  const bare = await timed(() => {
    let events = 0;
    for (const { input, events: stream } of inMemory) {
      let snapshot = initialTransition(bodyMachine, input)[0];
      for (const event of stream) snapshot = transition(bodyMachine, snapshot, event)[0];
      events += stream.length + 1;
    }
    return events;
  });
  rows.push(['bare transition() fold over the same events', bare.result, bare.seconds, 'events']);

  await app.close();
  rmSync(dir, { recursive: true, force: true });

  console.log(`Gremienlauf benchmark: ${BODIES} bodies × 9 transitions, SQLite file (WAL, synchronous=FULL), Node ${process.version}`);
  console.log(`${'what'.padEnd(52)} ${'count'.padStart(7)} ${'seconds'.padStart(8)} ${'per second'.padStart(11)}`);
  for (const [what, count, seconds, unit] of rows) {
    console.log(`${what.padEnd(52)} ${String(count).padStart(7)} ${seconds.toFixed(2).padStart(8)} ${Math.round(count / seconds).toString().padStart(11)} ${unit}/s`);
  }
  const mem = process.memoryUsage();
  console.log(`memory: rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`);
}

function toMachineEvent(record: EventRecord): BodyEvent {
  return { type: record.type, data: record.data, occurredAt: record.occurredAt, ...(record.decision ? { decision: record.decision } : {}) } as BodyEvent;
}

function rawAppend(file: string, streams: EventRecord[][]): { count: number; seconds: number } {
  const db = new BetterSqlite3(file.replace(/bench\.sqlite$/, 'raw.sqlite'));
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
  const append = db.transaction((e: EventRecord, state: string, context: string) => {
    insert.run(e.id, e.bodyId, e.version, e.type, JSON.stringify(e.data), e.actor.id, e.actor.role, e.occurredAt, e.recordedAt, e.machine.id,
      e.machine.version, e.decision?.number ?? null, e.decision ? JSON.stringify(e.decision) : null, e.prevHash, e.hash);
    upsert.run(e.bodyId, e.version, state, context, e.hash);
  });
  const context = JSON.stringify({ profile: EXAMPLE_REGISTRATION, obligations: [] });
  const start = performance.now();
  let count = 0;
  for (const stream of streams) {
    for (const event of stream) {
      if (event.version === 1) continue; // registrations are not timed in the service runs either
      append(event, '{"active":{}}', context);
      count++;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return { count, seconds };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
