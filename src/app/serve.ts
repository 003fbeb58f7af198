/**
 * What `vigil serve` runs: the composed application, the demo pack on first start, the bus (the
 * embedded dispatcher, or the relay to JetStream), the audit chainer, the statistics refresher, the
 * entry-summary model's retraining schedule, the RIF expiry sweep, the indicator rollups, webhook delivery, the reference data refresh, the federation's relay and receiver and the HTTP server. `startServe` returns once the server listens; `stop()` closes everything in order.
 * Signals and exit codes are main.ts's.
 */
import type { VigilConfig } from '../config/index.ts';
import { buildServer } from '../api/server.ts';
import { installDemoPack } from '../demo/demo-pack.ts';
import { installDemoRegisters } from '../demo/demo-registers.ts';
import { DEMO_PASSWORD, demoUsers } from '../demo/demo-users.ts';
import { startAuditChainer } from './audit-chainer.ts';
import { startServeBus } from './bus-mode.ts';
import { composeApp } from './compose.ts';
import type { Running } from './running.ts';
import { startStatsRefresher } from './stats-refresher.ts';
import { startRifExpiry } from './rif-expiry.ts';
import { startIndicatorRefresher } from './indicator-refresher.ts';
import { startWebhookDelivery } from './webhook-delivery.ts';
import { startReferenceRefresher } from './reference-refresher.ts';
import { RetentionService } from '../retention/index.ts';
import { startRetentionSchedule } from './retention-schedule.ts';
import { startModelSchedule } from './model-schedule.ts';
import { startRuleCapSchedule } from './rule-cap-schedule.ts';
import { startFederationLoops } from './federation-loops.ts';

export interface Serving extends Running {
  /** Where the server listens, e.g. http://localhost:8080. */
  readonly address: string;
}

export async function startServe(
  config: VigilConfig,
  say: (line: string) => void = () => undefined,
): Promise<Serving> {
  const deps = await composeApp(config);
  if (config.demoPack && (await installDemoPack(deps, config.demoAuthority, deps.clock.now()))) {
    say(`installed the demo rule pack, watchlists and reference prices for ${config.demoAuthority}`);
    const r = await installDemoRegisters(deps, config.demoAuthority);
    say(
      `installed the demo registers (made up): ${r.operators} operators, ${r.aeo} AEO authorisations, ${r.certificates} certificates, ${r.iprApplications} IPR applications, ${r.measures} trade measures`,
    );
  }
  if (config.demoPack) {
    const users = demoUsers(config.demoAuthority);
    if ((await deps.people.count()) === 0) {
      for (const user of users) {
        await deps.people.add(user, 'system:demo');
      }
    }
    if ((await deps.people.list(config.demoAuthority)).some((u) => u.username === users[0]!.username)) {
      say(
        `  sign in to the workbench as ${users.map((u) => u.username).join(', ')} with the demo password ${DEMO_PASSWORD}`,
      );
    }
  }
  const bus = await startServeBus(config, deps, (err, source) => say(`bus ${source}: ${String(err)}`));
  const chainer = startAuditChainer(deps.db, deps.audit, {
    dataDir: config.databaseUrl === undefined ? config.dataDir : undefined,
    checkpointIntervalMs: config.audit.checkpointIntervalSeconds * 1000,
    onError: (err) => deps.log.error({ err }, 'audit chainer'),
    onWarning: (message) => deps.log.warn(message),
  });
  const stats = startStatsRefresher(deps, {
    onError: (err) => deps.log.error({ err }, 'unit-value statistics'),
  });
  const retention = startRetentionSchedule(
    new RetentionService({ db: deps.db, audit: deps.audit, clock: deps.clock, config: config.retention }),
    {
      intervalMinutes: config.retention.intervalMinutes,
      onError: (err) => deps.log.error({ err }, 'retention purge'),
    },
  );
  // Off unless VIGIL_MODEL_RETRAIN_HOURS is set (or DATABASE_URL, where it defaults to weekly).
  const modelSchedule = startModelSchedule(deps, {
    onError: (err) => deps.log.error({ err }, 'entry-summary model schedule'),
  });
  const ruleCaps = startRuleCapSchedule(deps, {
    onError: (err) => deps.log.error({ err }, 'noisy-rule cap'),
  });
  const expiry = startRifExpiry(deps.rifs, { onError: (err) => deps.log.error({ err }, 'RIF expiry') });
  const rollups = startIndicatorRefresher(deps.indicators, {
    onError: (err) => deps.log.error({ err }, 'indicator rollups'),
  });
  const webhooks = startWebhookDelivery(deps.webhookDispatcher, {
    pollMs: config.webhooks.pollMs,
    onError: (err) => deps.log.error({ err }, 'webhook delivery'),
  });
  // An import by another process (vigil reference import on PostgreSQL) reaches intake within seconds.
  const reference = startReferenceRefresher(deps.reference, {
    onError: (err) => deps.log.error({ err }, 'reference data refresh'),
  });
  // Exchange with peers (other nodes) when this node speaks for an authority and has NATS.
  const federation = startFederationLoops(
    config,
    deps.federation,
    () => deps.operations.shareFigures(),
    (err, where) => deps.log.error({ err }, `federation ${where}`),
  );
  if (federation.running) {
    say(`federation on: this node speaks for ${config.federation.authority}`);
  }
  const server = await buildServer(config, { ...deps, runningBus: bus });
  const address = (await server.start()).replace('0.0.0.0', 'localhost');
  return {
    address,
    stopping: 'stopping',
    async stop() {
      await server.stop();
      await federation.stop();
      await reference.stop();
      await webhooks.stop();
      await bus.stop();
      await chainer.stop();
      await stats.stop();
      await retention.stop();
      await modelSchedule.stop();
      await ruleCaps.stop();
      await expiry.stop();
      await rollups.stop();
      await deps.db.close();
    },
  };
}
