/**
 * Signed checkpoints of the audit chains (docs/adr/0009-signed-audit-checkpoints.md). The hash chain
 * alone can be rewritten consistently by whoever owns the database; a checkpoint is a chain head
 * (authority, seq, hash, time) signed with an Ed25519 key that lives in a file outside the database
 * and appended to a file outside the database. `verify` then proves that every chain still extends
 * every checkpoint ever written, so a rewrite before the last checkpoint is detected.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { canonicalJson } from './canonical-json.ts';

/** A chain head as signed: what `verify` holds the chain to. */
export interface AuditCheckpoint {
  readonly authority: string;
  readonly seq: number;
  readonly hash: string;
  /** When it was signed (ISO, to the millisecond). */
  readonly at: string;
  /** Which key signed it: the first 16 hex digits of SHA-256 over the public key (SPKI DER). */
  readonly keyId: string;
  /** Ed25519 signature, base64, over the canonical JSON of the other fields. */
  readonly sig: string;
}

/** A line of the checkpoint file that cannot be trusted: unreadable, unsigned or signed by another key. */
export interface CheckpointProblem {
  readonly line: number;
  readonly authority: string | undefined;
  readonly seq: number | undefined;
  readonly message: string;
}

export interface CheckpointRead {
  readonly path: string;
  /** Checkpoints whose signature checks with a trusted key, in file order. */
  readonly checkpoints: readonly AuditCheckpoint[];
  readonly problems: readonly CheckpointProblem[];
}

export interface AuditCheckpointsOptions {
  /** The append-only checkpoint file (NDJSON). */
  readonly file: string;
  /**
   * The Ed25519 private key (PKCS#8 PEM), created on first use with mode 0600. Leave it out to only
   * verify, with `publicKeys`, on a machine that must not hold the key (an auditor's).
   */
  readonly keyFile?: string | undefined;
  /**
   * Further trusted public keys (SPKI PEM), e.g. the only ones when verifying on an auditor's machine.
   * Keys used before a rotation are also read from `<keyFile>.trusted`.
   */
  readonly publicKeys?: readonly string[] | undefined;
}

const VERSION = 1;

function signedContent(c: Omit<AuditCheckpoint, 'sig'>): Buffer {
  return Buffer.from(
    canonicalJson({ v: VERSION, authority: c.authority, seq: c.seq, hash: c.hash, at: c.at, keyId: c.keyId }),
    'utf8',
  );
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** Creates an Ed25519 private key file (PKCS#8 PEM, mode 0600) if it is not there yet; never replaces one (`wx`). */
export function loadOrCreateKey(keyFile: string): KeyObject {
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
        flag: 'wx',
        mode: 0o600,
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw err;
      }
    }
  }
  const key = createPrivateKey(readFileSync(keyFile, 'utf8'));
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${keyFile} does not hold an Ed25519 private key`);
  }
  return key;
}

/** Appends one line with O_APPEND, mode 0600, and flushes it to disk before returning. */
export function appendLineDurably(path: string, line: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, 'a', 0o600);
  try {
    // A file made by an older version (or by hand) with a wider mode is narrowed.
    if ((fstatSync(fd).mode & 0o077) !== 0) {
      chmodSync(path, 0o600);
    }
    writeSync(fd, line.endsWith('\n') ? line : `${line}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The checkpoint file and the key that signs it. */
export class AuditCheckpoints {
  readonly file: string;
  readonly #keyFile: string | undefined;
  readonly #extraKeys: readonly string[];
  #privateKey: KeyObject | undefined;

  constructor(options: AuditCheckpointsOptions) {
    this.file = options.file;
    this.#keyFile = options.keyFile;
    this.#extraKeys = options.publicKeys ?? [];
  }

  /** Whether this instance can sign (it was given a key file). */
  get canSign(): boolean {
    return this.#keyFile !== undefined;
  }

