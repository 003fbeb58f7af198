/**
 * A small seeded random source for the demo generator. The demo must be reproducible from a seed on any
 * machine and Node version, so it never touches Math.random: mulberry32 is a few lines, fast, and its
 * 2^32 period is plenty for synthetic traffic (it is not for cryptography).
 */

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

/** mulberry32 (Tommy Ettinger's public-domain generator), wrapped with the helpers the demo needs. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
