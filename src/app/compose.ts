/**
 * The composition root shared by the server, the worker and the CLI: opens the database, migrates,
 * and builds the plain `deps` object every entry point passes down. No DI framework.
 */
import type { VigilConfig } from '../config/index.ts';
import { TokenService, databaseSecretStore, fileSecretStore } from '../auth/index.ts';
import { FilingRepository, FilingService } from '../intake/index.ts';
import type { Clock } from '../intake/index.ts';
import { openDatabase } from '../store/database.ts';
import type { Database } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';

export interface AppDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly tokens: TokenService;
  readonly filings: FilingService;
}

export function secretStoreFor(config: VigilConfig, db: Database | undefined) {
  if (config.databaseUrl !== undefined) {
    if (db === undefined) {
      throw new Error('a database is needed for the secret of a PostgreSQL instance');
    }
    return databaseSecretStore(db);
  }
  return fileSecretStore(config.dataDir);
}

export const systemClock: Clock = { now: () => new Date() };

export async function composeApp(
  config: VigilConfig,
  overrides: { readonly db?: Database; readonly clock?: Clock } = {},
): Promise<AppDeps> {
  const db = overrides.db ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir }));
  await migrate(db);
  const clock = overrides.clock ?? systemClock;
  return {
    db,
    clock,
    tokens: new TokenService(secretStoreFor(config, db)),
    filings: new FilingService({ db, repo: new FilingRepository(), clock }),
  };
}
