/**
 * Runs the cel-spec conformance files (test/data/cel-spec/*.textproto) through Vigil's own CEL path:
 * compileExpression (rule-compiler.ts), which type-checks against the rule environment and runs the
 * compiled closures (cel-compiler.ts) or, for constructs they do not cover, the library's evaluator
 * with Vigil's replacements. Each case's expected value or error comes from its textproto. What the
 * rule language does not offer is skipped by the data list in skips.ts, each entry with its reason;
 * a case is also reported unsupported when it needs something no rule can express (a proto message
 * type, a container, unchecked evaluation).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Environment } from '@marcbachmann/cel-js';
import type { RuleActivation } from '../../src/risk/activation.ts';
import { createFrame } from '../../src/risk/cel-compiler.ts';
import { celEnvironmentFor, compileExpression } from '../../src/risk/rule-compiler.ts';
import { createRuleRuntime, ruleCheckingEnvironment } from '../../src/risk/rule-environment.ts';
import {
  all,
  decodeUtf8,
  message,
  one,
  parseTextproto,
  scalarText,
  str,
  type TextMessage,
  type TextValue,
} from './textproto.ts';
import { skipReason } from './skips.ts';

export const CEL_SPEC_DIR = join(import.meta.dirname, '..', 'data', 'cel-spec');

export type CaseStatus = 'pass' | 'fail' | 'skipped';

export interface CaseResult {
  readonly file: string;
  readonly section: string;
  readonly name: string;
  readonly expr: string;
  readonly status: CaseStatus;
  /** Why it failed or was skipped. */
  readonly detail: string;
  /** Did Vigil's compiled closures run it (true) or the library's evaluator (false)? */
  readonly compiled?: boolean | undefined;
}

export interface FileSummary {
  readonly file: string;
  readonly total: number;
  readonly supported: number;
  readonly passed: number;
}

/** A case Vigil cannot run, with the reason (becomes a skip). */
class NotSupported extends Error {}

const PRIMITIVES: Record<string, string> = {
  BOOL: 'bool',
  INT64: 'int',
  UINT64: 'uint',
  DOUBLE: 'double',
  STRING: 'string',
  BYTES: 'bytes',
};

/** A cel.expr.Type message as a CEL type name of the rule environment. */
function typeName(t: TextMessage | undefined): string {
  if (t === undefined) {
    throw new NotSupported('a variable without a type');
  }
  const prim = scalarText(one(t, 'primitive'));
  if (prim !== undefined && PRIMITIVES[prim] !== undefined) {
    return PRIMITIVES[prim];
  }
  if (one(t, 'dyn') !== undefined) {
    return 'dyn';
  }
  const list = message(t, 'list_type');
  if (list !== undefined) {
    return `list<${typeName(message(list, 'elem_type'))}>`;
  }
  const map = message(t, 'map_type');
  if (map !== undefined) {
    return `map<${typeName(message(map, 'key_type'))}, ${typeName(message(map, 'value_type'))}>`;
  }
  const wk = scalarText(one(t, 'well_known'));
  if (wk === 'TIMESTAMP') {
    return 'google.protobuf.Timestamp';
  }
  if (wk === 'DURATION') {
    return 'google.protobuf.Duration';
  }
  const msg = str(t, 'message_type');
  throw new NotSupported(`a variable of type ${msg ?? wk ?? 'other'} (no proto messages in rules)`);
}

/**
 * A canonical text of a CEL value, from the textproto's cel.expr.Value: equal texts, equal values.
 * Maps are unordered (entries sorted); timestamps to the millisecond (the library's precision).
 */
