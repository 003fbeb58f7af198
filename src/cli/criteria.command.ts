/**
 * `vigil criteria …`: common risk criteria from the centre on the command line, spoken over the HTTP
 * API (like `vigil rifs`) with the user's own token, so a coordinator publishes, amends and withdraws
 * with exactly the rights the server gives them, and anyone who may read them lists them and reads
 * their figures.
 *   vigil criteria list | show ID
 *   vigil criteria publish CRITERION.json | amend ID CRITERION.json | withdraw ID --reason TEXT
 *   vigil criteria figures ID [--from DAY] [--to DAY]
 * --url (default http://localhost:$PORT), --token (default $VIGIL_TOKEN); --json prints the API's
 * answer as it is. A refusal prints the problem JSON and exits 1.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { VigilConfig } from '../config/index.ts';
import { VigilError } from '../errors/index.ts';
import type { ApiAnswer } from './api-client.ts';
import { apiClient } from './api-client.ts';
import type { CliIo } from './cli-io.ts';
import type { CommonCriterion, CriterionFigures, PublishedCriterion } from '../common-criteria/index.ts';

const USAGE = 'usage: vigil criteria list|show|publish|amend|withdraw|figures (vigil help lists the options)';

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new VigilError('VIGIL_BAD_REQUEST', `cannot read ${path} as JSON: ${(err as Error).message}`);
  }
}

/** The figures as a table: one line per member, then the total. */
export function figuresTable(f: CriterionFigures): string[] {
  const head = ['AUTHORITY', 'ANALYSED', 'HITS', 'FINAL', 'CONTROLS', 'POSITIVE', 'FALSE POS', 'YIELD'];
  const line = (name: string, r: Omit<CriterionFigures['total'], never>): string[] => [
    name,
    String(r.itemsAnalysed),
    String(r.automatedHits),
    String(r.finalHits),
    String(r.controls),
    String(r.positives),
    String(r.falsePositives),
    r.yield === null ? '–' : `${(r.yield * 100).toFixed(1)} %`,
  ];
  const rows = [head, ...f.authorities.map((r) => line(r.authority, r)), line('TOTAL', f.total)];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return [
    `${f.kind.toUpperCase()} ${f.criterion}, ${f.from} to ${f.to} (exclusive)`,
    ...rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')),
  ];
}

export async function criteriaCommand(config: VigilConfig, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string', default: `http://localhost:${config.port}` },
      token: { type: 'string' },
      json: { type: 'boolean', default: false },
      reason: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
    },
  });
  const [sub, arg, arg2] = positionals;
  const api = apiClient(values.url, values.token ?? io.env['VIGIL_TOKEN']);
  const write = (line: string): void => void io.stdout.write(`${line}\n`);
  const show = (r: ApiAnswer, text: (json: never) => void): number => {
    if (r.status >= 400 || values.json) {
      write(JSON.stringify(r.json, null, 2));
      return r.status < 400 ? 0 : 1;
    }
    text(r.json as never);
    return 0;
  };
  const need = (what: string | undefined, usage: string): string => {
    if (what === undefined) {
      throw new VigilError('VIGIL_BAD_REQUEST', `usage: vigil criteria ${usage}`);
    }
    return what;
  };
  const path = (id: string, rest = ''): string => `/common-criteria/${encodeURIComponent(id)}${rest}`;
  const changed = (json: CommonCriterion): void =>
    write(
      `${json.kind} ${json.id} version ${json.version} (${json.status}) applied by ${json.memberRules.length} member(s) as rule ${json.ruleId}`,
    );

  switch (sub) {
    case 'list':
      return show(await api('GET', '/common-criteria?limit=500'), (json: { items: PublishedCriterion[] }) => {
        if (json.items.length === 0) {
          io.stderr.write('no common criteria your authority coordinates or applies\n');
          return;
        }
        for (const c of json.items) {
          write(`${c.id}  ${c.kind}  v${c.version}  ${c.status}  ${c.coordinator}  ${c.title}`);
        }
      });
    case 'show':
      return show(await api('GET', path(need(arg, 'show ID'))), (json: CommonCriterion) => {
        changed(json);
        for (const v of json.versions) {
          write(`  v${v.version} ${v.status} ${v.publishedAt} by ${v.publishedBy}: ${v.condition}`);
        }
        for (const m of json.memberRules) {
          write(`  ${m.authority}: version ${m.version} as rule version ${m.ruleVersion} (${m.appliedAt})`);
        }
      });
    case 'publish':
      return show(
        await api('POST', '/common-criteria', readJson(need(arg, 'publish CRITERION.json'))),
        changed,
      );
    case 'amend': {
      const id = need(arg, 'amend ID CRITERION.json');
      return show(await api('PUT', path(id), readJson(need(arg2, 'amend ID CRITERION.json'))), changed);
    }
    case 'withdraw': {
      const id = need(arg, 'withdraw ID --reason TEXT');
      const reason = need(values.reason, 'withdraw ID --reason TEXT');
      return show(await api('POST', path(id, '/withdrawal'), { reason }), changed);
    }
    case 'figures': {
      const id = need(arg, 'figures ID [--from DAY] [--to DAY]');
      const q = new URLSearchParams();
      if (values.from !== undefined) {
        q.set('from', values.from);
      }
      if (values.to !== undefined) {
        q.set('to', values.to);
      }
      const query = q.size > 0 ? `?${q.toString()}` : '';
      return show(await api('GET', path(id, `/figures${query}`)), (json: CriterionFigures) => {
        for (const line of figuresTable(json)) {
          write(line);
        }
      });
    }
    case undefined:
    default:
      throw new VigilError('VIGIL_BAD_REQUEST', USAGE);
  }
}
