import { loadConfig } from '../config/configuration';
import { databaseSource } from './cli/local';
import { startService } from './service';
import { checkBeforeStart, joinInstances, migrateAtStart } from './start-checks';

async function main(): Promise<void> {
  const config = loadConfig();
  const source = databaseSource({}, process.env);
  // Nothing is written before the settings, the port and the database's permissions are known good.
  await checkBeforeStart(config, process.env, source);
  // Migrated once before the service starts: a database that cannot be opened is one German line
  // naming it (src/cli/connection.ts), not Nest's stack trace, and nothing is written beside it.
  const migrated = await migrateAtStart(config.database, source);
  if (migrated) console.log(migrated);
  // On PostgreSQL: refused where an instance alive on the database derives Fristen with other settings.
  const registration = await joinInstances(config, process.env, source);
  const service = await startService(config, 'stdout', { registration });
  // PORT=0: the port it chose, for others' refusals to name.
  await registration?.listensOn(Number(new URL(service.url).port));
  console.log(`Gremienlauf läuft ${service.listening} (Datenbank: ${service.database}): Weboberfläche unter /, API-Dokumentation unter /api/docs.`);
  // The one-time link to a new installation's first account: on this console only.
  if (service.setup) console.log(service.setup.announcement);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