  #key(): KeyObject {
    if (this.#keyFile === undefined) {
      throw new Error('no audit signing key configured: checkpoints can be verified here, not written');
    }
    this.#privateKey ??= loadOrCreateKey(this.#keyFile);
    return this.#privateKey;
  }

  /** The public key (SPKI PEM) to hand to auditors; creates the key pair on first use. */
  publicKeyPem(): string {
    return createPublicKey(this.#key()).export({ type: 'spki', format: 'pem' }).toString();
  }

  #trusted(): Map<string, KeyObject> {
    const keys = new Map<string, KeyObject>();
    for (const pem of this.#extraKeys) {
      const k = createPublicKey(pem);
      keys.set(keyIdOf(k), k);
    }
    if (this.#keyFile !== undefined && existsSync(this.#keyFile)) {
      const k = createPublicKey(this.#key());
      keys.set(keyIdOf(k), k);
    }
    // After a key rotation, the public keys of earlier keys, kept next to the key (PEM blocks).
    const retired = `${this.#keyFile ?? ''}.trusted`;
    if (this.#keyFile !== undefined && existsSync(retired)) {
      const pems = readFileSync(retired, 'utf8').match(
        /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g,
      );
      for (const pem of pems ?? []) {
        const k = createPublicKey(pem);
        keys.set(keyIdOf(k), k);
      }
    }
    return keys;
  }

  /** Signs chain heads and appends them, each on its own line, flushed before returning. */
  write(heads: readonly { authority: string; seq: number; hash: string }[], at: Date): AuditCheckpoint[] {
    const key = this.#key();
    const keyId = keyIdOf(createPublicKey(key));
    const written: AuditCheckpoint[] = [];
    for (const h of heads) {
      const content = { authority: h.authority, seq: h.seq, hash: h.hash, at: at.toISOString(), keyId };
      const cp: AuditCheckpoint = {
        ...content,
        sig: sign(null, signedContent(content), key).toString('base64'),
      };
      appendLineDurably(this.file, JSON.stringify({ v: VERSION, ...cp }));
      written.push(cp);
    }
    return written;
  }

  /** Every checkpoint line, those that check and those that do not. A missing file has none. */
  read(): CheckpointRead {
    const checkpoints: AuditCheckpoint[] = [];
    const problems: CheckpointProblem[] = [];
    if (!existsSync(this.file)) {
      return { path: this.file, checkpoints, problems };
    }
    const trusted = this.#trusted();
    const lines = readFileSync(this.file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      if (text.trim() === '') {
        return;
      }
      const line = i + 1;
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        problems.push({ line, authority: undefined, seq: undefined, message: 'not JSON' });
        return;
      }
      const c = raw as Partial<AuditCheckpoint> & { v?: unknown };
      const authority = typeof c.authority === 'string' ? c.authority : undefined;
      const seq = Number.isSafeInteger(c.seq) && (c.seq as number) >= 1 ? (c.seq as number) : undefined;
      if (
        c.v !== VERSION ||
        authority === undefined ||
        seq === undefined ||
        typeof c.hash !== 'string' ||
        !/^[0-9a-f]{64}$/.test(c.hash) ||
        typeof c.at !== 'string' ||
        typeof c.keyId !== 'string' ||
        typeof c.sig !== 'string'
      ) {
        problems.push({ line, authority, seq, message: 'not a checkpoint (fields missing or malformed)' });
        return;
      }
      const key = trusted.get(c.keyId);
      if (key === undefined) {
        problems.push({ line, authority, seq, message: `signed by an unknown key ${c.keyId}` });
        return;
      }
      const cp: AuditCheckpoint = { authority, seq, hash: c.hash, at: c.at, keyId: c.keyId, sig: c.sig };
      if (!verify(null, signedContent(cp), key, Buffer.from(cp.sig, 'base64'))) {
        problems.push({
          line,
          authority,
          seq,
          message: 'the signature does not match (line forged or edited)',
        });
        return;
      }
      checkpoints.push(cp);
    });
    return { path: this.file, checkpoints, problems };
  }

  /** The newest checkpoint of each authority (by seq). */
  latest(): Map<string, AuditCheckpoint> {
    const latest = new Map<string, AuditCheckpoint>();
    for (const cp of this.read().checkpoints) {
      const known = latest.get(cp.authority);
      if (known === undefined || cp.seq >= known.seq) {
        latest.set(cp.authority, cp);
      }
    }
    return latest;
  }
}
