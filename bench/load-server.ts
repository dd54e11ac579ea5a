/**
 * One instance of the service for the load benchmark, in a process of its own (started by
 * lifecycle.bench.ts with `fork`). It reports when it listens (with the time since its process
 * started), registers the bodies the client will drive, and answers with its memory on request.
 */
import { performance } from 'node:perf_hooks';
import { databaseConfig } from '../config/configuration';
import { createApp } from '../src/app';
import { DeadlinesService } from '../src/deadlines/deadlines.service';
import { AuditService } from '../src/audit/audit.service';
import { SECRETARIAT } from '../src/auth/actor';
import { Database } from '../src/database/database';
import { DecisionsService } from '../src/decisions/decisions.service';
import { LifecycleService } from '../src/lifecycle/lifecycle.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { canonicalJson } from '../src/json/canonical-json';
import { testConfig } from '../test/support/test-config';
import { decisionsFor } from './life';

export type ServerRequest =
  | { kind: 'setup'; bodies: number; decisions: boolean }
  | { kind: 'memory' }
  | { kind: 'claim' }
  | { kind: 'verify' }
  | { kind: 'export' }
  | { kind: 'checkpoint' }
  | { kind: 'laterCheckpoints'; count: number }
  | { kind: 'close' };

/** The peak RSS of this process so far, in bytes. */
const maxRss = () => process.resourceUsage().maxRSS * 1024;

/** The scheduler's query for due timers (SchedulerService.sweep, one batch of up to 50), best of five. */
async function claim(db: Database): Promise<{ ms: number; due: number }> {
  const now = new Date().toISOString();
  let best = Infinity;
  let due = 0;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const rows = await db.query(
      `SELECT key, body_id, kind, ref, deadline_key, series, due_on, due_at, payload, derived_version FROM timers
       WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, key LIMIT 50`,
      [now],
    );
    best = Math.min(best, performance.now() - start);
    due = rows.length;
  }
  return { ms: best, due };
}

async function main(): Promise<void> {
  // The benchmark's bodies live in 2024/25: the scheduler would fire their deadlines meanwhile.
  process.env.SCHEDULER_ENABLED = 'false';
  const app = await createApp(testConfig(databaseConfig(process.argv[2])), { logger: false });
  await app.listen(0, '127.0.0.1');
  const send = (message: unknown) => process.send!(message);
  send({ kind: 'listening', url: await app.getUrl(), startMs: performance.now() });
  app.get(DeadlinesService).preloadCalendar(); // as main.ts does once it listens

  process.on('message', (request: ServerRequest) => {
    const answer = async () => {
      if (request.kind === 'setup') {
        const lifecycle = app.get(LifecycleService);
        const bodyIds: string[] = [];
        for (let i = 0; i < request.bodies; i++) {
          bodyIds.push((await lifecycle.register({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }, SECRETARIAT)).bodyId);
        }
        if (request.decisions) for (const decision of decisionsFor(bodyIds)) await app.get(DecisionsService).record(decision, SECRETARIAT);
        return { kind: 'ready', bodyIds };
      }
      if (request.kind === 'claim') return { kind: 'claim', ...(await claim(app.get(Database))) };
      if (request.kind === 'verify') {
        const start = performance.now();
        const report = await app.get(AuditService).verify();
        return { kind: 'verify', seconds: (performance.now() - start) / 1000, events: report.events, intact: report.intact, maxRss: maxRss() };
      }
      if (request.kind === 'export') {
        const start = performance.now();
        let bytes = 0;
        let last = '';
        for await (const chunk of app.get(AuditService).exportLines()) {
          bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
          if (typeof chunk === 'string') last = chunk;
        }
        // The export's last line counts its lines of each kind.
        const end = JSON.parse(last) as { kind: 'end'; counts: { event: number } };
        return { kind: 'export', seconds: (performance.now() - start) / 1000, events: end.counts.event, bytes, maxRss: maxRss() };
      }
      if (request.kind === 'checkpoint') {
        const start = performance.now();
        await app.get(AuditService).createCheckpoint();
        return { kind: 'checkpoint', seconds: (performance.now() - start) / 1000, maxRss: maxRss() };
      }
      if (request.kind === 'laterCheckpoints') {
        // As the periodic checkpoint does in a register in use: a little happened since the last one (a body registered).
        const written: Array<{ seconds: number; heads: number; bytes: number }> = [];
        for (let i = 0; i < request.count; i++) {
          await app.get(LifecycleService).register({ ...EXAMPLE_REGISTRATION, registeredAt: '2025-06-02' }, SECRETARIAT);
          const start = performance.now();
          const checkpoint = (await app.get(AuditService).createCheckpoint())!;
          written.push({ seconds: (performance.now() - start) / 1000, heads: checkpoint.payload.heads.length, bytes: Buffer.byteLength(canonicalJson(checkpoint.payload)) });
        }
        return { kind: 'laterCheckpoints', written, maxRss: maxRss() };
      }
      if (request.kind === 'memory') {
        global.gc?.();
        const cpu = process.cpuUsage();
        return { kind: 'memory', rss: process.memoryUsage().rss, cpuMs: (cpu.user + cpu.system) / 1000 };
      }
      await app.close();
      return { kind: 'closed' };
    };
    answer().then(send, (error: unknown) => send({ kind: 'error', message: String(error instanceof Error ? error.stack : error) }));
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
