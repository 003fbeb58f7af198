/**
 * The entry-summary model from the command line: `vigil train --from-db` trains a challenger from the
 * authority's control results and runs the champion–challenger decision; `vigil models rollback`,
 * `models activate VERSION`, `models show VERSION` (the card), `models drift` and `models
 * activations`. On the database (the CLI acts as `admin:cli` of the authority), or through a running
 * server with --url and --token (the embedded database admits one process).
 */
import { parseArgs } from 'node:util';
import type { VigilConfig } from '../config/index.ts';
import { VigilError } from '../errors/index.ts';
import type { Actor } from '../auth/index.ts';
import type { EnsModelCard, TrainingReport } from '../models/index.ts';
import { apiClient } from './api-client.ts';
import type { CliIo } from './cli-io.ts';
import type { AppDeps } from '../app/compose.ts';

/** `2027-01-31` (midnight UTC) or an ISO 8601 instant. */
function instantArg(name: string, value: string | undefined): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const s = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  if (Number.isNaN(Date.parse(s))) {
    throw new VigilError(
      'VIGIL_BAD_REQUEST',
      `--${name} must be a date (2027-01-31) or an ISO 8601 instant, not '${value}'`,
    );
  }
  return new Date(s).toISOString();
}

function summary(r: TrainingReport): string {
  const c: EnsModelCard = r.card;
  const m = c.metrics;
  const f = (x: number | null | undefined): string =>
    typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : '-';
  return [
    `trained model v${r.version} in ${c.trainingSeconds} s on ${c.labels.fit.rows} controlled consignments (${c.labels.fit.positives} with findings; ${Object.entries(
      c.labels.fit.bySource,
    )
      .map(([s, x]) => `${s} ${x.rows}`)
      .join(', ')}), ${c.dataWindow.fit.from.slice(0, 10)}..${c.dataWindow.fit.to.slice(0, 10)}`,
    `judged on ${c.labels.evaluation.rows} later ones (${c.dataWindow.evaluation.from.slice(0, 10)}..${c.dataWindow.evaluation.to.slice(0, 10)}): precision at capacity ${f(m.challenger.precisionAtCapacity)}${m.champion === null ? '' : `, champion v${m.champion.version} ${f(m.champion.precisionAtCapacity)}`}, random selection ${f(m.challenger.baseRate)}, AUC ${f(m.challenger.auc)}`,
    `${r.activated ? 'promoted' : 'not promoted'}: ${c.decision.reason}`,
  ].join('\n');
}

async function withApp<T>(config: VigilConfig, fn: (deps: AppDeps) => Promise<T>): Promise<T> {
  const { composeApp } = await import('../app/compose.ts');
  const deps = await composeApp(config);
  try {
    return await fn(deps);
  } finally {
    await deps.db.close();
  }
}

/** `vigil train --from-db [--authority X] [--since D] [--until D] [--no-promote] [--shuffle-labels]`. */
export async function ensTrainCommand(config: VigilConfig, args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'from-db': { type: 'boolean', default: false },
      authority: { type: 'string', default: config.demoAuthority },
      since: { type: 'string' },
      until: { type: 'string' },
      'no-promote': { type: 'boolean', default: false },
      'shuffle-labels': { type: 'boolean', default: false },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      url: { type: 'string' },
      token: { type: 'string' },
    },
  });
  const since = instantArg('since', values.since);
  const until = instantArg('until', values.until);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) {
    throw new VigilError('VIGIL_BAD_REQUEST', `--seed must be a whole number, not '${values.seed}'`);
  }
  let report: TrainingReport;
  if (values.url !== undefined) {
    const api = apiClient(values.url, values.token ?? io.env['VIGIL_TOKEN']);
    const r = await api('POST', '/models/training', {
      ...(since === undefined ? {} : { since }),
      ...(until === undefined ? {} : { until }),
      promote: !values['no-promote'],
      shuffleLabels: values['shuffle-labels'],
      ...(seed === undefined ? {} : { seed }),
    });
    if (r.status >= 400) {
      io.stderr.write(`vigil train: ${(r.json as { detail?: string } | null)?.detail ?? r.text}\n`);
      return 1;
    }
    report = r.json as TrainingReport;
  } else {
    const actor: Actor = { authority: values.authority, role: 'admin', subject: 'cli' };
    report = await withApp(config, (deps) =>
      deps.ensModels.train(actor, values.authority, {
        since: since === undefined ? undefined : new Date(since),
        until: until === undefined ? undefined : new Date(until),
        promote: !values['no-promote'],
        shuffleLabels: values['shuffle-labels'],
        seed,
      }),
    );
  }
  io.stderr.write(`${summary(report)}\n`);
  io.stdout.write(
    `${JSON.stringify(values.json ? report : { version: report.version, activated: report.activated, decision: report.card.decision })}\n`,
  );
  return 0;
}

const MODELS_USAGE =
  'usage: vigil models rollback | activate VERSION | show VERSION | drift [--days N] | activations  (each with [--authority X] or [--url U --token T])';

/** `vigil models rollback|activate|show|drift|activations`. */
export async function ensModelsCommand(
  config: VigilConfig,
  sub: string,
  args: string[],
  io: CliIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      authority: { type: 'string', default: config.demoAuthority },
      days: { type: 'string', default: '7' },
      url: { type: 'string' },
      token: { type: 'string' },
    },
  });
  const version = positionals[0] === undefined ? undefined : Number(positionals[0]);
  if ((sub === 'activate' || sub === 'show') && (version === undefined || !Number.isInteger(version))) {
    throw new VigilError('VIGIL_BAD_REQUEST', MODELS_USAGE);
  }
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1) {
    throw new VigilError('VIGIL_BAD_REQUEST', `--days must be a whole number of days, not '${values.days}'`);
  }
  if (values.url !== undefined) {
    const api = apiClient(values.url, values.token ?? io.env['VIGIL_TOKEN']);
    const r =
      sub === 'rollback'
        ? await api('POST', '/models/rollback')
        : sub === 'activate'
          ? await api('POST', `/models/${version}/activation`)
          : sub === 'show'
            ? await api('GET', `/models/${version}`)
            : sub === 'drift'
              ? await api('GET', `/models/drift?days=${days}`)
              : await api('GET', '/models/activations');
    io.stdout.write(`${JSON.stringify(r.json)}\n`);
    return r.status < 400 ? 0 : 1;
  }
  const actor: Actor = { authority: values.authority, role: 'admin', subject: 'cli' };
  const out = await withApp(config, async (deps) => {
    const m = deps.ensModels;
    switch (sub) {
      case 'rollback': {
        const r = await m.rollback(actor);
        io.stderr.write(`rolled back from v${r.from} to ${r.to === null ? 'no model' : `v${r.to}`}\n`);
        return r;
      }
      case 'activate':
        return m.activate(actor, version!);
      case 'show':
        return m.card(actor, version!);
      case 'drift': {
        const d = await m.drift(actor, values.authority, days);
        io.stderr.write(
          `model v${d.version}: ${d.scored} consignments scored since ${d.from.slice(0, 10)}; PSI ${d.psi ?? '-'} (${d.status})\n`,
        );
        return d;
      }
      default:
        return { items: await m.activations(actor) };
    }
  });
  io.stdout.write(`${JSON.stringify(out)}\n`);
  return 0;
}

export const ENS_MODELS_SUBCOMMANDS: readonly string[] = [
  'rollback',
  'activate',
  'show',
  'drift',
  'activations',
];
