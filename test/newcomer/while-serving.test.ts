/**
 * The embedded database admits one process (issue "What a newcomer hit", #12): while `vigil serve`
 * runs on it, `vigil models`, `vigil audit verify` and `vigil ingest` go through the server with
 * `--url`, and without it say so in one line. Run against a real `vigil serve` process.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KCS_MODEL_CONFIG, trainKcsModel } from '../../src/kcs/index.ts';
import { syntheticRows } from '../../src/kcs/synthetic-rows.fixture.ts';
import { validFiling } from '../support/filings.ts';

const MAIN = join(import.meta.dirname, '../../src/main.ts');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function vigil(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : Number(err.code ?? -1), stdout, stderr }),
    );
  });
}

describe('while vigil serve holds the embedded database', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-serving-'));
  let env: Record<string, string> = {};
  let url = '';
  let server: ChildProcess | undefined;
  const token = async (role: string): Promise<string> =>
    (
      await vigil(['token', '--authority', 'NL', '--role', role, '--subject', `${role}-1`], env)
    ).stdout.trim();

  before(async () => {
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => probe.once('listening', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    env = { VIGIL_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', VIGIL_LOG_LEVEL: 'silent' };
    url = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [MAIN, 'serve'], { env: { PATH: process.env['PATH'] ?? '', ...env } });
    let said = '';
    await new Promise<void>((resolve, reject) => {
      server!.stderr!.on('data', (c: Buffer) => {
        said += c.toString();
        if (said.includes('Vigil is serving on')) {
          resolve();
        }
      });
      server!.once('exit', () => reject(new Error(`serve exited: ${said}`)));
    });
  });

  after(async () => {
    server?.kill('SIGTERM');
    if (server !== undefined && server.exitCode === null) {
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('without --url, a command that needs the database says how to go through the server', async () => {
    const r = await vigil(['models', 'list'], env);
    assert.notEqual(r.code, 0);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /in use by process \d+ .*--url/);
  });

  test('models: import, activate and list through the server', async () => {
    const model = trainKcsModel(syntheticRows(400, 3), {
      config: { features: KCS_MODEL_CONFIG.features, gbdt: { ...KCS_MODEL_CONFIG.gbdt, numTrees: 5 } },
    });
    const file = join(dataDir, 'model.json');
    writeFileSync(file, JSON.stringify(model.file));
    const analyst = await token('analyst');
    const imported = await vigil(
      ['models', 'import', file, '--activate', '--url', url, '--token', analyst],
      env,
    );
    assert.equal(imported.code, 0, imported.stderr + imported.stdout);
    assert.deepEqual(
      { version: JSON.parse(imported.stdout).version, active: JSON.parse(imported.stdout).active },
      { version: 1, active: true },
    );
    const listed = await vigil(['models', 'list', '--url', url, '--token', analyst], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(JSON.parse(listed.stdout).items.length, 1);
  });

  test('ingest and audit verify through the server', async () => {
    const file = join(dataDir, 'filings.ndjson');
    const good = validFiling(new Date(), { lrn: 'SERVING-1' });
    writeFileSync(file, `${JSON.stringify(good)}\n{"lrn": "BROKEN"}\n`);
    const filer = await token('filer');
    const ingested = await vigil(['ingest', file, '--url', url, '--token', filer], env);
    assert.equal(ingested.code, 0, ingested.stderr);
    const summary = JSON.parse(ingested.stdout) as { accepted: number; rejected: number };
    assert.deepEqual(
      { accepted: summary.accepted, rejected: summary.rejected },
      { accepted: 1, rejected: 1 },
    );

    const auditor = await token('auditor');
    const verified = await vigil(['audit', 'verify', '--url', url, '--token', auditor], env);
    assert.equal(verified.code, 0, verified.stderr + verified.stdout);
    assert.equal(JSON.parse(verified.stdout).ok, true);
  });
});
