/**
 * The contracts of API keys: what an admin sends to create, rotate and revoke a key (zod, the same
 * schemas the routes document), and the key as the API shows it, which never holds a secret or hash.
 */
import { z } from 'zod';
import type { Role } from '../auth/index.ts';

/** The longest a key may live: a forgotten key stops working within a year. */
export const MAX_KEY_DAYS = 365;
/** How long the old secret keeps working after a rotation unless the admin says otherwise. */
export const DEFAULT_OVERLAP_SECONDS = 86_400;
export const MAX_OVERLAP_SECONDS = 30 * 86_400;

/**
 * The roles a key may carry: every role but admin, so a leaked key can never create more keys or
 * change who may do what.
 */
export const KEY_ROLES = [
  'filer',
  'analyst',
  'officer',
  'coordinator',
  'auditor',
  'partner',
] as const satisfies readonly Exclude<Role, 'admin'>[];

export const createKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100).describe("what the key is for, e.g. the filer's system"),
  description: z.string().trim().max(500).optional(),
  /** The subject of the filer the key acts as (the `sub` its tokens would carry). */
  filer: z.string().trim().min(1).max(200),
  role: z.enum(KEY_ROLES).default('filer'),
  /** The declarants a filer's key files for; required for a filer's key, none for other roles. */
  eoris: z.array(z.string().min(1).max(20)).max(100).optional(),
  /** Required: at most 365 days ahead. */
  expiresAt: z.iso.datetime({ offset: true }),
  /** Requests per minute made with this key; without it, the instance's default limit. */
  rateLimitPerMinute: z.number().int().min(1).max(1_000_000).optional(),
});
export type CreateKeyInput = z.infer<typeof createKeySchema>;

export const rotateKeySchema = z.strictObject({
  /** How long the old secret keeps working (default 24 h; 0 ends it at once). */
  overlapSeconds: z.number().int().min(0).max(MAX_OVERLAP_SECONDS).default(DEFAULT_OVERLAP_SECONDS),
});

export const revokeKeySchema = z.strictObject({ reason: z.string().trim().max(512).optional() });

export const listKeysQuerySchema = z.strictObject({
  filer: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export type KeyStatus = 'active' | 'expired' | 'revoked';

/** One secret of a key, by its public prefix: the current one, or the old one while it overlaps. */
export interface KeySecretView {
  readonly prefix: string;
  readonly createdAt: string;
  /** When it stops working: null for the current secret. */
  readonly retiresAt: string | null;
}

/** An API key as the API shows it: never its secret or its hash. */
export interface ApiKeyView {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly authority: string;
  readonly filer: string;
  readonly role: Role;
  readonly eoris: readonly string[];
  /** The current secret's prefix (`vgk_<prefix>_…`). */
  readonly prefix: string;
  /** The secrets that still work (two during a rotation's overlap). */
  readonly secrets: readonly KeySecretView[];
  readonly status: KeyStatus;
  readonly rateLimitPerMinute: number | null;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  /** Recorded at most once a minute. */
  readonly lastUsedAt: string | null;
  readonly rotatedAt: string | null;
  readonly revokedAt: string | null;
  readonly revokedBy: string | null;
  readonly revokedReason: string | null;
}
