/**
 * A one-line progress bar for terminals (redrawn at most every 100 ms); silent when stderr is not a TTY,
 * so logs and CI output stay clean.
 */
export interface Progress {
  update(done: number, note: string): void;
  /** A line above the bar (a rejected record): the bar is redrawn after it on a terminal. */
  note(line: string): void;
  finish(): void;
}

export function progressBar(stream: NodeJS.WritableStream, total: number | undefined): Progress {
  const tty = (stream as { isTTY?: boolean }).isTTY === true;
  let last = 0;
  const draw = (done: number, note: string): void => {
    const width = 30;
    const share = total !== undefined && total > 0 ? Math.min(1, done / total) : undefined;
    const bar =
      share !== undefined
        ? `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ${(share * 100).toFixed(0).padStart(3)}%`
        : '';
    stream.write(`\r${bar} ${note}\x1b[K`);
  };
  return {
    update(done, note) {
      const now = Date.now();
      if (tty && now - last >= 100) {
        last = now;
        draw(done, note);
      }
    },
    note(line) {
      stream.write(tty ? `\r${line}\x1b[K\n` : `${line}\n`);
    },
    finish() {
      if (tty) {
        stream.write('\r\x1b[K');
      }
    },
  };
}
