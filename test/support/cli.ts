/** The `vigil` command run in this process through `runCli` (the binary's entry point), for CLI tests. */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/cli.ts';
import type { TestApp } from './test-app.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `vigil …` in this process, with its own streams and environment. */
export async function vigilInProcess(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  const code = await runCli([...args], { env, stdout, stderr, stdin: new PassThrough() });
  assert.equal(typeof code, 'number');
  return {
    code: code as number,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}

/** Makes a test app listen on a free local port, for commands that go through a server; its URL. */
export async function listenLocally(app: TestApp): Promise<string> {
  await app.server.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.app.server.address() as AddressInfo).port}`;
}
