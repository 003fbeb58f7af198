/**
 * CEL's `matches` with RE2 semantics (the CEL specification names RE2): patterns are compiled by
 * re2js, a pure-JavaScript port of RE2 whose matching time is linear in the input, so no pattern an
 * analyst writes can backtrack for seconds on a trader's name (docs/adr/0007). A match is a search
 * anywhere in the text, as RE2's PartialMatch. Compiled patterns are cached: at the call site when the
 * pattern is a literal (compiled once with the rule), in small bounded caches otherwise.
 */
import { RE2JS } from 're2js';

/** Longest pattern accepted (characters): RE2's work per input character grows with the pattern. */
export const MAX_REGEX_LENGTH = 1000;

export type Re2Result =
  | { readonly ok: true; readonly re: RE2JS }
  | { readonly ok: false; readonly tooLong: boolean; readonly message: string };

/** Compiles an RE2 pattern, or says why it is not one (RE2 has no lookahead, backreferences …). */
export function compileRe2(pattern: string): Re2Result {
  if (pattern.length > MAX_REGEX_LENGTH) {
    return {
      ok: false,
      tooLong: true,
      message: `the regular expression has ${pattern.length} characters, at most ${MAX_REGEX_LENGTH}`,
    };
  }
  try {
    return { ok: true, re: RE2JS.compile(pattern) };
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      tooLong: false,
      message: `invalid RE2 regular expression ${JSON.stringify(pattern)}: ${detail}`,
    };
  }
}

/** A bounded cache of compiled patterns (least recently used out first); failures are cached too. */
export class Re2Cache {
  readonly #max: number;
  readonly #entries = new Map<string, Re2Result>();

  constructor(max: number) {
    this.#max = max;
  }

  get(pattern: string): Re2Result {
    let r = this.#entries.get(pattern);
    if (r !== undefined) {
      // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
      this.#entries.delete(pattern);
      this.#entries.set(pattern, r);
      return r;
    }
    r = compileRe2(pattern);
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) {
        this.#entries.delete(oldest.value);
      }
    }
    this.#entries.set(pattern, r);
    return r;
  }

  get size(): number {
    return this.#entries.size;
  }
}
