/**
 * API keys for filers' systems (issue 14): an authority's admin creates a key for one filer (its
 * subject, its EORIs, a role), shown once and stored as a hash; rotates it with an overlap during which
 * the old and the new secret both work; revokes it. Every change is in the authority's audit trail.
 *
 * Authentication looks the presented key up by its public prefix on every request (one indexed read,
 * no cache), so a revocation or the end of an overlap holds on every process at once. The actor a key
 * yields is the filer's (subject, authority, role, EORIs): every permission and EORI binding that
 * applies to the filer's tokens applies to its keys unchanged.
 */
import { randomBytes } from 'node:crypto';
import { requirePermission } from '../auth/index.ts';
import type { Actor, ApiKeyAuthenticator, KeyCredential, Role } from '../auth/index.ts';
import { auditActor } from '../audit/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import type { Clock } from '../domain/index.ts';
import { checkEori, normaliseEori } from '../domain/index.ts';
import { VigilError, parseInput } from '../errors/index.ts';
import type { FieldError } from '../errors/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import { newSecret, parseKey, secretMatches } from './api-key-secret.ts';
import type { NewSecret, RandomSource } from './api-key-secret.ts';
import type { ApiKeyRepository, ApiKeyRow, ApiKeySecretRow, KeyBySecret } from './api-key.repository.ts';
import {
  MAX_KEY_DAYS,
  createKeySchema,
  listKeysQuerySchema,
  revokeKeySchema,
  rotateKeySchema,
} from './api-key.schema.ts';
import type { ApiKeyView, KeyStatus } from './api-key.schema.ts';

export interface ApiKeyServiceDeps {
  /** The service's connection: keys are found by prefix across authorities before the actor is known. */
  readonly db: Database;
  readonly repo: ApiKeyRepository;
  readonly clock: Clock;
  readonly audit?: { append(tx: Queryable, event: AuditEvent): Promise<unknown> } | undefined;
  readonly random?: RandomSource | undefined;
}

/** A key just created or rotated: the secret, shown this once. */
export interface IssuedKey {
  readonly key: ApiKeyView;
  readonly secret: string;
}

const DAY_MS = 86_400_000;
/** Last-used time is written at most this often per key (and per process, before asking the database). */
const TOUCH_EVERY_MS = 60_000;

function statusOf(k: ApiKeyRow, at: Date): KeyStatus {
  return k.revoked_at !== null ? 'revoked' : k.expires_at.getTime() <= at.getTime() ? 'expired' : 'active';
}

function viewOf(k: ApiKeyRow, secrets: readonly ApiKeySecretRow[], at: Date): ApiKeyView {
  const mine = secrets.filter((s) => s.key_id === k.id);
  const current = mine.find((s) => s.retires_at === null) ?? mine[mine.length - 1];
  const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());
  return {
    id: k.id,
    name: k.name,
    description: k.description,
    authority: k.authority,
    filer: k.filer,
    role: k.role as Role,
    eoris: k.eoris,
    prefix: current?.prefix ?? '',
    secrets: mine.map((s) => ({
      prefix: s.prefix,
      createdAt: s.created_at.toISOString(),
      retiresAt: iso(s.retires_at),
    })),
    status: statusOf(k, at),
    rateLimitPerMinute: k.rate_limit_per_minute,
    createdBy: k.created_by,
    createdAt: k.created_at.toISOString(),
    expiresAt: k.expires_at.toISOString(),
    lastUsedAt: iso(k.last_used_at),
    rotatedAt: iso(k.rotated_at),
    revokedAt: iso(k.revoked_at),
    revokedBy: k.revoked_by,
    revokedReason: k.revoked_reason,
  };
}

function invalid(errors: FieldError[]): VigilError {
  return new VigilError('VIGIL_API_KEY_INVALID', `the API key has ${errors.length} error(s)`, errors);
}

/** How long a key read from the database is taken as read (revocation holds on other processes within it). */
export const KEY_CACHE_MS = 1000;
/** The most keys remembered at once. */
const KEY_CACHE_SIZE = 10_000;

