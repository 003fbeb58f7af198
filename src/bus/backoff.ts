/**
 * Timing helpers shared by the bus loops: capped exponential backoff with jitter, and a sleep that a
 * `wake()` or a stop can cut short.
 */

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Delay before attempt `attempt + 1` after `attempt` failures (attempt >= 1); ±20 % jitter. */
export function backoffMs(attempt: number, { baseMs, maxMs }: BackoffOptions, random = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(0, Math.round(exp * (0.8 + 0.4 * random())));
}

/** A sleep that can be interrupted: `wake()` ends the current (or next) sleep early. */
export class Waker {
  #pending = false;
  #resolve: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;

  sleep(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#resolve = resolve;
      this.#timer = setTimeout(() => this.#settle(), ms);
    });
  }

  wake(): void {
    if (this.#resolve === undefined) {
      this.#pending = true;
      return;
    }
    this.#settle();
  }

  #settle(): void {
    clearTimeout(this.#timer);
    const resolve = this.#resolve;
    this.#resolve = undefined;
    this.#timer = undefined;
    resolve?.();
  }
}
