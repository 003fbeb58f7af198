/**
 * What `vigil demo` runs: generates demo filings and either writes them as NDJSON (one filing body per
 * line) to a file or stdout, or POSTs each to a Vigil server's /v1/filings with a bearer token, a few
 * requests in flight at a time, and summarises the response statuses on stderr. Before posting it waits
 * (a bounded time) for the server's /ready: a server on its first start needs a few seconds.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { generateDemoFilings } from './demo-generator.ts';
import type { DemoFiling } from './demo-types.ts';

export interface RunDemoOptions {
  readonly count: number;
  readonly seed?: number | undefined;
  /** NDJSON file to write; stdout when neither this nor `post` is given. */
  readonly out?: string | undefined;
  /** Base URL of a Vigil server, e.g. http://localhost:8080. */
  readonly post?: string | undefined;
  readonly token?: string | undefined;
  readonly invalidShare?: number | undefined;
  readonly riskyShare?: number | undefined;
  readonly now?: Date | undefined;
  /** Requests in flight at once when posting. Default 8. */
  readonly concurrency?: number | undefined;
  /** How long to wait for the server's /ready before giving up. Default 60 s. */
  readonly readyTimeoutMs?: number | undefined;
}

/** Posting could not start or achieved nothing: the message says why, for one line on the terminal. */
export class DemoPostError extends Error {
  override readonly name = 'DemoPostError';
}

/** Statuses that mean the server took the filing (registered, or an incomplete part kept). */
export function acceptedCount(status: Readonly<Record<string, number>>): number {
  return Object.entries(status)
    .filter(([code]) => /^2\d\d$/.test(code))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Waits (at most `timeoutMs`) for the server at `base` to answer /ready; says so once on stderr. */
export async function waitUntilReady(base: string, timeoutMs: number, io: RunDemoIo): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let said = false;
  let last = 'no answer';
  for (;;) {
    try {
      const res = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) {
        return;
      }
      last = `/ready answered ${res.status}`;
    } catch (err) {
      last =
        (err as Error).cause instanceof Error
          ? ((err as Error).cause as Error).message
          : (err as Error).message;
    }
    if (Date.now() >= deadline) {
      throw new DemoPostError(
        `the server at ${base} was not ready within ${Math.round(timeoutMs / 1000)} s (${last}); is it running?`,
      );
    }
    if (!said) {
      await write(io.stderr, `waiting for the server at ${base} to be ready …\n`);
      said = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface RunDemoIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface RunDemoResult {
  readonly generated: number;
  /** Response counts by HTTP status ("201", "422" …; "error" when no response came back). */
  readonly posted?: { readonly status: Record<string, number> };
}

async function write(stream: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) {
    await once(stream, 'drain');
  }
}

interface Written {
  readonly generated: number;
  readonly invalid: number;
  readonly planted: number;
}

async function writeNdjson(filings: Iterable<DemoFiling>, stream: NodeJS.WritableStream): Promise<Written> {
  let generated = 0;
  let invalid = 0;
  let planted = 0;
  for (const d of filings) {
    await write(stream, `${JSON.stringify(d.filing)}\n`);
    generated++;
    invalid += d.expect.valid ? 0 : 1;
    planted += d.planted.length > 0 ? 1 : 0;
  }
  return { generated, invalid, planted };
}

const describe = (w: Written): string =>
  `${w.generated} filings (${w.invalid} invalid, ${w.planted} with a planted risk pattern)`;

async function postAll(
  filings: Iterable<DemoFiling>,
  url: string,
  token: string | undefined,
  concurrency: number,
): Promise<{ generated: number; status: Record<string, number> }> {
  const status: Record<string, number> = {};
  const iterator = filings[Symbol.iterator]();
  let generated = 0;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) {
    headers['authorization'] = `Bearer ${token}`;
  }
  // Workers pull from one shared generator: it is synchronous, so no filing is taken twice.
  const worker = async (): Promise<void> => {
    for (let next = iterator.next(); next.done !== true; next = iterator.next()) {
      generated++;
      let key: string;
      try {
        const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(next.value.filing) });
        key = String(res.status);
        // Drain the body so the connection can be reused.
        await res.arrayBuffer();
      } catch {
        key = 'error';
      }
      status[key] = (status[key] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return { generated, status };
}

export async function runDemo(opts: RunDemoOptions, io: RunDemoIo): Promise<RunDemoResult> {
  const filings = generateDemoFilings({
    count: opts.count,
    seed: opts.seed,
    now: opts.now,
    invalidShare: opts.invalidShare,
    riskyShare: opts.riskyShare,
  });
  if (opts.post !== undefined) {
    const base = opts.post.replace(/\/+$/, '');
    await waitUntilReady(base, opts.readyTimeoutMs ?? 60_000, io);
    const url = `${base}/v1/filings`;
    const { generated, status } = await postAll(filings, url, opts.token, opts.concurrency ?? 8);
    const summary = Object.entries(status)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
    await write(io.stderr, `posted ${generated} filings to ${url} (${summary || 'none'})\n`);
    return { generated, posted: { status } };
  }
  if (opts.out !== undefined) {
    const file = createWriteStream(opts.out);
    try {
      const written = await writeNdjson(filings, file);
      await new Promise<void>((resolve, reject) => {
        file.once('error', reject);
        file.end(resolve);
      });
      await write(io.stderr, `wrote ${describe(written)} to ${opts.out}\n`);
      return { generated: written.generated };
    } catch (err) {
      file.destroy();
      throw err;
    }
  }
  const written = await writeNdjson(filings, io.stdout);
  await write(io.stderr, `wrote ${describe(written)}\n`);
  return { generated: written.generated };
}
