import type { CliCommand } from '../command';
import { positiveInteger } from '../dates';
import { RefusedError, UsageError } from '../errors';
import { configFrom, databaseSource, startRefusal } from '../local';

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
    // As `npm start` does (src/main.ts): nothing is written before the settings, the port and the
    // database's permissions are known good; the database is migrated once before the service
    // starts, so one that cannot be opened is one German line (connection.ts), not Nest's stack
    // trace; a port that cannot be taken or a signing key the service refuses: one line, exit 1.
    const { checkBeforeStart, joinInstances, migrateAtStart, DatabaseRefusal, ListenFailure }: typeof import('../../start-checks') = require('../../start-checks');
    const refused = (error: unknown) => (error instanceof ListenFailure || error instanceof DatabaseRefusal ? new RefusedError(error.message) : (startRefusal(error) ?? error));
    const source = databaseSource(ctx.options, ctx.env);
    const migrated = await checkBeforeStart(config, env, source)
      .then(() => migrateAtStart(config.database, source))
      .catch((error: unknown) => {
        throw refused(error);
      });
    // Said at once (not with --json): a start that fails after it (refused below, say) has migrated the database all the same.
    if (migrated) ctx.out.line(migrated);
    // On PostgreSQL: refused where an instance alive on the database derives Fristen with other settings.
    const registration = await joinInstances(config, env, source).catch((error: unknown) => {
      throw refused(error);
    });
    const { startService }: typeof import('../../service') = require('../../service');
    const { app, url, listening, database, setup } = await startService(config, ctx.json ? 'stderr' : 'stdout', { env, registration }).catch(async (error: unknown) => {
      await registration?.leave();
      throw refused(error);
    });
    await registration?.listensOn(Number(new URL(url).port));
    const answer = { url, database, ...(setup && { setupLink: setup.link, setupLinkExpiresAt: setup.expiresAt.toISOString() }) };
    ctx.out.result(answer, () =>
      [`Gremienlauf läuft ${listening} (Datenbank: ${database}); API-Dokumentation: ${url}/api/docs`, ...(setup ? [setup.announcement] : [])].join('\n'),
    );
    // Closing the application leaves the instances of the database (Database.onApplicationShutdown).
    await new Promise<void>((resolve) => app.getHttpServer().once('close', () => resolve()));
  },
};
