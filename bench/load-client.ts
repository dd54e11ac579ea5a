/**
 * The load benchmark's HTTP client, in a process of its own (forked by lifecycle.bench.ts): N
 * connections (keep-alive), each driving its own bodies through their lives one request after
 * the other, spread over the given service instances. Answers with the count, the seconds and
 * the latency of every request.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { lifeOf, percentile } from './life';

export interface ClientJob {
  urls: string[];
  token: string;
  bodyIds: string[];
  connections: number;
}

export interface ClientResult {
  count: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
}

function post(agent: Agent, base: URL, path: string, token: string, body: unknown): Promise<void> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode} ${path}: ${Buffer.concat(chunks).toString()}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function run(job: ClientJob): Promise<ClientResult> {
  const targets = job.urls.map((url) => ({ base: new URL(url), agent: new Agent({ keepAlive: true, maxSockets: job.connections }) }));
  const latencies: number[] = [];
  let next = 0;
  const connection = async (i: number) => {
    const { base, agent } = targets[i % targets.length];
    while (next < job.bodyIds.length) {
      const bodyId = job.bodyIds[next++];
      for (const { bodyId: _, ...command } of lifeOf(bodyId)) {
        const start = performance.now();
        await post(agent, base, `/api/bodies/${bodyId}/events`, job.token, command);
        latencies.push(performance.now() - start);
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: job.connections }, (_, i) => connection(i)));
  const seconds = (performance.now() - start) / 1000;
  for (const { agent } of targets) agent.destroy();
  return { count: latencies.length, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) };
}

process.once('message', (job: ClientJob) => {
  run(job).then(
    (result) => process.send!({ kind: 'result', result }),
    (error: unknown) => process.send!({ kind: 'error', message: String(error instanceof Error ? error.message : error) }),
  );
});
