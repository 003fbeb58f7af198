/**
 * The `vigil models` commands, for the CLI to wire: `models import FILE [--activate]` stores a model
 * file written by `vigil train` as the authority's next version (the same file twice is one version)
 * and can make it the active one; `models list` shows every version with its training window, its
 * evaluation at training time and which one is active.
 */
import { readFile } from 'node:fs/promises';
import type { Database } from '../store/database.ts';
import type { ModelRow, ModelStore } from '../models/model.store.ts';
import type { Clock } from '../domain/index.ts';

export interface ModelCommandDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly models: ModelStore;
}

export interface ModelCommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface ModelImportOptions {
  readonly file: string;
  readonly authority: string;
  readonly activate: boolean;
  /** Recorded as the model's creator; default `cli`. */
  readonly by?: string | undefined;
}

export interface ModelImportSummary {
  readonly version: number;
  readonly created: boolean;
  readonly active: boolean;
  readonly sha256: string;
  readonly features: number;
}

const silent: ModelCommandIo = {
  stdout: { write: () => true } as unknown as NodeJS.WritableStream,
  stderr: { write: () => true } as unknown as NodeJS.WritableStream,
};

export async function runModelImport(
  deps: ModelCommandDeps,
  options: ModelImportOptions,
  io: ModelCommandIo = silent,
): Promise<ModelImportSummary> {
  const text = await readFile(options.file, 'utf8');
  const saved = await deps.db
    .forAuthority(options.authority)
    .transaction((tx) => deps.models.save(tx, options.authority, text, options.by ?? 'cli'));
  let row: ModelRow = saved.model;
  if (options.activate) {
    row = await deps.models.activate(options.authority, row.version);
  }
  const summary: ModelImportSummary = {
    version: row.version,
    created: saved.created,
    active: row.active,
    sha256: row.sha256,
    features: row.features.length,
  };
  io.stderr.write(
    `${saved.created ? 'stored' : 'already stored as'} model v${row.version} for ${options.authority}${row.active ? ' (active)' : ''}\n`,
  );
  io.stdout.write(`${JSON.stringify(summary)}\n`);
  return summary;
}

function metric(evaluation: unknown, key: 'precisionAt' | 'auc', at?: string): string {
  const m = (evaluation as { metrics?: Record<string, unknown> } | null)?.metrics;
  const v = at === undefined ? m?.[key] : (m?.[key] as Record<string, unknown> | undefined)?.[at];
  return typeof v === 'number' ? v.toFixed(3) : '-';
}

export async function runModelList(
  deps: ModelCommandDeps,
  options: { readonly authority: string; readonly json?: boolean | undefined },
  io: ModelCommandIo = silent,
): Promise<ModelRow[]> {
  const rows = await deps.models.list(options.authority);
  if (options.json === true) {
    io.stdout.write(`${JSON.stringify(rows)}\n`);
    return rows;
  }
  io.stdout.write(
    `${'version'.padEnd(8)}${'active'.padEnd(8)}${'created'.padEnd(22)}${'window'.padEnd(25)}${'p@5%'.padEnd(8)}${'p@10%'.padEnd(8)}auc\n`,
  );
  for (const r of rows) {
    const w = r.trainingWindow as { from?: string; to?: string } | null;
    io.stdout.write(
      `${String(r.version).padEnd(8)}${(r.active ? 'yes' : '').padEnd(8)}${r.createdAt.slice(0, 19).padEnd(22)}${`${w?.from ?? '?'}..${w?.to ?? '?'}`.padEnd(25)}${metric(r.evaluation, 'precisionAt', '5').padEnd(8)}${metric(r.evaluation, 'precisionAt', '10').padEnd(8)}${metric(r.evaluation, 'auc')}\n`,
    );
  }
  if (rows.length === 0) {
    io.stdout.write(`no models for ${options.authority}\n`);
  }
  return rows;
}
