/**
 * Prometheus metrics of one process (served at /metrics): filings registered and rejected by code,
 * assessment latency, outcomes by kind, and the outbox backlog. Services see only the small
 * `IntakeMetrics` / `AssessmentMetrics` ports; prom-client stays here.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface IntakeMetrics {
  registered(consignments: number): void;
  rejected(codes: readonly string[]): void;
}

export interface AssessmentMetrics {
  /** One filing assessed: its consignments' outcomes, how long it took, how long since it was lodged. */
  assessed(outcomes: readonly string[], assessSeconds: number, sinceLodgedSeconds: number): void;
}

export interface VigilMetrics extends IntakeMetrics, AssessmentMetrics {
  readonly registry: Registry;
  /** Sets the gauges that are read from the database at scrape time. */
  setBacklog(pending: number, oldestSeconds: number): void;
  setConsumerLag(pending: number): void;
}

export function createMetrics(): VigilMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'vigil_process_' });
  const registered = new Counter({
    name: 'vigil_filings_registered_total',
    help: 'Filings registered',
    registers: [registry],
  });
  const consignments = new Counter({
    name: 'vigil_consignments_registered_total',
    help: 'Consignments registered',
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'vigil_filings_rejected_total',
    help: 'Filings rejected, by error code (a filing with several codes counts once per code)',
    labelNames: ['code'],
    registers: [registry],
  });
  const outcomes = new Counter({
    name: 'vigil_outcomes_total',
    help: 'Consignment outcomes decided, by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const assessSeconds = new Histogram({
    name: 'vigil_assessment_duration_seconds',
    help: 'Time to assess one filing (rules, signals, model, selectivity, storage)',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const filingToOutcome = new Histogram({
    name: 'vigil_filing_to_outcome_seconds',
    help: 'From registration to the stored outcome',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const backlog = new Gauge({
    name: 'vigil_outbox_pending',
    help: 'Outbox events not yet processed',
    registers: [registry],
  });
  const oldest = new Gauge({
    name: 'vigil_outbox_oldest_pending_seconds',
    help: 'Age of the oldest unprocessed outbox event',
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'vigil_consumer_pending',
    help: 'JetStream messages not yet delivered to the assessment consumer',
    registers: [registry],
  });
  return {
    registry,
    registered(n) {
      registered.inc();
      consignments.inc(n);
    },
    rejected(codes) {
      for (const code of new Set(codes)) {
        rejected.inc({ code });
      }
    },
    assessed(kinds, seconds, sinceLodged) {
      for (const kind of kinds) {
        outcomes.inc({ kind });
      }
      assessSeconds.observe(seconds);
      filingToOutcome.observe(sinceLodged);
    },
    setBacklog(pending, oldestSeconds) {
      backlog.set(pending);
      oldest.set(oldestSeconds);
    },
    setConsumerLag(pending) {
      lag.set(pending);
    },
  };
}
