/**
 * Where the instance's token-signing secret lives: in the database for PostgreSQL (every process of the
 * instance shares it), in a file of the data folder for the embedded database.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Queryable } from '../store/database.ts';
import { InstanceSecretRepository } from './instance-secret.repository.ts';

/** Where the instance's signing secret lives. */
export interface SecretStore {
  /** Returns the secret, creating it on first use; every caller of one instance gets the same. */
  get(): Promise<Uint8Array>;
}

/**
 * The secret in the database (PostgreSQL): every process pointed at the database shares it.
 */
export function databaseSecretStore(db: Queryable): SecretStore {
  const repo = new InstanceSecretRepository();
  return {
    async get() {
      return Buffer.from(await repo.getOrCreate(db, randomBytes(32).toString('hex')), 'hex');
    },
  };
}

/**
 * The secret in a file of the data folder (embedded PGlite): `vigil token` can mint a token while the
 * server holds the embedded database open, which a second process must never open too.
 */
export function fileSecretStore(dataDir: string): SecretStore {
  const path = join(dataDir, 'instance.key');
  return {
    get() {
      mkdirSync(dataDir, { recursive: true });
      try {
        writeFileSync(path, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw err;
        }
      }
      return Promise.resolve(Buffer.from(readFileSync(path, 'utf8').trim(), 'hex'));
    },
  };
}
