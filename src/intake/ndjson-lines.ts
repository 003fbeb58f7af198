/**
 * NDJSON read as it arrives: the lines of a byte stream, each given once it is complete, under a limit
 * on the whole stream and on one line, so a hostile body is never held beyond them (bulk filing).
 */

export type LineItem =
  | { readonly line: number; readonly text: string }
  | { readonly line: number; readonly tooLong: true }
  | { readonly tooLarge: number };

const NEWLINE = 0x0a;

/**
 * The lines of `chunks`, numbered from 1, without their line break (and a trailing \r). A line longer
 * than `maxLineBytes` is given as `tooLong`, never held whole. Reading stops, with `tooLarge`, at the
 * first byte beyond `maxBytes`: the line that crosses the limit is not given.
 */
export async function* splitLines(
  chunks: AsyncIterable<Buffer | string>,
  maxBytes: number,
  maxLineBytes: number,
): AsyncGenerator<LineItem> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overlong = false;
  let total = 0;
  let line = 0;
  const finish = (rest: Buffer): LineItem => {
    line++;
    const item: LineItem =
      overlong || pendingBytes + rest.length > maxLineBytes
        ? { line, tooLong: true }
        : {
            line,
            text: Buffer.concat([...pending, rest])
              .toString('utf8')
              .replace(/\r$/, ''),
          };
    pending = [];
    pendingBytes = 0;
    overlong = false;
    return item;
  };
  for await (const raw of chunks) {
    let chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    // The lines that end within the limit are given, even from the chunk that crosses it.
    const over = total + chunk.length > maxBytes;
    if (over) {
      chunk = chunk.subarray(0, maxBytes - total);
    }
    total += chunk.length;
    let nl = chunk.indexOf(NEWLINE);
    while (nl !== -1) {
      yield finish(chunk.subarray(0, nl));
      chunk = chunk.subarray(nl + 1);
      nl = chunk.indexOf(NEWLINE);
    }
    if (over) {
      yield { tooLarge: line + 1 };
      return;
    }
    if (chunk.length > 0) {
      if (!overlong && pendingBytes + chunk.length <= maxLineBytes) {
        pending.push(chunk);
        pendingBytes += chunk.length;
      } else {
        // Too long for one filing: what comes until the next line break is dropped as it arrives.
        overlong = true;
        pending = [];
        pendingBytes = 0;
      }
    }
  }
  if (pending.length > 0 || overlong) {
    yield finish(Buffer.alloc(0));
  }
}
