/**
 * The conformance kit's webhook endpoint: a small HTTP server that keeps every delivery (its raw body
 * and headers, for the signature check) and answers 204. Listens on 127.0.0.1 unless the kit is told
 * the host Vigil reaches it by (--callback-host), then on every interface.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface WebhookReceiver {
  /** The URL to register with Vigil. */
  readonly url: string;
  /** Resolves with the first delivery (already received or to come) that `match` accepts. */
  next(match: (d: Delivery) => boolean, timeoutMs: number): Promise<Delivery | undefined>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: {
  readonly callbackHost?: string | undefined;
  readonly port?: number | undefined;
}): Promise<WebhookReceiver> {
  const received: Delivery[] = [];
  const waiting = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 1024 * 1024) {
        chunks.push(c);
      }
    });
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string') {
          headers[k] = v;
        }
      }
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers });
      res.writeHead(204).end();
      for (const wake of waiting) {
        wake();
      }
    });
  });
  const host = options.callbackHost === undefined ? '127.0.0.1' : '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.callbackHost ?? '127.0.0.1'}:${port}/vigil-conformance/webhook`,
    next(match, timeoutMs) {
      return new Promise((resolve) => {
        const found = received.find(match);
        if (found !== undefined) {
          resolve(found);
          return;
        }
        const finish = (d: Delivery | undefined): void => {
          waiting.delete(wake);
          clearTimeout(timer);
          resolve(d);
        };
        const wake = (): void => {
          const d = received.find(match);
          if (d !== undefined) {
            finish(d);
          }
        };
        const timer = setTimeout(() => finish(undefined), timeoutMs);
        waiting.add(wake);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
