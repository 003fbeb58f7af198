/**
 * Configuration, read once from the environment, validated, frozen and passed in (CONVENTIONS).
 * This is the only module that reads process.env; defaults give a zero-setup run on PGlite.
 */
import { z } from 'zod';
import { resolve } from 'node:path';

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  VIGIL_DATA_DIR: z.string().default('./.vigil'),
  DATABASE_URL: z.string().url().optional(),
  VIGIL_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(5 * 1024 * 1024),
  VIGIL_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(12 * 3600),
  VIGIL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  VIGIL_DEMO_AUTHORITY: z.string().regex(/^[A-Z]{2,4}$/).default('NL'),
});

export interface VigilConfig {
  readonly port: number;
  readonly host: string;
  /** PGlite data folder when no DATABASE_URL is set. */
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly bodyLimitBytes: number;
  readonly tokenTtlSeconds: number;
  readonly logLevel: string;
  readonly demoAuthority: string;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): VigilConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const c = parsed.data;
  return Object.freeze({
    port: c.PORT,
    host: c.HOST,
    dataDir: resolve(c.VIGIL_DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    bodyLimitBytes: c.VIGIL_BODY_LIMIT_BYTES,
    tokenTtlSeconds: c.VIGIL_TOKEN_TTL_SECONDS,
    logLevel: c.VIGIL_LOG_LEVEL,
    demoAuthority: c.VIGIL_DEMO_AUTHORITY,
  });
}
