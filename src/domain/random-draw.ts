/**
 * The random element of selection, made auditable: each draw is HMAC-SHA256 of the consignment's
 * identity (MRN, version, consignment) under the authority's recorded seed. The assessment stores the
 * seed id and the draw; anyone holding the seed can recompute it, and no filer can predict it.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface RandomSeed {
  readonly seedId: string;
  readonly secret: string;
}

export interface RandomDraw {
  readonly seedId: string;
  /** Uniform in [0, 1). */
  readonly draw: number;
}

export function newSeed(at: Date): RandomSeed {
  return {
    seedId: `seed-${at.toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`,
    secret: randomBytes(32).toString('hex'),
  };
}

export function drawFor(seed: RandomSeed, mrn: string, version: number, seq: number): RandomDraw {
  const mac = createHmac('sha256', seed.secret).update(`${mrn}/${version}/${seq}`).digest();
  // 48 bits are plenty for rates down to one in a million and stay exact in a double.
  return { seedId: seed.seedId, draw: mac.readUIntBE(0, 6) / 2 ** 48 };
}
