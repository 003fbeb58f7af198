/**
 * One HTTP POST of a webhook, bounded so that a slow or hostile receiver cannot hold the process:
 * one deadline for the whole attempt, at most a few kilobytes of the response read, no redirects
 * followed, and no connection to a non-public address unless allowed (`guardedLookup`).
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isNonPublicAddress } from './webhook-url.ts';

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What an attempt gave: the status code when the receiver answered, else why not. */
export interface WebhookResponse {
  readonly status: number | null;
  readonly error: string | null;
}

/** The port through which the dispatcher sends (tests and other transports can stand in). */
export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookResponse>;
}

export interface HttpWebhookSenderOptions {
  readonly timeoutMs: number;
  readonly allowPrivate: boolean;
  /** Bytes of the response body kept for the delivery record; the rest is not read. */
  readonly maxResponseBytes?: number;
}

export class HttpWebhookSender implements WebhookSender {
  readonly #o: HttpWebhookSenderOptions;
  readonly #lookup: ReturnType<typeof guardedLookup>;

  constructor(options: HttpWebhookSenderOptions) {
    this.#o = options;
    this.#lookup = guardedLookup(options.allowPrivate);
  }

  send(request: WebhookRequest): Promise<WebhookResponse> {
    const url = new URL(request.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!this.#o.allowPrivate && isIP(host) !== 0 && isNonPublicAddress(host)) {
      return Promise.resolve({ status: null, error: `${host} is not a public address; not connecting` });
    }
    const limit = this.#o.maxResponseBytes ?? 2048;
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (r: WebhookResponse): void => {
        if (!settled) {
          settled = true;
          clearTimeout(deadline);
          req.destroy();
          resolve(r);
        }
      };
      const req = client.request(
        url,
        {
          method: 'POST',
          headers: {
            ...request.headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(request.body),
            'user-agent': 'Vigil-Webhooks/1',
          },
          lookup: this.#lookup,
          agent: false,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          let seen = 0;
          // The answer counts by its status; a little of the body is read so a short reply completes,
          // and the connection is dropped as soon as enough has come or the body ends.
          res.on('data', (chunk: Buffer) => {
            seen += chunk.length;
            if (seen >= limit) {
              finish({ status, error: null });
            }
          });
          res.on('end', () => finish({ status, error: null }));
          res.on('error', () => finish({ status, error: null }));
        },
      );
      const deadline = setTimeout(
        () => finish({ status: null, error: `no answer within ${this.#o.timeoutMs} ms` }),
        this.#o.timeoutMs,
      );
      req.on('error', (err: NodeJS.ErrnoException) =>
        finish({ status: null, error: `${err.code ?? 'error'}: ${err.message}`.slice(0, 500) }),
      );
      req.end(request.body);
    });
  }
}
