/**
 * The conformance kit (issue 14, item 5, "What it must show"): `vigil conformance` against a local
 * Vigil, with an API key and webhook delivery running as in `vigil serve`, passes every scenario
 * (none skipped, the webhook included) and writes the JUnit file; through a filer's adapter it passes
 * too; against a server that answers one scenario wrongly it reports exactly that failure and exits 1.
 * The webhook scenario is also run against a stand-in of the webhook contract: it passes with
 * deliveries signed with the registration's secret and fails with any other.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SaxesParser } from 'saxes';
import { Webhook } from 'standardwebhooks';
import { runCli } from '../../src/cli/cli.ts';
import { conformanceScenarios } from '../../src/conformance/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { startServeBus } from '../../src/app/bus-mode.ts';
import type { RunningBus } from '../../src/app/bus-mode.ts';
import { startWebhookDelivery } from '../../src/app/webhook-delivery.ts';
import type { Periodic } from '../../src/app/periodic.ts';
import { forEachDatabase, startTestApp } from '../support/test-app.ts';
import type { TestApp, TestClock } from '../support/test-app.ts';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-conformance-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function vigil(args: readonly string[]): Promise<Run> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  const env = { VIGIL_DATA_DIR: dir, VIGIL_LOG_LEVEL: 'silent', PATH: process.env['PATH'] ?? '' };
  const code = await runCli([...args], { env, stdout, stderr, stdin: new PassThrough() });
  return {
    code: code as number,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}

interface JunitCase {
  readonly classname: string;
  readonly name: string;
  readonly failure?: string;
  readonly skipped: boolean;
}

/** The test cases of a JUnit file, read with an XML parser (the file must be well-formed). */
function junitCases(file: string): { cases: JunitCase[]; root: Record<string, string> } {
  const parser = new SaxesParser();
  const cases: { classname: string; name: string; failure?: string; skipped: boolean }[] = [];
  let root: Record<string, string> = {};
  let inFailure = false;
  parser.on('opentag', (tag) => {
    const attrs = tag.attributes as Record<string, string>;
    if (tag.name === 'testsuites') {
      root = attrs;
    } else if (tag.name === 'testcase') {
      cases.push({ classname: attrs['classname'] ?? '', name: attrs['name'] ?? '', skipped: false });
    } else if (tag.name === 'failure') {
      cases[cases.length - 1]!.failure = attrs['message'] ?? '';
      inFailure = true;
    } else if (tag.name === 'skipped') {
      cases[cases.length - 1]!.skipped = true;
    }
  });
  parser.on('text', (text) => {
    if (inFailure) {
      cases[cases.length - 1]!.failure += text;
    }
  });
  parser.on('closetag', (tag) => {
    if (tag.name === 'failure') {
      inFailure = false;
    }
  });
  parser.write(readFileSync(file, 'utf8')).close();
  return { cases, root };
}

/** Vigil's clock is the wall clock here: the kit sets its filings' dates from the server's Date header. */
const wallClock: TestClock = { now: () => new Date(), set: () => undefined, advance: () => undefined };

/** What a stand-in server in front of Vigil does differently from Vigil. */
interface ProxyBehaviour {
  /** Report the R3021 error (a container's check digit) at the filing's root, not at the container. */
  readonly misplaceR3021?: boolean;
  /**
   * Play the webhook API of issue 14 (registration, Standard Webhooks deliveries of each lodged
   * filing's MRN), signing `well` or with another secret than the one it gave (`badly`).
   */
  readonly webhooks?: 'well' | 'badly';
}

