/**
 * Connecting to NATS for the bus: one connection per process, reconnecting forever (a NATS restart or
 * a cluster fail-over must never end a worker), and waiting for the first connection instead of failing
 * when NATS starts after Vigil.
 */
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';

export interface NatsConnectOptions {
  /** Shown in the server's connection list (`vigil-worker-<pid>` …). */
  readonly name?: string | undefined;
  /** Pause between reconnect attempts; default 1 s (with jitter). */
  readonly reconnectTimeWaitMs?: number | undefined;
  /** Give up the very first connection after this long; default: keep trying. */
  readonly firstConnectTimeoutMs?: number | undefined;
}

export type { NatsConnection };

/** `url` may list several servers of a cluster, comma-separated. */
export async function connectNats(url: string, options: NatsConnectOptions = {}): Promise<NatsConnection> {
  const servers = url
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const pending = connect({
    servers,
    name: options.name ?? `vigil-${process.pid}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: options.reconnectTimeWaitMs ?? 1000,
    waitOnFirstConnect: options.firstConnectTimeoutMs === undefined,
    ...(options.firstConnectTimeoutMs !== undefined ? { timeout: options.firstConnectTimeoutMs } : {}),
  });
  return pending;
}
