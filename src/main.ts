import { loadConfig } from '../config/configuration';
import { createApp } from './app';
import { FirstAccountSetup } from './auth/first-account';
import { DeadlinesService } from './deadlines/deadlines.service';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const where = config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL';
  console.log(`Gremienlauf läuft auf http://localhost:${config.port} (Datenbank: ${where}): Weboberfläche unter /, API-Dokumentation unter /api/docs.`);
  // A new installation without a bootstrap token: the one-time link to its first account, on this console only.
  const setup = await app.get(FirstAccountSetup).offer(`http://localhost:${config.port}`);
  if (setup) console.log(setup.announcement);
  app.get(DeadlinesService).preloadCalendar();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
