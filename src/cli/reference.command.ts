/**
 * `vigil reference`: import a CSV file of reference data (`import KIND FILE [--skip-bad]`), list a
 * kind's codes (`list KIND [--q TEXT] [--at DAY]`) and show one code with its versions (`show KIND
 * CODE`). On the database (the import audited in --authority's chain), or through a running server
 * with --url and --token (an admin's token for an import): the embedded database admits one process.
 * An import prints each malformed row with its line and code, then one summary line.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { VigilConfig } from '../config/index.ts';
import { REFERENCE_KINDS, isReferenceKind } from '../domain/index.ts';
import type { ReferenceKind } from '../domain/index.ts';
import { VigilError } from '../errors/index.ts';
import type { FieldError } from '../errors/index.ts';
import { apiClient } from './api-client.ts';
import type { CliIo } from './cli-io.ts';

const USAGE = `usage: vigil reference import KIND FILE [--skip-bad] [--authority X]
       vigil reference list KIND [--q TEXT] [--at YYYY-MM-DD] [--limit N]
       vigil reference show KIND CODE
  each with [--url U --token T] to go through a running server; KIND: ${REFERENCE_KINDS.join(', ')}`;

function printErrors(io: CliIo, errors: readonly FieldError[]): void {
  for (const e of errors) {
    io.stderr.write(`${e.path}: ${e.code} ${e.message}\n`);
  }
}

export async function referenceCommand(config: VigilConfig, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'skip-bad': { type: 'boolean', default: false },
      authority: { type: 'string', default: config.demoAuthority },
      q: { type: 'string' },
      at: { type: 'string' },
      limit: { type: 'string', default: '100' },
      url: { type: 'string' },
      token: { type: 'string' },
    },
  });
  const [sub, kind, arg] = positionals;
  if (kind === undefined || !isReferenceKind(kind) || !['import', 'list', 'show'].includes(sub ?? '')) {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if ((sub === 'import' || sub === 'show') && arg === undefined) {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (values.url !== undefined) {
    return throughServer(values.url, values.token ?? io.env['VIGIL_TOKEN'], sub!, kind, arg, values, io);
  }
  const { composeApp } = await import('../app/compose.ts');
  const deps = await composeApp(config);
  try {
    if (sub === 'import') {
      const text = readFileSync(arg!, 'utf8');
      try {
        const s = await deps.reference.importFile(
          { authority: values.authority, actor: `cli:${io.env['USER'] ?? 'unknown'}` },
          kind,
          text,
          { skipBad: values['skip-bad'], source: basename(arg!) },
        );
        printErrors(io, s.errors);
        io.stdout.write(`${s.summary}\n`);
        return s.skipped > 0 ? 1 : 0;
      } catch (err) {
        if (err instanceof VigilError && err.code === 'VIGIL_REFERENCE_IMPORT_INVALID') {
          printErrors(io, err.errors ?? []);
          io.stdout.write(`${err.message}\n`);
          return 1;
        }
        throw err;
      }
    }
    const reader = { subject: 'cli', authority: values.authority, role: 'admin' as const };
    if (sub === 'list') {
      const page = deps.reference.list(reader, kind, {
        q: values.q,
        at: values.at,
        limit: Number(values.limit),
      });
      for (const c of page.items) {
        io.stdout.write(`${c.code}\t${c.validFrom ?? ''}\t${c.validUntil ?? ''}\t${c.description}\n`);
      }
      return 0;
    }
    io.stdout.write(`${JSON.stringify(await deps.reference.get(reader, kind, arg!))}\n`);
    return 0;
  } finally {
    await deps.db.close();
  }
}

async function throughServer(
  url: string,
  token: string | undefined,
  sub: string,
  kind: ReferenceKind,
  arg: string | undefined,
  values: { 'skip-bad': boolean; q?: string | undefined; at?: string | undefined; limit: string },
  io: CliIo,
): Promise<number> {
  const api = apiClient(url, token);
  if (sub === 'import') {
    const query = new URLSearchParams({ skipBad: String(values['skip-bad']), source: basename(arg!) });
    const res = await fetch(`${url.replace(/\/+$/, '')}/v1/reference/${kind}/imports?${query.toString()}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token ?? ''}`, 'content-type': 'text/csv' },
      body: readFileSync(arg!, 'utf8'),
    });
    const body = (await res.json()) as {
      errors?: FieldError[];
      summary?: string;
      detail?: string;
      skipped?: number;
    };
    printErrors(io, body.errors ?? []);
    io.stdout.write(`${body.summary ?? body.detail ?? res.statusText}\n`);
    return res.status === 201 && (body.skipped ?? 0) === 0 ? 0 : 1;
  }
  const r =
    sub === 'list'
      ? await api(
          'GET',
          `/reference/${kind}?${new URLSearchParams({
            limit: values.limit,
            ...(values.q !== undefined ? { q: values.q } : {}),
            ...(values.at !== undefined ? { at: values.at } : {}),
          }).toString()}`,
        )
      : await api('GET', `/reference/${kind}/${encodeURIComponent(arg!)}`);
  io.stdout.write(`${r.text}\n`);
  return r.status < 400 ? 0 : 1;
}
