import type { AddressInfo } from 'node:net';
import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../config/configuration';
import type { RemindersConfig } from '../config/reminders';
import { REMINDERS_CONFIG } from '../config/reminders-config';
import { createApp } from './app';
import { SigningKeyRefusal } from './audit/signing-key';
import { ENVIRONMENT, type AppRuntime } from './common/common.module';
import { FirstAccountSetup } from './auth/first-account';
import { databaseLabel } from './cli/connection';
import { DeadlinesService } from './deadlines/deadlines.service';
import { listenFailure } from './start-checks';


/** A started service: what `npm start` and `gremienlauf serve` print of it. */
export interface RunningService {
  app: NestFastifyApplication;
  /** Where it answers, with the port it really listens on (PORT=0 picks a free one). */
  url: string;
  /** Where it listens, in words that are true for its HOST: `auf http://127.0.0.1:3000`, or all addresses and the port. */
  listening: string;
  /** The SQLite file, or the PostgreSQL URL without its password. */
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
export async function startService(config: AppConfig, logTo: 'stdout' | 'stderr', runtime: AppRuntime = {}): Promise<RunningService> {
  // Both callers ran `checkBeforeStart` (src/start-checks.ts) first: the port was free before the
  // application was built, which seeds the database and writes the signing key.
  const app = await createApp(config, { logger: new ServiceLogger(logTo), ...runtime });
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    await app.close();
    throw listenFailure(error, config);
  }
  try {
    const { port } = app.getHttpServer().address() as AddressInfo;
    const url = `http://${hostInUrl(config.host)}:${port}`;
    // The set-up link is opened in a browser, maybe elsewhere: at the address users reach, where PUBLIC_URL names it.
    const publicUrl = app.get<string, NodeJS.ProcessEnv>(ENVIRONMENT).PUBLIC_URL?.trim() ? app.get<string, RemindersConfig>(REMINDERS_CONFIG).publicUrl : null;
    const setup = await app.get(FirstAccountSetup).offer(publicUrl ?? url);
    app.get(DeadlinesService).preloadCalendar();
    return { app, url, listening: listeningOn(config.host, url, publicUrl), database: databaseLabel(config.database), setup };
  } catch (error) {
    // A start that fails after listening closes what it opened (the port, the database's pools).
    await app.close();
    throw error;
  }
}

/**
 * Where the service listens, as the start line says it: one address is named as its URL; a
 * wildcard (HOST 0.0.0.0 or ::) as all addresses of the machine, with the URL that reaches it
 * here; PUBLIC_URL, when set, as the address users have.
 */
function listeningOn(host: string, url: string, publicUrl: string | null): string {
  const wildcard = host === '0.0.0.0' || host === '::';
  const where = wildcard ? `auf allen Adressen dieses Rechners (HOST ${host}), Port ${new URL(url).port} – hier ${url}` : `auf ${url}`;
  return publicUrl ? `${where}, für Nutzer ${publicUrl}` : where;
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
