// `npm run migration:run`: creates the database if missing and applies pending migrations under
// the same lock as start-up, so it is safe to run beside running processes.
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/env.schema.js';
import { ensureDatabase, runMigrations, StartupError } from './database-setup.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const applied = await runMigrations(config, await ensureDatabase(config));
  process.stdout.write(
    applied.length > 0
      ? `Applied ${applied.length} migration(s) to ${config.databaseName}: ${applied.join(', ')}\n`
      : `${config.databaseName} is up to date\n`,
  );
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof StartupError;
  process.stderr.write(`${known ? error.message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(1);
});
