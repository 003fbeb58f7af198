/**
 * The README's "Try it", run as a newcomer would on a fresh data folder: the commands of that block,
 * word for word, in bash from the repository root (only the port is moved off 8080, so a developer's
 * running server is not in the way). The demo must wait for the server's first start, the filings it
 * posts must be registered, and the listing must show them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

/** The shell block under "## Try it" in the README. */
function tryItBlock(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('\n## Try it\n')[1];
  const block = section?.match(/```sh\n([\s\S]*?)```/)?.[1];
  assert.ok(block !== undefined, 'the README has a "Try it" block');
  return block;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test("the README's Try it registers and lists filings on a fresh data folder", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-try-it-'));
  const port = await freePort();
  const block = tryItBlock();
  assert.match(block, /npm start &/);
  const script = `set -e\n${block.replaceAll('8080', String(port))}`;
  const child = spawn('bash', ['-c', script], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, PORT: String(port), VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'silent' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, `the block failed:\n${stderr}`);
    // The demo waited for the first start and its filings were registered.
    assert.match(stderr, /posted 200 filings to .*\(.*201: \d+/);
    // The last command's output: the filer's filings, newest first.
    const listing = JSON.parse(stdout.slice(stdout.indexOf('{"items"'))) as { items: { mrn: string }[] };
    assert.equal(listing.items.length, 5);
    assert.ok(listing.items.every((f) => f.mrn.length === 18));
  } finally {
    // `npm start &` is still running in the block's process group.
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    rmSync(dataDir, { recursive: true, force: true });
  }
});
