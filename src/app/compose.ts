/**
 * The composition root shared by the server, the worker and the CLI: opens the database, migrates,
 * and builds the plain `deps` object every entry point passes down. No DI framework.
 */
import type { VigilConfig } from '../config/index.ts';
import { TokenService, databaseSecretStore, fileSecretStore } from '../auth/index.ts';
import type { SecretStore } from '../auth/index.ts';
import { FilingRepository, FilingService } from '../intake/index.ts';
import type { Clock } from '../intake/index.ts';
import { openDatabase } from '../store/database.ts';
import type { Database } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';
import { AssessmentService } from '../assessment/assessment.service.ts';
import type { ReadyEvent } from '../assessment/assessment.service.ts';
import { RiskContextCache } from '../assessment/risk-context.ts';
import { RiskRepository } from '../assessment/risk.repository.ts';
import { RuleService } from '../assessment/rule.service.ts';
import { startOutboxDispatcher } from '../bus/index.ts';
import { ControlRepository, ControlService } from '../controls/index.ts';
import { AuditLog } from '../audit/index.ts';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { createMetrics } from '../observability/metrics.ts';
import { ImportService, ModelStore } from '../imports/index.ts';
import type { VigilMetrics } from '../observability/metrics.ts';
import type { BusErrorListener, EventHandler, OutboxDispatcher } from '../bus/index.ts';

export interface AppDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly tokens: TokenService;
  readonly filings: FilingService;
  readonly filingRepo: FilingRepository;
  readonly risk: RiskRepository;
  readonly contexts: RiskContextCache;
  readonly assessments: AssessmentService;
  readonly rules: RuleService;
  readonly controls: ControlService;
  readonly audit: AuditLog;
  readonly log: Logger;
  readonly metrics: VigilMetrics;
  readonly models: ModelStore;
  readonly imports: ImportService;
  /** What the bus runs for each outbox event. */
  readonly handleEvent: EventHandler;
  /** The running outbox consumer (dispatcher or relay); registration pokes it so work starts at once. */
  bus: { wake(): void } | undefined;
}

export function secretStoreFor(config: VigilConfig, db: Database | undefined): SecretStore {
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
  const filingRepo = new FilingRepository();
  const risk = new RiskRepository();
  const contexts = new RiskContextCache(db, risk, clock);
  const log = pino({ level: config.logLevel, base: { service: 'vigil', pid: process.pid } });
  const metrics = createMetrics();
  const audit = new AuditLog({ clock });
  const controls = new ControlService({ db, repo: new ControlRepository(), clock, audit });
  const hooks = controls.assessmentHooks();
  const assessments = new AssessmentService({
    db,
    risk,
    filings: filingRepo,
    contexts,
    clock,
    onAssessed: hooks.onAssessed,
    onReviewed: hooks.onReviewed,
    metrics,
    log,
    audit,
  });
  const models = new ModelStore({ db, clock });
  const deps: AppDeps = {
    db,
    clock,
    tokens: new TokenService(secretStoreFor(config, db)),
    filingRepo,
    filings: new FilingService({
      db,
      repo: filingRepo,
      clock,
      metrics,
      audit,
      afterCommit: () => deps.bus?.wake(),
    }),
    risk,
    contexts,
    assessments,
    rules: new RuleService({ db, risk, filings: filingRepo, contexts, clock, audit }),
    controls,
    audit,
    log,
    metrics,
    models,
    imports: new ImportService({ db, clock, models, seeds: risk, audit }),
    handleEvent: async (event) => {
      if (event.topic === 'filing.ready') {
        await assessments.handleReady(event.payload as ReadyEvent);
      }
    },
    bus: undefined,
  };
  return deps;
}

/** The embedded bus: an in-process consumer of the outbox (the default when there is no NATS). */
export function startEmbeddedBus(deps: AppDeps, onError?: BusErrorListener): OutboxDispatcher {
  const bus = startOutboxDispatcher(deps.db, deps.handleEvent, {
    batchSize: 64,
    pollMs: 200,
    // Different filings are assessed side by side; the pool has connections to spare.
    concurrency: 8,
    onError,
  });
  deps.bus = bus;
  return bus;
}
