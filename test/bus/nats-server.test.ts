/**
 * The private nats-server helper: it starts a JetStream server that accepts connections, keeps stream
 * data across a SIGKILL and a restart on the same folder, and leaves nothing running.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { connectNats, ensureStream, jetstream, jetstreamManager } from '../../src/bus/index.ts';
import { natsServerBinary, startNatsServer } from './nats-server.ts';

test(
  'nats-server helper: start, crash, restart with data, close',
  { skip: natsServerBinary() === undefined },
  async () => {
    const server = await startNatsServer();
    try {
      const nc = await connectNats(server.url, { firstConnectTimeoutMs: 2000 });
      const jsm = await jetstreamManager(nc);
      await ensureStream(jsm, { name: 'HELPER', subjects: ['helper.>'] });
      const ack = await jetstream(nc).publish('helper.one', 'x', { msgID: 'one' });
      assert.equal(ack.seq, 1);
      await nc.close();

      await server.kill();
      await assert.rejects(connectNats(server.url, { firstConnectTimeoutMs: 500 }));
      await server.restart();

      const nc2 = await connectNats(server.url, { firstConnectTimeoutMs: 2000 });
      const info = await (await jetstreamManager(nc2)).streams.info('HELPER');
      assert.equal(info.state.messages, 1, 'a stored message survives a SIGKILL (file storage)');
      await nc2.close();
    } finally {
      await server.close();
    }
    assert.equal(existsSync(server.storeDir), false, 'the temporary storage folder is removed');
  },
);
