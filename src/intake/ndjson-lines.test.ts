import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { splitLines } from './ndjson-lines.ts';
import type { LineItem } from './ndjson-lines.ts';

async function lines(chunks: readonly string[], maxBytes = 1000, maxLineBytes = 100): Promise<LineItem[]> {
  const out: LineItem[] = [];
  const source = Readable.from(chunks.map((c) => Buffer.from(c)));
  for await (const item of splitLines(source, maxBytes, maxLineBytes)) {
    out.push(item);
  }
  return out;
}

test('lines are numbered from 1, whole across chunks, without their line break or \\r', async () => {
  assert.deepEqual(await lines(['{"a"', ':1}\r\n{"b":2}\n', '\n{"c"', '', ':3}']), [
    { line: 1, text: '{"a":1}' },
    { line: 2, text: '{"b":2}' },
    { line: 3, text: '' },
    { line: 4, text: '{"c":3}' },
  ]);
});

test('a multi-byte character split between chunks is decoded whole', async () => {
  const bytes = Buffer.from('"é"\n');
  const out: LineItem[] = [];
  for await (const item of splitLines(Readable.from([bytes.subarray(0, 2), bytes.subarray(2)]), 1000, 100)) {
    out.push(item);
  }
  assert.deepEqual(out, [{ line: 1, text: '"é"' }]);
});

test('a line longer than the line limit is given as too long, and the next line as usual', async () => {
  assert.deepEqual(await lines(['x'.repeat(60), 'y'.repeat(60), '\nok\n', 'z'.repeat(101)]), [
    { line: 1, tooLong: true },
    { line: 2, text: 'ok' },
    { line: 3, tooLong: true },
  ]);
});

test('at the byte limit the complete lines before it are given, then where reading stopped', async () => {
  assert.deepEqual(await lines(['one\ntwo\nthr', 'ee\nfour\n'], 12), [
    { line: 1, text: 'one' },
    { line: 2, text: 'two' },
    { tooLarge: 3 },
  ]);
  assert.deepEqual(await lines(['one\n', 'two\n'], 8), [
    { line: 1, text: 'one' },
    { line: 2, text: 'two' },
  ]);
});
