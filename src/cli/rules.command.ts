/**
 * `vigil rules list|add|test|backtest`: the analyst's rule tools, spoken over the HTTP API so they work
 * against a running server (embedded or not) with the analyst's own token and rights.
 *   vigil rules list [--status active]
 *   vigil rules add RULE.json            (an existing id gets a new version)
 *   vigil rules test RULE.json --filing FILING.json [--consignment N]
 *   vigil rules backtest ID --from ISO --to ISO [--version N]
 * --url (default http://localhost:$PORT) and --token (default $VIGIL_TOKEN).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { VigilConfig } from '../config/index.ts';
import { VigilError } from '../errors/index.ts';
import type { CliIo } from './cli-io.ts';
import { apiClient } from './api-client.ts';

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new VigilError('VIGIL_BAD_REQUEST', `cannot read ${path} as JSON: ${(err as Error).message}`);
  }
}

export async function rulesCommand(config: VigilConfig, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string', default: `http://localhost:${config.port}` },
      token: { type: 'string' },
      status: { type: 'string' },
      filing: { type: 'string' },
      consignment: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      version: { type: 'string' },
    },
  });
  const [sub, arg] = positionals;
  const api = apiClient(values.url, values.token ?? io.env['VIGIL_TOKEN']);
  const print = (r: { status: number; json: unknown }): number => {
    io.stdout.write(`${JSON.stringify(r.json, null, 2)}\n`);
    return r.status < 400 ? 0 : 1;
  };
  switch (sub) {
    case 'list': {
      const r = await api(
        'GET',
        `/rules${values.status !== undefined ? `?status=${encodeURIComponent(values.status)}` : ''}`,
      );
      if (r.status >= 400) {
        return print(r);
      }
      for (const rule of (
        r.json as {
          items: {
            id: string;
            version: number;
            status: string;
            riskArea: string;
            weight: number;
            title: string;
          }[];
        }
      ).items) {
        io.stdout.write(
          `${rule.id.padEnd(32)} v${String(rule.version).padEnd(4)} ${rule.status.padEnd(8)} ${rule.riskArea.padEnd(18)} ${String(rule.weight).padStart(5)}  ${rule.title}\n`,
        );
      }
      return 0;
    }
    case 'add': {
      if (arg === undefined) {
        throw new VigilError('VIGIL_BAD_REQUEST', 'rules add needs a RULE.json file');
      }
      const rule = readJson(arg) as { id?: unknown };
      const created = await api('POST', '/rules', rule);
      if (created.status === 409 && typeof rule.id === 'string') {
        return print(await api('PUT', `/rules/${encodeURIComponent(rule.id)}`, rule));
      }
      return print(created);
    }
    case 'test': {
      if (arg === undefined || values.filing === undefined) {
        throw new VigilError('VIGIL_BAD_REQUEST', 'rules test needs RULE.json and --filing FILING.json');
      }
      return print(
        await api('POST', '/rules/test', {
          rule: readJson(arg),
          filing: readJson(values.filing),
          ...(values.consignment !== undefined ? { consignment: Number(values.consignment) } : {}),
        }),
      );
    }
    case 'backtest': {
      if (arg === undefined || values.from === undefined || values.to === undefined) {
        throw new VigilError(
          'VIGIL_BAD_REQUEST',
          'rules backtest needs ID, --from and --to (dates, 2027-01-31, or ISO 8601 date-times)',
        );
      }
      return print(
        await api('POST', `/rules/${encodeURIComponent(arg)}/backtest`, {
          from: values.from,
          to: values.to,
          ...(values.version !== undefined ? { version: Number(values.version) } : {}),
        }),
      );
    }
    case 'activate':
    case 'retire': {
      if (arg === undefined) {
        throw new VigilError('VIGIL_BAD_REQUEST', `rules ${sub} needs the rule's ID`);
      }
      return print(
        await api('POST', `/rules/${encodeURIComponent(arg)}/status`, {
          status: sub === 'activate' ? 'active' : 'retired',
        }),
      );
    }
    case 'stats': {
      if (arg === undefined) {
        throw new VigilError('VIGIL_BAD_REQUEST', "rules stats needs the rule's ID [--from DATE --to DATE]");
      }
      const q = new URLSearchParams();
      if (values.from !== undefined) {
        q.set('from', values.from);
      }
      if (values.to !== undefined) {
        q.set('to', values.to);
      }
      const query = q.size > 0 ? `?${q.toString()}` : '';
      return print(await api('GET', `/rules/${encodeURIComponent(arg)}/stats${query}`));
    }
    case undefined:
    default:
      throw new VigilError(
        'VIGIL_BAD_REQUEST',
        'usage: vigil rules list|add|test|backtest|activate|retire|stats',
      );
  }
}
