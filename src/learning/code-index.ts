/**
 * Numeric codes (exact integers below 2^53) mapped to dense slots, for the feature encoders of the
 * KCS and entry-summary models: a plain array when the codes are few, otherwise an open-addressing
 * hash table of typed arrays (linear probing, at most half full). Faster than a Map of numbers, whose
 * codes above 2^31 are boxed.
 */
export interface CodeIndex {
  /** Slot per code, -1 for a code never seen; set when the codes fit a direct table. */
  readonly direct: Int32Array | undefined;
  readonly codes: Float64Array;
  readonly slots: Int32Array;
  readonly mask: number;
}

/** Largest code range given a direct table (4 MiB of Int32). */
const DIRECT_CODES = 1 << 20;

function hashCode(code: number): number {
  // Codes are exact integers below 2^53: mix their low and high 32 bits.
  const h = Math.imul((code >>> 0) ^ Math.imul(Math.floor(code / 4294967296), 0x85ebca6b), 0x9e3779b1);
  return h ^ (h >>> 16);
}

export function buildCodeIndex(codes: readonly number[], range: number): CodeIndex {
  if (range <= DIRECT_CODES) {
    const direct = new Int32Array(Math.max(1, range)).fill(-1);
    codes.forEach((code, slot) => {
      direct[code] = slot;
    });
    return { direct, codes: new Float64Array(0), slots: new Int32Array(0), mask: 0 };
  }
  let size = 16;
  while (size < codes.length * 2) {
    size *= 2;
  }
  const table = new Float64Array(size);
  const slots = new Int32Array(size).fill(-1);
  const mask = size - 1;
  codes.forEach((code, slot) => {
    let h = hashCode(code) & mask;
    while (slots[h]! >= 0) {
      h = (h + 1) & mask;
    }
    table[h] = code;
    slots[h] = slot;
  });
  return { direct: undefined, codes: table, slots, mask };
}

export function findSlot(index: CodeIndex, code: number): number {
  if (index.direct !== undefined) {
    return index.direct[code] ?? -1;
  }
  const { codes, slots, mask } = index;
  let h = hashCode(code) & mask;
  for (;;) {
    const slot = slots[h]!;
    if (slot < 0 || codes[h] === code) {
      return slot;
    }
    h = (h + 1) & mask;
  }
}
