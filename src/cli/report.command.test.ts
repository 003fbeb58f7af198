/**
 * `vigil report` against a running server, as an analyst uses it: the API's JSON and CSV written as
 * they are, the HTML report drawn from the JSON, and the errors a user can make (a format or a day
 * it does not know, an authority that does not share its indicators) said in one line with the exit
 * code scripts rely on. The command speaks HTTP only, so one engine is enough here (PGlite).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseTargets, startTestApp } from '../../test/support/test-app.ts';
import type { TestApp } from '../../test/support/test-app.ts';
import { loadDemoTraffic } from '../../test/support/demo-traffic.ts';
import type { DemoTraffic } from '../../test/support/demo-traffic.ts';
import { INDICATORS } from '../indicators/index.ts';
import { runCli } from './cli.ts';

let app: TestApp;
let traffic: DemoTraffic;
let url: string;
let token: string;
const dir = mkdtempSync(join(tmpdir(), 'vigil-report-'));

before(async () => {
  app = await startTestApp(databaseTargets()[0]!);
  traffic = await loadDemoTraffic(app, { days: 2, perDay: 30 });
  await app.deps.indicators.refresh();
  url = await app.server.app.listen({ port: 0, host: '127.0.0.1' });
  token = await app.token('NL', 'analyst', 'ana');
});
after(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

async function vigil(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['report', '--url', url, ...args], {
    env: { VIGIL_TOKEN: token, VIGIL_DATA_DIR: dir },
    stdout: { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream,
    stdin: process.stdin,
  });
  assert.equal(typeof code, 'number');
  return { code: code as number, out, err };
}

async function api(path: string): Promise<{ status: number; body: string }> {
  const r = await app.server.app.inject({
    method: 'GET',
    url: `/v1${path}`,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: r.statusCode, body: r.body };
}

test('--format json --out FILE writes the API’s answer, per day by default', async () => {
  const out = join(dir, 'report.json');
  const r = await vigil('--from', traffic.first, '--to', traffic.end, '--format', 'json', '--out', out);
  assert.equal(r.code, 0, r.err);
  assert.ok(r.err.includes(`report.json (${INDICATORS.length} indicators, json)`), r.err);
  const written = JSON.parse(readFileSync(out, 'utf8'));
  const served = await api(`/indicators?from=${traffic.first}&to=${traffic.end}&period=day`);
  assert.deepEqual(written, JSON.parse(served.body));
  const lodged = written.indicators.find((i: { id: string }) => i.id === 'DQ-01');
  assert.equal(lodged.value, traffic.lodged);
  assert.equal(lodged.series.length, 2, 'one point per day');
});

test('--format csv prints the API’s CSV as it is', async () => {
  const r = await vigil('--from', traffic.first, '--to', traffic.end, '--format', 'csv', '--period', 'week');
  assert.equal(r.code, 0, r.err);
  const served = await api(`/indicators?from=${traffic.first}&to=${traffic.end}&period=week&format=csv`);
  assert.equal(r.out, served.body);
  assert.equal(r.out.split('\n')[0], 'indicator,title,unit,period,by,key,value');
  assert.ok(
    r.out.includes(`DQ-01,Filings lodged,count,${traffic.first}..${traffic.end},,,${traffic.lodged}`),
  );
});

test('--format html prints a whole HTML report with every indicator and charts', async () => {
  const r = await vigil('--from', traffic.first, '--to', traffic.end);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^<!doctype html>/);
  for (const id of ['DQ-01', 'TG-05', 'CR-01', 'CO-01', 'TT-01']) {
    assert.ok(r.out.includes(`<tr id="${id}">`), id);
  }
  assert.ok((r.out.match(/<svg /g) ?? []).length >= 10, 'charts drawn');
  assert.match(r.out, new RegExp(`<dt>Source</dt><dd>${url.replaceAll('.', '\\.')}</dd>`));
});

test('mistakes are one line and a non-zero exit: format, day, an authority that does not share', async () => {
  const format = await vigil('--format', 'pdf');
  assert.equal(format.code, 2);
  assert.match(format.err, /--format is one of html, csv, json/);
  const day = await vigil('--from', '2027/02/01');
  assert.equal(day.code, 2);
  assert.match(day.err, /--from is a day, YYYY-MM-DD/);
  const foreign = await vigil('--from', traffic.first, '--to', traffic.end, '--authorities', 'nl,de');
  assert.equal(foreign.code, 1);
  assert.match(foreign.err, /403 \(VIGIL_FORBIDDEN: DE .*indicators/);
  assert.equal(foreign.out, '');
});
