/**
 * The composition root shared by the server, the worker and the CLI: opens the database, migrates,
 * and builds the plain `deps` object every entry point passes down. No DI framework, no HTTP: the
 * worker and the CLI compose the same features without loading Fastify.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ConfigError } from '../config/index.ts';
import type { VigilConfig } from '../config/index.ts';
import { FileKeyring, ROLES, TokenService, databaseRevocationList } from '../auth/index.ts';
import { systemClock } from '../domain/index.ts';
import type { Clock, Filing, SerialSource } from '../domain/index.ts';
import { ApiKeyRepository, ApiKeyService } from '../api-keys/index.ts';
import {
  AssessmentRepository,
  AssessmentService,
  DEFAULT_ENTRY_OUTCOME,
  QueueRepository,
  QueueService,
  RiskContextCache,
} from '../assessment/index.ts';
import type { ReadyEvent } from '../assessment/index.ts';
import { AuditCheckpoints, AuditInbox, AuditLog } from '../audit/index.ts';
import { CertificateRepository, CertificateService } from '../certificates/index.ts';
import { ResultSignalRepository, ResultSignalService } from '../result-signals/index.ts';
import { OutboxSignal } from '../bus/index.ts';
import type { EventHandler, OutboxEvent } from '../bus/index.ts';
import { ControlRepository, ControlService } from '../controls/index.ts';
import type { Applied } from '../cooperation/index.ts';
import {
  FederatedCooperation,
  RifRepository,
  RifService,
  SharingService,
  StixExchange,
  screeningOf,
} from '../cooperation/index.ts';
import { OperationFederation, OperationRepository, OperationService } from '../operations/index.ts';
import { FederationRepository, FederationService } from '../federation/index.ts';
import { UnionService } from '../union/index.ts';
import {
  CommonCriterionRepository,
  CommonCriterionService,
  centralCriterionOf,
} from '../common-criteria/index.ts';
import { ImportRepository, ImportService, importAsFiling } from '../import-declarations/index.ts';
import { IprRepository, IprService } from '../ipr/index.ts';
import { FilingRepository, FilingService } from '../intake/index.ts';
import { IndicatorRepository, IndicatorService } from '../indicators/index.ts';
import { EnsModelService, ModelStore, modelScorer } from '../models/index.ts';
import {
  HttpWebhookSender,
  NotificationRepository,
  NotificationService,
  StaffNoticeRepository,
  StaffNoticeService,
  WebhookDispatcher,
  WebhookRepository,
  WebhookService,
} from '../notifications/index.ts';
import { createMetrics } from '../observability/metrics.ts';
import { createLogger } from '../observability/logger.ts';
import type { VigilMetrics } from '../observability/metrics.ts';
import {
  OperatorRegistryRepository,
  OperatorRegistryService,
  OperatorRepository,
} from '../operators/index.ts';
import { ReferenceRepository, ReferenceService } from '../reference/index.ts';
import { OpenIdClient, PeopleRepository, PeopleService, unknownRoles } from '../people/index.ts';
import type { IdentityProvider } from '../people/index.ts';
import { RuleRepository, RuleService, RuleSetCache } from '../rules/index.ts';
import { RuleCapRepository, RuleCapService } from '../rule-caps/index.ts';
import type { Database } from '../store/database.ts';
import { GroupCommit } from '../store/group-commit.ts';
import { migrate, openServiceDatabase } from '../store/migrate.ts';

export interface AppDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly tokens: TokenService;
  readonly apiKeys: ApiKeyService;
  /** People's accounts and workbench sessions. */
  readonly people: PeopleService;
  readonly identityProvider: IdentityProvider | undefined;
  readonly filings: FilingService;
  readonly filingRepo: FilingRepository;
  readonly ruleRepo: RuleRepository;
  readonly ruleSets: RuleSetCache;
  readonly rules: RuleService;
  readonly assessmentRepo: AssessmentRepository;
  readonly contexts: RiskContextCache;
  readonly assessments: AssessmentService;
  /** The queue's saved filters and change feed (the workbench's Queue screen). */
  readonly queue: QueueService;
  readonly notifications: NotificationService;
  /** Notices to the authority's staff (a rule's author told it was capped). */
  readonly staffNotices: StaffNoticeService;
  /** The noisy-rule cap: evaluated on a schedule by serve; analysts list and lift caps. */
  readonly ruleCaps: RuleCapService;
  readonly webhooks: WebhookService;
  /** Sends queued webhook deliveries; serve and worker run its `tick` in a loop. */
  readonly webhookDispatcher: WebhookDispatcher;
  readonly controls: ControlService;
  readonly rifs: RifService;
  readonly operations: OperationService;
  readonly union: UnionService;
  readonly commonCriteria: CommonCriterionService;
  readonly indicators: IndicatorService;
  readonly sharing: SharingService;
  readonly stix: StixExchange;
  /** Exchange with other nodes (peers); off unless VIGIL_FEDERATION_AUTHORITY is set. */
  readonly federation: FederationService;
  readonly audit: AuditLog;
  readonly log: Logger;
  readonly metrics: VigilMetrics;
  readonly models: ModelStore;
  /** The entry-summary model trained from control results: training, champion–challenger, drift. */
  readonly ensModels: EnsModelService;
  readonly imports: ImportService;
  /** The nomenclature and codelists by date, shared by every authority, held in memory. */
  readonly reference: ReferenceService;
  /** The register of operators and AEO (EOS-like). */
  readonly operatorRegistry: OperatorRegistryService;
  /** The registry of certificates and licences (CERTEX-like). */
  readonly certificates: CertificateService;
  /** Signals learned from control results, and their settings per authority. */
  readonly resultSignals: ResultSignalService;
  /** The register of IPR applications for action (COPIS-like). */
  readonly ipr: IprService;
  /** What the bus runs for each outbox event. */
  readonly handleEvent: EventHandler;
  /** Writers of the outbox notify it after commit; the running consumer subscribes. */
  readonly outbox: OutboxSignal;
}

