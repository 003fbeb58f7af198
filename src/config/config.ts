/**
 * Configuration, read once from the environment, validated, frozen and passed in (CONVENTIONS).
 * This is the only module that reads process.env; defaults give a zero-setup run on PGlite.
 */
import { z } from 'zod';
import { join, resolve } from 'node:path';

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  // Unset: 127.0.0.1 for the embedded default (a laptop), 0.0.0.0 with DATABASE_URL (a deployment).
  HOST: z.string().min(1).optional(),
  VIGIL_DATA_DIR: z.string().default('./.vigil'),
  DATABASE_URL: z.string().url().optional(),
  // The schema owner's connection, for migrations only; serve and worker run as vigil_service (ADR 0008).
  VIGIL_MIGRATION_DATABASE_URL: z.string().url().optional(),
  // The token-signing keyring (several keys with ids; mode 0600): default in the data folder.
  VIGIL_KEYRING: z.string().min(1).optional(),
  NATS_URL: z.string().min(1).optional(),
  VIGIL_NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('VIGIL'),
  VIGIL_NATS_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  // Federation between nodes (docs/federation.md): the authority this node speaks for turns it on; its
  // Ed25519 key (default in the data folder); its NATS server for the inbound stream (default NATS_URL).
  VIGIL_FEDERATION_AUTHORITY: z
    .string()
    .regex(/^[A-Z]{2,4}$/, '2–4 capital letters')
    .optional(),
  VIGIL_FEDERATION_KEY: z.string().min(1).optional(),
  VIGIL_FEDERATION_NATS_URL: z.string().min(1).optional(),
  VIGIL_FEDERATION_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(200),
  VIGIL_FEDERATION_FIGURES_MINUTES: z.coerce.number().min(0.1).max(1440).default(5),
  // Connections per process to PostgreSQL, and whether statements are prepared per connection (turn
  // off behind a pooler that cannot keep prepared statements, e.g. PgBouncer before 1.21).
  VIGIL_DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  VIGIL_DATABASE_PREPARED: z.enum(['true', 'false']).default('true'),
  VIGIL_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1024).default(64),
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
  // Signed audit checkpoints (docs/adr/0009): files outside the database; default in the data folder.
  VIGIL_AUDIT_CHECKPOINT_FILE: z.string().min(1).optional(),
  VIGIL_AUDIT_SIGNING_KEY: z.string().min(1).optional(),
  VIGIL_AUDIT_CHECKPOINT_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  // Input limits and throttling (issue 15, finding 10).
  VIGIL_BODY_MAX_DEPTH: z.coerce.number().int().min(4).max(1000).default(32),
  VIGIL_BODY_MAX_KEYS: z.coerce.number().int().min(16).max(1_000_000).default(1000),
  VIGIL_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(120_000),
  // Bulk filing (POST /v1/filings/bulk, issue 14): the most bytes and filings one request may carry.
  VIGIL_BULK_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  VIGIL_BULK_MAX_LINES: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  // Watchlist uploads (the EU financial sanctions file is some 25 MB of XML): the most bytes one may have.
  VIGIL_WATCHLIST_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  // How many lines of one bulk request are in the filing service at once (their group commit).
  VIGIL_BULK_WINDOW: z.coerce.number().int().min(1).max(256).default(32),
  VIGIL_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  VIGIL_METRICS_TOKEN: z.string().min(32, 'at least 32 characters').optional(),
  // Retention of data per category, in days (issue 15, finding 11); 0 keeps it forever.
  VIGIL_RETENTION_PARTIES_DAYS: z.coerce.number().int().min(0).default(1095),
  VIGIL_RETENTION_FILING_BODY_DAYS: z.coerce.number().int().min(0).default(1825),
  VIGIL_RETENTION_ASSESSMENT_DAYS: z.coerce.number().int().min(0).default(3650),
  VIGIL_RETENTION_WATCHLIST_DAYS: z.coerce.number().int().min(0).default(0),
  VIGIL_RETENTION_AUDIT_DAYS: z.coerce.number().int().min(0).default(0),
  VIGIL_RETENTION_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(10_080).default(1440),
  // When amendments close, per transport mode: minutes before the estimated arrival (issue 15, finding 6),
  // e.g. "maritime=120,air=60"; modes not named keep their default (src/intake/amendment-deadline.ts).
  VIGIL_AMENDMENT_CLOSE_MINUTES: z
    .string()
    .regex(
      /^\s*[a-z-]+\s*=\s*\d{1,6}\s*(,\s*[a-z-]+\s*=\s*\d{1,6}\s*)*$/,
      'mode=minutes pairs separated by commas, e.g. maritime=120,air=60',
    )
    .optional(),
  // Pushed notifications (issue 14): which URLs webhooks may call, retries and timeouts, the stream.
  VIGIL_WEBHOOK_ALLOW_HTTP: z.enum(['true', 'false']).default('false'),
  // Unset: allowed for the embedded default (a laptop's receiver on localhost), refused with DATABASE_URL.
  VIGIL_WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).optional(),
  VIGIL_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  VIGIL_WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().min(0.001).max(86_400).default(30),
  VIGIL_WEBHOOK_RETRY_MAX_SECONDS: z.coerce
    .number()
    .min(0.001)
    .max(7 * 86_400)
    .default(6 * 3600),
  VIGIL_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  VIGIL_WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(1000),
  VIGIL_EVENT_STREAM_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  VIGIL_EVENT_STREAM_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  VIGIL_DEMO_AUTHORITY: z
    .string()
    .regex(/^[A-Z]{2,4}$/)
    .default('NL'),
  VIGIL_DEMO_PACK: z.enum(['true', 'false']).default('true'),
  VIGIL_REFERENCE_STEWARD: z
    .string()
    .regex(/^[A-Z]{2,4}$/)
    .optional(),
  // The authorities that publish common risk criteria to every member (docs/common-criteria.md).
  VIGIL_COORDINATING_AUTHORITIES: z
    .string()
    .regex(/^([A-Z]{2,4}(,[A-Z]{2,4})*)?$/, 'authority codes separated by commas')
    .default('EU'),
  // People's sign-in to the workbench (issue 16): session timeouts, lockout, the cookie's Secure flag.
  VIGIL_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  VIGIL_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(168).default(12),
  VIGIL_SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  VIGIL_SIGN_IN_LOCK_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  // Unset: Secure when DATABASE_URL is set (a deployment behind TLS), not on a laptop's http://localhost.
  VIGIL_COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  // Sign-in with passwords kept in Vigil (local accounts); 'false' once everyone signs in through OIDC.
  VIGIL_LOCAL_PASSWORDS: z.enum(['true', 'false']).default('true'),
  // Sign-in through the administration's OpenID Connect provider (docs/security.md): on when the
  // issuer is set, which then needs the client, the redirect URL and the group → role map.
  VIGIL_OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  VIGIL_OIDC_CLIENT_ID: z.string().min(1).optional(),
  VIGIL_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  VIGIL_OIDC_REDIRECT_URL: z.url({ protocol: /^https?$/ }).optional(),
  VIGIL_OIDC_SCOPES: z.string().min(1).default('openid profile email'),
  VIGIL_OIDC_PROVIDER_NAME: z.string().trim().min(1).max(60).optional(),
  VIGIL_OIDC_USERNAME_CLAIM: z.string().min(1).default('preferred_username'),
  VIGIL_OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  VIGIL_OIDC_AUTHORITY_CLAIM: z.string().min(1).optional(),
  VIGIL_OIDC_OFFICE_CLAIM: z.string().min(1).optional(),
  VIGIL_OIDC_ROLE_MAP: z.string().optional(),
  // The built workbench (Vite's output); default web/dist of this checkout.
  VIGIL_WEB_DIR: z.string().min(1).optional(),
  // Share of otherwise unselected consignments controlled at random (entry summaries); recorded on
  // each random task as its selection probability, which training weighs by (docs/model.md).
  VIGIL_RANDOM_CONTROL_RATE: z.coerce.number().min(0).max(1).default(0.005),
  // The learned entry-summary model (issue 12, docs/model.md): its weight in the decision (points =
  // weight × probability × 100), the points from which it counts as a hit, how much better a
  // challenger must be to replace the champion (precision at capacity), the share of its traffic an
  // office can control where no capacity is set, the share of labels kept to judge on, and how often
  // it retrains (0: never by itself; unset: off on the embedded database, weekly with DATABASE_URL).
  VIGIL_ENS_MODEL_WEIGHT: z.coerce.number().min(0).max(1).default(1),
  VIGIL_ENS_MODEL_FLOOR: z.coerce.number().min(0).max(100).default(20),
  VIGIL_MODEL_PROMOTION_MARGIN: z.coerce.number().min(0).max(1).default(0.02),
  VIGIL_MODEL_CAPACITY_SHARE: z.coerce.number().gt(0).max(1).default(0.05),
  VIGIL_MODEL_HOLDOUT_SHARE: z.coerce.number().min(0.05).max(0.5).default(0.2),
  VIGIL_MODEL_RETRAIN_HOURS: z.coerce.number().int().min(0).max(8760).optional(),
  // The noisy-rule cap (issue 12, docs/rules-language.md): a rule version is capped when its control
  // selections at an office exceed this share of the office's daily capacity, or when at least the
  // minimum of its controls found less than the yield threshold, over the window; evaluated this
  // often (0: only by command).
  VIGIL_RULE_CAP_CAPACITY_SHARE: z.coerce.number().gt(0).max(1).default(0.25),
  VIGIL_RULE_CAP_YIELD_THRESHOLD: z.coerce.number().min(0).max(1).default(0.05),
  VIGIL_RULE_CAP_MIN_CONTROLS: z.coerce.number().int().min(1).max(100_000).default(30),
  VIGIL_RULE_CAP_WINDOW_DAYS: z.coerce.number().int().min(1).max(366).default(14),
  VIGIL_RULE_CAP_EVERY_MINUTES: z.coerce.number().int().min(0).max(10_080).default(15),
});

