import { loadConfig } from '../config/configuration';
import { startService } from './service';

async function main(): Promise<void> {
  const service = await startService(loadConfig(), 'stdout');
  console.log(`Gremienlauf läuft auf ${service.url} (Datenbank: ${service.database}): Weboberfläche unter /, API-Dokumentation unter /api/docs.`);
  // The one-time link to a new installation's first account: on this console only.
  if (service.setup) console.log(service.setup.announcement);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