function expectedCanon(v: TextMessage): string {
  const [field = '', val] = v.fields[0] ?? [];
  const text = scalarText(val);
  switch (field) {
    case 'int64_value':
      return `int:${BigInt(text ?? '0')}`;
    case 'uint64_value':
      return `uint:${BigInt(text ?? '0')}`;
    case 'double_value':
      return `double:${canonDouble(parseDouble(text ?? '0'))}`;
    case 'string_value':
      return `string:${JSON.stringify(decodeUtf8(bytesOf(val)))}`;
    case 'bytes_value':
      return `bytes:${Buffer.from(bytesOf(val)).toString('hex')}`;
    case 'bool_value':
      return `bool:${text}`;
    case 'null_value':
      return 'null';
    case 'type_value':
      return `type:${text}`;
    case 'list_value': {
      const l = val as TextMessage;
      return `list:[${all(l, 'values')
        .map((x) => expectedCanon(x as TextMessage))
        .join(',')}]`;
    }
    case 'map_value': {
      const entries = all(val as TextMessage, 'entries').map((e) => {
        const m = e as TextMessage;
        return `${mapKey(expectedCanon(message(m, 'key')!))}=>${expectedCanon(message(m, 'value')!)}`;
      });
      return `map:{${entries.sort().join(',')}}`;
    }
    case 'object_value': {
      const [typeUrl, body] = (val as TextMessage).fields[0] ?? [];
      const b = body as TextMessage;
      const seconds = BigInt(scalarText(one(b, 'seconds')) ?? '0');
      const nanos = BigInt(scalarText(one(b, 'nanos')) ?? '0');
      if (typeUrl?.endsWith('google.protobuf.Duration]')) {
        return `duration:${seconds * 1_000_000_000n + nanos}`;
      }
      if (typeUrl?.endsWith('google.protobuf.Timestamp]')) {
        return `timestamp:${seconds * 1000n + nanos / 1_000_000n}`;
      }
      throw new NotSupported(`a ${typeUrl ?? 'message'} result (no proto messages in rules)`);
    }
    default:
      throw new NotSupported(`a ${field ?? 'missing'} result`);
  }
}

/** Map keys as the library holds them: property names (its maps are plain objects). */
function mapKey(canon: string): string {
  const m = /^(?:int|uint|bool):(.*)$/.exec(canon);
  return m === null ? canon : `string:${JSON.stringify(m[1])}`;
}

function bytesOf(v: TextValue | undefined): Uint8Array {
  return v?.kind === 'scalar' ? (v.bytes ?? new TextEncoder().encode(v.text)) : new Uint8Array();
}

function parseDouble(text: string): number {
  const t = text.toLowerCase().replace(/(\d)f$/, '$1');
  if (t === 'inf' || t === 'infinity' || t === '+inf') {
    return Infinity;
  }
  if (t === '-inf' || t === '-infinity') {
    return -Infinity;
  }
  if (t === 'nan') {
    return NaN;
  }
  return Number(t);
}

function canonDouble(d: number): string {
  return Number.isNaN(d) ? 'NaN' : Object.is(d, -0) ? '0' : String(d);
}

/** The canonical text of a value in the library's representation (what Vigil's path returns). */
function actualCanon(v: unknown): string {
  if (v === null || v === undefined) {
    return 'null';
  }
  if (typeof v === 'bigint') {
    return `int:${v}`;
  }
  if (typeof v === 'number') {
    return `double:${canonDouble(v)}`;
  }
  if (typeof v === 'string') {
    return `string:${JSON.stringify(v)}`;
  }
  if (typeof v === 'boolean') {
    return `bool:${v}`;
  }
  if (v instanceof Uint8Array) {
    return `bytes:${Buffer.from(v).toString('hex')}`;
  }
  if (Array.isArray(v)) {
    return `list:[${v.map(actualCanon).join(',')}]`;
  }
  if (v instanceof Date) {
    return `timestamp:${v.getTime()}`;
  }
  if (v instanceof Map) {
    const entries = [...(v as Map<unknown, unknown>).entries()].map(
      ([k, x]) => `${mapKey(actualCanon(k))}=>${actualCanon(x)}`,
    );
    return `map:{${entries.sort().join(',')}}`;
  }
  const ctor = v.constructor?.name;
  if (ctor === 'UnsignedInt') {
    return `uint:${(v as { value: bigint }).value}`;
  }
  if (ctor === 'Duration') {
    const d = v as { seconds: bigint; nanos: number };
    return `duration:${BigInt(d.seconds) * 1_000_000_000n + BigInt(d.nanos)}`;
  }
  if (ctor === 'Type') {
    return `type:${(v as { name: string }).name}`;
  }
  if (ctor === 'Object' || ctor === undefined) {
    const entries = Object.entries(v as Record<string, unknown>).map(
      ([k, x]) => `string:${JSON.stringify(k)}=>${actualCanon(x)}`,
    );
    return `map:{${entries.sort().join(',')}}`;
  }
  return `${ctor}:${JSON.stringify(v)}`;
}

