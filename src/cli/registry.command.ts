/**
 * `vigil operators import FILE` and `vigil certificates import FILE`: load a registry from a file.
 *   vigil operators import FILE [--skip-bad] [--format csv|ndjson|json]
 *   vigil certificates import FILE [--skip-bad] [--format csv|ndjson|json]
 *   vigil ipr import FILE [--skip-bad] [--format csv|ndjson|json]   (IPR applications for action)
 * Directly on the database with --authority X (as `cli:$USER`, an admin of X), or through a running
 * server with --url U --token T (the embedded database admits one process). The format is the file's
 * extension's (.csv, .ndjson/.jsonl, .json) unless --format says; FILE `-` reads stdin. A summary goes
 * to stdout; every bad record to stderr with its line and code. Nothing is loaded when one record is
 * bad (exit 1) unless --skip-bad, which loads the others and lists what it left out (exit 0).
 */
import { readFileSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { CertificateRepository, CertificateService } from '../certificates/index.ts';
import type { VigilConfig } from '../config/index.ts';
import { systemClock } from '../domain/index.ts';
import { ERROR_CATALOGUE, VigilError } from '../errors/index.ts';
import type { ErrorCode, FieldError } from '../errors/index.ts';
import {
  OperatorRegistryRepository,
  OperatorRegistryService,
  RECORD_FORMATS,
  formatOfFile,
} from '../operators/index.ts';
import type { RecordFormat } from '../operators/index.ts';
import { IprRepository, IprService } from '../ipr/index.ts';
import { openServiceDatabase } from '../store/migrate.ts';
import { apiClient } from './api-client.ts';
import type { CliIo } from './cli-io.ts';

type Registry = 'operators' | 'certificates' | 'ipr';

/** Where each registry's import is, under /v1. */
const IMPORT_PATH: Readonly<Record<Registry, string>> = {
  operators: '/operators/import',
  certificates: '/certificates/import',
  ipr: '/ipr-applications/import',
};

const usageOf = (registry: Registry): string =>
  `usage: vigil ${registry} import FILE [--skip-bad] [--format csv|ndjson|json], with --authority X (on the database) or --url U --token T (through a running server)`;

interface Summary {
  readonly importId: string;
  readonly received: number;
  readonly loaded: number;
  readonly skipped: number;
  /** Per kind of record: what it made of the register, or (IPR) how many were read. */
  readonly records: Readonly<
    Record<string, { created: number; updated: number; unchanged: number } | number>
  >;
  readonly applications?: { created: number; updated: number; unchanged: number } | undefined;
  readonly errors: readonly FieldError[];
  readonly errorCount: number;
}

const CONTENT_TYPE: Readonly<Record<RecordFormat, string>> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
  json: 'application/json',
};

async function onDatabase(
  config: VigilConfig,
  registry: Registry,
  authority: string,
  user: string,
  body: unknown,
  format: RecordFormat,
  skipBad: boolean,
): Promise<Summary> {
  const db = await openServiceDatabase({
    url: config.databaseUrl,
    ownerUrl: config.migrationDatabaseUrl,
    dataDir: config.dataDir,
    poolSize: 1,
  });
  try {
    const admin: Actor = { authority, role: 'admin', subject: `cli:${user}` };
    const audit = new AuditLog();
    const repo = new OperatorRegistryRepository();
    const query = { skipBad: String(skipBad) };
    if (registry === 'ipr') {
      return await new IprService({
        db,
        repo: new IprRepository(),
        history: repo,
        clock: systemClock,
        audit,
      }).import(admin, body, format, query);
    }
    return registry === 'operators'
      ? await new OperatorRegistryService({ db, repo, clock: systemClock, audit }).import(
          admin,
          body,
          format,
          query,
        )
      : await new CertificateService({
          db,
          repo: new CertificateRepository(),
          history: repo,
          clock: systemClock,
          audit,
        }).import(admin, body, format, query);
  } finally {
    await db.close();
  }
}

