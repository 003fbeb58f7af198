/**
 * The retention purge: for each authority, what has outlived its configured period is pseudonymised
 * (parties' names and addresses), reduced (filing and import declaration bodies keep the facts
 * indicators need, lose free text) or deleted (assessments with their reviews and RFI answers;
 * watchlist entries past their expiry or not uploaded again within their period). Work goes in
 * batches of short transactions; each run writes one audit entry per authority with its counts.
 * The audit trail itself is never cut (its entries past their period are only counted): see
 * docs/operations.md, "Retention".
 */
import type { AuditLog } from '../audit/index.ts';
import type { RetentionConfig } from '../config/index.ts';
import type { Clock } from '../domain/index.ts';
import type { Database, Queryable } from '../store/database.ts';
import { randomBytes } from 'node:crypto';
import {
  applyRetention,
  pseudonymFor,
  pseudonymiseOperatorKey,
  pseudonymiseTaskParties,
} from './pseudonymise.ts';
import * as repo from './retention.repository.ts';
import type { DocumentTable } from './retention.repository.ts';

const DAY_MS = 86_400_000;

/** What one run did (or, dry, would do) for one authority. */
export interface RetentionCounts {
  readonly filingsPseudonymised: number;
  readonly filingBodiesReduced: number;
  readonly importsPseudonymised: number;
  readonly importBodiesReduced: number;
  readonly controlTasksPseudonymised: number;
  readonly operatorsPseudonymised: number;
  readonly assessmentsDeleted: number;
  readonly watchlistEntriesDeleted: number;
  /** Audit entries older than the audit period: reported, never deleted. */
  readonly auditEntriesPastPeriod: number;
}

export interface RetentionRun {
  readonly authority: string;
  readonly dryRun: boolean;
  readonly at: Date;
  /** The cutoff of each category (null: kept forever). */
  readonly cutoffs: Readonly<Record<keyof Omit<RetentionConfig, 'intervalMinutes'>, Date | null>>;
  readonly counts: RetentionCounts;
}

export interface RetentionServiceDeps {
  /** The system connection (serve's and worker's vigil_service, or the owner for the CLI). */
  readonly db: Database;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly config: RetentionConfig;
  /** Rows per transaction. */
  readonly batchSize?: number | undefined;
}

export interface PurgeOptions {
  readonly dryRun?: boolean | undefined;
  /** Only this authority; default every authority with data. */
  readonly authority?: string | undefined;
}

function cutoff(now: Date, days: number): Date | null {
  return days > 0 ? new Date(now.getTime() - days * DAY_MS) : null;
}

export class RetentionService {
  readonly #d: RetentionServiceDeps;
  readonly #batch: number;

  constructor(deps: RetentionServiceDeps) {
    this.#d = deps;
    this.#batch = deps.batchSize ?? 500;
  }

