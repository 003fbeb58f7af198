/**
 * How the conformance kit acts as a filer: straight over HTTP with the filer's key, or, in adapter
 * mode, by running the filer's own adapter command once per operation (the request on stdin, the
 * answer Vigil gave on stdout; docs/integration.md, "The adapter protocol"). Reads
 * that check what Vigil stored always go straight to Vigil with the key.
 */
import { spawn } from 'node:child_process';

/** An answer from Vigil: the HTTP status and the parsed JSON body (null when there was none). */
export interface Answer {
  readonly status: number;
  readonly body: any;
  /** The body as it came. */
  readonly text: string;
}

/** One request to Vigil with the filer's key; `body` is sent as JSON unless it is a string. */
export type HttpCall = (
  method: string,
  path: string,
  body?: unknown,
  contentType?: string,
) => Promise<Answer>;

/** The operations a filer's system performs. */
export type FilerOperation = 'lodge' | 'amend' | 'invalidate' | 'answer-rfi' | 'bulk';

export interface FilerChannel {
  /** `mrn` for amend, invalidate and answer-rfi; `body` is the request body (NDJSON text for bulk). */
  send(scenario: string, operation: FilerOperation, body: unknown, mrn?: string): Promise<Answer>;
}

const parse = (text: string): unknown => {
  try {
    return text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
};

/** Requests to `${url}/v1…` with `Authorization: Bearer ${key}`. */
export function httpCall(url: string, key: string): HttpCall {
  const base = url.replace(/\/+$/, '');
  return async (method, path, body, contentType = 'application/json') => {
    const res = await fetch(`${base}/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': contentType } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: parse(text), text };
  };
}

const PATHS: Readonly<Record<FilerOperation, (mrn: string) => string>> = {
  lodge: () => '/filings',
  amend: (mrn) => `/filings/${mrn}/amendments`,
  invalidate: (mrn) => `/filings/${mrn}/invalidation`,
  'answer-rfi': (mrn) => `/filings/${mrn}/rfi-response`,
  bulk: () => '/filings/bulk',
};

/** The kit itself plays the filer's system: each operation is one request to Vigil. */
export function directChannel(http: HttpCall): FilerChannel {
  return {
    send: (_scenario, operation, body, mrn = '') =>
      http(
        'POST',
        PATHS[operation](mrn),
        body,
        operation === 'bulk' ? 'application/x-ndjson' : 'application/json',
      ),
  };
}

/**
 * The status an adapter's answer stands for: a problem+json carries its own; anything else is a
 * success (an adapter prints the body Vigil answered, not the status line).
 */
function statusOf(body: unknown): number {
  const b = body as { status?: unknown; code?: unknown } | null;
  return b !== null && typeof b === 'object' && typeof b.code === 'string' && typeof b.status === 'number'
    ? b.status
    : 200;
}

export interface AdapterOptions {
  /** The command, run by the shell. */
  readonly command: string;
  /** The Vigil the filer's system should lodge to, passed on as VIGIL_CONFORMANCE_URL. */
  readonly url: string;
  /** Most milliseconds one invocation may take. */
  readonly timeoutMs: number;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The filer's own system plays the filer, driven through its adapter command. */
export function adapterChannel(options: AdapterOptions): FilerChannel {
  return {
    send: (scenario, operation, body, mrn) =>
      new Promise<Answer>((resolve, reject) => {
        const child = spawn(options.command, {
          shell: true,
          stdio: ['pipe', 'pipe', 'pipe'],
          env: {
            ...options.env,
            VIGIL_CONFORMANCE_SCENARIO: scenario,
            VIGIL_CONFORMANCE_OPERATION: operation,
            VIGIL_CONFORMANCE_URL: options.url,
            ...(mrn !== undefined ? { VIGIL_CONFORMANCE_MRN: mrn } : {}),
          },
        });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        const timer = setTimeout(() => {
          child.kill();
          reject(new Error(`the adapter took longer than ${options.timeoutMs / 1000} s (${operation})`));
        }, options.timeoutMs);
        child.stdout.on('data', (c: Buffer) => out.push(c));
        child.stderr.on('data', (c: Buffer) => err.push(c));
        child.on('error', (e) => {
          clearTimeout(timer);
          reject(new Error(`the adapter could not be started: ${e.message}`));
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          const text = Buffer.concat(out).toString('utf8').trim();
          if (code !== 0) {
            const why = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-3).join(' | ');
            reject(
              new Error(
                `the adapter exited with ${String(code)} on ${operation}${why !== '' ? `: ${why}` : ''}`,
              ),
            );
            return;
          }
          if (operation === 'bulk') {
            resolve({ status: 200, body: null, text });
            return;
          }
          const parsed = parse(text);
          if (parsed === null) {
            reject(new Error(`the adapter printed no JSON answer on ${operation}: ${text.slice(0, 200)}`));
            return;
          }
          resolve({ status: statusOf(parsed), body: parsed, text });
        });
        child.stdin.on('error', () => undefined);
        child.stdin.end(typeof body === 'string' ? body : JSON.stringify(body));
      }),
  };
}
