/**
 * Test helper: a private three-node NATS JetStream cluster on local ports — one `nats-server` per node,
 * each with its own config file, `server_name`, client, route and monitoring port, and store folder
 * under one temporary folder — so a test can kill and restart a node (a stream leader, say) without
 * touching the machine's shared NATS. `startNatsCluster` resolves once every node reports healthy
 * (JetStream meta leader elected, every node current); `restart(i)` waits for that node to catch up.
 * Every node still running when this process exits is killed.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, natsServerBinary } from './nats-server.ts';

export interface NatsClusterOptions {
  /** Number of nodes; default 3. */
  readonly size?: number | undefined;
  /** How long to wait for a node (or the whole cluster) to be healthy; default 30 s. */
  readonly startTimeoutMs?: number | undefined;
}

export interface NatsClusterNode {
  /** `server_name`, e.g. `vigil-n1`; what stream info reports as leader and replica names. */
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly clusterPort: number;
  readonly monitorPort: number;
  readonly storeDir: string;
  readonly running: boolean;
  /** The last lines the node wrote. */
  output(): string;
}

export interface NatsCluster {
  /** Every node's client URL, comma-separated (what NATS_URL takes). */
  readonly url: string;
  readonly nodes: readonly NatsClusterNode[];
  /** The index of the node called `name` (a stream's `cluster.leader`), or -1. */
  indexOf(name: string): number;
  /** SIGKILL of one node, as in a crash; waits for the process to exit. */
  kill(index: number): Promise<void>;
  /** Graceful stop of one node. */
  stop(index: number): Promise<void>;
  /** Starts a stopped or killed node again (same ports and folder) and waits until it is healthy. */
  start(index: number): Promise<void>;
  /** Resolves once every running node reports healthy (`/healthz`: JetStream current). */
  waitHealthy(): Promise<void>;
  /** Stops every node and removes the temporary folder. */
  close(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) {
    child.kill('SIGKILL');
  }
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function healthy(monitorPort: number): Promise<boolean> {
  try {
    const r = await fetch(`http://127.0.0.1:${monitorPort}/healthz`, { signal: AbortSignal.timeout(2000) });
    await r.text();
    return r.ok;
  } catch {
    return false;
  }
}

interface NodeState {
  readonly name: string;
  readonly port: number;
  readonly clusterPort: number;
  readonly monitorPort: number;
  readonly storeDir: string;
  readonly configFile: string;
  child: ChildProcess | undefined;
  tail: string;
}

export async function startNatsCluster(options: NatsClusterOptions = {}): Promise<NatsCluster> {
  const binary = natsServerBinary();
  if (binary === undefined) {
    throw new Error('nats-server not found (install the nats-server package or set NATS_SERVER_BIN)');
  }
  const size = options.size ?? 3;
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const root = mkdtempSync(join(tmpdir(), 'vigil-nats-cluster-'));
  const nodes: NodeState[] = [];
  for (let i = 1; i <= size; i++) {
    const storeDir = join(root, `n${i}`);
    mkdirSync(storeDir);
    nodes.push({
      name: `vigil-n${i}`,
      port: await freePort(),
      clusterPort: await freePort(),
      monitorPort: await freePort(),
      storeDir,
      configFile: join(root, `n${i}.conf`),
      child: undefined,
      tail: '',
    });
  }
  const routes = nodes.map((n) => `nats-route://127.0.0.1:${n.clusterPort}`);
  for (const n of nodes) {
    writeFileSync(
      n.configFile,
      [
        `server_name: ${n.name}`,
        `listen: 127.0.0.1:${n.port}`,
        `http: 127.0.0.1:${n.monitorPort}`,
        `jetstream {`,
        `  store_dir: "${n.storeDir}"`,
        `}`,
        `cluster {`,
        `  name: vigil-test`,
        `  listen: 127.0.0.1:${n.clusterPort}`,
        `  routes: [`,
        ...routes.map((r) => `    ${r}`),
        `  ]`,
        `}`,
        '',
      ].join('\n'),
    );
  }

  async function waitNodeHealthy(n: NodeState): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const proc = n.child;
      if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`nats-server ${n.name} is not running:\n${n.tail}`);
      }
      if (await healthy(n.monitorPort)) {
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(`nats-server ${n.name} was not healthy within ${timeoutMs} ms:\n${n.tail}`);
      }
      await sleep(100);
    }
  }

  function launch(n: NodeState): void {
    n.tail = '';
    const proc = spawn(binary!, ['-c', n.configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    n.child = proc;
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
    const keep = (chunk: Buffer): void => {
      n.tail = (n.tail + chunk.toString()).slice(-6000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
  }

  async function end(n: NodeState, sig: NodeJS.Signals): Promise<void> {
    const proc = n.child;
    if (proc === undefined) {
      return;
    }
    n.child = undefined;
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill(sig);
    }
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await exited(proc);
    clearTimeout(timer);
  }

  const node = (i: number): NodeState => {
    const n = nodes[i];
    if (n === undefined) {
      throw new Error(`no node ${i} in a cluster of ${nodes.length}`);
    }
    return n;
  };

  const waitHealthy = async (): Promise<void> => {
    await Promise.all(nodes.filter((n) => n.child !== undefined).map(waitNodeHealthy));
  };

  const close = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => end(n, 'SIGTERM')));
    rmSync(root, { recursive: true, force: true });
  };

  try {
    // All at once: a node waits for its routes before JetStream elects a meta leader.
    nodes.forEach(launch);
    await waitHealthy();
  } catch (err) {
    await close();
    throw err;
  }

  return {
    url: nodes.map((n) => `nats://127.0.0.1:${n.port}`).join(','),
    nodes: nodes.map((n) => ({
      name: n.name,
      url: `nats://127.0.0.1:${n.port}`,
      port: n.port,
      clusterPort: n.clusterPort,
      monitorPort: n.monitorPort,
      storeDir: n.storeDir,
      get running() {
        return n.child !== undefined;
      },
      output: () => n.tail,
    })),
    indexOf: (name) => nodes.findIndex((n) => n.name === name),
    kill: (i) => end(node(i), 'SIGKILL'),
    stop: (i) => end(node(i), 'SIGTERM'),
    async start(i) {
      const n = node(i);
      if (n.child === undefined) {
        launch(n);
      }
      await waitNodeHealthy(n);
    },
    waitHealthy,
    close,
  };
}
