/**
 * A small seeded random source for the demo generator. The demo must be reproducible from a seed on any
 * machine and Node version, so it never touches Math.random: it draws from the kernel's mulberry32.
 */
import { mulberry32 } from '../domain/index.ts';

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** Uniform in [min, max). */
  float(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
  /** A string of `length` characters drawn from `alphabet`. */
  chars(alphabet: string, length: number): string;
  /** A log-normal factor around 1 (median 1), for natural-looking spread of prices and masses. */
  spread(sigma: number): number;
}

const DIGITS = '0123456789';

/** The kernel's mulberry32 stream (src/domain/random.ts), wrapped with the helpers the demo needs. */
export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    float: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) {
        throw new Error('cannot pick from an empty list');
      }
      return items[Math.floor(next() * items.length)]!;
    },
    weighted: <T>(items: readonly (readonly [T, number])[]): T => {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [item, w] of items) {
        r -= w;
        if (r < 0) {
          return item;
        }
      }
      return items[items.length - 1]![0];
    },
    chars: (alphabet, length) => {
      let s = '';
      for (let i = 0; i < length; i++) {
        s += alphabet[Math.floor(next() * alphabet.length)]!;
      }
      return s;
    },
    spread: (sigma) => {
      // Box–Muller; 1 - next() keeps the logarithm finite.
      const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      return Math.exp(sigma * z);
    },
  };
  return rng;
}

/** `length` random decimal digits. */
export function digits(rng: Rng, length: number): string {
  return rng.chars(DIGITS, length);
}
