import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VigilError } from '../errors/index.ts';
import { checkWebhookUrl, isNonPublicAddress } from './webhook-url.ts';
import { HttpWebhookSender } from './webhook-sender.ts';

const production = { allowHttp: false, allowPrivate: false };
const laptop = { allowHttp: false, allowPrivate: true };

async function codeOf(url: string, policy = production): Promise<string> {
  try {
    await checkWebhookUrl(url, policy);
    return 'accepted';
  } catch (err) {
    assert.ok(err instanceof VigilError);
    return err.code;
  }
}

test('addresses off the public internet, IPv4 and IPv6, mapped ones included', () => {
  for (const a of [
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:10.0.0.1',
    '[::1]',
  ]) {
    assert.equal(isNonPublicAddress(a), true, a);
  }
  for (const a of ['93.184.215.14', '8.8.8.8', '2a00:1450:4001:830::200e', '::ffff:8.8.8.8']) {
    assert.equal(isNonPublicAddress(a), false, a);
  }
});

test('a deployment calls only https on public addresses; a laptop may call itself', async () => {
  const cases: [string, string, string][] = [
    ['https://93.184.215.14/hooks', 'accepted', 'accepted'],
    ['https://127.0.0.1/hooks', 'VIGIL_WEBHOOK_URL_PRIVATE', 'accepted'],
    ['http://127.0.0.1:8080/hooks', 'VIGIL_WEBHOOK_URL_PRIVATE', 'accepted'],
    ['http://localhost:8080/hooks', 'VIGIL_WEBHOOK_URL_PRIVATE', 'accepted'],
    ['https://10.0.0.5/hooks', 'VIGIL_WEBHOOK_URL_PRIVATE', 'accepted'],
    ['https://169.254.169.254/latest/meta-data', 'VIGIL_WEBHOOK_URL_PRIVATE', 'accepted'],
    ['https://[::ffff:192.168.0.1]/hooks', 'VIGIL_WEBHOOK_URL_PRIVATE', 'accepted'],
    ['http://93.184.215.14/hooks', 'VIGIL_WEBHOOK_URL_INSECURE', 'VIGIL_WEBHOOK_URL_INSECURE'],
    ['http://10.0.0.5/hooks', 'VIGIL_WEBHOOK_URL_INSECURE', 'VIGIL_WEBHOOK_URL_INSECURE'],
    ['ftp://93.184.215.14/', 'VIGIL_WEBHOOK_URL_INVALID', 'VIGIL_WEBHOOK_URL_INVALID'],
    ['https://a:b@93.184.215.14/', 'VIGIL_WEBHOOK_URL_INVALID', 'VIGIL_WEBHOOK_URL_INVALID'],
    ['https://93.184.215.14/#x', 'VIGIL_WEBHOOK_URL_INVALID', 'VIGIL_WEBHOOK_URL_INVALID'],
    [`https://93.184.215.14/${'x'.repeat(2100)}`, 'VIGIL_WEBHOOK_URL_INVALID', 'VIGIL_WEBHOOK_URL_INVALID'],
  ];
  for (const [url, deployed, local] of cases) {
    assert.equal(await codeOf(url), deployed, `${url} (deployment)`);
    assert.equal(await codeOf(url, laptop), local, `${url} (laptop)`);
  }
  assert.equal(
    await codeOf('http://93.184.215.14/hooks', { allowHttp: true, allowPrivate: false }),
    'accepted',
  );
});

test('the sender does not connect to a non-public address unless allowed, and gives up on a receiver that stalls', async () => {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    if (req.url === '/flood') {
      // Answers with an endless body: only the first bytes are read.
      res.writeHead(200);
      const more = (): void => {
        while (res.write(Buffer.alloc(64 * 1024, 120))) {
          /* fill the socket */
        }
        res.once('drain', more);
      };
      more();
    }
    // Otherwise never answers: the attempt's deadline ends it.
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const refused = await new HttpWebhookSender({ timeoutMs: 5000, allowPrivate: false }).send({
      url,
      headers: {},
      body: '{}',
    });
    assert.equal(refused.status, null);
    assert.match(refused.error!, /not a public address/);
    assert.equal(requests, 0);
    const stalled = await new HttpWebhookSender({ timeoutMs: 200, allowPrivate: true }).send({
      url,
      headers: {},
      body: '{}',
    });
    assert.deepEqual(stalled, { status: null, error: 'no answer within 200 ms' });
    assert.equal(requests, 1);
    const flood = await new HttpWebhookSender({ timeoutMs: 60_000, allowPrivate: true }).send({
      url: `${url}flood`,
      headers: {},
      body: '{}',
    });
    assert.deepEqual(flood, { status: 200, error: null });
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