export interface VigilConfig {
  readonly port: number;
  readonly host: string;
  /** PGlite data folder when no DATABASE_URL is set. */
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  /** The owner's connection for migrations (defaults to databaseUrl). */
  readonly migrationDatabaseUrl: string | undefined;
  readonly databasePoolSize: number;
  readonly databasePrepared: boolean;
  /** The file of token-signing keys (src/auth/keyring.ts). */
  readonly keyringFile: string;
  /** NATS with JetStream: when set, the outbox is relayed to a stream and `vigil worker` processes consume it. */
  readonly natsUrl: string | undefined;
  readonly natsStream: string;
  readonly natsReplicas: number;
  readonly workerConcurrency: number;
  readonly bodyLimitBytes: number;
  /**
   * POST /v1/filings/bulk: the most bytes and filings (non-blank lines) in one request, and how many
   * of its lines are registered at once.
   */
  readonly bulk: { readonly maxBytes: number; readonly maxLines: number; readonly window: number };
  /** A watchlist upload (PUT/POST /v1/watchlists/{name}/entries): the most bytes it may have. */
  readonly watchlistMaxBytes: number;
  readonly tokenTtlSeconds: number;
  readonly logLevel: string;
  /** Where chain heads are signed and checkpointed (files outside the database; docs/adr/0009). */
  readonly audit: {
    readonly checkpointFile: string;
    readonly signingKeyFile: string;
    /** 0: only when the server stops. */
    readonly checkpointIntervalSeconds: number;
  };
  /** Deepest nesting of a JSON body, and most keys in one of its objects. */
  readonly bodyMaxDepth: number;
  readonly bodyMaxKeys: number;
  /** Per-client throttle: at most `max` requests per window, per token (subject+authority) or IP. */
  readonly rateLimit: { readonly max: number; readonly windowSeconds: number };
  /** Bearer token a Prometheus scraper sends to /metrics (admins and auditors may use their own). */
  readonly metricsToken: string | undefined;
  readonly retention: RetentionConfig;
  /** Minutes before the estimated arrival at which amendments close, per transport mode named. */
  readonly amendmentCloseMinutes: Readonly<Record<string, number>>;
  readonly webhooks: WebhookConfig;
  readonly demoAuthority: string;
  /**
   * The authority whose admins keep the shared reference data (nomenclature, codelists, trade
   * measures); unset, any authority's admin may (one authority per instance).
   */
  readonly referenceSteward: string | undefined;
  /**
   * Federation with other nodes: on when `authority` is set (VIGIL_FEDERATION_AUTHORITY); the relay
   * and the receiver run in `serve` when a NATS URL is known too.
   */
  readonly federation: {
    readonly authority: string | undefined;
    readonly keyFile: string;
    readonly natsUrl: string | undefined;
    readonly pollMs: number;
    /** How often a participant's figures of an operation coordinated on another node are sent. */
    readonly figuresMinutes: number;
  };
  /** Install the demo rules, watchlists and reference prices for the demo authority on first start. */
  readonly demoPack: boolean;
  /** The authorities whose coordinators publish common risk criteria (default EU; empty: none). */
  readonly coordinatingAuthorities: readonly string[];
  readonly sessions: SessionConfig;
  /** The folder of the built workbench served at `/` (absent: the server serves no workbench). */
  readonly webDir: string;
  /** Share of otherwise unselected entry-summary consignments controlled at random. */
  readonly randomControlRate: number;
  readonly ensModel: EnsModelSettings;
  readonly ruleCaps: RuleCapSettings;
}

