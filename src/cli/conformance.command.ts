/**
 * `vigil conformance --url URL --key KEY [--junit FILE] [--adapter CMD] [--only NAME,...]`: runs the
 * published conformance scenarios (src/conformance) against a Vigil endpoint as a filer's system would,
 * prints one line per scenario and a total, and writes JUnit XML when asked. Exit 0 when no scenario
 * failed, 1 when one did, 2 when it could not run (usage, an unreachable server).
 */
import { parseArgs } from 'node:util';
import { VigilError } from '../errors/index.ts';
import {
  conformanceScenarios,
  formatResult,
  formatTotals,
  runConformance,
  selectScenarios,
  writeJunit,
} from '../conformance/index.ts';
import type { CliIo } from './cli-io.ts';

export const CONFORMANCE_USAGE =
  'usage: vigil conformance --url URL --key KEY [--junit FILE] [--adapter CMD] [--only NAME,...] [--eori EORI] [--callback-host HOST] [--wait SECONDS] | vigil conformance --list';

export async function conformanceCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      junit: { type: 'string' },
      adapter: { type: 'string' },
      only: { type: 'string' },
      eori: { type: 'string', default: 'NL123456789' },
      'callback-host': { type: 'string' },
      wait: { type: 'string', default: '30' },
      'adapter-timeout': { type: 'string', default: '120' },
      list: { type: 'boolean', default: false },
    },
  });
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (values.list) {
    for (const s of selectScenarios(conformanceScenarios(), only)) {
      io.stdout.write(`${s.name.padEnd(36)} ${s.description}\n`);
    }
    return 0;
  }
  const key = values.key ?? io.env['VIGIL_KEY'] ?? io.env['VIGIL_TOKEN'];
  if (values.url === undefined || key === undefined) {
    throw new VigilError('VIGIL_BAD_REQUEST', `conformance needs --url and --key (${CONFORMANCE_USAGE})`);
  }
  const seconds = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) {
      throw new VigilError('VIGIL_BAD_REQUEST', `--${name} is a number of seconds above 0`);
    }
    return n * 1000;
  };
  if (only !== undefined && selectScenarios(conformanceScenarios(), only).length === 0) {
    throw new VigilError('VIGIL_BAD_REQUEST', `--only ${values.only ?? ''} selects no scenario (see --list)`);
  }
  io.stdout.write(
    `vigil conformance against ${values.url}${values.adapter !== undefined ? ` through the adapter ${values.adapter}` : ''}\n`,
  );
  const results = await runConformance(
    {
      url: values.url,
      key,
      adapter: values.adapter,
      only,
      callbackHost: values['callback-host'],
      eori: values.eori.toUpperCase(),
      waitMs: seconds('wait', values.wait),
      adapterTimeoutMs: seconds('adapter-timeout', values['adapter-timeout']),
      env: io.env,
    },
    (r) => void io.stdout.write(`${formatResult(r)}\n`),
  );
  io.stdout.write(`${formatTotals(results)}\n`);
  if (values.junit !== undefined) {
    writeJunit(values.junit, results, values.url);
    io.stdout.write(`JUnit report: ${values.junit}\n`);
  }
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}
