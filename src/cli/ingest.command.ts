/**
 * `vigil ingest FILE`: registers filings from NDJSON (one filing per line), streaming, a few in flight
 * at a time, with a progress bar on a terminal and, at the end, accepted/rejected counts by error code.
 * A line that fails is reported with its line number and never stops the run.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { VigilConfig } from '../config/index.ts';
import { composeApp } from '../app/compose.ts';
import { VigilError } from '../errors/index.ts';
import type { ErrorCode, FieldError } from '../errors/index.ts';
import { apiClient } from './api-client.ts';
import { progressBar } from './progress.ts';
import type { CliIo } from './cli-io.ts';
import type { Actor } from '../auth/index.ts';
import { runKcsIngest } from '../kcs/index.ts';

export interface IngestSummary {
  lines: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  byCode: Record<string, number>;
}

export async function runIngest(config: VigilConfig, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      authority: { type: 'string', default: config.demoAuthority },
      filer: { type: 'string', default: 'ingest' },
      format: { type: 'string', default: 'ndjson' },
      concurrency: { type: 'string', default: '8' },
      labels: { type: 'boolean', default: true },
      'no-labels': { type: 'boolean', default: false },
      score: { type: 'boolean', default: false },
      url: { type: 'string' },
      token: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (file === undefined) {
    throw new VigilError(
      'VIGIL_BAD_REQUEST',
      'ingest needs a FILE (NDJSON, one filing per line; - for stdin)',
    );
  }
  // Checked before the database is opened: a wrong path is told at once.
  if (file !== '-') {
    const st = statSync(file, { throwIfNoEntry: false });
    if (st === undefined || !st.isFile()) {
      throw new VigilError(
        'VIGIL_BAD_REQUEST',
        `'${file}' is ${st === undefined ? 'not there' : 'not a file'}`,
      );
    }
  }
  if (values.format === 'kcs') {
    // Korea Customs Service import declarations: stored as H1 declarations, their labels as control results.
    const deps = await composeApp(config);
    try {
      await runKcsIngest(
        deps,
        {
          file,
          authority: values.authority,
          labels: values.labels && !values['no-labels'],
          score: values.score,
        },
        { ...io, progress: (total) => progressBar(io.stderr, total) },
      );
    } finally {
      await deps.db.close();
    }
    return 0;
  }
  if (values.format !== 'ndjson') {
    throw new VigilError('VIGIL_BAD_REQUEST', `unknown --format '${values.format}' (ndjson or kcs)`);
  }
  const concurrency = Math.max(1, Math.min(64, Number(values.concurrency) || 8));
  // Into the database, or through a running server (--url; the embedded database admits one process).
  let register: (body: unknown) => Promise<{ created: boolean }>;
  let close: () => Promise<void>;
  if (values.url !== undefined) {
    const api = apiClient(values.url, values.token ?? io.env['VIGIL_TOKEN']);
    register = async (body) => {
      const r = await api('POST', '/filings', body);
      if (r.status === 201 || r.status === 200) {
        return { created: r.status === 201 };
      }
      const problem = r.json as { code?: ErrorCode; detail?: string; errors?: FieldError[] } | null;
      throw new VigilError(problem?.code ?? 'VIGIL_BAD_REQUEST', problem?.detail, problem?.errors);
    };
    close = () => Promise.resolve();
  } else {
    const deps = await composeApp(config);
    const actor: Actor = { subject: values.filer, authority: values.authority, role: 'filer' };
    register = (body) => deps.filings.register(actor, body);
    close = () => deps.db.close();
  }
  const total = file === '-' ? undefined : statSync(file).size;
  const input = file === '-' ? io.stdin : createReadStream(file);
  const progress = progressBar(io.stderr, total);
  const summary: IngestSummary = { lines: 0, accepted: 0, duplicates: 0, rejected: 0, byCode: {} };
  let bytes = 0;
  const inFlight = new Set<Promise<void>>();

  const handle = async (line: string, lineNo: number): Promise<void> => {
    let body: unknown;
    try {
      body = JSON.parse(line);
    } catch {
      summary.rejected++;
      summary.byCode['VIGIL_BODY_NOT_JSON'] = (summary.byCode['VIGIL_BODY_NOT_JSON'] ?? 0) + 1;
      progress.note(`line ${lineNo}: VIGIL_BODY_NOT_JSON the line is not valid JSON`);
      return;
    }
    try {
      const r = await register(body);
      if (r.created) {
        summary.accepted++;
      } else {
        summary.duplicates++;
      }
    } catch (err) {
      if (!(err instanceof VigilError)) {
        throw err;
      }
      summary.rejected++;
      const codes = new Set((err.errors ?? []).map((e) => e.code));
      if (codes.size === 0) {
        codes.add(err.code);
      }
      for (const code of codes) {
        summary.byCode[code] = (summary.byCode[code] ?? 0) + 1;
      }
    }
  };

  try {
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const line of lines) {
      bytes += Buffer.byteLength(line) + 1;
      if (line.trim() === '') {
        continue;
      }
      summary.lines++;
      const p = handle(line, summary.lines).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= concurrency) {
        await Promise.race(inFlight);
      }
      progress.update(
        bytes,
        `${summary.lines} filings, ${summary.accepted} accepted, ${summary.rejected} rejected`,
      );
    }
    await Promise.all(inFlight);
  } finally {
    progress.finish();
    await close();
  }
  io.stderr.write(
    `ingested ${summary.lines} filings: ${summary.accepted} accepted, ${summary.duplicates} already registered, ${summary.rejected} rejected\n`,
  );
  for (const [code, n] of Object.entries(summary.byCode).sort((a, b) => b[1] - a[1])) {
    io.stderr.write(`  ${code.padEnd(34)} ${n}\n`);
  }
  io.stdout.write(`${JSON.stringify(summary)}\n`);
  return 0;
}
