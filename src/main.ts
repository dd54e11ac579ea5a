import { loadConfig } from '../config/configuration';
import { databaseSource, openingDatabase } from './cli/local';
import { Database } from './database/database';
import { startService } from './service';

async function main(): Promise<void> {
  const config = loadConfig();
  // Opened once before the service starts: a database that cannot be opened is one German line
  // naming it (src/cli/connection.ts), not Nest's stack trace, and nothing is written beside it.
  await openingDatabase(config.database, databaseSource({}, process.env), async () => (await Database.open(config.database)).close());
  const service = await startService(config, 'stdout');
  console.log(`Gremienlauf läuft auf ${service.url} (Datenbank: ${service.database}): Weboberfläche unter /, API-Dokumentation unter /api/docs.`);
  // The one-time link to a new installation's first account: on this console only.
  if (service.setup) console.log(service.setup.announcement);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
