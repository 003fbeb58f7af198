/**
 * Random sources of the trade, both passed in where they are used so tests can fix them: a seeded
 * generator for reproducible streams (demo traffic, model training, benchmarks) and the random serial
 * that makes MRNs reveal nothing about volumes.
 */
import { randomInt } from 'node:crypto';

/**
 * mulberry32 (Tommy Ettinger's public-domain generator): a few lines, fast, the same seed gives the
 * same stream on any machine and Node version; its 2^32 period is plenty for sampling and synthetic
 * traffic (it is not for cryptography). Uniform in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** MRN serials: 12 letters or digits, random so MRNs reveal nothing about volumes. */
export type SerialSource = () => string;

const SERIAL_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const randomSerial: SerialSource = () => {
  let s = '';
  for (let i = 0; i < 12; i++) {
    s += SERIAL_ALPHABET[randomInt(36)]!;
  }
  return s;
};