async function throughServer(
  url: string,
  token: string | undefined,
  registry: Registry,
  text: string,
  format: RecordFormat,
  skipBad: boolean,
): Promise<Summary> {
  const api = apiClient(url, token);
  // The API client sends JSON: CSV and NDJSON go with their own content type.
  const base = url.replace(/\/+$/, '');
  const res =
    format === 'json'
      ? await api('POST', `${IMPORT_PATH[registry]}?skipBad=${String(skipBad)}`, text)
      : await fetch(`${base}/v1${IMPORT_PATH[registry]}?skipBad=${String(skipBad)}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token ?? ''}`, 'content-type': CONTENT_TYPE[format] },
          body: text,
        }).then(async (r) => {
          const body = await r.text();
          return { status: r.status, text: body, json: body === '' ? null : (JSON.parse(body) as unknown) };
        });
  if (res.status >= 400) {
    const p = (res.json ?? {}) as { code?: string; detail?: string; errors?: FieldError[] };
    throw new VigilError(
      p.code !== undefined && p.code in ERROR_CATALOGUE ? (p.code as ErrorCode) : 'VIGIL_BAD_REQUEST',
      p.detail ?? `the server answered ${res.status}: ${res.text.slice(0, 200)}`,
      p.errors,
    );
  }
  return res.json as Summary;
}

export async function registryCommand(
  config: VigilConfig,
  registry: Registry,
  args: string[],
  io: CliIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      authority: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      'skip-bad': { type: 'boolean', default: false },
      format: { type: 'string' },
    },
  });
  const [sub, file] = positionals;
  const usage = (detail?: string): never => {
    throw new VigilError(
      'VIGIL_BAD_REQUEST',
      detail === undefined ? usageOf(registry) : `${detail}; ${usageOf(registry)}`,
    );
  };
  if (sub !== 'import' || file === undefined) {
    return usage();
  }
  if (values.url === undefined && values.authority === undefined) {
    usage(
      'say whose register: --authority X (on the database) or --url U --token T (through a running server)',
    );
  }
  const format =
    (values.format as RecordFormat | undefined) ?? (file === '-' ? undefined : formatOfFile(file));
  if (format === undefined || !RECORD_FORMATS.includes(format)) {
    usage(`cannot tell the format of ${file}: name it .csv, .ndjson or .json, or pass --format`);
  }
  const content = file === '-' ? await text(io.stdin) : readFileSync(file, 'utf8');
  let body: unknown = content;
  if (format === 'json') {
    try {
      body = JSON.parse(content);
    } catch (err) {
      usage(`${file} is not JSON: ${(err as Error).message}`);
    }
  }
  const out = (line: string): void => void io.stdout.write(`${line}\n`);
  const err = (line: string): void => void io.stderr.write(`${line}\n`);
  const skipBad = values['skip-bad'];
  try {
    const summary =
      values.url !== undefined
        ? await throughServer(
            values.url,
            values.token ?? io.env['VIGIL_TOKEN'],
            registry,
            content,
            format!,
            skipBad,
          )
        : await onDatabase(
            config,
            registry,
            values.authority!.toUpperCase(),
            io.env['USER'] ?? 'unknown',
            body,
            format!,
            skipBad,
          );
    const counted = (c: { created: number; updated: number; unchanged: number }): string =>
      `${c.created} created, ${c.updated} changed, ${c.unchanged} unchanged`;
    const kinds = [
      ...Object.entries(summary.records).map(
        ([kind, c]) => `${kind}: ${typeof c === 'number' ? `${c} read` : counted(c)}`,
      ),
      ...(summary.applications !== undefined ? [`applications: ${counted(summary.applications)}`] : []),
    ].join('; ');
    out(
      `import ${summary.importId}: ${summary.received} records, ${summary.loaded} loaded, ${summary.skipped} left out`,
    );
    out(`  ${kinds}`);
    summary.errors.forEach((e) => err(`  left out ${e.path} ${e.code}: ${e.message}`));
    if (summary.errorCount > summary.errors.length) {
      err(`  … and ${summary.errorCount - summary.errors.length} more`);
    }
    return 0;
  } catch (e) {
    // A refusal names every bad record, one per line, and ends the command with 1.
    if (e instanceof VigilError) {
      err(`vigil ${registry} import: ${e.message}`);
      (e.errors ?? []).forEach((f) => err(`  ${f.path} ${f.code}: ${f.message}`));
      return 1;
    }
    throw e;
  }
}