/** A textproto cel.expr.Value as a value in the library's representation (for bindings). */
function libraryValue(v: TextMessage): unknown {
  const [field = '', val] = v.fields[0] ?? [];
  const text = scalarText(val);
  switch (field) {
    case 'int64_value':
      return BigInt(text ?? '0');
    case 'double_value':
      return parseDouble(text ?? '0');
    case 'string_value':
      return decodeUtf8(bytesOf(val));
    case 'bool_value':
      return text === 'true';
    case 'bytes_value':
      return bytesOf(val);
    case 'null_value':
      return null;
    case 'list_value':
      return all(val as TextMessage, 'values').map((x) => libraryValue(x as TextMessage));
    case 'map_value': {
      const out: Record<string, unknown> = {};
      for (const e of all(val as TextMessage, 'entries')) {
        const m = e as TextMessage;
        out[String(libraryValue(message(m, 'key')!))] = libraryValue(message(m, 'value')!);
      }
      return out;
    }
    default:
      throw new NotSupported(`a ${field ?? 'missing'} binding`);
  }
}

const runtime = createRuleRuntime();
const frame = createFrame({} as RuleActivation, runtime);

interface CaseEnv {
  readonly checking: Environment;
  readonly evaluation: Environment;
  readonly bindings: Record<string, unknown> | undefined;
}

function caseEnvironment(test: TextMessage): CaseEnv {
  const decls = all(test, 'type_env');
  const bindings = all(test, 'bindings');
  if (decls.length === 0 && bindings.length === 0) {
    return {
      checking: ruleCheckingEnvironment(),
      evaluation: celEnvironmentFor(runtime),
      bindings: undefined,
    };
  }
  const checking = ruleCheckingEnvironment().clone();
  const evaluation = celEnvironmentFor(runtime).clone();
  for (const d of decls) {
    const m = d as TextMessage;
    const name = str(m, 'name')!;
    const ident = message(m, 'ident');
    if (ident === undefined) {
      throw new NotSupported('a function declaration (rules cannot declare functions)');
    }
    const type = typeName(message(ident, 'type'));
    checking.registerVariable(name, type);
    evaluation.registerVariable(name, type);
  }
  const values: Record<string, unknown> = {};
  for (const b of bindings) {
    const m = b as TextMessage;
    const value = message(message(m, 'value') ?? { kind: 'message', fields: [] }, 'value');
    if (value === undefined) {
      throw new NotSupported('an unknown or error binding');
    }
    values[str(m, 'key')!] = libraryValue(value);
  }
  return { checking, evaluation, bindings: values };
}

