/**
 * "State as of" on a body with a long history (BENCH_AS_OF_EVENTS events, default 1,000), through
 * the HTTP route in-process (fastify's inject: no socket): a time after the last event, answered
 * from the stored projection, beside the day before the last event, answered by folding all the
 * events before it — the same route, the same body, one process. Runs alone as well:
 * `npx tsc -p tsconfig.bench.json && node dist-bench/bench/state-as-of.js`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { databaseConfig } from '../config/configuration';
import { createApp } from '../src/app';
import { SECRETARIAT } from '../src/auth/actor';
import { DecisionsService } from '../src/decisions/decisions.service';
import { LifecycleService, type BodyCommand } from '../src/lifecycle/lifecycle.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { TEST_SECRETARIAT_TOKEN, testConfig } from '../test/support/test-config';
import { decisionsFor, lifeOf, percentile } from './life';
import type { Figure } from './lifecycle.bench';

const EVENTS = Number(process.env.BENCH_AS_OF_EVENTS ?? 1000);
const ROUNDS = 40;

/** Registered, submitted, approved, started, then changes of participants, and the interim report falling due last (its summary needs only the state after it). */
function longHistory(bodyId: string): BodyCommand[] {
  const changes = Array.from({ length: Math.max(0, EVENTS - 5) }, (_, i): BodyCommand => ({
    bodyId,
    type: 'participantsChanged',
    data: { participants: i % 2 === 0 ? ['Bund', 'Hamburg'] : ['Bund', 'Bayern'] },
    occurredAt: '2024-06-20',
  }));
  return [...lifeOf(bodyId).slice(0, 3), ...changes, lifeOf(bodyId)[3]];
}

/** Median wall time and CPU per request of GET `url`, the two questions taking turns. */
async function timeRoute(app: NestFastifyApplication, urls: string[]): Promise<Array<{ p50: number; cpu: number }>> {
  const samples = urls.map(() => ({ wall: [] as number[], cpu: 0 }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, url] of urls.entries()) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TEST_SECRETARIAT_TOKEN}` } });
      samples[i].wall.push(performance.now() - start);
      const used = process.cpuUsage(cpu);
      samples[i].cpu += (used.user + used.system) / 1000;
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    }
  }
  return samples.map((s) => ({ p50: percentile(s.wall, 50), cpu: s.cpu / ROUNDS }));
}

export async function stateAsOfFigures(dir: string): Promise<Figure[]> {
  process.env.SCHEDULER_ENABLED = 'false';
  const app = await createApp(testConfig(databaseConfig(join(dir, 'as-of.sqlite'))), { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  try {
    const lifecycle = app.get(LifecycleService);
    const { bodyId } = await lifecycle.register({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }, SECRETARIAT);
    for (const decision of decisionsFor([bodyId])) await app.get(DecisionsService).record(decision, SECRETARIAT);
    for (const command of longHistory(bodyId)) await lifecycle.execute(command, SECRETARIAT);
    const [projection, fold] = await timeRoute(app, [`/api/bodies/${bodyId}/state?asOf=2030-01-01`, `/api/bodies/${bodyId}/state?asOf=2024-12-01`]);
    return [
      { what: `state as of after the last event, ${EVENTS} events (stored projection)`, value: `p50 ${projection.p50.toFixed(2)} ms, CPU ${projection.cpu.toFixed(2)} ms/request` },
      {
        what: `state as of the day before it (fold of ${EVENTS - 1} events)`,
        value: `p50 ${fold.p50.toFixed(2)} ms, CPU ${fold.cpu.toFixed(2)} ms/request`,
        ratio: `${(fold.cpu / projection.cpu).toFixed(1)}x the projection's CPU`,
      },
    ];
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  const dir = mkdtempSync(join(tmpdir(), 'gremienlauf-as-of-'));
  stateAsOfFigures(dir)
    .then((figures) => {
      for (const f of figures) console.log(`${f.what.padEnd(64)} ${f.value}${f.ratio ? `  (${f.ratio})` : ''}`);
    })
    .finally(() => rmSync(dir, { recursive: true, force: true }));
}