export class ApiKeyService implements ApiKeyAuthenticator {
  readonly #d: ApiKeyServiceDeps;
  readonly #random: RandomSource;
  /** Per key, when this process last wrote its last-used time (clock milliseconds). */
  readonly #touched = new Map<string, number>();
  /**
   * Keys presented in the last second, by secret prefix, as read then (clock milliseconds): a busy
   * system's requests do not each read the database. A revocation, or the end of an overlap, holds
   * at once on the process that made it and within KEY_CACHE_MS on every other.
   */
  readonly #seen = new Map<string, { readonly found: KeyBySecret; readonly at: number }>();

  constructor(deps: ApiKeyServiceDeps) {
    this.#d = deps;
    this.#random = deps.random ?? randomBytes;
  }

  async create(actor: Actor, body: unknown): Promise<IssuedKey> {
    requirePermission(actor, 'apikey.manage');
    const input = parseInput(createKeySchema, body);
    const now = this.#d.clock.now();
    const errors: FieldError[] = [];
    const expiresAt = new Date(input.expiresAt);
    if (expiresAt.getTime() <= now.getTime()) {
      errors.push({
        code: 'VIGIL_SCHEMA_FORMAT',
        path: '$.expiresAt',
        message: `${input.expiresAt} is not in the future`,
      });
    } else if (expiresAt.getTime() > now.getTime() + MAX_KEY_DAYS * DAY_MS) {
      errors.push({
        code: 'VIGIL_SCHEMA_FORMAT',
        path: '$.expiresAt',
        message: `a key lives at most ${MAX_KEY_DAYS} days: ${input.expiresAt} is later than ${new Date(now.getTime() + MAX_KEY_DAYS * DAY_MS).toISOString()}`,
      });
    }
    const eoris = (input.eoris ?? []).map(normaliseEori);
    eoris.forEach((e, i) => {
      const problem = checkEori(e);
      if (problem !== undefined) {
        errors.push({ code: 'VIGIL_SCHEMA_FORMAT', path: `$.eoris[${i}]`, message: `'${e}': ${problem}` });
      }
    });
    if (input.role === 'filer' && eoris.length === 0) {
      errors.push({
        code: 'VIGIL_SCHEMA_REQUIRED',
        path: '$.eoris',
        message: "a filer's key names the EORIs it files for (at least one)",
      });
    }
    if (input.role !== 'filer' && eoris.length > 0) {
      errors.push({
        code: 'VIGIL_SCHEMA_FORMAT',
        path: '$.eoris',
        message: "only a filer's key is bound to EORIs",
      });
    }
    if (errors.length > 0) {
      throw invalid(errors);
    }
    const row: ApiKeyRow = {
      id: `key_${Buffer.from(this.#random(10)).toString('hex')}`,
      authority: actor.authority,
      filer: input.filer,
      role: input.role,
      eoris: [...new Set(eoris)],
      name: input.name,
      description: input.description ?? '',
      rate_limit_per_minute: input.rateLimitPerMinute ?? null,
      created_by: auditActor(actor),
      created_at: now,
      expires_at: expiresAt,
      last_used_at: null,
      rotated_at: null,
      revoked_at: null,
      revoked_by: null,
      revoked_reason: null,
    };
    const secret = await this.#freshSecret();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      await this.#d.repo.insertKey(tx, row);
      await this.#insertSecret(tx, row, secret, now);
      await this.#d.audit?.append(tx, {
        authority: actor.authority,
        actor: auditActor(actor),
        action: 'api-key.created',
        subject: row.id,
        details: {
          prefix: secret.prefix,
          name: row.name,
          filer: row.filer,
          role: row.role,
          eoris: row.eoris,
          expiresAt: row.expires_at.toISOString(),
          rateLimitPerMinute: row.rate_limit_per_minute,
        },
        at: now,
      });
      return { key: viewOf(row, await this.#d.repo.liveSecrets(tx, [row.id], now), now), secret: secret.key };
    });
  }

  async list(actor: Actor, query: unknown): Promise<ApiKeyView[]> {
    requirePermission(actor, 'apikey.manage');
    const q = parseInput(listKeysQuerySchema, query, 'VIGIL_QUERY_INVALID');
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const keys = await this.#d.repo.list(tx, actor.authority, q);
      const secrets = await this.#d.repo.liveSecrets(
        tx,
        keys.map((k) => k.id),
        now,
      );
      return keys.map((k) => viewOf(k, secrets, now));
    });
  }

  async get(actor: Actor, id: string): Promise<ApiKeyView> {
    requirePermission(actor, 'apikey.manage');
    const now = this.#d.clock.now();
    return this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const k = await this.#found(tx, actor, id, false);
      return viewOf(k, await this.#d.repo.liveSecrets(tx, [k.id], now), now);
    });
  }

  /**
   * A new secret for the key; the ones it had keep working until the overlap ends. The key's filer,
   * EORIs, role and expiry stay as they were.
   */
  async rotate(
    actor: Actor,
    id: string,
    body: unknown,
  ): Promise<IssuedKey & { readonly previousRetiresAt: string }> {
    requirePermission(actor, 'apikey.manage');
    const { overlapSeconds } = parseInput(rotateKeySchema, body ?? {});
    const now = this.#d.clock.now();
    const until = new Date(now.getTime() + overlapSeconds * 1000);
    const secret = await this.#freshSecret();
    const rotated = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      const k = await this.#found(tx, actor, id, true);
      const status = statusOf(k, now);
      if (status !== 'active') {
        throw new VigilError(
          'VIGIL_CONFLICT',
          `API key ${id} is ${status}; create a new key instead of rotating it`,
        );
      }
      const before = await this.#d.repo.liveSecrets(tx, [k.id], now);
      await this.#d.repo.retireSecrets(tx, k.id, now, until);
      await this.#insertSecret(tx, k, secret, now);
      await this.#d.repo.markRotated(tx, k.id, now);
      await this.#d.audit?.append(tx, {
        authority: actor.authority,
        actor: auditActor(actor),
        action: 'api-key.rotated',
        subject: k.id,
        details: {
          prefix: secret.prefix,
          previousPrefixes: before.map((s) => s.prefix),
          overlapSeconds,
          previousRetiresAt: until.toISOString(),
        },
        at: now,
      });
      const after = { ...k, rotated_at: now };
      return {
        key: viewOf(after, await this.#d.repo.liveSecrets(tx, [k.id], now), now),
        secret: secret.key,
        previousRetiresAt: until.toISOString(),
      };
    });
    // Once committed: this process reads the key anew at its next use.
    this.#seen.clear();
    return rotated;
  }

  /**
   * Refused from the next request on this process and within KEY_CACHE_MS (a second) on every other.
   * Revoking a revoked key changes nothing.
   */
  async revoke(actor: Actor, id: string, body: unknown): Promise<ApiKeyView> {
    requirePermission(actor, 'apikey.manage');
    const { reason } = parseInput(revokeKeySchema, body ?? {});
    const now = this.#d.clock.now();
    const view = await this.#d.db.forAuthority(actor.authority).transaction(async (tx) => {
      let k = await this.#found(tx, actor, id, true);
      if (k.revoked_at === null) {
        const by = auditActor(actor);
        await this.#d.repo.markRevoked(tx, k.id, now, by, reason ?? null);
        await this.#d.audit?.append(tx, {
          authority: actor.authority,
          actor: by,
          action: 'api-key.revoked',
          subject: k.id,
          details: { filer: k.filer, reason: reason ?? null },
          at: now,
        });
        k = { ...k, revoked_at: now, revoked_by: by, revoked_reason: reason ?? null };
      }
      return viewOf(k, await this.#d.repo.liveSecrets(tx, [k.id], now), now);
    });
    // Once committed: refused on this process from the next request, on others within KEY_CACHE_MS.
    this.#seen.clear();
    return view;
  }

  /**
   * The actor of a presented key. Whoever knows only a prefix learns nothing: the secret is checked
   * before whether the key is revoked, expired or rotated out is said.
   */
  async authenticate(presented: string): Promise<{ actor: Actor; key: KeyCredential }> {
    const parsed = parseKey(presented);
    const found = parsed === undefined ? undefined : await this.#lookUp(parsed.prefix);
    if (parsed === undefined || found === undefined || !secretMatches(parsed.secret, found.secret.hash)) {
      throw new VigilError(
        'VIGIL_API_KEY_UNKNOWN',
        'the API key is not one this instance issued (vgk_<prefix>_<secret>, as shown once when it was created or rotated)',
      );
    }
    const { key, secret } = found;
    const now = this.#d.clock.now();
    if (key.revoked_at !== null) {
      throw new VigilError(
        'VIGIL_API_KEY_REVOKED',
        `API key vgk_${secret.prefix}… was revoked at ${key.revoked_at.toISOString()}; ask the authority's admin for a new one`,
      );
    }
    if (key.expires_at.getTime() <= now.getTime()) {
      throw new VigilError(
        'VIGIL_API_KEY_EXPIRED',
        `API key vgk_${secret.prefix}… expired at ${key.expires_at.toISOString()}; ask the authority's admin for a new one`,
      );
    }
    if (secret.retires_at !== null && secret.retires_at.getTime() <= now.getTime()) {
      throw new VigilError(
        'VIGIL_API_KEY_RETIRED',
        `API key vgk_${secret.prefix}… was rotated and its overlap ended at ${secret.retires_at.toISOString()}; use the new secret`,
      );
    }
    await this.#touch(key.id, now);
    return {
      actor: {
        subject: key.filer,
        authority: key.authority,
        role: key.role as Role,
        ...(key.role === 'filer' ? { eoris: key.eoris } : {}),
      },
      key: { keyId: key.id, rateLimitPerMinute: key.rate_limit_per_minute ?? undefined },
    };
  }

  /** The key of a secret prefix: from the last second's reads, else the database (unknown: not kept). */
  async #lookUp(prefix: string): Promise<KeyBySecret | undefined> {
    const now = this.#d.clock.now().getTime();
    const seen = this.#seen.get(prefix);
    if (seen !== undefined && now - seen.at < KEY_CACHE_MS && now >= seen.at) {
      return seen.found;
    }
    const found = await this.#d.repo.bySecretPrefix(this.#d.db, prefix);
    this.#seen.delete(prefix);
    if (found !== undefined) {
      if (this.#seen.size >= KEY_CACHE_SIZE) {
        // The oldest read goes first (a Map keeps insertion order).
        this.#seen.delete(this.#seen.keys().next().value!);
      }
      this.#seen.set(prefix, { found, at: now });
    }
    return found;
  }

  async #found(tx: Queryable, actor: Actor, id: string, forUpdate: boolean): Promise<ApiKeyRow> {
    const k = await this.#d.repo.get(tx, actor.authority, id, forUpdate);
    if (k === undefined) {
      throw new VigilError('VIGIL_NOT_FOUND', `no API key ${id} in ${actor.authority}`);
    }
    return k;
  }

  /** A secret whose prefix no key uses yet (a collision of 36^8 prefixes is rare; draw again). */
  async #freshSecret(): Promise<NewSecret> {
    for (;;) {
      const s = newSecret(this.#random);
      if (!(await this.#d.repo.prefixTaken(this.#d.db, s.prefix))) {
        return s;
      }
    }
  }

  async #insertSecret(tx: Queryable, k: ApiKeyRow, s: NewSecret, at: Date): Promise<void> {
    // The prefix was free a moment ago; a concurrent creator taking it fails this request, not both.
    if (
      !(await this.#d.repo.insertSecret(tx, k.authority, {
        prefix: s.prefix,
        key_id: k.id,
        hash: s.hash,
        created_at: at,
      }))
    ) {
      throw new VigilError(
        'VIGIL_CONFLICT',
        'the key prefix drawn was taken by another key at the same moment; try again',
      );
    }
  }

  async #touch(keyId: string, at: Date): Promise<void> {
    const last = this.#touched.get(keyId);
    if (last !== undefined && at.getTime() - last < TOUCH_EVERY_MS) {
      return;
    }
    this.#touched.set(keyId, at.getTime());
    await this.#d.repo.touch(this.#d.db, keyId, at);
  }
}
