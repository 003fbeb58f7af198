/**
 * Test helper: a private `nats-server -js` on its own port and storage folder, so a test can kill and
 * restart it without touching the machine's shared NATS. `startNatsServer` resolves once the server
 * accepts connections; `stop()` ends it gracefully, `kill()` with SIGKILL (a crash), `restart()` starts
 * it again on the same port and folder; `close()` stops it and removes a folder it created itself.
 */
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NatsServerOptions {
  /** Default: a free port chosen by the OS. */
  readonly port?: number | undefined;
  /** JetStream storage folder; default: a new temporary folder, removed by close(). */
  readonly storeDir?: string | undefined;
  /** How long to wait for the server to accept connections; default 10 s. */
  readonly startTimeoutMs?: number | undefined;
}

export interface NatsServer {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  /** Graceful stop (SIGTERM), waits for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL, as in a crash; waits for the process to exit. */
  kill(): Promise<void>;
  /** Starts the server again (stopping it first if it runs) on the same port and folder. */
  restart(): Promise<void>;
  /** Stops the server and removes the storage folder if this helper created it. */
  close(): Promise<void>;
}

/** The nats-server binary: NATS_SERVER_BIN, else the Debian package's path, else the PATH. */
export function natsServerBinary(): string | undefined {
  const fromEnv = process.env['NATS_SERVER_BIN'];
  if (fromEnv !== undefined && fromEnv !== '') {
    return fromEnv;
  }
  if (existsSync('/usr/sbin/nats-server')) {
    return '/usr/sbin/nats-server';
  }
  try {
    return execFileSync('which', ['nats-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const binary = natsServerBinary();
  if (binary === undefined) {
    throw new Error('nats-server not found (install the nats-server package or set NATS_SERVER_BIN)');
  }
  const port = options.port ?? (await freePort());
  const ownDir = options.storeDir === undefined;
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'vigil-nats-'));
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  let child: ChildProcess | undefined;
  let output = '';

  async function launch(): Promise<void> {
    output = '';
    const proc = spawn(binary!, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`nats-server exited while starting:\n${output}`);
      }
      // The port accepts connections only once JetStream has recovered its streams from disk.
      if (/Server is ready/.test(output) && (await canConnect(port))) {
        return;
      }
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`nats-server did not start within ${timeoutMs} ms:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function end(signal: NodeJS.Signals): Promise<void> {
    const proc = child;
    if (proc === undefined) {
      return;
    }
    child = undefined;
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill(signal);
    }
    await exited(proc);
  }

  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    async restart() {
      await end('SIGTERM');
      await launch();
    },
    async close() {
      await end('SIGTERM');
      if (ownDir) {
        rmSync(storeDir, { recursive: true, force: true });
      }
    },
  };
}
