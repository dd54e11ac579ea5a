/**
 * A real `gremienlauf serve --json` process for the CLI specs that run against a server
 * (`--url`): started on a free port, its address read from its one JSON answer, stopped with
 * SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface CliServer {
  url: string;
  stop(): Promise<void>;
}

/** `serve` through the launcher, in `cwd`, with exactly the environment given (and PATH). */
export async function startCliServer(launcher: string, cwd: string, env: Record<string, string>): Promise<CliServer> {
  const server: ChildProcess = spawn(process.execPath, [launcher, 'serve', '--port', '0', '--host', '127.0.0.1', '--json'], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url": "([^"]+)"/.exec(out);
      if (match) resolve(match[1]);
    });
    server.once('exit', (code) => reject(new Error(`serve ended with ${code}`)));
  });
  return {
    url,
    stop: async () => {
      if (server.exitCode !== null) return;
      const ended = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await ended;
    },
  };
}
