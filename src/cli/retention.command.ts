/**
 * `vigil retention purge [--dry-run] [--authority X] [--json]`: applies the configured retention
 * periods now (what `serve` does on its schedule) and prints one line per authority with what was
 * pseudonymised, reduced or deleted; `--dry-run` only counts what is due and changes nothing.
 * Each real run is audited (one `retention.purged` entry per authority).
 */
import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/index.ts';
import type { VigilConfig } from '../config/index.ts';
import { systemClock } from '../domain/index.ts';
import type { Clock } from '../domain/index.ts';
import { RetentionService } from '../retention/index.ts';
import type { RetentionRun } from '../retention/index.ts';
import { openDatabase } from '../store/database.ts';
import type { Database } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';
import type { CliIo } from './cli-io.ts';

const USAGE = 'usage: vigil retention purge [--dry-run] [--authority X] [--json]';

export interface RetentionCommandOptions {
  /** A database already open (tests); default the configured one. */
  readonly db?: Database | undefined;
  readonly clock?: Clock | undefined;
}

function describe(run: RetentionRun): string {
  const c = run.counts;
  const verb = run.dryRun ? 'due' : 'done';
  return (
    `retention ${run.authority} (${verb}): ` +
    `${c.filingsPseudonymised} filings pseudonymised, ${c.filingBodiesReduced} filing bodies reduced, ` +
    `${c.importsPseudonymised} import declarations pseudonymised, ${c.importBodiesReduced} import bodies reduced, ` +
    `${c.controlTasksPseudonymised} control tasks and ${c.operatorsPseudonymised} operators pseudonymised, ` +
    `${c.assessmentsDeleted} assessments and ${c.watchlistEntriesDeleted} watchlist entries deleted` +
    (c.auditEntriesPastPeriod > 0
      ? `; ${c.auditEntriesPastPeriod} audit entries past their period (kept)`
      : '')
  );
}

export async function retentionCommand(
  config: VigilConfig,
  args: readonly string[],
  io: CliIo,
  options: RetentionCommandOptions = {},
): Promise<number> {
  if (args[0] !== 'purge') {
    io.stderr.write(`vigil retention: ${USAGE}\n`);
    return 2;
  }
  const { values } = parseArgs({
    args: args.slice(1),
    options: {
      'dry-run': { type: 'boolean', default: false },
      authority: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const db = options.db ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir }));
  try {
    if (options.db === undefined) {
      await migrate(db);
    }
    const clock = options.clock ?? systemClock;
    const service = new RetentionService({
      db,
      audit: new AuditLog({ clock }),
      clock,
      config: config.retention,
    });
    const runs = await service.purge({ dryRun: values['dry-run'], authority: values.authority });
    for (const run of runs) {
      io.stdout.write(`${values.json ? JSON.stringify(run) : describe(run)}\n`);
    }
    if (runs.length === 0) {
      io.stdout.write('retention: no data\n');
    }
    return 0;
  } finally {
    if (options.db === undefined) {
      await db.close();
    }
  }
}
