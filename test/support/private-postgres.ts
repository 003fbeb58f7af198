/**
 * Test and bench helper: a private PostgreSQL cluster (initdb into a temporary folder, `postgres` on a
 * private port), so that a test can crash or restart the server and a bench can load extensions such
 * as pg_stat_statements without touching the machine's shared PostgreSQL. Trust authentication for
 * the `postgres` user on 127.0.0.1; fsync and synchronous_commit stay at their defaults (on), so a
 * crash restart recovers exactly what was committed.
 *
 * PostgreSQL refuses to run as root: when this process is root the server runs as the `postgres`
 * operating-system user (setpriv, which execs, so the postmaster is our own child) in a folder chowned
 * to it. `crash()` SIGKILLs the postmaster and every backend (the next start runs crash recovery);
 * `stop('fast')` is a clean shutdown. Every cluster still running when this process exits is killed
 * and its folder removed.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../bus/nats-server.ts';

export interface PrivatePostgresOptions {
  /** Server settings passed as `-c name=value`, e.g. `{ shared_preload_libraries: 'pg_stat_statements' }`. */
  readonly settings?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** Default: a free port chosen by the OS. */
  readonly port?: number | undefined;
  /** How long to wait for the server to accept queries (crash recovery included); default 60 s. */
  readonly startTimeoutMs?: number | undefined;
}

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The URL of another database of this cluster. */
  urlFor(database: string): string;
  /** The postmaster's pid while it runs. */
  readonly pid: number | undefined;
  /** The last lines the server wrote (its log goes to stderr). */
  output(): string;
  /** Starts the server (after a stop or a crash) and waits until it answers queries. */
  start(): Promise<void>;
  /** `fast`: clean shutdown (SIGINT, checkpoint); `immediate`: SIGQUIT, recovery at the next start. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** SIGKILL of the postmaster and every backend, as in a crash of the whole server process tree. */
  crash(): Promise<void>;
  /** Stops the server and removes its folder. */
  close(): Promise<void>;
}

