/**
 * `vigil train`, `vigil evaluate` and `vigil simulate`: the learned model on Korea Customs Service
 * declarations (`--format kcs`). evaluate prints a table and one JSON line last (only the JSON line
 * with --json); simulate prints a weekly table for one --seed, or with --seeds the totals per seed,
 * their mean ± sd and the cumulative curve (one JSON object with --json).
 */
import { parseArgs } from 'node:util';
import { VigilError } from '../errors/index.ts';
import type { CliIo } from './cli-io.ts';
import {
  EXPLORATION_STRATEGIES,
  KcsModelError,
  evaluateKcs,
  formatEvaluation,
  formatEvaluationTable,
  formatSeedsSummary,
  formatSimulation,
  seedsSummaryJson,
  simulateKcs,
  simulateKcsSeeds,
  trainKcs,
} from '../kcs/index.ts';
import type { ExplorationStrategy } from '../kcs/index.ts';
import { KEY_FIELDS } from '../kcs/features.ts';

const num = (s: string | undefined, name: string): number | undefined => {
  if (s === undefined) {
    return undefined;
  }
  const n = Number(s);
  if (!Number.isFinite(n)) {
    throw new VigilError('VIGIL_BAD_REQUEST', `--${name} must be a number, not '${s}'`);
  }
  return n;
};

function need(value: string | undefined, flag: string, command: string): string {
  if (value === undefined) {
    throw new VigilError('VIGIL_BAD_REQUEST', `${command} needs --${flag}`);
  }
  return value;
}

/** --novelty-keys: fields or crosses of fields ('hs6*origin') the features know. */
function noveltyKeys(value: string): string[] {
  const keys = value
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  for (const key of keys) {
    const unknown = key.split('*').find((f) => !(f in KEY_FIELDS));
    if (unknown !== undefined) {
      throw new VigilError(
        'VIGIL_BAD_REQUEST',
        `--novelty-keys: '${unknown}' in '${key}' is not a field; fields are ${Object.keys(KEY_FIELDS).join(', ')}`,
      );
    }
  }
  if (keys.length === 0) {
    throw new VigilError('VIGIL_BAD_REQUEST', '--novelty-keys needs at least one key');
  }
  return keys;
}

export async function modelCommand(
  command: 'train' | 'evaluate' | 'simulate',
  args: string[],
  io: CliIo,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      format: { type: 'string', default: 'kcs' },
      data: { type: 'string' },
      out: { type: 'string' },
      model: { type: 'string' },
      seed: { type: 'string' },
      seeds: { type: 'string' },
      strategy: { type: 'string' },
      'ucb-width': { type: 'string' },
      'novelty-keys': { type: 'string' },
      json: { type: 'boolean', default: false },
      'control-rate': { type: 'string' },
      'exploration-share': { type: 'string' },
    },
  });
  if (values.format !== 'kcs') {
    throw new VigilError('VIGIL_BAD_REQUEST', `--format ${values.format} is not supported; only kcs`);
  }
  const seed = num(values.seed, 'seed');
  try {
    switch (command) {
      case 'train': {
        const summary = await trainKcs({
          data: need(values.data, 'data', 'train'),
          out: need(values.out, 'out', 'train'),
          ...(seed === undefined ? {} : { seed }),
        });
        io.stdout.write(`${JSON.stringify(summary)}\n`);
        return 0;
      }
      case 'evaluate': {
        const result = await evaluateKcs({
          model: need(values.model, 'model', 'evaluate'),
          data: need(values.data, 'data', 'evaluate'),
        });
        if (!values.json) {
          io.stdout.write(`${formatEvaluationTable(result)}\n`);
        }
        io.stdout.write(`${formatEvaluation(result)}\n`);
        return 0;
      }
      case 'simulate': {
        const controlRate = num(values['control-rate'], 'control-rate');
        const explorationShare = num(values['exploration-share'], 'exploration-share');
        const ucbWidth = num(values['ucb-width'], 'ucb-width');
        const strategy = values.strategy as ExplorationStrategy | undefined;
        if (strategy !== undefined && !EXPLORATION_STRATEGIES.includes(strategy)) {
          throw new VigilError(
            'VIGIL_BAD_REQUEST',
            `--strategy must be one of ${EXPLORATION_STRATEGIES.join(', ')}, not '${strategy}'`,
          );
        }
        const options = {
          data: need(values.data, 'data', 'simulate'),
          ...(controlRate === undefined ? {} : { controlRate }),
          ...(explorationShare === undefined ? {} : { explorationShare }),
          ...(ucbWidth === undefined ? {} : { ucbWidth }),
          ...(strategy === undefined ? {} : { strategy }),
          ...(values['novelty-keys'] === undefined
            ? {}
            : { noveltyKeys: noveltyKeys(values['novelty-keys']) }),
        };
        if (values.seeds !== undefined) {
          if (seed !== undefined) {
            throw new VigilError('VIGIL_BAD_REQUEST', 'simulate takes --seed N or --seeds A,B,C, not both');
          }
          const seeds = values.seeds.split(',').map((x) => num(x.trim(), 'seeds')!);
          const summary = await simulateKcsSeeds({ ...options, seeds });
          io.stdout.write(
            values.json
              ? `${JSON.stringify(seedsSummaryJson(summary))}\n`
              : `${formatSeedsSummary(summary)}\n`,
          );
          return 0;
        }
        const result = await simulateKcs({ ...options, ...(seed === undefined ? {} : { seed }) });
        io.stdout.write(`${formatSimulation(result)}\n`);
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof KcsModelError) {
      io.stderr.write(`vigil ${command}: ${err.message}\n`);
      return 2;
    }
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      io.stderr.write(`vigil ${command}: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}
