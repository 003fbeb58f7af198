/**
 * The `vigil` command as a newcomer meets it (issue "What a newcomer hit", #10 and #13), run as a real
 * process: every failure ends with one clear line on stderr and a non-zero exit code, never a stack
 * trace; `vigil` alone prints the help and exits 2; `vigil demo --post` waits for the server and fails
 * when the server accepted nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(import.meta.dirname, '../../src/main.ts');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function vigil(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** One line on stderr, no stack frames. */
function assertOneLine(r: Run, pattern: RegExp): void {
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  assert.match(lines[0]!, pattern);
}

describe('vigil on the command line', () => {
  let dataDir = '';
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  test('vigil alone prints the help and exits 2', async () => {
    const r = await vigil([]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^usage: vigil <command>/);
    // It promises only what exists: the workbench does now (issue 16), served by `serve`.
    assert.match(r.stdout, /serve {2,}run the HTTP API and the workbench at \//);
  });

  test("bin/vigil.js runs the project's command from any folder (what npx vigil does in the repository)", async () => {
    const r = await new Promise<Run>((resolve) => {
      execFile(
        process.execPath,
        [join(import.meta.dirname, '../../bin/vigil.js'), 'help'],
        { cwd: tmpdir(), env: { PATH: process.env['PATH'] ?? '' }, timeout: 60_000 },
        (err, stdout, stderr) => resolve({ code: err === null ? 0 : Number(err.code ?? -1), stdout, stderr }),
      );
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^usage: vigil <command>/);
  });

  test('rules list without a server: one line naming the cause, exit 1', async () => {
    // A port nothing listens on: opened, noted, closed.
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    probe.close();
    await once(probe, 'close');
    const r = await vigil(['rules', 'list', '--url', `http://127.0.0.1:${port}`, '--token', 't']);
    assert.equal(r.code, 1, r.stderr);
    assertOneLine(r, /^vigil rules: .*ECONNREFUSED.*is the server running/);
  });

  test('train on a folder instead of a file: one line, exit 1', async () => {
    const r = await vigil(['train', '--format', 'kcs', '--data', dataDir, '--out', join(dataDir, 'm.json')]);
    assert.notEqual(r.code, 0);
    assertOneLine(r, /^vigil train: .*EISDIR/);
  });

  test('ingest of a missing file: one line, exit 1', async () => {
    const r = await vigil(['ingest', join(dataDir, 'missing.ndjson')], { VIGIL_DATA_DIR: dataDir });
    assert.notEqual(r.code, 0);
    assertOneLine(r, /^vigil ingest: .*missing\.ndjson/);
  });

  test('ingest into a pipe: rejected lines are plain text, no terminal control characters', async () => {
    const file = join(dataDir, 'two.ndjson');
    writeFileSync(file, 'not json\n{"lrn": "X"}\n');
    const r = await vigil(['ingest', file], { VIGIL_DATA_DIR: join(dataDir, 'db') });
    assert.match(r.stderr, /^line 1: VIGIL_BODY_NOT_JSON the line is not valid JSON$/m);
    assert.doesNotMatch(r.stderr, /[\r\x1b]/);
  });

  test('demo --post with a token the server refuses: waits for /ready, then fails', async () => {
    let posts = 0;
    const server = createServer((req, res) => {
      if (req.url === '/ready') {
        res.writeHead(200).end('{}');
        return;
      }
      posts++;
      req.resume();
      req.on('end', () => res.writeHead(401, { 'content-type': 'application/json' }).end('{}'));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const r = await vigil([
        'demo',
        '--count',
        '3',
        '--post',
        `http://127.0.0.1:${port}`,
        '--token',
        'garbage',
      ]);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(posts, 3);
      assert.match(r.stderr, /posted 3 filings .*\(401: 3\)/);
      assert.match(r.stderr, /vigil demo: the server accepted none of the 3 filings/);
    } finally {
      server.close();
    }
  });
});