/** When a noisy rule is capped (docs/rules-language.md, "Noisy rules are capped"). */
export interface RuleCapSettings {
  /** 0–1: the share of an office's daily capacity (red + yellow) one rule may take. */
  readonly capacityShare: number;
  /** 0–1: below this yield (controls finding something ÷ controls), after `minControls`, a rule is capped. */
  readonly yieldThreshold: number;
  readonly minControls: number;
  /** The recent window the figures are taken over. */
  readonly windowDays: number;
  /** Evaluated every this many minutes by `serve`; 0: only by command. */
  readonly everyMinutes: number;
}

/** The learned entry-summary model: weight, champion–challenger and schedule (docs/model.md). */
export interface EnsModelSettings {
  /** 0–1: the model's points are weight × probability × 100. */
  readonly weight: number;
  /** Points from which the model's verdict is a hit. */
  readonly floor: number;
  /** Precision at capacity a challenger must gain over the champion to be promoted. */
  readonly promotionMargin: number;
  /** Share of its traffic an office can control, where no capacity is set for it. */
  readonly capacityShare: number;
  /** Latest share of labelled consignments kept to judge models on. */
  readonly holdoutShare: number;
  /** Retrain every this many hours; 0: only by command. */
  readonly retrainHours: number;
}

/** People's sessions (cookie sign-in to the workbench). */
export interface SessionConfig {
  /** A session unused this long ends. */
  readonly idleMs: number;
  /** A session ends this long after sign-in, however busy. */
  readonly absoluteMs: number;
  /** Wrong passwords in a row before the account is locked. */
  readonly maxFailures: number;
  readonly lockMs: number;
  /** Send the cookie only over https. */
  readonly secureCookie: boolean;
  /** People may sign in with a password kept in Vigil (off: only through the identity provider). */
  readonly localPasswords: boolean;
  /** Sign-in through an OpenID Connect provider; undefined when no issuer is configured. */
  readonly oidc: OidcConfig | undefined;
}

