/**
 * Configuration, read once from the environment, validated, frozen and passed in (CONVENTIONS).
 * This is the only module that reads process.env; defaults give a zero-setup run on PGlite.
 */
import { z } from 'zod';
import { resolve } from 'node:path';

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  // Unset: 127.0.0.1 for the embedded default (a laptop), 0.0.0.0 with DATABASE_URL (a deployment).
  HOST: z.string().min(1).optional(),
  VIGIL_DATA_DIR: z.string().default('./.vigil'),
  DATABASE_URL: z.string().url().optional(),
  NATS_URL: z.string().min(1).optional(),
  VIGIL_NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('VIGIL'),
  VIGIL_NATS_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  VIGIL_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  VIGIL_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  VIGIL_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(12 * 3600),
  VIGIL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  VIGIL_DEMO_AUTHORITY: z
    .string()
    .regex(/^[A-Z]{2,4}$/)
    .default('NL'),
  VIGIL_DEMO_PACK: z.enum(['true', 'false']).default('true'),
});

export interface VigilConfig {
  readonly port: number;
  readonly host: string;
  /** PGlite data folder when no DATABASE_URL is set. */
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  /** NATS with JetStream: when set, the outbox is relayed to a stream and `vigil worker` processes consume it. */
  readonly natsUrl: string | undefined;
  readonly natsStream: string;
  readonly natsReplicas: number;
  readonly workerConcurrency: number;
  readonly bodyLimitBytes: number;
  readonly tokenTtlSeconds: number;
  readonly logLevel: string;
  readonly demoAuthority: string;
  /** Install the demo rules, watchlists and reference prices for the demo authority on first start. */
  readonly demoPack: boolean;
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
    host: c.HOST ?? (c.DATABASE_URL === undefined ? '127.0.0.1' : '0.0.0.0'),
    dataDir: resolve(c.VIGIL_DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    natsUrl: c.NATS_URL,
    natsStream: c.VIGIL_NATS_STREAM,
    natsReplicas: c.VIGIL_NATS_REPLICAS,
    workerConcurrency: c.VIGIL_WORKER_CONCURRENCY,
    bodyLimitBytes: c.VIGIL_BODY_LIMIT_BYTES,
    tokenTtlSeconds: c.VIGIL_TOKEN_TTL_SECONDS,
    logLevel: c.VIGIL_LOG_LEVEL,
    demoAuthority: c.VIGIL_DEMO_AUTHORITY,
    demoPack: c.VIGIL_DEMO_PACK === 'true',
  });
}
