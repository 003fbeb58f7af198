/**
 * Runs the conformance scenarios against a Vigil endpoint, one after another, and reports each as
 * passed, failed (with the reason) or skipped, with its time: as a human summary and as JUnit XML
 * for a CI. Knows nothing of the command line (src/cli/conformance.command.ts).
 */
import { randomBytes } from 'node:crypto';
import junitModule from 'junit-report-builder';
import { VigilError } from '../errors/index.ts';
import type { Builder } from 'junit-report-builder';
import { ScenarioFailure, conformanceScenarios } from './scenarios.ts';
import type { Scenario, ScenarioContext } from './scenarios.ts';
import { adapterChannel, directChannel, httpCall } from './filer-channel.ts';

// A CommonJS module: Node gives its exports object (the builder) as the default import, where the
// type declarations describe an ES module whose default is the builder.
const junit = junitModule as unknown as Builder;

export interface ConformanceOptions {
  readonly url: string;
  readonly key: string;
  /** The filer's adapter command: when given, it lodges instead of the kit (adapter protocol). */
  readonly adapter?: string | undefined;
  /** Scenario names or name prefixes to run (all when absent). */
  readonly only?: readonly string[] | undefined;
  readonly callbackHost?: string | undefined;
  readonly eori: string;
  readonly waitMs: number;
  readonly adapterTimeoutMs: number;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface ScenarioResult {
  readonly name: string;
  readonly group: string;
  readonly description: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly seconds: number;
  /** Why it failed or was skipped. */
  readonly reason?: string;
}

/** The scenarios `only` selects: by name, or by a prefix ending at a `/` (e.g. `valid`, `rule/R3021`). */
export function selectScenarios(all: readonly Scenario[], only: readonly string[] | undefined): Scenario[] {
  if (only === undefined || only.length === 0) {
    return [...all];
  }
  return all.filter((s) =>
    only.some((o) => s.name === o || s.name.startsWith(o.endsWith('/') ? o : `${o}/`)),
  );
}

/** Vigil's time, from the Date header of its health answer (the filings' dates are set from it). */
async function serverNow(url: string): Promise<Date> {
  const health = `${url.replace(/\/+$/, '')}/health`;
  const res = await fetch(health).catch((err: unknown) => {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new VigilError('VIGIL_BAD_REQUEST', `cannot reach ${health}: ${cause}`);
  });
  await res.arrayBuffer();
  const date = Date.parse(res.headers.get('date') ?? '');
  return Number.isNaN(date) ? new Date() : new Date(date);
}

export async function runConformance(
  options: ConformanceOptions,
  onResult: (r: ScenarioResult) => void = () => undefined,
): Promise<ScenarioResult[]> {
  const scenarios = selectScenarios(conformanceScenarios(), options.only);
  const now = await serverNow(options.url);
  const http = httpCall(options.url, options.key);
  const filer =
    options.adapter !== undefined
      ? adapterChannel({
          command: options.adapter,
          url: options.url,
          timeoutMs: options.adapterTimeoutMs,
          env: options.env,
        })
      : directChannel(http);
  // Base 36 of six random bytes, cut to six characters: LRNs and documents of this run only.
  const run = BigInt(`0x${randomBytes(6).toString('hex')}`)
    .toString(36)
    .toUpperCase()
    .padStart(6, '0')
    .slice(-6);
  let n = 0;
  const ctx: ScenarioContext = {
    http,
    filer,
    now,
    run,
    eori: options.eori,
    waitMs: options.waitMs,
    callbackHost: options.callbackHost,
    lrn: (prefix = 'VC-') => `${prefix}${run}-${String(++n).padStart(3, '0')}`,
  };
  const results: ScenarioResult[] = [];
  for (const s of scenarios) {
    const started = performance.now();
    let status: ScenarioResult['status'] = 'passed';
    let reason: string | undefined;
    try {
      const r = await s.run(ctx);
      if (r !== undefined) {
        status = 'skipped';
        reason = r.skipped;
      }
    } catch (err) {
      status = 'failed';
      reason =
        err instanceof ScenarioFailure ? err.message : `${(err as Error).name}: ${(err as Error).message}`;
    }
    const result: ScenarioResult = {
      name: s.name,
      group: s.group,
      description: s.description,
      status,
      seconds: (performance.now() - started) / 1000,
      ...(reason !== undefined ? { reason } : {}),
    };
    results.push(result);
    onResult(result);
  }
  return results;
}

/** One line per scenario and a total, for a person. */
export function formatResult(r: ScenarioResult): string {
  const mark = r.status === 'passed' ? 'PASS' : r.status === 'failed' ? 'FAIL' : 'SKIP';
  return `${mark}  ${r.name.padEnd(36)} ${r.seconds.toFixed(2).padStart(6)} s${r.reason !== undefined ? `  ${r.reason}` : ''}`;
}

export function formatTotals(results: readonly ScenarioResult[]): string {
  const count = (s: ScenarioResult['status']) => results.filter((r) => r.status === s).length;
  const seconds = results.reduce((t, r) => t + r.seconds, 0);
  return `${results.length} scenarios: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped (${seconds.toFixed(1)} s)`;
}

/** Writes the results as JUnit XML: one test suite, one test case per scenario (class: its group). */
export function writeJunit(file: string, results: readonly ScenarioResult[], url: string): void {
  const builder = junit.newBuilder();
  const suite = builder.testSuite().name('vigil conformance').property('url', url);
  for (const r of results) {
    const c = suite.testCase().className(`vigil.conformance.${r.group}`).name(r.name).time(r.seconds);
    if (r.status === 'failed') {
      c.failure(r.reason ?? 'failed');
    } else if (r.status === 'skipped') {
      c.skipped().standardOutput(r.reason ?? '');
    }
  }
  builder.writeTo(file);
}