/** One line of the group → role map: members of `group` are `role` at `authority`. */
export interface OidcRoleMapping {
  readonly group: string;
  /** Absent: the authority is the value of the authority claim. */
  readonly authority: string | undefined;
  readonly role: string;
}

/** The OpenID Connect provider people sign in at (docs/security.md, "Sign-in"). */
export interface OidcConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Where the provider sends the browser back: Vigil's public URL + /v1/session/oidc/callback. */
  readonly redirectUrl: string;
  readonly scopes: string;
  /** Shown on the sign-in screen: "Sign in with <name>". */
  readonly providerName: string;
  readonly usernameClaim: string;
  readonly groupsClaim: string;
  readonly authorityClaim: string | undefined;
  readonly officeClaim: string | undefined;
  /** In order: the first line whose group the person is in decides their authority and role. */
  readonly roleMap: readonly OidcRoleMapping[];
}

/** Days each category of data is kept (0: forever), and how often the purge runs (0: never by itself). */
export interface RetentionConfig {
  /** Names and addresses of parties (filings, import declarations, control tasks, operators). */
  readonly partiesDays: number;
  /** Whole filing bodies (the structured facts indicators use stay). */
  readonly filingBodyDays: number;
  readonly assessmentDays: number;
  /** Watchlist entries, from when they were last uploaded; an entry past its own expiry always goes. */
  readonly watchlistDays: number;
  /** The audit trail (reported only: the chain is never cut; see docs/operations.md). */
  readonly auditDays: number;
  readonly intervalMinutes: number;
}