function runCase(file: string, section: string, test: TextMessage): CaseResult {
  const name = str(test, 'name') ?? '?';
  const expr = str(test, 'expr') ?? '';
  const base = { file, section, name, expr };
  const listed = skipReason(file, section, name, expr);
  if (listed !== undefined) {
    return { ...base, status: 'skipped', detail: listed };
  }
  try {
    if (scalarText(one(test, 'disable_macros')) === 'true') {
      throw new NotSupported('needs macros disabled (rules always have them)');
    }
    if (scalarText(one(test, 'check_only')) === 'true') {
      throw new NotSupported('a type-deduction check (Vigil reports no types)');
    }
    if (str(test, 'container') !== undefined && str(test, 'container') !== '') {
      throw new NotSupported('needs a container (rules have no namespaces)');
    }
    const typed = message(test, 'typed_result');
    const expectedValue = message(test, 'value') ?? (typed && message(typed, 'result'));
    const expectError = one(test, 'eval_error') !== undefined;
    if (one(test, 'any_eval_errors') !== undefined || one(test, 'unknown') !== undefined) {
      throw new NotSupported('unknowns (rules see complete activations)');
    }
    const expected = expectError
      ? undefined
      : expectedValue === undefined
        ? 'bool:true'
        : expectedCanon(expectedValue);
    const env = caseEnvironment(test);
    const compiled = compileExpression(expr, { checking: env.checking, evaluation: env.evaluation });
    if (!compiled.ok) {
      const why = `${compiled.errors[0]?.code}: ${compiled.errors[0]?.message}`;
      if (expectError) {
        // Refused when the rule is saved: the error comes earlier than the specification's, not later.
        return { ...base, status: 'pass', detail: `refused by the type checker (${why})` };
      }
      if (scalarText(one(test, 'disable_check')) === 'true') {
        throw new NotSupported(`an unchecked expression the rule type checker refuses (${why})`);
      }
      return { ...base, status: 'fail', detail: why };
    }
    let actual: string;
    try {
      actual = actualCanon(compiled.value.evaluate(frame, env.bindings ?? {}));
    } catch (e) {
      if (expectError) {
        return { ...base, status: 'pass', detail: 'error', compiled: compiled.value.compiled };
      }
      return {
        ...base,
        status: 'fail',
        detail: `error ${(e as Error).message}, expected ${expected}`,
        compiled: compiled.value.compiled,
      };
    }
    if (expectError) {
      return {
        ...base,
        status: 'fail',
        detail: `${actual}, expected an error`,
        compiled: compiled.value.compiled,
      };
    }
    return {
      ...base,
      status: actual === expected ? 'pass' : 'fail',
      detail: actual === expected ? '' : `${actual}, expected ${expected}`,
      compiled: compiled.value.compiled,
    };
  } catch (e) {
    if (e instanceof NotSupported) {
      return { ...base, status: 'skipped', detail: e.message };
    }
    throw e;
  }
}

/** Every case of every file, in order. */
export function runConformance(): CaseResult[] {
  const out: CaseResult[] = [];
  const files = readdirSync(CEL_SPEC_DIR)
    .filter((f) => f.endsWith('.textproto'))
    .sort();
  for (const f of files) {
    const file = f.replace(/\.textproto$/, '');
    const doc = parseTextproto(readFileSync(join(CEL_SPEC_DIR, f), 'utf8'));
    for (const s of all(doc, 'section')) {
      const sm = s as TextMessage;
      const section = str(sm, 'name') ?? '?';
      for (const t of all(sm, 'test')) {
        out.push(runCase(file, section, t as TextMessage));
      }
    }
  }
  return out;
}

export function summarise(results: readonly CaseResult[]): FileSummary[] {
  const by = new Map<string, { total: number; supported: number; passed: number }>();
  for (const r of results) {
    const s = by.get(r.file) ?? { total: 0, supported: 0, passed: 0 };
    s.total++;
    if (r.status !== 'skipped') {
      s.supported++;
    }
    if (r.status === 'pass') {
      s.passed++;
    }
    by.set(r.file, s);
  }
  return [...by].map(([file, s]) => ({ file, ...s }));
}

export const TABLE_START =
  '<!-- cel-conformance-table:start (generated: node scripts/cel-conformance-table.ts) -->';
export const TABLE_END = '<!-- cel-conformance-table:end -->';

/** The per-file table of docs/rules-language.md, between its markers (aligned as Prettier does). */
export function conformanceTable(results: readonly CaseResult[]): string {
  const files = summarise(results);
  const sum = (k: 'passed' | 'supported' | 'total'): number => files.reduce((n, s) => n + s[k], 0);
  const rows: string[][] = [
    ...files.map((s) => [s.file, String(s.passed), String(s.supported), String(s.total)]),
    ['**all**', `**${sum('passed')}**`, `**${sum('supported')}**`, `**${sum('total')}**`],
  ];
  const head = ['suite file', 'passed', 'supported', 'total'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [TABLE_START, '', line(head), rule, ...rows.map(line), '', TABLE_END].join('\n');
}
