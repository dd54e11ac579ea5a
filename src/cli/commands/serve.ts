import type { CliCommand } from '../command';
import { positiveInteger } from '../dates';
import { RefusedError, UsageError } from '../errors';
import { configFrom, databaseSource, openingDatabase, startRefusal } from '../local';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Server starten (REST-API, OpenAPI unter /api/docs)',
  description: 'Läuft, bis er mit Strg+C (SIGINT) oder SIGTERM beendet wird. Die Konfiguration kommt aus der Umgebung (PORT, HOST, DATABASE_URL, …).',
  options: {
    port: { type: 'string', value: 'PORT', description: 'Port (sonst PORT, Standard 3000; 0 wählt einen freien)' },
    host: { type: 'string', value: 'HOST', description: 'Adresse (sonst HOST, Standard 0.0.0.0)' },
  },
  async run(ctx) {
    if (ctx.options.url) throw new UsageError('serve startet selbst einen Server; --url passt dazu nicht.');
    const env = { ...ctx.env };
    if (typeof ctx.options.port === 'string') env.PORT = ctx.options.port === '0' ? '0' : String(positiveInteger(ctx.options.port, '--port'));
    if (typeof ctx.options.host === 'string') env.HOST = ctx.options.host;
    const config = configFrom(env);
    // With --json stdout carries the one answer below: the log lines (and a security log on stdout) go to stderr.
    if (ctx.json && config.auth?.securityLog === 'stdout') config.auth = { ...config.auth, securityLog: 'stderr' };
    // Opened once before the service starts: a database that cannot be opened is one German line
    // (connection.ts), not Nest's stack trace of the failed start.
    const { Database }: typeof import('../../database/database') = require('../../database/database');
    await openingDatabase(config.database, databaseSource(ctx.options, ctx.env), async () => (await Database.open(config.database)).close());
    const { startService, ListenFailure }: typeof import('../../service') = require('../../service');
    // A port that cannot be taken, or a signing key the service refuses to start without: one German line, exit code 1.
    const { app, url, database, setup } = await startService(config, ctx.json ? 'stderr' : 'stdout').catch((error: unknown) => {
      throw error instanceof ListenFailure ? new RefusedError(error.message) : (startRefusal(error) ?? error);
    });
    const answer = { url, database, ...(setup && { setupLink: setup.link, setupLinkExpiresAt: setup.expiresAt.toISOString() }) };
    ctx.out.result(answer, () =>
      [`Gremienlauf läuft auf ${url} (Datenbank: ${database}); API-Dokumentation: ${url}/api/docs`, ...(setup ? [setup.announcement] : [])].join('\n'),
    );
    await new Promise<void>((resolve) => app.getHttpServer().once('close', () => resolve()));
  },
};
