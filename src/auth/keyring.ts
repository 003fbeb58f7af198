/**
 * The instance's token-signing keys, kept outside the database in one file (mode 0600): several keys,
 * each with a key id; the newest signs, the older ones still verify until removed, so a rotation
 * needs no downtime. Every process of an instance (the server, `vigil token`, several `serve` on
 * PostgreSQL) reads the same file; it is re-read when it changes, so a rotation or removal takes effect
 * without a restart. No role of the database can read a key (ADR 0008).
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { VigilError } from '../errors/index.ts';

export interface SigningKey {
  /** Key id, carried in each token's header (`kid`). */
  readonly kid: string;
  readonly secret: Uint8Array;
  readonly createdAt: string;
}

export interface Keyring {
  /** The instance these keys belong to; tokens carry `aud: vigil:<instance>`. */
  readonly instance: string;
  /** Oldest first; the last one signs. */
  readonly keys: readonly SigningKey[];
}

/** Where the token service gets the keys from. */
export interface KeyringSource {
  /** The current keys (created on first use). */
  current(): Keyring;
}

interface KeyringFile {
  readonly instance: string;
  readonly keys: readonly { kid: string; secret: string; createdAt: string }[];
}

function newKey(at: Date): SigningKey {
  return {
    kid: `k-${at.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex')}`,
    secret: randomBytes(32),
    createdAt: at.toISOString(),
  };
}

function serialise(ring: Keyring): string {
  const file: KeyringFile = {
    instance: ring.instance,
    keys: ring.keys.map((k) => ({
      kid: k.kid,
      secret: Buffer.from(k.secret).toString('base64url'),
      createdAt: k.createdAt,
    })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function parse(path: string, text: string): Keyring {
  let file: KeyringFile;
  try {
    file = JSON.parse(text) as KeyringFile;
  } catch {
    throw new VigilError('VIGIL_KEYRING_INVALID', `the keyring ${path} is not JSON`);
  }
  if (typeof file.instance !== 'string' || !Array.isArray(file.keys) || file.keys.length === 0) {
    throw new VigilError('VIGIL_KEYRING_INVALID', `the keyring ${path} has no instance or no keys`);
  }
  const entries = file.keys as readonly { kid?: unknown; secret?: unknown; createdAt?: unknown }[];
  const keys = entries.map((k, i) => {
    const secret = typeof k.secret === 'string' ? Buffer.from(k.secret, 'base64url') : Buffer.alloc(0);
    if (typeof k.kid !== 'string' || k.kid === '' || secret.length < 32) {
      throw new VigilError(
        'VIGIL_KEYRING_INVALID',
        `key ${i + 1} of the keyring ${path} needs a kid and a secret of at least 32 bytes`,
      );
    }
    return {
      kid: k.kid,
      secret: new Uint8Array(secret),
      createdAt: typeof k.createdAt === 'string' ? k.createdAt : '',
    };
  });
  return { instance: file.instance, keys };
}

/** Replaces the file at once (write aside, rename), readable by its owner only. */
function writeAtomically(path: string, text: string): void {
  const aside = `${path}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  writeFileSync(aside, text, { mode: 0o600, flag: 'wx' });
  renameSync(aside, path);
}

/** The keyring in a file: created on first use with one key, re-read whenever the file changes. */
export class FileKeyring implements KeyringSource {
  readonly path: string;
  #cached: { readonly stamp: string; readonly ring: Keyring } | undefined;

  constructor(path: string) {
    this.path = path;
  }

  current(): Keyring {
    const stamp = this.#stamp() ?? this.#create();
    if (this.#cached?.stamp !== stamp) {
      const mode = statSync(this.path).mode;
      if ((mode & 0o077) !== 0) {
        throw new VigilError(
          'VIGIL_KEYRING_INSECURE',
          `the keyring ${this.path} is readable by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
        );
      }
      this.#cached = { stamp, ring: parse(this.path, readFileSync(this.path, 'utf8')) };
    }
    return this.#cached.ring;
  }

  /** Adds a new key that signs from now on; the older keys keep verifying. */
  rotate(at = new Date()): SigningKey {
    const ring = this.current();
    const key = newKey(at);
    writeAtomically(this.path, serialise({ ...ring, keys: [...ring.keys, key] }));
    return key;
  }

  /** Removes a key: tokens it signed are refused from now on. The signing (newest) key stays. */
  remove(kid: string): void {
    const ring = this.current();
    const last = ring.keys[ring.keys.length - 1]!;
    if (!ring.keys.some((k) => k.kid === kid)) {
      throw new VigilError('VIGIL_NOT_FOUND', `no key ${kid} in ${this.path}`);
    }
    if (last.kid === kid) {
      throw new VigilError(
        'VIGIL_CONFLICT',
        `${kid} is the signing key; rotate first (vigil signing-keys rotate), then remove it`,
      );
    }
    writeAtomically(this.path, serialise({ ...ring, keys: ring.keys.filter((k) => k.kid !== kid) }));
  }

  #stamp(): string | undefined {
    try {
      const s = statSync(this.path);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw err;
    }
  }

  /**
   * First use: one key. Written aside and linked into place, so concurrent creators agree (one link
   * wins) and no reader ever sees a half-written file.
   */
  #create(): string {
    mkdirSync(dirname(this.path), { recursive: true });
    const ring: Keyring = { instance: `vgl-${randomBytes(6).toString('hex')}`, keys: [newKey(new Date())] };
    const aside = `${this.path}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
    writeFileSync(aside, serialise(ring), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(aside, this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw err;
      }
    } finally {
      rmSync(aside, { force: true });
    }
    return this.#stamp()!;
  }
}

/** A keyring held in memory only (tests, tools that verify nothing later). */
export function memoryKeyring(): KeyringSource {
  const ring: Keyring = { instance: `vgl-${randomBytes(6).toString('hex')}`, keys: [newKey(new Date())] };
  return { current: () => ring };
}