/** The instance's token-signing keys: a file outside the database (ADR 0008). */
/** The OpenID Connect client when an issuer is configured; a role map naming no Vigil role stops start-up. */
function identityProviderOf(config: VigilConfig): IdentityProvider | undefined {
  const oidc = config.sessions.oidc;
  if (oidc === undefined) {
    return undefined;
  }
  const unknown = unknownRoles(oidc);
  if (unknown.length > 0) {
    throw new ConfigError(
      unknown.map((r) => `VIGIL_OIDC_ROLE_MAP: ${r} is not a Vigil role (${ROLES.join(', ')})`),
    );
  }
  return new OpenIdClient(oidc);
}

export function keyringFor(config: VigilConfig): FileKeyring {
  return new FileKeyring(config.keyringFile);
}

export async function composeApp(
  config: VigilConfig,
  overrides: {
    readonly db?: Database;
    readonly clock?: Clock;
    /** The MRN serials (tests that need the same MRNs, hence the same random draws, every run). */
    readonly serial?: SerialSource;
  } = {},
): Promise<AppDeps> {
  // Migrated as the owner; serve, worker and the CLI then run as vigil_service, never as the owner.
  let db: Database;
  if (overrides.db !== undefined) {
    db = overrides.db;
    await migrate(db);
  } else {
    db = await openServiceDatabase({
      url: config.databaseUrl,
      ownerUrl: config.migrationDatabaseUrl,
      dataDir: config.dataDir,
      poolSize: config.databasePoolSize,
      prepared: config.databasePrepared,
    });
  }
  const clock = overrides.clock ?? systemClock;
  const log = createLogger(config.logLevel);
  const metrics = createMetrics();
  // Checkpoint key and file, and the embedded inbox, live outside the database (docs/adr/0009).
  const audit = new AuditLog({
    clock,
    checkpoints: new AuditCheckpoints({
      file: config.audit.checkpointFile,
      keyFile: config.audit.signingKeyFile,
    }),
    inbox: config.databaseUrl === undefined ? new AuditInbox(config.dataDir) : undefined,
  });
  const outbox = new OutboxSignal();
  // The shipped reference data is loaded into the database on first start, then all of it into memory.
  const reference = new ReferenceService({
    db,
    repo: new ReferenceRepository(),
    clock,
    audit,
    steward: config.referenceSteward,
  });
  await reference.start();
  const filingRepo = new FilingRepository();
  const ruleRepo = new RuleRepository();
  const ruleSets = new RuleSetCache(db, ruleRepo, { clock });
  const assessmentRepo = new AssessmentRepository();
  const ruleCapRepo = new RuleCapRepository();
  // Standing caps mark their rules' hits noisy in every assessment (entry summaries and imports).
  const contexts = new RiskContextCache(db, ruleSets, assessmentRepo, clock, 1000, async (q, authority) => {
    const caps = await ruleCapRepo.standing(q, authority);
    return new Map(caps.map((c) => [c.rule, { version: c.version, explanation: c.explanation }]));
  });
  const queueRepo = new QueueRepository();
  const operators = new OperatorRepository();
  const registryRepo = new OperatorRegistryRepository();
  const operatorRegistry = new OperatorRegistryService({ db, repo: registryRepo, clock, audit });
  const certificates = new CertificateService({
    db,
    repo: new CertificateRepository(),
    history: registryRepo,
    clock,
    audit,
  });
  // What a control found marks what its consignment named, for the next assessments (issue 12).
  const resultSignals = new ResultSignalService({
    db,
    repo: new ResultSignalRepository(),
    clock,
    audit,
    filingOf: async (tx, authority, mrn) =>
      (await filingRepo.findByMrns(tx, authority, [mrn]))[0]?.body as Filing | undefined,
  });
  const ipr = new IprService({ db, repo: new IprRepository(), history: registryRepo, clock, audit });
  const notificationRepo = new NotificationRepository();
  const webhookRepo = new WebhookRepository();
  const controlRepo = new ControlRepository();
  const rifRepo = new RifRepository();
  const operationRepo = new OperationRepository();
  const operationsFederated = new OperationFederation({
    repo: operationRepo,
    directory: (q) => rifRepo.directory(q),
    audit,
  });
  // RIFs, their feedback and shared records for a peer's authority are queued to that peer in the
  // act's own transaction; `rifs` (built below) retires rules adopted from a RIF a peer withdrew.
  const federated: FederatedCooperation = new FederatedCooperation({
    repo: rifRepo,
    audit,
    retireAdopted: (authority: string, ruleId: string, why: string): Promise<void> =>
      rifs.retireAdopted(authority, ruleId, why),
  });
  const federation: FederationService = new FederationService({
    db,
    repo: new FederationRepository(),
    clock,
    identity:
      config.federation.authority === undefined
        ? undefined
        : { authority: config.federation.authority, keyFile: config.federation.keyFile },
    audit,
    // Joint operations' messages to operations, the rest (RIFs, shared records) to cooperation.
    apply: (tx, from, kind, body, at, peers) =>
      kind.startsWith('operation.')
        ? operationsFederated.receive(tx, from, kind, body, at, peers)
        : federated.receive(tx, from, kind, body, at, peers),
    putAuthority: (tx, entry, at) => rifRepo.putAuthority(tx, { ...entry, kind: 'customs' }, at),
    // Common criteria apply through their own transactions (each member's rules), idempotently.
    applyAlone: {
      kinds: new Set(['criteria.published']),
      apply: (from: string, _kind: string, body: unknown): Promise<Applied> =>
        commonCriteria.receiveFromPeer(from, body),
    },
  });
  const federationPort: FederationService | undefined =
    config.federation.authority === undefined ? undefined : federation;
  const sharing = new SharingService({
    federation: federationPort,
    db,
    repo: rifRepo,
    clock,
    audit,
    watchlistEntries: (tx, authority, list, page) => ruleRepo.entries(tx, authority, list, page),
  });
  // A control result becomes feedback on the RIFs whose rules selected the consignment and is shared
  // as the authority's policy says, in the result's own transaction (`rifs` is built below).
  const controls = new ControlService({
    db,
    repo: controlRepo,
    operators,
    clock,
    audit,
    randomRate: config.randomControlRate,
    onTaskCreated: async (tx, t) => {
      await sharing.onRiskAnalysis(tx, t);
    },
    onResult: async (tx, r) => {
      await resultSignals.onControlResult(tx, r);
      await rifs.onControlResult(tx, r);
      await sharing.onControlResult(tx, r);
    },
  });
  const controlHooks = controls.assessmentHooks();
  // Every screened consignment is shared as the authority's policy grants `screening` (issue 11).
  const hooks: typeof controlHooks = {
    ...controlHooks,
    onAssessed: async (tx, a, filing, arrival) => {
      await controlHooks.onAssessed(tx, a, filing, arrival);
      await sharing.onScreened(tx, screeningOf(a, filing.body as Filing));
    },
  };
  // The entry-summary model learns from control results and scores through the assessment's port.
  const importRepo = new ImportRepository();
  const ensModels = new EnsModelService({
    db,
    clock,
    labelled: controlRepo,
    scores: (q, authority, model, from, to) => assessmentRepo.modelScores(q, authority, model, from, to),
    capacity: async (q, authority, office) => {
      const c = await importRepo.capacity(q, authority, office);
      return c === undefined ? undefined : c.redPerDay + c.yellowPerDay;
    },
    audit,
    config: { ...config.ensModel, randomRate: config.randomControlRate },
  });
  const assessments = new AssessmentService({
    db,
    repo: assessmentRepo,
    filings: filingRepo,
    operators,
    notifications: notificationRepo,
    contexts,
    clock,
    outcomes: { ...DEFAULT_ENTRY_OUTCOME, randomRate: config.randomControlRate },
    model: (tx, authority) => ensModels.activeModel(tx, authority),
    onAssessed: hooks.onAssessed,
    onReviewed: hooks.onReviewed,
    queueEvents: queueRepo,
    certificateHits: (tx, authority, versions) => certificates.hitsFor(tx, authority, versions),
    resultHits: (tx, authority, versions) => resultSignals.hitsFor(tx, authority, versions),
    ipr: (tx, authority) => ipr.screenFor(tx, authority),
    metrics,
    log,
    audit,
    nomenclature: () => reference.lists(),
  });
  const models = new ModelStore({ db, clock });
  const rules = new RuleService({
    db,
    repo: ruleRepo,
    // The rules that apply common criteria from the centre are their coordinator's to change.
    managedBy: centralCriterionOf,
    filings: filingRepo,
    ruleSets,
    operators,
    controlOutcomes: (q, authority, from, to) => controlRepo.outcomesOfLodged(q, authority, from, to),
    clock,
    audit,
    nomenclature: () => reference.lists(),
    onWatchlistChanged: (tx, authority, list, actor) =>
      sharing.onWatchlistChanged(tx, authority, list, actor),
  });
  const indicatorRepo = new IndicatorRepository();
  const indicators = new IndicatorService({
    db,
    repo: indicatorRepo,
    clock,
    authorities: async (q) => [
      ...new Set([...(await filingRepo.authoritiesWithFilings(q)), ...(await rifRepo.directory(q)).keys()]),
    ],
    rules: async (q, authority) => ruleRepo.currentRules(q, authority),
    overdueFeedback: (q, authority, at) => rifRepo.overdueCount(q, authority, at),
  });
  const rifs = new RifService({
    db,
    repo: rifRepo,
    rules,
    sharing,
    clock,
    audit,
    federation: federationPort,
  });
  const staffNoticeRepo = new StaffNoticeRepository();
  const ruleCaps = new RuleCapService({
    db,
    repo: ruleCapRepo,
    clock,
    settings: config.ruleCaps,
    rules: (q, authority) => ruleRepo.currentRules(q, authority),
    // Entry summaries select through control tasks, import declarations through red and yellow lanes.
    selections: async (q, authority, versions, to) => [
      ...(await controlRepo.selectionsByRule(q, authority, versions, to)),
      ...(await importRepo.selectionsByRule(q, authority, versions, to)),
    ],
    capacities: async (q, authority) =>
      new Map(
        (await importRepo.capacities(q, authority)).map((c) => [c.office, c.redPerDay + c.yellowPerDay]),
      ),
    notify: (tx, authority, n) =>
      staffNoticeRepo.insert(tx, authority, {
        id: `sn_${randomUUID()}`,
        recipient: n.recipient,
        kind: 'rule-capped',
        subject: n.subject,
        body: n.body,
        ref: n.ref,
        createdAt: n.at.toISOString(),
      }),
    audit,
    onChanged: (authority) => contexts.invalidate(authority),
  });
  const operations = new OperationService({
    db,
    repo: operationRepo,
    federation: federationPort,
    rules,
    directory: (q) => rifRepo.directory(q),
    clock,
    audit,
  });
  const commonCriteria: CommonCriterionService = new CommonCriterionService({
    db,
    federation: federationPort,
    repo: new CommonCriterionRepository(),
    rules,
    directory: (q) => rifRepo.directory(q),
    indicators,
    coordinating: config.coordinatingAuthorities,
    clock,
    audit,
  });
  // Events that arrive together are assessed together: one transaction and one statement per step
  // for the whole batch (issue 20). A failed batch is retried event by event, so one bad event fails
  // (and is redelivered) alone. At most two batches run at once, each on one connection.
  const readyBatches = new GroupCommit<ReadyEvent, number>((events) => assessments.handleReadyMany(events), {
    maxBatch: 64,
    maxInFlight: 2,
  });
  return Object.freeze({
    db,
    clock,
    tokens: new TokenService(keyringFor(config), { revocations: databaseRevocationList(db) }),
    apiKeys: new ApiKeyService({ db, repo: new ApiKeyRepository(), clock, audit }),
    people: new PeopleService({ db, repo: new PeopleRepository(), clock, config: config.sessions, audit }),
    identityProvider: identityProviderOf(config),
    filingRepo,
    filings: new FilingService({
      db,
      repo: filingRepo,
      clock,
      serial: overrides.serial,
      metrics,
      audit,
      reference: () => reference.lists(),
      onInvalidated: (tx, f) => controls.cancelTasksOf(tx, f.authority, f.mrn, f.by).then(() => undefined),
      controlDecided: (tx, authority, mrn) => controls.controlDecided(tx, authority, mrn),
      amendmentCloseMinutes: config.amendmentCloseMinutes,
      onRejected: (r) => indicatorRepo.recordRejection(db.forAuthority(r.authority), r),
      notify: (tx, n) => notificationRepo.notifyMany(tx, [n]),
      afterCommit: () => outbox.notify(),
      // Identification numbers against the register of operators; certificates written off.
      registries: {
        beforeStore: (tx, authority, filings) =>
          operatorRegistry.unregisteredWarnings(tx, authority, filings),
        afterStore: (tx, authority, stored) => certificates.writeOff(tx, authority, stored),
        amended: (tx, authority, previous, next) => certificates.amended(tx, authority, previous, next),
        invalidated: (tx, authority, mrn, at) => certificates.release(tx, authority, mrn, at),
      },
    }),
    ruleRepo,
    ruleSets,
    rules,
    assessmentRepo,
    contexts,
    assessments,
    queue: new QueueService({ db, repo: queueRepo, clock }),
    notifications: new NotificationService({ db, repo: notificationRepo }),
    staffNotices: new StaffNoticeService({ db, repo: staffNoticeRepo }),
    ruleCaps,
    webhooks: new WebhookService({ db, repo: webhookRepo, clock, audit, policy: config.webhooks }),
    webhookDispatcher: new WebhookDispatcher({
      db,
      repo: webhookRepo,
      notifications: notificationRepo,
      sender: new HttpWebhookSender({
        timeoutMs: config.webhooks.timeoutMs,
        allowPrivate: config.webhooks.allowPrivate,
      }),
      clock,
      maxAttempts: config.webhooks.maxAttempts,
      retryBaseMs: config.webhooks.retryBaseMs,
      retryMaxMs: config.webhooks.retryMaxMs,
    }),
    controls,
    rifs,
    operations,
    union: new UnionService({
      db,
      clock,
      audit,
      sharedBetween: (q, recipient, filter) => rifRepo.sharedBetween(q, recipient, filter),
    }),
    commonCriteria,
    indicators,
    sharing,
    stix: new StixExchange({ rifs }),
    federation,
    audit,
    log,
    metrics,
    models,
    ensModels,
    imports: new ImportService({
      db,
      clock,
      scorer: modelScorer(models),
      // The same rules, watchlists and signals as entry summaries, on the declaration read as one.
      risk: (authority, id, declaration, at) =>
        assessments.explainFiling(authority, id, importAsFiling(declaration, id), at),
      onLodged: (tx, authority, id, declaration, at) =>
        assessments.recordSeen(tx, authority, importAsFiling(declaration, id), at),
      seeds: assessmentRepo,
      audit,
      onInvalidated: (tx, d) => controls.cancelTasksOf(tx, d.authority, d.id).then(() => undefined),
    }),
    reference,
    operatorRegistry,
    certificates,
    resultSignals,
    ipr,
    handleEvent: async (event: OutboxEvent) => {
      if (event.topic === 'filing.ready') {
        await readyBatches.submit(event.payload as ReadyEvent);
      }
    },
    outbox,
  });
}