/** The folder of initdb and postgres: VIGIL_PG_BIN, else the Debian path of PostgreSQL 15, else the PATH. */
export function postgresBinDir(): string | undefined {
  const candidates = [process.env['VIGIL_PG_BIN'], '/usr/lib/postgresql/15/bin'];
  for (const dir of candidates) {
    if (
      dir !== undefined &&
      dir !== '' &&
      existsSync(join(dir, 'initdb')) &&
      existsSync(join(dir, 'postgres'))
    ) {
      return dir;
    }
  }
  try {
    const initdb = execFileSync('which', ['initdb'], { encoding: 'utf8' }).trim();
    const dir = initdb.slice(0, initdb.lastIndexOf('/'));
    return existsSync(join(dir, 'postgres')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Why a private cluster cannot be started here, or false when it can. */
export function privatePostgresSkipReason(): string | false {
  if (postgresBinDir() === undefined) {
    return 'needs the PostgreSQL server binaries (initdb, postgres): install postgresql-15 or set VIGIL_PG_BIN';
  }
  if (process.getuid?.() === 0 && runAsPostgres() === undefined) {
    return 'runs as root but there is no `postgres` user to run the PostgreSQL server as';
  }
  return false;
}

/** uid/gid of the `postgres` user when this process is root (PostgreSQL refuses to run as root). */
function runAsPostgres(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) {
    return undefined;
  }
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** [command, args] that run `binary args` as the postgres user when we are root (setpriv execs). */
function asServerUser(binary: string, args: readonly string[]): [string, string[]] {
  if (runAsPostgres() === undefined) {
    return [binary, [...args]];
  }
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', binary, ...args]];
}

/** Pids whose parent is `pid` (the postmaster's backends and auxiliary processes). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) {
        out.push(Number(entry));
      }
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Alive and not a zombie (a killed process whose parent has not reaped it holds no resources). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Freezes the postmaster (so it forks nothing more), SIGKILLs its children, then it. Returns the pids. */
function killTree(postmaster: number): number[] {
  signal(postmaster, 'SIGSTOP');
  const children = childrenOf(postmaster);
  for (const pid of children) {
    signal(pid, 'SIGKILL');
  }
  signal(postmaster, 'SIGKILL');
  return [postmaster, ...children];
}

const clusters = new Set<{ pid(): number | undefined; dir: string }>();
process.once('exit', () => {
  for (const c of clusters) {
    const pid = c.pid();
    if (pid !== undefined) {
      killTree(pid);
    }
    rmSync(c.dir, { recursive: true, force: true });
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

export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const reason = privatePostgresSkipReason();
  if (reason !== false) {
    throw new Error(`cannot start a private PostgreSQL: ${reason}`);
  }
  const bin = postgresBinDir()!;
  const owner = runAsPostgres();
  const root = mkdtempSync(join(tmpdir(), 'vigil-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'sock');
  const port = options.port ?? (await freePort());
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  let tail = '';
  const handle = { pid: () => child?.pid, dir: root };
  clusters.add(handle);

  try {
    mkdirSync(socketDir);
    if (owner !== undefined) {
      chownSync(root, owner.uid, owner.gid);
      chownSync(socketDir, owner.uid, owner.gid);
    }
    const [cmd, args] = asServerUser(join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C',
      // Only initdb's own files skip fsync (they are rewritten by the first checkpoint); the server
      // runs with fsync on.
      '--no-sync',
    ]);
    execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    clusters.delete(handle);
    rmSync(root, { recursive: true, force: true });
    throw err;
  }

  const serverArgs = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    socketDir,
    '-c',
    'listen_addresses=127.0.0.1',
    ...Object.entries(options.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${String(v)}`]),
  ];

  async function answers(): Promise<boolean> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async function start(): Promise<void> {
    if (child !== undefined) {
      return;
    }
    const [cmd, args] = asServerUser(join(bin, 'postgres'), serverArgs);
    const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const keep = (chunk: Buffer): void => {
      tail = (tail + chunk.toString()).slice(-8000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        child = undefined;
        throw new Error(`PostgreSQL exited while starting:\n${tail}`);
      }
      // Refused while it runs crash recovery ("the database system is starting up").
      if (await answers()) {
        return;
      }
      if (Date.now() > deadline) {
        await crash();
        throw new Error(`PostgreSQL did not start within ${timeoutMs} ms:\n${tail}`);
      }
      await sleep(100);
    }
  }

  async function stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    const proc = child;
    if (proc === undefined) {
      return;
    }
    child = undefined;
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    }
    // A shutdown that hangs (a stuck checkpoint) ends as a crash rather than holding the caller.
    const timer = setTimeout(() => proc.pid !== undefined && killTree(proc.pid), 30_000);
    await exited(proc);
    clearTimeout(timer);
  }

  async function crash(): Promise<void> {
    const proc = child;
    if (proc === undefined) {
      return;
    }
    child = undefined;
    const pids = proc.pid !== undefined ? killTree(proc.pid) : [];
    await exited(proc);
    // Backends are reparented when the postmaster dies; a new postmaster must not find them attached
    // to the old shared memory.
    const deadline = Date.now() + 30_000;
    while (pids.some(alive)) {
      if (Date.now() > deadline) {
        throw new Error(`PostgreSQL processes ${pids.filter(alive).join(', ')} survived SIGKILL`);
      }
      await sleep(50);
    }
  }

  try {
    await start();
  } catch (err) {
    await crash().catch(() => undefined);
    clusters.delete(handle);
    rmSync(root, { recursive: true, force: true });
    throw err;
  }

  return {
    url,
    port,
    dataDir,
    urlFor(database) {
      return `postgres://postgres@127.0.0.1:${port}/${database}`;
    },
    get pid() {
      return child?.pid;
    },
    output: () => tail,
    start,
    stop,
    crash,
    async close() {
      try {
        await stop('fast');
      } finally {
        clusters.delete(handle);
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
