import type { AddressInfo } from 'node:net';
import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../config/configuration';
import { createApp } from './app';
import { SigningKeyRefusal } from './audit/signing-key';
import { FirstAccountSetup } from './auth/first-account';
import { DeadlinesService } from './deadlines/deadlines.service';

/** A started service: what `npm start` and `gremienlauf serve` print of it. */
export interface RunningService {
  app: NestFastifyApplication;
  /** Where it answers, with the port it really listens on (PORT=0 picks a free one). */
  url: string;
  /** The SQLite file, or "PostgreSQL". */
  database: string;
  /** On a new installation without a bootstrap token: the one-time link to its first account. */
  setup: { link: string; expiresAt: Date; announcement: string } | null;
}

/**
 * Starts the service as its two start commands do: listening, then (on a new installation) the
 * set-up link offered, then the holiday calendar loaded (about 150 ms; otherwise the first write
 * that resolves a date would wait for it). `logTo` is where Nest's log lines go: stderr when
 * stdout carries a machine-readable answer (`serve --json`).
 */
export async function startService(config: AppConfig, logTo: 'stdout' | 'stderr'): Promise<RunningService> {
  const app = await createApp(config, { logger: new ServiceLogger(logTo) });
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close();
    throw listenFailure(error, config);
  }
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://${hostInUrl(config.host)}:${port}`;
  const setup = await app.get(FirstAccountSetup).offer(url);
  app.get(DeadlinesService).preloadCalendar();
  const database = config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL';
  return { app, url, database, setup };
}

/** The service could not listen where its configuration says: a fact of the machine, said in German, not a fault of the service. */
export class ListenFailure extends Error {}

/** Why the service could not listen, in the operator's words: the port taken or not allowed, the host unknown. */
function listenFailure(error: unknown, { port, host }: Pick<AppConfig, 'port' | 'host'>): Error {
  const other = 'Einen anderen wählt die Umgebungsvariable PORT (bei „gremienlauf serve“ auch --port).';
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'EADDRINUSE':
      return new ListenFailure(`Port ${port} auf ${host} ist schon belegt – läuft Gremienlauf dort bereits? ${other}`, { cause: error });
    case 'EACCES':
      return new ListenFailure(`Port ${port} auf ${host} darf dieser Benutzer nicht öffnen (Ports unter 1024 brauchen besondere Rechte). ${other}`, { cause: error });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ListenFailure(`Die Adresse ${host} (HOST) gehört nicht zu diesem Rechner; 0.0.0.0 nimmt Anfragen an allen Adressen an, 127.0.0.1 nur von diesem Rechner.`, { cause: error });
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

/** A wildcard address is reached as localhost; an IPv6 literal goes in brackets. */
function hostInUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Nest's log lines at the levels the service uses, without the ones Nest writes on every start
 * (a line per module, per controller and per route: some 130 lines that say nothing an operator
 * can act on) and without its English line for a failed listen; a module's own lines (the
 * signing key in use, a failed delivery) stay.
 */
export class ServiceLogger extends ConsoleLogger {
  private static readonly START_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

  constructor(private readonly stream: 'stdout' | 'stderr') {
    super({ logLevels: ['log', 'warn', 'error'] });
  }

  protected override printMessages(messages: unknown[], context = '', logLevel: LogLevel = 'log', writeStreamType?: 'stdout' | 'stderr', ...rest: [unknown?, Record<string, unknown>?]): void {
    if (logLevel === 'log' && ServiceLogger.START_CONTEXTS.has(context)) return;
    // A failed listen: startService says what it means in German.
    if (logLevel === 'error' && context === 'NestApplication' && String(messages[0]).startsWith('Error: listen ')) return;
    // A start refused for the signing key: its one German line is the start's answer, not Nest's stack trace.
    if (logLevel === 'error' && context === 'ExceptionHandler' && messages[0] instanceof SigningKeyRefusal) return;
    super.printMessages(messages, context, logLevel, this.stream === 'stderr' ? 'stderr' : writeStreamType, ...rest);
  }
}
