/**
 * `vigil ingest --format kcs FILE`: streams a Korea Customs Service declaration CSV into Vigil. Each
 * row becomes an H1 import declaration (validated like a lodged one: an invalid row is rejected with
 * its codes, never stored), and — every KCS row having been inspected — its labels become a done
 * documentary control task with its result (mapping in docs/imports.md). With `score`, the active
 * model scores each batch. Rows go in batches of 1,000 per transaction; re-running a file adds
 * nothing (declaration ids are derived from the KCS ids). Progress on a terminal, a summary at the end.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { kcsLineParser } from './kcs-reader.ts';
import type { KcsLineParser } from './kcs-reader.ts';
import { fromZodIssues } from '../errors/index.ts';
import type { Database } from '../store/database.ts';
import { declarationToKcsRows, kcsRowToDeclaration } from './kcs-declaration.ts';
import { ImportRepository } from '../import-declarations/index.ts';
import type { NewImport } from '../import-declarations/index.ts';
import { ControlRepository } from '../controls/index.ts';
import type { ImportedControl } from '../controls/index.ts';
import { importDeclarationSchema } from '../import-declarations/import.schema.ts';
import type { ImportDeclaration } from '../import-declarations/import.schema.ts';
import type { ActiveModel, ModelStore } from '../models/model.store.ts';
import type { Clock } from '../domain/index.ts';
import { scoreRows } from './kcs-model.ts';
import type { KcsRow } from './kcs-reader.ts';

export interface KcsIngestDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly models: ModelStore;
  readonly repo?: ImportRepository | undefined;
}

export interface KcsIngestOptions {
  readonly file: string;
  readonly authority: string;
  /** Record each row's labels as a control task and result. */
  readonly labels: boolean;
  /** Score the rows with the authority's active model (none active: not scored). */
  readonly score?: boolean | undefined;
  readonly batchSize?: number | undefined;
}

/** How far the ingest has come: a terminal's progress bar, for instance (the CLI passes one). */
export interface IngestProgress {
  update(done: number, note: string): void;
  /** A line above the progress (a rejected row). */
  note(line: string): void;
  finish(): void;
}

export interface KcsIngestIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Starts a progress report over `total` bytes; none by default. */
  readonly progress?: ((total: number) => IngestProgress) | undefined;
}

const noProgress = (io: KcsIngestIo): IngestProgress => ({
  update: () => undefined,
  note: (line) => void io.stderr.write(`${line}\n`),
  finish: () => undefined,
});

export interface KcsIngestSummary {
  /** Data rows read (the header not counted). */
  rows: number;
  /** Declarations stored by this run. */
  stored: number;
  /** Valid rows whose declaration was already stored (an earlier run, or a repeated id). */
  duplicates: number;
  rejected: number;
  /** Rejected rows per error code (a row with two codes counts under both). */
  byCode: Record<string, number>;
  /** Control tasks (each with its result) created by this run. */
  controls: number;
  /** Results among the labelled valid rows, by kind; `critical` counts irregularities flagged critical. */
  results: { 'no-irregularity': number; irregularity: number; critical: number };
  scored: number;
  modelVersion: number | null;
  seconds: number;
}

/** Who the imported rows and results are recorded as. */
export const KCS_RECORDER = 'import:kcs';

/** How many rejected lines are printed with their line number before the rest is only counted. */
const SHOWN_REJECTIONS = 20;

/**
 * A KCS row's labels as a control result (docs/imports.md): Fraud 0 → no irregularity; Fraud 1 →
 * an irregularity of type undervaluation (the README: a discrepancy that reduced duty) with the
 * amounts at stake unknown; Critical Fraud 2 keeps it an irregularity with `critical: true`, since
 * the data lumps drugs, IPR infringement and false origin together and gives no quantity, so no
 * seizure category could be named honestly. Undefined when the row carries no label.
 */
export function kcsControlResult(
  r: Pick<KcsRow, 'fraud' | 'criticalFraud'>,
): Pick<ImportedControl, 'result' | 'details'> | undefined {
  if (r.fraud === 0) {
    return { result: 'no-irregularity', details: { result: 'no-irregularity' } };
  }
  if (r.fraud === 1) {
    return {
      result: 'irregularity',
      details: {
        result: 'irregularity',
        type: 'undervaluation',
        dutyAtStake: null,
        taxAtStake: null,
        critical: r.criticalFraud === 2,
      },
    };
  }
  return undefined;
}

/** The stored id of a KCS declaration: derived, so a re-run finds it. */
export function kcsDeclarationId(authority: string, kcsId: string): string {
  return `KCS-${authority}-${kcsId}`;
}

