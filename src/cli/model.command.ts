/**
 * `vigil train`, `vigil evaluate` and `vigil simulate`: the learned model on Korea Customs Service
 * declarations (`--format kcs`). evaluate prints one JSON line; simulate prints a weekly table.
 */
import { parseArgs } from 'node:util';
import { VigilError } from '../errors/index.ts';
import type { CliIo } from './cli-io.ts';
import {
  KcsModelError,
  evaluateKcs,
  formatEvaluation,
  formatSimulation,
  simulateKcs,
  trainKcs,
} from '../kcs/index.ts';

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
        io.stdout.write(`${formatEvaluation(result)}\n`);
        return 0;
      }
      case 'simulate': {
        const controlRate = num(values['control-rate'], 'control-rate');
        const explorationShare = num(values['exploration-share'], 'exploration-share');
        const result = await simulateKcs({
          data: need(values.data, 'data', 'simulate'),
          ...(seed === undefined ? {} : { seed }),
          ...(controlRate === undefined ? {} : { controlRate }),
          ...(explorationShare === undefined ? {} : { explorationShare }),
        });
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
