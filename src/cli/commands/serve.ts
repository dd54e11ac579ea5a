import type { AddressInfo } from 'node:net';
import type { CliCommand } from '../command';
import { positiveInteger } from '../dates';
import { UsageError } from '../errors';
import { configFrom } from '../local';

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
    const { createApp }: typeof import('../../app') = require('../../app');
    const app = await createApp(config);
    await app.listen(config.port, config.host);
    const { port } = app.getHttpServer().address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${host}:${port}`;
    const where = config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL';
    ctx.out.result({ url, database: where }, () => `Gremienlauf läuft auf ${url} (Datenbank: ${where}); API-Dokumentation: ${url}/api/docs`);
    await new Promise<void>((resolve) => app.getHttpServer().once('close', () => resolve()));
  },
};