function midnight(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

interface Pending {
  readonly row: KcsRow;
  readonly line: number;
}

export async function runKcsIngest(
  deps: KcsIngestDeps,
  options: KcsIngestOptions,
  io: KcsIngestIo,
): Promise<KcsIngestSummary> {
  const started = performance.now();
  const repo = deps.repo ?? new ImportRepository();
  const controlRepo = new ControlRepository();
  // Row-level security admits the authority's rows only (migration 0008).
  const db = deps.db.forAuthority(options.authority);
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  const active: ActiveModel | undefined =
    options.score === true ? await deps.models.active(options.authority) : undefined;
  if (options.score === true && active === undefined) {
    io.stderr.write(`no active model for ${options.authority}: declarations are stored unscored\n`);
  }
  const summary: KcsIngestSummary = {
    rows: 0,
    stored: 0,
    duplicates: 0,
    rejected: 0,
    byCode: {},
    controls: 0,
    results: { 'no-irregularity': 0, irregularity: 0, critical: 0 },
    scored: 0,
    modelVersion: active?.version ?? null,
    seconds: 0,
  };
  let shown = 0;

  const reject = (line: number, codes: readonly { code: string; path: string; message: string }[]): void => {
    summary.rejected++;
    for (const code of new Set(codes.map((c) => c.code))) {
      summary.byCode[code] = (summary.byCode[code] ?? 0) + 1;
    }
    if (shown < SHOWN_REJECTIONS) {
      shown++;
      const first = codes[0]!;
      progress.note(`line ${line}: ${first.code} ${first.path} ${first.message}`);
    }
  };

  const flush = async (batch: readonly Pending[]): Promise<void> => {
    const valid: { row: KcsRow; decl: ImportDeclaration; id: string }[] = [];
    for (const { row, line } of batch) {
      if (row.id === '') {
        reject(line, [
          { code: 'VIGIL_SCHEMA_REQUIRED', path: '$.lrn', message: 'the Declaration ID is empty' },
        ]);
        continue;
      }
      const parsed = importDeclarationSchema.safeParse(kcsRowToDeclaration(row), { reportInput: true });
      if (!parsed.success) {
        reject(line, fromZodIssues(parsed.error.issues, 'the import declaration'));
        continue;
      }
      valid.push({ row, decl: parsed.data, id: kcsDeclarationId(options.authority, row.id) });
    }
    if (valid.length === 0) {
      return;
    }
    const now = deps.clock.now();
    let scores: Float64Array | undefined;
    if (active !== undefined) {
      // Scored from the stored declaration, as `lodge` scores, not from the raw row.
      scores = scoreRows(
        active.model,
        valid.map((v) => declarationToKcsRows(v.id, v.decl)[0]!),
      );
      summary.scored += valid.length;
    }
    const declarations: NewImport[] = valid.map((v, i) => ({
      authority: options.authority,
      id: v.id,
      type: v.decl.type,
      office: v.decl.office,
      source: 'kcs',
      lodgedBy: KCS_RECORDER,
      lodgedAt: midnight(v.decl.date),
      declaredOn: v.decl.date,
      body: v.decl,
      score: scores === undefined ? null : Math.round(scores[i]! * 10_000) / 100,
      lane: null,
      laneReason: null,
      laneRandom: false,
      modelVersion: active?.version ?? null,
      random: null,
      assessedAt: scores === undefined ? null : now,
    }));
    const controls: ImportedControl[] = [];
    if (options.labels) {
      for (const v of valid) {
        const result = kcsControlResult(v.row);
        if (result === undefined) {
          continue;
        }
        summary.results[result.result === 'irregularity' ? 'irregularity' : 'no-irregularity']++;
        if (result.details['critical'] === true) {
          summary.results.critical++;
        }
        const parties: ImportedControl['parties'][number][] = [
          { role: 'consignee', key: `kcs-importer:${v.row.importer}`, name: v.row.importer },
        ];
        if (v.row.seller !== '') {
          parties.push({ role: 'consignor', key: `kcs-seller:${v.row.seller}`, name: v.row.seller });
        }
        controls.push({
          authority: options.authority,
          id: v.id,
          office: v.decl.office,
          at: midnight(v.decl.date),
          reason: 'inspected by the Korea Customs Service (imported label)',
          parties,
          recordedBy: KCS_RECORDER,
          ...result,
        });
      }
    }
    await db.transaction(async (tx) => {
      const stored = await repo.insertMany(tx, declarations);
      summary.stored += stored.length;
      summary.duplicates += declarations.length - stored.length;
      summary.controls += await controlRepo.insertImportedControls(tx, controls, now);
    });
  };

  const progress = io.progress?.(statSync(options.file).size) ?? noProgress(io);
  const lines = createInterface({ input: createReadStream(options.file, 'utf8'), crlfDelay: Infinity });
  let parse: KcsLineParser | undefined;
  let lineNo = 0;
  let bytes = 0;
  let batch: Pending[] = [];
  try {
    for await (const line of lines) {
      lineNo++;
      bytes += Buffer.byteLength(line) + 1;
      if (parse === undefined) {
        parse = kcsLineParser(line);
        continue;
      }
      if (line.trim() === '') {
        continue;
      }
      summary.rows++;
      batch.push({ row: parse(line), line: lineNo });
      if (batch.length >= batchSize) {
        await flush(batch);
        batch = [];
        progress.update(
          bytes,
          `${summary.rows} rows, ${summary.stored} stored, ${summary.rejected} rejected`,
        );
      }
    }
    await flush(batch);
  } finally {
    progress.finish();
  }
  summary.seconds = Math.round((performance.now() - started) / 10) / 100;

  io.stderr.write(
    `ingested ${summary.rows} KCS rows in ${summary.seconds} s: ${summary.stored} stored, ${summary.duplicates} already stored, ${summary.rejected} rejected; ${summary.controls} control results recorded${summary.scored > 0 ? `; ${summary.scored} scored with model v${summary.modelVersion}` : ''}\n`,
  );
  for (const [code, n] of Object.entries(summary.byCode).sort((a, b) => b[1] - a[1])) {
    io.stderr.write(`  ${code.padEnd(34)} ${n}\n`);
  }
  io.stdout.write(`${JSON.stringify(summary)}\n`);
  return summary;
}
