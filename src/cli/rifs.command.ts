/**
 * `vigil rifs …`: risk information forms from the command line, spoken over the HTTP API (like
 * `vigil rules`) with the user's own token, so an analyst drafts, issues, adopts and answers RIFs with
 * exactly the rights the server gives them.
 *   vigil rifs list [--box inbox|issued] [--label L]
 *   vigil rifs show ID [--version N]
 *   vigil rifs draft RIF.json | amend ID RIF.json | issue ID | withdraw ID --reason TEXT
 *   vigil rifs adopt ID [--dry-run] [--no-activate] [--backtest-days N]
 *   vigil rifs decide ID noted|declined [--reason TEXT]
 *   vigil rifs feedback ID [--usefulness useful|not-useful [--comment TEXT] [--controls N]]
 *   vigil rifs export ID [--out FILE] | import BUNDLE.json
 * --url (default http://localhost:$PORT), --token (default $VIGIL_TOKEN); --json prints the API's
 * answer as it is. A refusal prints the problem JSON and exits 1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { VigilConfig } from '../config/index.ts';
import { VigilError } from '../errors/index.ts';
import type { ApiAnswer } from './api-client.ts';
import { apiClient } from './api-client.ts';
import type { CliIo } from './cli-io.ts';

const USAGE =
  'usage: vigil rifs list|show|draft|amend|issue|withdraw|adopt|decide|feedback|export|import (vigil help lists the options)';

interface RifView {
  readonly id: string;
  readonly version: number;
  readonly issuer: string;
  readonly status: string;
  readonly title: string;
  readonly riskArea: string;
  readonly handling: { readonly tlp: string };
}

interface Duplicate {
  readonly id: string;
  readonly issuer: string;
  readonly title?: string;
  readonly score: number;
  readonly shared: readonly { readonly indicator: string; readonly values: readonly string[] }[];
}

interface Backtest {
  readonly period: { readonly from: string; readonly to: string };
  readonly consignmentsAssessed: number;
  readonly consignmentsHit: number;
  readonly hitRate: number;
  readonly controlled: number;
  readonly irregular: number;
  readonly irregularShare: number | null;
  readonly addedControlLoad: number;
  readonly addedControlLoadShare: number;
}

interface Feedback {
  readonly authority: string;
  readonly kind: string;
  readonly at: string;
  readonly rifVersion: number;
  readonly result: string | null;
  readonly seizure: { readonly category: string; readonly quantity: number; readonly unit: string } | null;
  readonly usefulness: string | null;
  readonly comment: string | null;
  readonly controlsDone: number | null;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new VigilError('VIGIL_BAD_REQUEST', `cannot read ${path} as JSON: ${(err as Error).message}`);
  }
}

const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;
const day = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

export async function rifsCommand(config: VigilConfig, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      url: { type: 'string', default: `http://localhost:${config.port}` },
      token: { type: 'string' },
      json: { type: 'boolean', default: false },
      box: { type: 'string' },
      label: { type: 'string' },
      version: { type: 'string' },
      reason: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'no-activate': { type: 'boolean', default: false },
      'backtest-days': { type: 'string' },
      usefulness: { type: 'string' },
      comment: { type: 'string' },
      controls: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const [sub, arg, arg2] = positionals;
  const api = apiClient(values.url, values.token ?? io.env['VIGIL_TOKEN']);
  const write = (line: string): void => void io.stdout.write(`${line}\n`);
  const print = (r: ApiAnswer): number => {
    write(JSON.stringify(r.json, null, 2));
    return r.status < 400 ? 0 : 1;
  };
  /** The answer as text when it went well (or always with --json); the problem JSON when refused. */
  const show = (r: ApiAnswer, text: (json: never) => void): number => {
    if (r.status >= 400 || values.json) {
      return print(r);
    }
    text(r.json as never);
    return 0;
  };
  const need = (what: string | undefined, usage: string): string => {
    if (what === undefined) {
      throw new VigilError('VIGIL_BAD_REQUEST', `usage: vigil rifs ${usage}`);
    }
    return what;
  };
  const whole = (value: string | undefined, flag: string): number | undefined => {
    if (value === undefined) {
      return undefined;
    }
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) {
      throw new VigilError('VIGIL_BAD_REQUEST', `${flag} is a whole number`);
    }
    return n;
  };
  const path = (id: string, rest = ''): string => `/rifs/${encodeURIComponent(id)}${rest}`;
  const duplicates = (list: readonly Duplicate[] | undefined): void => {
    if (list === undefined || list.length === 0) {
      return;
    }
    write('possible duplicates of active RIFs:');
    for (const d of list) {
      const shared = d.shared.map((s) => `${s.indicator} ${s.values.join(' ')}`).join('; ');
      write(
        `  ${d.id} from ${d.issuer}, score ${d.score.toFixed(2)}: ${d.title ?? '(not visible to you)'}${shared !== '' ? ` — shared: ${shared}` : ''}`,
      );
    }
  };

  switch (sub) {
    case 'list': {
      const q = new URLSearchParams({ limit: '1000' });
      if (values.box !== undefined) {
        q.set('box', values.box);
      }
      if (values.label !== undefined) {
        q.set('label', values.label);
      }
      const r = await api('GET', `/rifs?${q.toString()}`);
      const issued = values.box === 'issued';
      return show(r, (json: { items: (RifView | { rif: RifView; labels: string[] })[] }) => {
        const rows = json.items.map((item) =>
          'rif' in item ? { rif: item.rif, state: item.labels.join(',') } : { rif: item, state: item.status },
        );
        if (rows.length === 0) {
          io.stderr.write(
            `no RIFs ${issued ? 'issued by you' : 'in your inbox'}${values.label !== undefined ? ` labelled ${values.label}` : ''}\n`,
          );
          return;
        }
        const width = Math.max(2, ...rows.map((x) => x.rif.id.length));
        const stateWidth = Math.max(6, ...rows.map((x) => x.state.length));
        write(
          `${'ID'.padEnd(width)}  ${'VER'.padEnd(3)}  ${'ISSUER'.padEnd(6)}  ${(issued ? 'STATUS' : 'LABELS').padEnd(stateWidth)}  ${'TLP'.padEnd(12)}  ${'RISK AREA'.padEnd(17)}  TITLE`,
        );
        for (const { rif, state } of rows) {
          write(
            `${rif.id.padEnd(width)}  ${`v${rif.version}`.padEnd(3)}  ${rif.issuer.padEnd(6)}  ${state.padEnd(stateWidth)}  ${rif.handling.tlp.padEnd(12)}  ${rif.riskArea.padEnd(17)}  ${rif.title}`,
          );
        }
      });
    }
    case 'show': {
      const id = need(arg, 'show ID [--version N]');
      const version = whole(values.version, '--version');
      return print(await api('GET', path(id, version !== undefined ? `?version=${version}` : '')));
    }
    case 'draft': {
      const file = need(arg, 'draft RIF.json');
      const r = await api('POST', '/rifs', readJson(file));
      return show(r, (json: { rif: RifView; duplicates: Duplicate[] }) => {
        write(`drafted ${json.rif.id} (version ${json.rif.version}, ${json.rif.status}): ${json.rif.title}`);
        duplicates(json.duplicates);
      });
    }
    case 'amend': {
      const id = need(arg, 'amend ID RIF.json');
      const file = need(arg2, 'amend ID RIF.json');
      const r = await api('PUT', path(id), readJson(file));
      return show(r, (json: { rif: RifView; duplicates: Duplicate[] }) => {
        write(
          `${json.rif.id} is now version ${json.rif.version} (${json.rif.status}${json.rif.status === 'issued' ? ': its recipients see it amended' : ''})`,
        );
        duplicates(json.duplicates);
      });
    }
    case 'issue': {
      const id = need(arg, 'issue ID');
      const r = await api('POST', path(id, '/issue'));
      return show(r, (json: { rif: RifView; deliveredTo: string[] }) =>
        write(
          `issued ${json.rif.id} v${json.rif.version} to ${json.deliveredTo.length > 0 ? json.deliveredTo.join(', ') : 'nobody'}`,
        ),
      );
    }
    case 'withdraw': {
      const id = need(arg, 'withdraw ID --reason TEXT');
      const reason = need(values.reason, 'withdraw ID --reason TEXT');
      const r = await api('POST', path(id, '/withdrawal'), { reason });
      return show(r, (json: RifView & { withdrawalReason: string }) =>
        write(`withdrew ${json.id}: ${json.withdrawalReason}`),
      );
    }
    case 'adopt': {
      const id = need(arg, 'adopt ID [--dry-run] [--no-activate] [--backtest-days N]');
      const backtestDays = whole(values['backtest-days'], '--backtest-days');
      const r = await api('POST', path(id, '/adoption'), {
        activate: !values['no-activate'],
        dryRun: values['dry-run'],
        ...(backtestDays !== undefined ? { backtestDays } : {}),
      });
      return show(
        r,
        (json: {
          rule: { id: string; version?: number; status: string; condition: string };
          backtest: Backtest | null;
          activated: boolean;
          notExpressed?: { indicator: string; why: string }[];
        }) => {
          const rule = json.rule;
          write(
            values['dry-run']
              ? `dry run: ${id} would become rule ${rule.id} (nothing saved)`
              : `adopted ${id} as rule ${rule.id}${rule.version !== undefined ? ` v${rule.version}` : ''} (${rule.status})`,
          );
          write(`condition: ${rule.condition}`);
          for (const n of json.notExpressed ?? []) {
            write(`not checked by the rule: ${n.indicator} (${n.why})`);
          }
          const b = json.backtest;
          if (b !== null) {
            write(`backtest ${day(b.period.from)} → ${day(b.period.to)}:`);
            write(`  consignments assessed  ${b.consignmentsAssessed}`);
            write(`  consignments hit       ${b.consignmentsHit} (hit rate ${percent(b.hitRate)})`);
            write(
              `  irregular share        ${b.irregularShare === null ? 'none of the hits was controlled' : `${percent(b.irregularShare)} of ${b.controlled} controlled hits`}`,
            );
            write(
              `  added control load     ${b.addedControlLoad} (${percent(b.addedControlLoadShare)} of the consignments)`,
            );
          }
        },
      );
    }
    case 'decide': {
      const usage = 'decide ID noted|declined [--reason TEXT]';
      const id = need(arg, usage);
      const decision = need(arg2, usage);
      if (decision !== 'noted' && decision !== 'declined') {
        throw new VigilError('VIGIL_BAD_REQUEST', `usage: vigil rifs ${usage}`);
      }
      const r = await api('POST', path(id, '/decision'), {
        decision,
        ...(values.reason !== undefined ? { reason: values.reason } : {}),
      });
      return show(r, (json: { state: string; reason: string | null }) =>
        write(`${id}: ${json.state}${json.reason !== null ? ` (${json.reason})` : ''}`),
      );
    }
    case 'feedback': {
      const id = need(arg, 'feedback ID [--usefulness useful|not-useful --comment TEXT --controls N]');
      if (values.usefulness !== undefined) {
        const controlsDone = whole(values.controls, '--controls');
        const r = await api('POST', path(id, '/feedback'), {
          usefulness: values.usefulness,
          ...(values.comment !== undefined ? { comment: values.comment } : {}),
          ...(controlsDone !== undefined ? { controlsDone } : {}),
        });
        return show(r, (json: Feedback) =>
          write(`feedback on ${id} given by ${json.authority}: ${json.usefulness ?? ''}`),
        );
      }
      if (values.comment !== undefined || values.controls !== undefined) {
        throw new VigilError('VIGIL_BAD_REQUEST', 'feedback: --comment and --controls go with --usefulness');
      }
      const r = await api('GET', path(id, '/feedback'));
      return show(
        r,
        (json: {
          feedback: Feedback[];
          recipients: { authority: string; state: string; feedbackCount: number; overdue: boolean }[];
        }) => {
          if (json.feedback.length === 0) {
            write(`no feedback on ${id} yet`);
          }
          for (const f of json.feedback) {
            const what =
              f.kind === 'control'
                ? `control: ${f.result ?? ''}${f.seizure !== null ? ` (${f.seizure.quantity} ${f.seizure.unit} ${f.seizure.category})` : ''}`
                : `${f.usefulness ?? ''}${f.controlsDone !== null ? `, ${f.controlsDone} controls` : ''}`;
            write(
              `${day(f.at)}  ${f.authority.padEnd(4)}  v${f.rifVersion}  ${what}${f.comment !== null ? ` — ${f.comment}` : ''}`,
            );
          }
          if (json.recipients.length > 0) {
            write('');
            write(`${'RECIPIENT'.padEnd(9)}  ${'STATE'.padEnd(8)}  ${'FEEDBACK'.padEnd(8)}  OVERDUE`);
            for (const x of json.recipients) {
              write(
                `${x.authority.padEnd(9)}  ${x.state.padEnd(8)}  ${String(x.feedbackCount).padEnd(8)}  ${x.overdue ? 'yes' : 'no'}`,
              );
            }
          }
        },
      );
    }
    case 'export': {
      const id = need(arg, 'export ID [--out FILE]');
      const r = await api('GET', path(id, '/stix'));
      if (r.status >= 400 || values.out === undefined) {
        return print(r);
      }
      writeFileSync(values.out, `${JSON.stringify(r.json, null, 2)}\n`);
      io.stderr.write(`wrote the STIX 2.1 bundle of ${id} to ${values.out}\n`);
      return 0;
    }
    case 'import': {
      const file = need(arg, 'import BUNDLE.json');
      const r = await api('POST', '/rifs/import', readJson(file));
      return show(
        r,
        (json: {
          rif: RifView;
          duplicates: Duplicate[];
          source: { id: string; issuer: string; version: number };
        }) => {
          write(
            `imported ${json.source.id} v${json.source.version} (${json.source.issuer}) as your draft ${json.rif.id}: ${json.rif.title}`,
          );
          duplicates(json.duplicates);
        },
      );
    }
    case undefined:
    default:
      throw new VigilError('VIGIL_BAD_REQUEST', USAGE);
  }
}
