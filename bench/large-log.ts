/**
 * The large-log figures of `npm run bench`: a log of BENCH_LOG_BODIES bodies, each with the events
 * of one life of the load run (13 with its system events: by default 100,000 × 13 = 1,300,000
 * events), and 5 pending timers per body (some of them due), written
 * straight into a migrated SQLite file by copying one real life with new ids and a freshly
 * sealed hash chain. Then the service starts on it in a process of its own: start to listening,
 * idle RSS, the scheduler's claim of the due timers, verify, export and a checkpoint, then a few
 * more checkpoints, each after one registration; then verify once more, with those checkpoints, in
 * a fresh process.
 */
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { databaseConfig } from '../config/configuration';
import { Database } from '../src/database/database';
import { hashEvent, type EventRecord } from '../src/event-log/event-hash';
import { toRecord, type EventRow } from '../src/event-log/event-store';
import type { Figure } from './lifecycle.bench';
import type { ServerRequest } from './load-server';

const LOG_BODIES = Number(process.env.BENCH_LOG_BODIES ?? 100_000);
const TIMERS_PER_BODY = 5;
/** Due now: one batch of the scheduler's claim (50). */
const DUE_TIMERS = 50;
/** Checkpoints written after the one over the whole log, each after one registration (an afternoon of the periodic one). */
const LATER_CHECKPOINTS = 4;
const MiB = 2 ** 20;

interface Server {
  proc: ChildProcess;
  ask<T>(message: unknown): Promise<T>;
  startMs: number;
}

/** Writes the large log into `file`, copying the first complete life found in `template`. */
async function writeLog(template: string, file: string): Promise<{ events: number; seconds: number }> {
  const started = performance.now();
  const db = await Database.open(databaseConfig(file));
  await db.close();
  const source = new BetterSqlite3(template, { readonly: true });
  const [{ body_id: templateId }] = source.prepare('SELECT body_id FROM events GROUP BY body_id ORDER BY COUNT(*) DESC LIMIT 1').all() as Array<{ body_id: string }>;
  const rows = source.prepare('SELECT * FROM events WHERE body_id = ? ORDER BY version').all(templateId) as EventRow[];
  const life = rows.map(toRecord);
  const bodyRow = source.prepare('SELECT * FROM bodies WHERE id = ?').get(templateId) as Record<string, unknown>;
  // The body's report obligations are stored beside its row (src/event-log/stored-context.ts).
  const obligations = source.prepare('SELECT position, data FROM body_obligations WHERE body_id = ? ORDER BY position').all(templateId) as Array<{ position: number; data: string }>;
  // So are the contact persons it names (the bodies a lead leads are found through them).
  const contacts = source.prepare('SELECT contact_id FROM body_contacts WHERE body_id = ?').pluck().all(templateId) as string[];
  source.close();

  const target = new BetterSqlite3(file);
  target.pragma('synchronous = OFF');
  const columns = Object.keys(bodyRow);
  const insertBody = target.prepare(`INSERT INTO bodies (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const insertObligation = target.prepare('INSERT INTO body_obligations (body_id, position, data) VALUES (?, ?, ?)');
  const insertContact = target.prepare('INSERT INTO body_contacts (body_id, contact_id) VALUES (?, ?)');
  const insertEvent = target.prepare(
    `INSERT INTO events (id, body_id, version, type, data, actor_id, actor_role, occurred_at, recorded_at, machine_id, machine_version, decision_number, decision, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertTimer = target.prepare(
    `INSERT INTO timers (key, body_id, kind, ref, deadline_key, series, due_on, due_at, payload, derived_version, status, fired_at, last_error)
     VALUES (?, ?, 'event', ?, ?, NULL, ?, ?, '{"event":{"type":"termExpiring","data":{}}}', ?, 'pending', NULL, NULL)`,
  );
  const writeBodies = target.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const bodyId = randomUUID();
      let prevHash: string | null = null;
      const sealed: EventRecord[] = [];
      for (const event of life) {
        const unsealed = { ...event, id: randomUUID(), bodyId, prevHash, hash: undefined };
        delete unsealed.hash;
        const record: EventRecord = { ...unsealed, hash: hashEvent(unsealed) };
        sealed.push(record);
        prevHash = record.hash;
      }
      const head = sealed[sealed.length - 1];
      insertBody.run(...columns.map((c) => (c === 'id' ? bodyId : c === 'last_hash' ? head.hash : bodyRow[c])) as never[]);
      for (const o of obligations) insertObligation.run(bodyId, o.position, o.data);
      for (const contact of contacts) insertContact.run(bodyId, contact);
      // data and decision as the service stored them (their text is part of what verify reads).
      sealed.forEach((e, i) => {
        insertEvent.run(e.id, e.bodyId, e.version, e.type, rows[i].data, e.actor.id, e.actor.role, e.occurredAt, e.recordedAt, e.machine.id,
          e.machine.version, e.decision?.number ?? null, rows[i].decision, e.prevHash, e.hash);
      });
      for (let t = 0; t < TIMERS_PER_BODY; t++) {
        const due = n * TIMERS_PER_BODY + t < DUE_TIMERS ? '2024-01-01' : `${2030 + (n % 50)}-${String(t + 1).padStart(2, '0')}-15`;
        insertTimer.run(`${bodyId}/bench/${t}`, bodyId, `t${t}`, `${bodyId}/bench/${t}`, due, `${due}T08:00:00.000Z`, head.version);
      }
    }
  });
  for (let from = 0; from < LOG_BODIES; from += 5000) writeBodies(from, Math.min(LOG_BODIES, from + 5000));
  target.pragma('wal_checkpoint(TRUNCATE)');
  target.close();
  return { events: LOG_BODIES * life.length, seconds: (performance.now() - started) / 1000 };
}