/** A server in front of Vigil that passes every request on, except as `behaviour` says. */
async function proxy(target: string, behaviour: ProxyBehaviour): Promise<{ url: string; server: Server }> {
  const endpoints = new Map<string, { url: string; secret: string }>();
  const secret = () => `whsec_${randomBytes(24).toString('base64')}`;
  const deliver = async (mrn: string): Promise<void> => {
    for (const [id, e] of endpoints) {
      const payload = JSON.stringify({
        type: 'outcome.decided',
        timestamp: new Date().toISOString(),
        data: { mrn, consignment: 0, outcome: 'assessment-complete' },
      });
      const at = new Date();
      const signer = new Webhook(behaviour.webhooks === 'well' ? e.secret : secret());
      await fetch(e.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': `msg_${id}_${mrn}`,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signer.sign(`msg_${id}_${mrn}`, at, payload),
        },
        body: payload,
      });
    }
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const path = req.url ?? '/';
        if (behaviour.webhooks !== undefined && path.startsWith('/v1/webhooks')) {
          if (req.method === 'POST') {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            const id = `wh_${endpoints.size + 1}`;
            endpoints.set(id, { url: body.url, secret: secret() });
            res.writeHead(201, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({ id, url: body.url, events: body.events, secret: endpoints.get(id)!.secret }),
            );
          } else {
            endpoints.delete(path.split('/').pop()!);
            res.writeHead(204).end();
          }
          return;
        }
        const headers: Record<string, string> = {};
        for (const h of ['authorization', 'content-type']) {
          const v = req.headers[h];
          if (typeof v === 'string') {
            headers[h] = v;
          }
        }
        const answer = await fetch(`${target}${path}`, {
          method: req.method ?? 'GET',
          headers,
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
        });
        let text = await answer.text();
        if (behaviour.misplaceR3021 === true && path === '/v1/filings' && answer.status === 422) {
          text = text.replaceAll('"path":"$.consignments[0].containers[0].id"', '"path":"$"');
        }
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
        res.end(text);
        if (path === '/v1/filings' && answer.status === 201) {
          await deliver(JSON.parse(text).mrn);
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** A filer's adapter: lodges what it is given on stdin to Vigil with its own key, prints the answer. */
const ADAPTER = `
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const body = Buffer.concat(chunks).toString('utf8');
const op = process.env.VIGIL_CONFORMANCE_OPERATION;
const mrn = process.env.VIGIL_CONFORMANCE_MRN;
const path = { lodge: '/filings', amend: '/filings/' + mrn + '/amendments', invalidate: '/filings/' + mrn + '/invalidation', 'answer-rfi': '/filings/' + mrn + '/rfi-response', bulk: '/filings/bulk' }[op];
const res = await fetch(process.env.VIGIL_CONFORMANCE_URL + '/v1' + path, {
  method: 'POST',
  headers: { authorization: 'Bearer ' + process.env.FILER_KEY, 'content-type': op === 'bulk' ? 'application/x-ndjson' : 'application/json' },
  body,
});
process.stdout.write(await res.text());
`;

forEachDatabase('vigil conformance', (target) => {
  let t: TestApp | undefined;
  let bus: RunningBus | undefined;
  let delivery: Periodic | undefined;
  let url = '';
  let key = '';
  const app = () => t!;

  before(async () => {
    t = await startTestApp(target, wallClock);
    // The embedded bus assesses what is lodged, as `vigil serve` does: the RFI scenario needs outcomes.
    bus = await startServeBus(loadConfig({ VIGIL_DATA_DIR: app().dataDir }), app().deps, () => undefined);
    url = await app().server.app.listen({ port: 0, host: '127.0.0.1' });
    // Webhook delivery runs in the background, as in `vigil serve`: the webhook scenario waits for it.
    delivery = startWebhookDelivery(app().deps.webhookDispatcher, { pollMs: 200 });
    // The filer's system uses an API key, as in production, made by the authority's admin for its
    // own EORIs: the kit's declarant (NL123456789, its default --eori).
    const issued = await app().server.app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { authorization: `Bearer ${await app().token('NL', 'admin', 'nl-admin')}` },
      payload: {
        name: 'conformance run',
        filer: 'conformance-filer',
        eoris: ['NL123456789'],
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      },
    });
    assert.equal(issued.statusCode, 201, issued.body);
    key = issued.json<{ secret: string }>().secret;
    // The conformance rule the RFI scenario needs, loaded by the authority's analyst.
    const rule = await app().server.app.inject({
      method: 'POST',
      url: '/v1/rules',
      headers: { authorization: `Bearer ${await app().token('NL', 'analyst', 'ana')}` },
      payload: JSON.parse(
        readFileSync(join(import.meta.dirname, '../../data/conformance-rfi-rule.json'), 'utf8'),
      ),
    });
    assert.equal(rule.statusCode, 201, rule.body);
  });
  after(async () => {
    await delivery?.stop();
    await bus?.stop();
    await t?.close();
  });

  test('every scenario passes against a local Vigil and the JUnit file lists them', async () => {
    const file = join(dir, `conformance-${target.engine}.xml`);
    const r = await vigil(['conformance', '--url', url, '--key', key, '--junit', file]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const { cases, root } = junitCases(file);
    const names = conformanceScenarios().map((s) => s.name);
    assert.deepEqual(
      cases.map((c) => c.name),
      names,
    );
    assert.ok(names.includes('valid/F10/maritime') && names.includes('valid/F10/inland-waterway'));
    assert.ok(names.includes('rule/R3021') && names.includes('request-for-information'));
    assert.ok(names.includes('declarant-binding'));
    assert.deepEqual(
      cases.filter((c) => c.failure !== undefined),
      [],
    );
    // Vigil has every capability the kit checks: nothing is skipped, the webhook included.
    assert.deepEqual(
      cases.filter((x) => x.skipped).map((c) => c.name),
      [],
    );
    assert.match(r.stdout, /PASS {2}webhook /);
    assert.equal(root['failures'], '0');
    assert.equal(root['tests'], String(names.length));
    assert.match(r.stdout, new RegExp(`${names.length} scenarios: \\d+ passed, 0 failed`));
  });

  test('through a filer’s adapter, the filer’s software lodges and the scenarios pass', async () => {
    const adapter = join(dir, 'adapter.mjs');
    writeFileSync(adapter, ADAPTER);
    const r = await (async () => {
      const out: Buffer[] = [];
      const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
      const env = {
        VIGIL_DATA_DIR: dir,
        VIGIL_LOG_LEVEL: 'silent',
        PATH: process.env['PATH'] ?? '',
        FILER_KEY: key,
      };
      const code = await runCli(
        [
          'conformance',
          '--url',
          url,
          '--key',
          key,
          '--adapter',
          `"${process.execPath}" "${adapter}"`,
          '--only',
          'valid/F10,rule/R3021,idempotent-resubmission,amendment,invalidation,bulk',
        ],
        { env, stdout, stderr: new PassThrough(), stdin: new PassThrough() },
      );
      return { code, stdout: Buffer.concat(out).toString('utf8') };
    })();
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /through the adapter/);
    assert.match(r.stdout, /7 scenarios: 7 passed, 0 failed, 0 skipped/);
  });

  test('against a server that answers one scenario wrongly, the kit reports that failure and exits 1', async () => {
    const broken = await proxy(url, { misplaceR3021: true });
    try {
      const file = join(dir, `broken-${target.engine}.xml`);
      const r = await vigil([
        'conformance',
        '--url',
        broken.url,
        '--key',
        key,
        '--junit',
        file,
        '--only',
        'rule/R3021,rule/R3016,idempotent-resubmission',
      ]);
      assert.equal(r.code, 1, r.stdout);
      const { cases, root } = junitCases(file);
      assert.deepEqual(
        cases.map((c) => [c.name, c.failure !== undefined]),
        [
          ['rule/R3021', true],
          ['rule/R3016', false],
          ['idempotent-resubmission', false],
        ],
      );
      const failed = cases.find((c) => c.name === 'rule/R3021')!;
      assert.match(failed.failure!, /expected the error R3021 at \$\.consignments\[0\]\.containers\[0\]\.id/);
      assert.equal(root['failures'], '1');
      assert.match(r.stdout, /FAIL {2}rule\/R3021 .*the answer named R3021 at \$/);
    } finally {
      await closeServer(broken.server);
    }
  });

  test('the webhook scenario passes against the webhook contract, and catches a wrong signature', async () => {
    const well = await proxy(url, { webhooks: 'well' });
    const badly = await proxy(url, { webhooks: 'badly' });
    try {
      const good = await vigil(['conformance', '--url', well.url, '--key', key, '--only', 'webhook']);
      assert.equal(good.code, 0, good.stdout);
      assert.match(good.stdout, /PASS {2}webhook /);
      const bad = await vigil(['conformance', '--url', badly.url, '--key', key, '--only', 'webhook']);
      assert.equal(bad.code, 1, bad.stdout);
      assert.match(bad.stdout, /FAIL {2}webhook .*signature does not verify/);
    } finally {
      await closeServer(well.server);
      await closeServer(badly.server);
    }
  });
});
