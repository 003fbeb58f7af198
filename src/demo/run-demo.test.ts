/**
 * Tests of `runDemo`, what `vigil demo` runs: NDJSON to stdout or a file, and POSTing to a server (a
 * small node:http server here that records what it receives) with the bearer token and a status summary.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { DemoPostError, acceptedCount, generateDemoFilings, runDemo } from './index.ts';

const NOW = new Date('2026-05-04T09:17:43Z');

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('runDemo', () => {
  test('writes one filing body per line to stdout, the same as the generator yields', async () => {
    const out = sink();
    const err = sink();
    const result = await runDemo(
      { count: 25, seed: 4, now: NOW },
      { stdout: out.stream, stderr: err.stream },
    );
    assert.deepEqual(result, { generated: 25 });
    const lines = out.text().trimEnd().split('\n');
    assert.equal(lines.length, 25);
    const expected = [...generateDemoFilings({ count: 25, seed: 4, now: NOW })].map((d) => d.filing);
    assert.deepEqual(
      lines.map((l) => JSON.parse(l) as unknown),
      expected,
    );
    assert.match(err.text(), /wrote 25 filings/);
  });

  test('writes NDJSON to --out and leaves stdout alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-demo-'));
    try {
      const file = join(dir, 'demo.ndjson');
      const out = sink();
      const err = sink();
      const result = await runDemo(
        { count: 40, seed: 5, now: NOW, out: file },
        { stdout: out.stream, stderr: err.stream },
      );
      assert.equal(result.generated, 40);
      const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
      assert.equal(lines.length, 40);
      assert.equal(out.text(), '');
      assert.match(
        err.text(),
        new RegExp(`wrote 40 filings .* to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('POSTs each filing with the bearer token and counts the statuses', async () => {
    const seen: {
      auth: string | undefined;
      type: string | undefined;
      url: string | undefined;
      lrn: string;
    }[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const server = createServer((req, res) => {
      if (req.url === '/ready') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"ready"}');
        return;
      }
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          lrn: string;
          filingType: string;
        };
        seen.push({
          auth: req.headers.authorization,
          type: req.headers['content-type'],
          url: req.url,
          lrn: body.lrn,
        });
        // Answer after a moment so requests overlap; house parts as 'incomplete' 202 to vary the statuses.
        setTimeout(() => {
          inFlight--;
          res.writeHead(body.filingType === 'F12' ? 202 : 201, { 'content-type': 'application/json' });
          res.end('{}');
        }, 5);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const err = sink();
      const result = await runDemo(
        { count: 60, seed: 6, now: NOW, post: `http://127.0.0.1:${port}/`, token: 'tok-123' },
        { stdout: sink().stream, stderr: err.stream },
      );
      assert.equal(result.generated, 60);
      const total = Object.values(result.posted!.status).reduce((a, b) => a + b, 0);
      assert.equal(total, 60);
      assert.equal(seen.length, 60);
      assert.equal(new Set(seen.map((s) => s.lrn)).size, 60);
      assert.ok(
        seen.every(
          (s) => s.auth === 'Bearer tok-123' && s.url === '/v1/filings' && s.type === 'application/json',
        ),
      );
      assert.ok(maxInFlight > 1 && maxInFlight <= 8, `at most 8 in flight, saw ${maxInFlight}`);
      assert.match(err.text(), /posted 60 filings to .*\/v1\/filings \(201: \d+/);
    } finally {
      server.close();
    }
  });

  test('waits a bounded time for an unreachable server, then fails with a clear error', async () => {
    const err = sink();
    await assert.rejects(
      runDemo(
        { count: 3, seed: 7, now: NOW, post: 'http://127.0.0.1:9', token: 't', readyTimeoutMs: 300 },
        { stdout: sink().stream, stderr: err.stream },
      ),
      (e: Error) =>
        e instanceof DemoPostError && /http:\/\/127\.0\.0\.1:9 was not ready within/.test(e.message),
    );
    assert.match(err.text(), /waiting for the server at http:\/\/127\.0\.0\.1:9 to be ready/);
  });

  test('waits for a server that becomes ready, and counts what it accepted', async () => {
    let ready = false;
    let posted = 0;
    const server = createServer((req, res) => {
      if (req.url === '/ready') {
        res.writeHead(ready ? 200 : 503).end();
        return;
      }
      posted++;
      req.resume();
      req.on('end', () => res.writeHead(401, { 'content-type': 'application/json' }).end('{}'));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    setTimeout(() => (ready = true), 400);
    try {
      const { port } = server.address() as AddressInfo;
      const result = await runDemo(
        { count: 4, seed: 7, now: NOW, post: `http://127.0.0.1:${port}`, token: 'garbage' },
        { stdout: sink().stream, stderr: sink().stream },
      );
      assert.equal(posted, 4, 'nothing was posted before the server was ready');
      assert.deepEqual(result.posted, { status: { '401': 4 } });
      assert.equal(acceptedCount(result.posted.status), 0);
      assert.equal(acceptedCount({ '201': 3, '202': 1, '422': 2 }), 4);
    } finally {
      server.close();
    }
  });
});
