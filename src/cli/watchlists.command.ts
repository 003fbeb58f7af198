/**
 * `vigil watchlists list|import|match|search`: an analyst's watchlist tools, spoken over the HTTP API
 * (like `vigil rules`) so they work against a running server with the analyst's own token and rights.
 *   vigil watchlists list
 *   vigil watchlists import NAME FILE [--format F] [--aliases ALT.csv] [--replace] [--subject S]
 *       loads a list file: Vigil's CSV or NDJSON, the UN consolidated list (un-xml), the EU financial
 *       sanctions file (eu-fsf-xml), OFAC's sdn.csv (ofac-sdn-csv, with --aliases alt.csv) or sdn.xml
 *       (ofac-sdn-xml); the format defaults to the file's (an XML list by its root element). Adds to
 *       the list, or with --replace swaps it whole; with --subject, creates the list when it is absent.
 *   vigil watchlists match NAME VALUE      whether VALUE is listed, and which entity and name it matched
 *   vigil watchlists search NAME VALUE     every entity VALUE matches, each with its match explained
 * --url (default http://localhost:$PORT) and --token (default $VIGIL_TOKEN).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import type { VigilConfig } from '../config/index.ts';
import { VigilError } from '../errors/index.ts';
import { LIST_FORMATS } from '../rules/index.ts';
import type { ListFormat } from '../rules/index.ts';
import type { CliIo } from './cli-io.ts';
import { apiClient } from './api-client.ts';

const USAGE =
  'usage: vigil watchlists list | import NAME FILE [--format F] [--aliases ALT.csv] [--replace] [--subject S] | match NAME VALUE | search NAME VALUE';

/** The content type a list file goes with: by its format, else by its extension. */
function contentTypeOf(file: string, format: ListFormat | undefined): string {
  if (format !== undefined) {
    return format.endsWith('-xml')
      ? 'application/xml'
      : format === 'ndjson'
        ? 'application/x-ndjson'
        : 'text/csv';
  }
  switch (extname(file).toLowerCase()) {
    case '.xml':
      return 'application/xml';
    case '.ndjson':
    case '.jsonl':
      return 'application/x-ndjson';
    default:
      return 'text/csv';
  }
}

function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new VigilError('VIGIL_BAD_REQUEST', `cannot read ${path}: ${(err as Error).message}`);
  }
}

export async function watchlistsCommand(config: VigilConfig, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string', default: `http://localhost:${config.port}` },
      token: { type: 'string' },
      format: { type: 'string' },
      aliases: { type: 'string' },
      replace: { type: 'boolean', default: false },
      subject: { type: 'string' },
    },
  });
  const [sub, name, arg] = positionals;
  const api = apiClient(values.url, values.token ?? io.env['VIGIL_TOKEN']);
  const print = (r: { status: number; json: unknown }): number => {
    io.stdout.write(`${JSON.stringify(r.json, null, 2)}\n`);
    return r.status < 400 ? 0 : 1;
  };
  const list = (n: string): string => `/watchlists/${encodeURIComponent(n)}`;
  switch (sub) {
    case 'list': {
      const r = await api('GET', '/watchlists');
      if (r.status >= 400) {
        return print(r);
      }
      for (const w of (
        r.json as { items: { name: string; subject: string; size: number; updatedAt: string }[] }
      ).items) {
        io.stdout.write(
          `${w.name.padEnd(32)} ${w.subject.padEnd(18)} ${String(w.size).padStart(8)}  ${w.updatedAt}\n`,
        );
      }
      return 0;
    }
    case 'import': {
      if (name === undefined || arg === undefined) {
        throw new VigilError('VIGIL_BAD_REQUEST', `watchlists import needs NAME and FILE\n${USAGE}`);
      }
      const format = values.format as ListFormat | undefined;
      if (format !== undefined && !(LIST_FORMATS as readonly string[]).includes(format)) {
        throw new VigilError('VIGIL_BAD_REQUEST', `--format is one of ${LIST_FORMATS.join(', ')}`);
      }
      if (values.aliases !== undefined && format !== 'ofac-sdn-csv') {
        throw new VigilError('VIGIL_BAD_REQUEST', '--aliases (alt.csv) goes with --format ofac-sdn-csv');
      }
      if (values.subject !== undefined) {
        const known = await api('GET', '/watchlists');
        const names = (known.json as { items?: { name: string }[] } | null)?.items?.map((w) => w.name) ?? [];
        if (known.status < 400 && !names.includes(name)) {
          const made = await api('POST', '/watchlists', { name, subject: values.subject, entries: [] });
          if (made.status >= 400) {
            return print(made);
          }
        }
      }
      // sdn.csv then alt.csv, as one body (each file's closing Ctrl-Z is skipped by the reader).
      const body = Buffer.concat([
        readFile(arg),
        ...(values.aliases !== undefined ? [Buffer.from('\n'), readFile(values.aliases)] : []),
      ]);
      const query = format !== undefined ? `?format=${format}` : '';
      return print(
        await api(
          values.replace ? 'PUT' : 'POST',
          `${list(name)}/entries${query}`,
          body,
          contentTypeOf(arg, format),
        ),
      );
    }
    case 'match':
    case 'search': {
      if (name === undefined || arg === undefined) {
        throw new VigilError('VIGIL_BAD_REQUEST', `watchlists ${sub} needs NAME and VALUE\n${USAGE}`);
      }
      return print(
        await api(
          'GET',
          sub === 'match'
            ? `${list(name)}/match?value=${encodeURIComponent(arg)}`
            : `${list(name)}/entries?q=${encodeURIComponent(arg)}`,
        ),
      );
    }
    case undefined:
    default:
      throw new VigilError('VIGIL_BAD_REQUEST', USAGE);
  }
}
