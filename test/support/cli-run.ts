import type { AddressInfo } from 'node:net';
import { runCli } from '../../src/cli/cli';
import { TEST_SECRETARIAT_TOKEN, type TestApp } from './test-app';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The CLI run in this process against the test app over HTTP (`--url`, `--token`: the
 * secretariat's unless another is given), as a user at a terminal would run it against a server;
 * the app starts listening on 127.0.0.1 at its first call. Its exit code and what it wrote.
 */
export async function cliAgainst(t: TestApp, args: string[], token = TEST_SECRETARIAT_TOKEN): Promise<CliRun> {
  if (!t.app.getHttpServer().listening) await t.app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...args, '--url', url, '--token', token], {
    stdout: (s) => out.push(s),
    stderr: (s) => err.push(s),
    stdin: async () => Buffer.alloc(0),
    env: {},
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/**
 * The CLI run in this process with `env` as its environment (its local commands on the database
 * DATABASE_URL or `--database` names), reading nothing on stdin. Its exit code and what it wrote.
 */
export async function cliLocal(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (s) => out.push(s), stderr: (s) => err.push(s), stdin: async () => Buffer.alloc(0), env });
  return { code, stdout: out.join(''), stderr: err.join('') };
}
