/**
 * The rule index: rules filed under their discriminator (rule-analysis.ts) so that, per consignment,
 * only the rules whose necessary condition can hold are evaluated. Keys are read from the activation
 * once per consignment per indexed path; equality tests are Map lookups, prefix tests one lookup per
 * prefix length in use. Candidates come back in rule order, so evaluation order is deterministic.
 */
import type { RuleActivation } from './activation.ts';
import { fuzzyKeys, type Discriminator } from './rule-analysis.ts';

type KeyGetter = (act: RuleActivation) => readonly string[];

/** Reads every value at a path like `goods[].hsCode` or `transport.mode` (non-strings ignored). */
export function keyGetter(path: string): KeyGetter {
  const segments = path.split('.').map((s) => ({ name: s.replace(/\[\]$/, ''), many: s.endsWith('[]') }));
  return (act) => {
    let values: unknown[] = [act];
    for (const seg of segments) {
      const next: unknown[] = [];
      for (const v of values) {
        const x = (v as Record<string, unknown> | undefined)?.[seg.name];
        if (seg.many) {
          if (Array.isArray(x)) {
            next.push(...(x as unknown[]));
          }
        } else {
          next.push(x);
        }
      }
      values = next;
    }
    return values.filter((v): v is string => typeof v === 'string');
  };
}

interface PathIndex {
  readonly get: KeyGetter;
  readonly eq: Map<string, number[]>;
  readonly prefix: Map<string, number[]>;
  prefixLengths: number[];
}

export class RuleIndex {
  readonly size: number;
  readonly #paths: PathIndex[] = [];
  readonly #always: readonly number[];
  readonly #stamp: Uint32Array;
  #generation = 0;

  /** `discriminators[i]` belongs to rule position i; undefined files the rule as an always-candidate. */
  constructor(discriminators: readonly (Discriminator | undefined)[]) {
    this.size = discriminators.length;
    this.#stamp = new Uint32Array(discriminators.length);
    const always: number[] = [];
    const byPath = new Map<string, PathIndex>();
    discriminators.forEach((d, pos) => {
      if (d === undefined || d.length === 0) {
        always.push(pos);
        return;
      }
      for (const test of d) {
        // Fuzzy tests compare anchor keys of the value, a different key space from the value itself.
        const indexKey = test.kind === 'fuzzy' ? `${test.path}~fuzzy` : test.path;
        let pi = byPath.get(indexKey);
        if (pi === undefined) {
          const get = keyGetter(test.path);
          pi = {
            get: test.kind === 'fuzzy' ? (act) => get(act).flatMap(fuzzyKeys) : get,
            eq: new Map(),
            prefix: new Map(),
            prefixLengths: [],
          };
          byPath.set(indexKey, pi);
          this.#paths.push(pi);
        }
        const m = test.kind === 'prefix' ? pi.prefix : pi.eq;
        for (const v of test.values) {
          const list = m.get(v);
          if (list === undefined) {
            m.set(v, [pos]);
          } else if (list[list.length - 1] !== pos) {
            list.push(pos);
          }
        }
      }
    });
    for (const pi of this.#paths) {
      pi.prefixLengths = [...new Set([...pi.prefix.keys()].map((k) => k.length))].sort((a, b) => a - b);
    }
    this.#always = always;
  }

  /** Rules that are always evaluated (no discriminator found). */
  get alwaysCandidates(): number {
    return this.#always.length;
  }

  /** Positions of the rules to evaluate for this activation, ascending. */
  candidates(act: RuleActivation): number[] {
    const gen = ++this.#generation;
    if (gen === 0xffffffff) {
      this.#stamp.fill(0);
      this.#generation = 1;
    }
    const stamp = this.#stamp;
    const g = this.#generation;
    const out: number[] = [];
    const add = (list: readonly number[] | undefined): void => {
      if (list === undefined) {
        return;
      }
      for (const pos of list) {
        if (stamp[pos] !== g) {
          stamp[pos] = g;
          out.push(pos);
        }
      }
    };
    for (const pi of this.#paths) {
      const keys = pi.get(act);
      for (const k of keys) {
        if (pi.eq.size > 0) {
          add(pi.eq.get(k));
        }
        for (const len of pi.prefixLengths) {
          if (len > k.length) {
            break;
          }
          add(pi.prefix.get(k.slice(0, len)));
        }
      }
    }
    add(this.#always);
    return out.sort((a, b) => a - b);
  }
}
