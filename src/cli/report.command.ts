/**
 * `vigil report`: the performance indicators over a period, read from a running server with the
 * reader's own token and rights (a coordinator's `--authorities` are checked by the server), written
 * as the API's JSON or CSV, or as a self-contained HTML report whose charts are drawn here (SVG).
 *   vigil report --from 2027-01-01 --to 2027-02-01 --format html --out report.html
 *   [--period day|week|month|quarter|year] [--by DIM] [--authorities BE,DE] [--url U] [--token T]
 * `--to` is the day after the last, as in the API; --url defaults to http://localhost:$PORT and
 * --token to $VIGIL_TOKEN.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { VigilConfig } from '../config/index.ts';
import { VigilError } from '../errors/index.ts';
import { renderIndicatorReport } from '../indicators/index.ts';
import type { IndicatorReport } from '../indicators/index.ts';
import type { CliIo } from './cli-io.ts';
import { apiClient } from './api-client.ts';

const FORMATS = ['html', 'csv', 'json'] as const;
const PERIODS = ['day', 'week', 'month', 'quarter', 'year'] as const;
const DAY_MS = 86_400_000;

function dayArg(name: string, value: string | undefined): string | undefined {
  if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new VigilError('VIGIL_BAD_REQUEST', `--${name} is a day, YYYY-MM-DD (got '${value}')`);
  }
  return value;
}

/**
 * Without --period, a series fine enough to show a trend and coarse enough to read: days up to two
 * months, weeks up to a year, months beyond.
 */
function defaultPeriod(from: string | undefined, to: string | undefined): (typeof PERIODS)[number] {
  if (from === undefined || to === undefined) {
    return 'day';
  }
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS;
  return days <= 62 ? 'day' : days <= 366 ? 'week' : 'month';
}

function isReport(x: unknown): x is IndicatorReport {
  const r = x as Partial<IndicatorReport> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    Array.isArray(r.indicators) &&
    Array.isArray(r.authorities) &&
    typeof r.from === 'string' &&
    typeof r.to === 'string'
  );
}

/** The detail of a problem+json answer, or its status. */
function problemOf(status: number, json: unknown): string {
  const p = json as { code?: unknown; detail?: unknown; title?: unknown } | null;
  const text = [p?.code, p?.detail ?? p?.title].filter((x) => typeof x === 'string').join(': ');
  return `the server answered ${status}${text !== '' ? ` (${text})` : ''}`;
}

export async function reportCommand(config: VigilConfig, args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string', default: 'html' },
      out: { type: 'string' },
      period: { type: 'string' },
      by: { type: 'string' },
      authorities: { type: 'string' },
      url: { type: 'string', default: `http://localhost:${config.port}` },
      token: { type: 'string' },
    },
  });
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) {
    throw new VigilError('VIGIL_BAD_REQUEST', `--format is one of ${FORMATS.join(', ')}`);
  }
  const from = dayArg('from', values.from);
  const to = dayArg('to', values.to);
  const period = values.period ?? defaultPeriod(from, to);
  if (!(PERIODS as readonly string[]).includes(period)) {
    throw new VigilError('VIGIL_BAD_REQUEST', `--period is one of ${PERIODS.join(', ')}`);
  }
  const q = new URLSearchParams({ period });
  if (from !== undefined) {
    q.set('from', from);
  }
  if (to !== undefined) {
    q.set('to', to);
  }
  if (values.by !== undefined) {
    q.set('by', values.by);
  }
  if (values.authorities !== undefined) {
    q.set('authorities', values.authorities.toUpperCase().replace(/\s+/g, ''));
  }
  // The HTML is drawn from the JSON; CSV is the server's own.
  q.set('format', format === 'csv' ? 'csv' : 'json');
  const api = apiClient(values.url, values.token ?? io.env['VIGIL_TOKEN']);
  const answer = await api('GET', `/indicators?${q.toString()}`);
  if (answer.status >= 400) {
    io.stderr.write(`vigil report: ${problemOf(answer.status, answer.json)}\n`);
    return 1;
  }
  let text: string;
  if (format === 'csv') {
    text = answer.text;
  } else if (!isReport(answer.json)) {
    throw new VigilError('VIGIL_BAD_REQUEST', `${values.url} did not answer an indicator report`);
  } else if (format === 'json') {
    text = `${JSON.stringify(answer.json, null, 2)}\n`;
  } else {
    text = renderIndicatorReport(answer.json, { generatedAt: new Date(), source: values.url });
  }
  if (values.out === undefined) {
    io.stdout.write(text);
  } else {
    writeFileSync(values.out, text);
    const n =
      answer.json !== null && isReport(answer.json) ? `${answer.json.indicators.length} indicators, ` : '';
    io.stderr.write(`vigil report: wrote ${values.out} (${n}${format})\n`);
  }
  return 0;
}