  async purge(options: PurgeOptions = {}): Promise<RetentionRun[]> {
    const authorities =
      options.authority !== undefined ? [options.authority] : await repo.retentionAuthorities(this.#d.db);
    const runs: RetentionRun[] = [];
    for (const authority of authorities) {
      runs.push(await this.#purgeAuthority(authority, options.dryRun === true));
    }
    return runs;
  }

  async #purgeAuthority(authority: string, dryRun: boolean): Promise<RetentionRun> {
    const at = this.#d.clock.now();
    const c = this.#d.config;
    const cutoffs = {
      partiesDays: cutoff(at, c.partiesDays),
      filingBodyDays: cutoff(at, c.filingBodyDays),
      assessmentDays: cutoff(at, c.assessmentDays),
      watchlistDays: cutoff(at, c.watchlistDays),
      auditDays: cutoff(at, c.auditDays),
    };
    const counts = dryRun
      ? await this.#count(authority, at, cutoffs)
      : await this.#apply(authority, at, cutoffs);
    const run: RetentionRun = { authority, dryRun, at, cutoffs, counts };
    if (!dryRun) {
      await this.#d.db.transaction((tx) =>
        this.#d.audit.stage(tx, [
          {
            authority,
            actor: 'system:retention',
            action: 'retention.purged',
            subject: `retention:${at.toISOString()}`,
            at,
            details: {
              counts,
              cutoffs: Object.fromEntries(
                Object.entries(cutoffs).map(([k, v]) => [k, v === null ? null : v.toISOString()]),
              ),
            },
          },
        ]),
      );
    }
    return run;
  }

  async #count(authority: string, at: Date, cut: RetentionRun['cutoffs']): Promise<RetentionCounts> {
    const db: Queryable = this.#d.db;
    const docs = async (table: DocumentTable, reduce: boolean): Promise<number> => {
      const when = reduce ? cut.filingBodyDays : cut.partiesDays;
      return when === null
        ? 0
        : repo.countDueDocuments(db, table, authority, when, reduce, cut.filingBodyDays);
    };
    return {
      filingBodiesReduced: await docs('filing', true),
      filingsPseudonymised: await docs('filing', false),
      importBodiesReduced: await docs('import_declaration', true),
      importsPseudonymised: await docs('import_declaration', false),
      controlTasksPseudonymised:
        cut.partiesDays === null ? 0 : await repo.countDueTasks(db, authority, cut.partiesDays),
      operatorsPseudonymised:
        cut.partiesDays === null ? 0 : await repo.countDueOperators(db, authority, cut.partiesDays),
      assessmentsDeleted:
        cut.assessmentDays === null ? 0 : await repo.countDueAssessments(db, authority, cut.assessmentDays),
      watchlistEntriesDeleted: await repo.countDueWatchlistEntries(db, authority, at, cut.watchlistDays),
      auditEntriesPastPeriod:
        cut.auditDays === null ? 0 : await repo.countAuditEntriesBefore(db, authority, cut.auditDays),
    };
  }

  async #apply(authority: string, at: Date, cut: RetentionRun['cutoffs']): Promise<RetentionCounts> {
    // Bodies first: reducing one pseudonymises it too, so the parties pass skips it.
    const filingBodiesReduced = await this.#documents('filing', authority, at, cut.filingBodyDays, true, cut);
    const filingsPseudonymised = await this.#documents('filing', authority, at, cut.partiesDays, false, cut);
    const importBodiesReduced = await this.#documents(
      'import_declaration',
      authority,
      at,
      cut.filingBodyDays,
      true,
      cut,
    );
    const importsPseudonymised = await this.#documents(
      'import_declaration',
      authority,
      at,
      cut.partiesDays,
      false,
      cut,
    );
    const controlTasksPseudonymised = await this.#tasks(authority, at, cut.partiesDays);
    const operatorsPseudonymised = await this.#operators(authority, at, cut.partiesDays);
    let assessmentsDeleted = 0;
    if (cut.assessmentDays !== null) {
      const when = cut.assessmentDays;
      assessmentsDeleted = await this.#batches((tx) =>
        repo.deleteAssessments(tx, authority, when, this.#batch),
      );
    }
    const watchlistEntriesDeleted = await this.#d.db.transaction((tx) =>
      repo.deleteWatchlistEntries(tx, authority, at, cut.watchlistDays),
    );
    const auditEntriesPastPeriod =
      cut.auditDays === null ? 0 : await repo.countAuditEntriesBefore(this.#d.db, authority, cut.auditDays);
    return {
      filingsPseudonymised,
      filingBodiesReduced,
      importsPseudonymised,
      importBodiesReduced,
      controlTasksPseudonymised,
      operatorsPseudonymised,
      assessmentsDeleted,
      watchlistEntriesDeleted,
      auditEntriesPastPeriod,
    };
  }

  /** Runs `step` in its own transaction until it does less than a full batch; returns the total. */
  async #batches(step: (tx: Queryable) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.#d.db.transaction(step);
      total += n;
      if (n < this.#batch) {
        return total;
      }
    }
  }

  async #documents(
    table: DocumentTable,
    authority: string,
    at: Date,
    when: Date | null,
    reduce: boolean,
    cut: RetentionRun['cutoffs'],
  ): Promise<number> {
    if (when === null) {
      return 0;
    }
    return this.#batches(async (tx) => {
      const due = await repo.dueDocuments(
        tx,
        table,
        authority,
        when,
        reduce,
        cut.filingBodyDays,
        this.#batch,
      );
      const how = { reduce };
      await repo.writeDocuments(
        tx,
        table,
        authority,
        due.map((d) => ({ key: d.key, body: applyRetention(d.body, `${table}:${authority}:${d.key}`, how) })),
        reduce,
        at,
      );
      if (table === 'filing' && due.length > 0) {
        // Every version of the filing, with the same pseudonyms (tied to the filing, not the version).
        const versions = await repo.filingVersions(
          tx,
          authority,
          due.map((d) => d.key),
        );
        await repo.writeFilingVersions(
          tx,
          authority,
          versions.map((v) => ({ ...v, body: applyRetention(v.body, `filing:${authority}:${v.mrn}`, how) })),
        );
      }
      return due.length;
    });
  }

  async #tasks(authority: string, at: Date, when: Date | null): Promise<number> {
    if (when === null) {
      return 0;
    }
    return this.#batches(async (tx) => {
      const due = await repo.dueTasks(tx, authority, when, this.#batch);
      await repo.writeTasks(
        tx,
        authority,
        due.map((t) => ({
          id: t.id,
          parties: pseudonymiseTaskParties(t.parties, `control_task:${authority}:${t.id}`),
        })),
        at,
      );
      return due.length;
    });
  }

  async #operators(authority: string, at: Date, when: Date | null): Promise<number> {
    if (when === null) {
      return 0;
    }
    return this.#batches(async (tx) => {
      const keys = await repo.dueOperators(tx, authority, when, this.#batch);
      await repo.writeOperatorNames(
        tx,
        authority,
        // Random, not derived from the key: a key made from a name would let a hash be matched
        // against a list of names.
        keys.map((key) => {
          const id = randomBytes(12).toString('hex');
          return {
            key,
            newKey: pseudonymiseOperatorKey(key, id, '/key'),
            name: pseudonymFor(id, '/name'),
          };
        }),
        at,
      );
      return keys.length;
    });
  }
}