/** Waits until the file's pages are on disk. */
function onDisk(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Brings the file's schema up to this build; true when any migration ran. */
async function migrate(file: string): Promise<boolean> {
  const applied = () => {
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM migrations').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const before = applied();
  await (await Database.open(databaseConfig(file))).close();
  return applied() > before;
}

function countEvents(file: string): number {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

export async function largeLogFigures(
  dir: string,
  template: string,
  startServer: (database: string) => Promise<Server>,
  stopServer: (server: Server) => Promise<void>,
): Promise<Figure[]> {
  if (LOG_BODIES <= 0) return [];
  const file = join(dir, 'large-log.sqlite');
  // BENCH_LOG_FILE=PATH keeps the written log there and reuses it on the next run (same size).
  const kept = process.env.BENCH_LOG_FILE;
  const reused = kept !== undefined && existsSync(kept);
  if (reused) copyFileSync(kept, file);
  const written = reused ? { events: countEvents(file), seconds: 0 } : await writeLog(template, file);
  if (kept && !reused) copyFileSync(file, kept);
  // A log kept by an older build lacks the migrations since: they run here (and the kept copy
  // is brought up to date), so that "start to listening" is the start of a current database.
  if (reused && (await migrate(file))) copyFileSync(file, kept);
  // The copies (a gigabyte or more) are on disk before the service starts: their write-back
  // would otherwise run during the start it times.
  for (const path of [file, kept]) if (path) onDisk(path);
  const figures: Figure[] = [
    { what: `large log: ${LOG_BODIES.toLocaleString('en')} bodies, ${written.events.toLocaleString('en')} events, ${(LOG_BODIES * TIMERS_PER_BODY).toLocaleString('en')} timers`, value: reused ? `reused ${kept}` : `written in ${written.seconds.toFixed(1)} s` },
  ];
  const server = await startServer(file);
  try {
    figures.push({ what: '  start to listening (process start, built)', value: `${(server.startMs / 1000).toFixed(2)} s`, target: '< 2 s', met: server.startMs < 2000 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idle = await server.ask<{ rss: number }>({ kind: 'memory' } satisfies ServerRequest);
    figures.push({ what: '  RSS of the idle service', value: `${Math.round(idle.rss / MiB)} MiB`, target: '< 250 MB', met: idle.rss < 250e6 });

    const sweep = await server.ask<{ ms: number; due: number }>({ kind: 'claim' } satisfies ServerRequest);
    figures.push({
      what: `  scheduler claims the due timers (${DUE_TIMERS} of ${(LOG_BODIES * TIMERS_PER_BODY).toLocaleString('en')})`,
      value: `${sweep.ms.toFixed(1)} ms for ${sweep.due}`,
      target: '< 50 ms',
      met: sweep.ms < 50,
    });

    figures.push(verifyFigure('  verify (chains, projections, no checkpoint yet)', await server.ask({ kind: 'verify' } satisfies ServerRequest)));

    const exported = await server.ask<{ seconds: number; events: number; bytes: number; maxRss: number }>({ kind: 'export' } satisfies ServerRequest);
    const exportRate = exported.events / exported.seconds;
    figures.push({
      what: '  export (JSON Lines, streamed)',
      value: `${Math.round(exportRate).toLocaleString('en')} events/s, ${Math.round(exported.bytes / MiB)} MiB, peak RSS ${Math.round(exported.maxRss / MiB)} MiB`,
      target: '≥ 100k events/s',
      met: exportRate >= 100_000,
    });

    const checkpoint = await server.ask<{ seconds: number; maxRss: number }>({ kind: 'checkpoint' } satisfies ServerRequest);
    figures.push({ what: '  signed checkpoint over the whole log', value: `${checkpoint.seconds.toFixed(2)} s, peak RSS ${Math.round(checkpoint.maxRss / MiB)} MiB` });
    // Hourly, as the periodic checkpoint writes them, with little new in between.
    const later = await server.ask<{ written: Array<{ seconds: number; heads: number; bytes: number }> }>({ kind: 'laterCheckpoints', count: LATER_CHECKPOINTS } satisfies ServerRequest);
    const most = (pick: (c: { seconds: number; heads: number; bytes: number }) => number) => Math.max(...later.written.map(pick));
    figures.push({
      what: `  ${LATER_CHECKPOINTS} more checkpoints, a body registered before each`,
      value: `each at most ${most((c) => c.heads)} heads, ${(most((c) => c.bytes) / 1024).toFixed(1)} KiB, ${most((c) => c.seconds).toFixed(2)} s`,
    });
  } finally {
    await stopServer(server);
  }
  // A log in use has checkpoints (the periodic one writes them): verify checks them too. In a
  // fresh process, so that its peak RSS is verify's own.
  const again = await startServer(file);
  try {
    figures.push(verifyFigure(`  verify again, with those ${1 + LATER_CHECKPOINTS} checkpoints`, await again.ask({ kind: 'verify' } satisfies ServerRequest)));
  } finally {
    await stopServer(again);
  }
  return figures;
}

/** verify's figure: below a million events its time is scaled to a million (verify is linear in the events). */
function verifyFigure(what: string, verify: { seconds: number; events: number; intact: boolean; maxRss: number }): Figure {
  const perMillion = (verify.seconds * 1e6) / verify.events;
  return {
    what,
    value: `${verify.events.toLocaleString('en')} events in ${verify.seconds.toFixed(2)} s${verify.events < 1e6 ? ` (1M: ~${perMillion.toFixed(0)} s)` : ''}, ${verify.intact ? 'intact' : 'NOT intact'}, peak RSS ${Math.round(verify.maxRss / MiB)} MiB`,
    target: '1M < 10 s, < 300 MB',
    met: verify.intact && perMillion < 10 && verify.maxRss < 300e6,
  };
}