/** Webhook delivery and the event stream (docs/integration.md). */
export interface WebhookConfig {
  /** Plain http to any host (otherwise https, or http to this machine only). */
  readonly allowHttp: boolean;
  /** Endpoints on loopback, private or link-local addresses (server-side request forgery guard). */
  readonly allowPrivate: boolean;
  /** Attempts of one delivery before it is dead-lettered. */
  readonly maxAttempts: number;
  /** First retry delay, doubled per attempt (with jitter) up to retryMaxMs. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** One attempt's whole time: connecting, sending and the response's head and first bytes. */
  readonly timeoutMs: number;
  /** How often the dispatcher looks for due deliveries. */
  readonly pollMs: number;
  /** How often an open event stream looks for new events, and sends a heartbeat comment. */
  readonly streamPollMs: number;
  readonly streamHeartbeatMs: number;
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
  const oidc = oidcOf(c);
  if (Array.isArray(oidc)) {
    throw new ConfigError(oidc);
  }
  return Object.freeze({
    port: c.PORT,
    host: c.HOST ?? (c.DATABASE_URL === undefined ? '127.0.0.1' : '0.0.0.0'),
    dataDir: resolve(c.VIGIL_DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    migrationDatabaseUrl: c.VIGIL_MIGRATION_DATABASE_URL,
    databasePoolSize: c.VIGIL_DATABASE_POOL_SIZE,
    databasePrepared: c.VIGIL_DATABASE_PREPARED === 'true',
    keyringFile: resolve(c.VIGIL_KEYRING ?? join(c.VIGIL_DATA_DIR, 'keyring.json')),
    natsUrl: c.NATS_URL,
    natsStream: c.VIGIL_NATS_STREAM,
    natsReplicas: c.VIGIL_NATS_REPLICAS,
    workerConcurrency: c.VIGIL_WORKER_CONCURRENCY,
    bodyLimitBytes: c.VIGIL_BODY_LIMIT_BYTES,
    bulk: Object.freeze({
      maxBytes: c.VIGIL_BULK_MAX_BYTES,
      maxLines: c.VIGIL_BULK_MAX_LINES,
      window: c.VIGIL_BULK_WINDOW,
    }),
    watchlistMaxBytes: c.VIGIL_WATCHLIST_MAX_BYTES,
    tokenTtlSeconds: c.VIGIL_TOKEN_TTL_SECONDS,
    logLevel: c.VIGIL_LOG_LEVEL,
    audit: Object.freeze({
      checkpointFile: resolve(
        c.VIGIL_AUDIT_CHECKPOINT_FILE ?? join(c.VIGIL_DATA_DIR, 'audit-checkpoints.ndjson'),
      ),
      signingKeyFile: resolve(c.VIGIL_AUDIT_SIGNING_KEY ?? join(c.VIGIL_DATA_DIR, 'audit-signing.key')),
      checkpointIntervalSeconds: c.VIGIL_AUDIT_CHECKPOINT_SECONDS,
    }),
    bodyMaxDepth: c.VIGIL_BODY_MAX_DEPTH,
    bodyMaxKeys: c.VIGIL_BODY_MAX_KEYS,
    rateLimit: Object.freeze({
      max: c.VIGIL_RATE_LIMIT_MAX,
      windowSeconds: c.VIGIL_RATE_LIMIT_WINDOW_SECONDS,
    }),
    metricsToken: c.VIGIL_METRICS_TOKEN,
    retention: Object.freeze({
      partiesDays: c.VIGIL_RETENTION_PARTIES_DAYS,
      filingBodyDays: c.VIGIL_RETENTION_FILING_BODY_DAYS,
      assessmentDays: c.VIGIL_RETENTION_ASSESSMENT_DAYS,
      watchlistDays: c.VIGIL_RETENTION_WATCHLIST_DAYS,
      auditDays: c.VIGIL_RETENTION_AUDIT_DAYS,
      intervalMinutes: c.VIGIL_RETENTION_INTERVAL_MINUTES,
    }),
    amendmentCloseMinutes: Object.freeze(
      Object.fromEntries(
        (c.VIGIL_AMENDMENT_CLOSE_MINUTES ?? '')
          .split(',')
          .filter((pair) => pair.trim() !== '')
          .map((pair) => pair.split('=').map((x) => x.trim()))
          .map(([mode, minutes]) => [mode!, Number(minutes)]),
      ),
    ),
    webhooks: Object.freeze({
      allowHttp: c.VIGIL_WEBHOOK_ALLOW_HTTP === 'true',
      allowPrivate:
        (c.VIGIL_WEBHOOK_ALLOW_PRIVATE ?? (c.DATABASE_URL === undefined ? 'true' : 'false')) === 'true',
      maxAttempts: c.VIGIL_WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: Math.round(c.VIGIL_WEBHOOK_RETRY_BASE_SECONDS * 1000),
      retryMaxMs: Math.round(c.VIGIL_WEBHOOK_RETRY_MAX_SECONDS * 1000),
      timeoutMs: c.VIGIL_WEBHOOK_TIMEOUT_MS,
      pollMs: c.VIGIL_WEBHOOK_POLL_MS,
      streamPollMs: c.VIGIL_EVENT_STREAM_POLL_MS,
      streamHeartbeatMs: c.VIGIL_EVENT_STREAM_HEARTBEAT_SECONDS * 1000,
    }),
    demoAuthority: c.VIGIL_DEMO_AUTHORITY,
    referenceSteward: c.VIGIL_REFERENCE_STEWARD,
    federation: Object.freeze({
      authority: c.VIGIL_FEDERATION_AUTHORITY,
      keyFile: resolve(c.VIGIL_FEDERATION_KEY ?? join(c.VIGIL_DATA_DIR, 'federation.key')),
      natsUrl: c.VIGIL_FEDERATION_NATS_URL ?? c.NATS_URL,
      pollMs: c.VIGIL_FEDERATION_POLL_MS,
      figuresMinutes: c.VIGIL_FEDERATION_FIGURES_MINUTES,
    }),
    coordinatingAuthorities: Object.freeze(
      c.VIGIL_COORDINATING_AUTHORITIES === '' ? [] : c.VIGIL_COORDINATING_AUTHORITIES.split(','),
    ),
    demoPack: c.VIGIL_DEMO_PACK === 'true',
    sessions: Object.freeze({
      idleMs: c.VIGIL_SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: c.VIGIL_SESSION_ABSOLUTE_HOURS * 3_600_000,
      maxFailures: c.VIGIL_SIGN_IN_MAX_FAILURES,
      lockMs: c.VIGIL_SIGN_IN_LOCK_MINUTES * 60_000,
      secureCookie: (c.VIGIL_COOKIE_SECURE ?? (c.DATABASE_URL === undefined ? 'false' : 'true')) === 'true',
      localPasswords: c.VIGIL_LOCAL_PASSWORDS === 'true',
      oidc,
    }),
    webDir: resolve(c.VIGIL_WEB_DIR ?? join(import.meta.dirname, '../../web/dist')),
    randomControlRate: c.VIGIL_RANDOM_CONTROL_RATE,
    ensModel: Object.freeze({
      weight: c.VIGIL_ENS_MODEL_WEIGHT,
      floor: c.VIGIL_ENS_MODEL_FLOOR,
      promotionMargin: c.VIGIL_MODEL_PROMOTION_MARGIN,
      capacityShare: c.VIGIL_MODEL_CAPACITY_SHARE,
      holdoutShare: c.VIGIL_MODEL_HOLDOUT_SHARE,
      retrainHours: c.VIGIL_MODEL_RETRAIN_HOURS ?? (c.DATABASE_URL === undefined ? 0 : 168),
    }),
    ruleCaps: Object.freeze({
      capacityShare: c.VIGIL_RULE_CAP_CAPACITY_SHARE,
      yieldThreshold: c.VIGIL_RULE_CAP_YIELD_THRESHOLD,
      minControls: c.VIGIL_RULE_CAP_MIN_CONTROLS,
      windowDays: c.VIGIL_RULE_CAP_WINDOW_DAYS,
      everyMinutes: c.VIGIL_RULE_CAP_EVERY_MINUTES,
    }),
  });
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const CALLBACK_PATH = '/v1/session/oidc/callback';

/**
 * The OpenID Connect settings, or every problem with them. Plain http is allowed only to this
 * machine (a provider started for tests or a laptop): anything else would send the client secret
 * and the tokens in the clear.
 */
function oidcOf(c: z.output<typeof configSchema>): OidcConfig | undefined | string[] {
  const issuer = c.VIGIL_OIDC_ISSUER;
  if (issuer === undefined) {
    if (c.VIGIL_LOCAL_PASSWORDS === 'false') {
      return ['VIGIL_LOCAL_PASSWORDS: false needs VIGIL_OIDC_ISSUER, or nobody could sign in'];
    }
    return undefined;
  }
  const problems: string[] = [];
  const required = [
    'VIGIL_OIDC_CLIENT_ID',
    'VIGIL_OIDC_CLIENT_SECRET',
    'VIGIL_OIDC_REDIRECT_URL',
    'VIGIL_OIDC_ROLE_MAP',
  ] as const;
  for (const name of required) {
    if (c[name] === undefined || c[name] === '') {
      problems.push(`${name}: required when VIGIL_OIDC_ISSUER is set`);
    }
  }
  for (const [name, value] of [
    ['VIGIL_OIDC_ISSUER', issuer],
    ['VIGIL_OIDC_REDIRECT_URL', c.VIGIL_OIDC_REDIRECT_URL],
  ] as const) {
    if (value !== undefined) {
      const u = new URL(value);
      if (u.protocol === 'http:' && !LOOPBACK.has(u.hostname)) {
        problems.push(`${name}: https is required (plain http only to 127.0.0.1 or localhost)`);
      }
    }
  }
  const redirect = c.VIGIL_OIDC_REDIRECT_URL;
  if (redirect !== undefined && new URL(redirect).pathname !== CALLBACK_PATH) {
    problems.push(
      `VIGIL_OIDC_REDIRECT_URL: must end in ${CALLBACK_PATH} (Vigil's public address + that path)`,
    );
  }
  if (!c.VIGIL_OIDC_SCOPES.split(/\s+/).includes('openid')) {
    problems.push('VIGIL_OIDC_SCOPES: must include openid');
  }
  const roleMap: OidcRoleMapping[] = [];
  for (const [i, line] of (c.VIGIL_OIDC_ROLE_MAP ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .entries()) {
    const m = /^(.+?)\s*=\s*(?:([A-Z]{2,4}):)?([a-z-]+)$/.exec(line);
    if (m === null) {
      problems.push(
        `VIGIL_OIDC_ROLE_MAP: entry ${i + 1} "${line}" is not group=AUTHORITY:role (e.g. vigil-nl-analysts=NL:analyst)`,
      );
      continue;
    }
    if (m[2] === undefined && c.VIGIL_OIDC_AUTHORITY_CLAIM === undefined) {
      problems.push(
        `VIGIL_OIDC_ROLE_MAP: entry ${i + 1} "${line}" names no authority and VIGIL_OIDC_AUTHORITY_CLAIM is not set`,
      );
    }
    roleMap.push(Object.freeze({ group: m[1]!, authority: m[2], role: m[3]! }));
  }
  if (c.VIGIL_OIDC_ROLE_MAP !== undefined && roleMap.length === 0 && problems.length === 0) {
    problems.push('VIGIL_OIDC_ROLE_MAP: names no group');
  }
  if (problems.length > 0) {
    return problems;
  }
  return Object.freeze({
    issuer,
    clientId: c.VIGIL_OIDC_CLIENT_ID!,
    clientSecret: c.VIGIL_OIDC_CLIENT_SECRET!,
    redirectUrl: redirect!,
    scopes: c.VIGIL_OIDC_SCOPES,
    providerName: c.VIGIL_OIDC_PROVIDER_NAME ?? new URL(issuer).hostname,
    usernameClaim: c.VIGIL_OIDC_USERNAME_CLAIM,
    groupsClaim: c.VIGIL_OIDC_GROUPS_CLAIM,
    authorityClaim: c.VIGIL_OIDC_AUTHORITY_CLAIM,
    officeClaim: c.VIGIL_OIDC_OFFICE_CLAIM,
    roleMap: Object.freeze(roleMap),
  });
}
