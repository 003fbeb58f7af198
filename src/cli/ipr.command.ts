/**
 * `vigil ipr`: the register of IPR applications for action.
 *   vigil ipr import FILE [--skip-bad] [--format csv|ndjson|json] (--authority X | --url U --token T)
 *   vigil ipr list [--brand B] [--right-holder R] [--goods-code C] [--status S] [--number N]
 *   vigil ipr show NUMBER | history NUMBER
 *   vigil ipr add APPLICATION.json | change NUMBER APPLICATION.json
 *   vigil ipr screen DESCRIPTION [--goods-code C] [--day YYYY-MM-DD]
 * The import runs on the database or through a server like the other registries' (registry.command.ts);
 * the rest go through a running server (--url, default http://localhost:$PORT; --token or
 * $VIGIL_TOKEN) with the caller's own rights. Answers are printed as JSON.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { VigilConfig } from '../config/index.ts';
import { ERROR_CATALOGUE, VigilError } from '../errors/index.ts';
import type { ErrorCode, FieldError } from '../errors/index.ts';
import { apiClient } from './api-client.ts';
import type { CliIo } from './cli-io.ts';
import { registryCommand } from './registry.command.ts';

const USAGE =
  'usage: vigil ipr import FILE [--skip-bad] (--authority X | --url U --token T) | list [--brand B] [--right-holder R] [--goods-code C] [--status S] | show NUMBER | history NUMBER | add FILE.json | change NUMBER FILE.json | screen DESCRIPTION [--goods-code C] [--day D]';

export async function iprCommand(config: VigilConfig, args: string[], io: CliIo): Promise<number> {
  if (args[0] === 'import') {
    return registryCommand(config, 'ipr', args, io);
  }
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string', default: `http://localhost:${config.port}` },
      token: { type: 'string' },
      brand: { type: 'string' },
      'right-holder': { type: 'string' },
      'goods-code': { type: 'string' },
      status: { type: 'string' },
      number: { type: 'string' },
      day: { type: 'string' },
    },
  });
  const [sub, a, b] = positionals;
  const usage = (): never => {
    throw new VigilError('VIGIL_BAD_REQUEST', USAGE);
  };
  const query = (params: Record<string, string | undefined>): string => {
    const q = new URLSearchParams(
      Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined),
    ).toString();
    return q === '' ? '' : `?${q}`;
  };
  const json = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const number = (n: string | undefined): string => encodeURIComponent(n ?? usage());
  let call: [string, string, unknown?];
  switch (sub) {
    case 'list':
      call = [
        'GET',
        `/ipr-applications${query({
          brand: values.brand,
          rightHolder: values['right-holder'],
          goodsCode: values['goods-code'],
          status: values.status,
          number: values.number,
        })}`,
      ];
      break;
    case 'show':
      call = ['GET', `/ipr-applications/${number(a)}`];
      break;
    case 'history':
      call = ['GET', `/ipr-applications/${number(a)}/history`];
      break;
    case 'add':
      call = ['POST', '/ipr-applications', json(a ?? usage())];
      break;
    case 'change':
      call = ['PUT', `/ipr-applications/${number(a)}`, json(b ?? usage())];
      break;
    case 'screen':
      call = [
        'GET',
        `/ipr-applications/screen${query({ description: a ?? usage(), goodsCode: values['goods-code'], day: values.day })}`,
      ];
      break;
    case undefined:
    default:
      return usage();
  }
  const api = apiClient(values.url, values.token ?? io.env['VIGIL_TOKEN']);
  const res = await api(...call);
  if (res.status >= 400) {
    const p = (res.json ?? {}) as { code?: string; detail?: string; errors?: FieldError[] };
    io.stderr.write(`vigil ipr ${sub}: ${p.code ?? res.status} ${p.detail ?? res.text.slice(0, 200)}\n`);
    (p.errors ?? []).forEach((e) => void io.stderr.write(`  ${e.path} ${e.code}: ${e.message}\n`));
    return p.code !== undefined && p.code in ERROR_CATALOGUE && (p.code as ErrorCode).endsWith('NOT_FOUND')
      ? 2
      : 1;
  }
  io.stdout.write(`${JSON.stringify(res.json, null, 2)}\n`);
  return 0;
}
