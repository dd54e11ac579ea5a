import { loadConfig } from '../config/configuration';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const where = config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL';
  console.log(`Gremienlauf läuft auf http://localhost:${config.port} (Datenbank: ${where}): Weboberfläche unter /, API-Dokumentation unter /api/docs.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
