/**
 * A cheap pass over a JSON body before it is parsed: how deep it nests and how many keys one object
 * holds. JSON.parse would build a 4 MB nested array or an object of 100,000 keys before any schema
 * could refuse it; this loop looks at each character once, builds nothing, and stops at the first
 * limit crossed. Malformed JSON is left for JSON.parse to report.
 */
import { VigilError } from '../errors/index.ts';

export interface JsonLimits {
  /** Deepest nesting of arrays and objects. */
  readonly maxDepth: number;
  /** Most keys in any one object. */
  readonly maxKeys: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;

/** Throws VIGIL_BODY_TOO_DEEP or VIGIL_BODY_TOO_MANY_KEYS when `text` crosses a limit. */
export function checkJsonLimits(text: string, limits: JsonLimits): void {
  // keys[d]: keys seen so far in the object open at depth d, or -1 when an array is open there.
  const keys = new Int32Array(limits.maxDepth + 2);
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Jump to the closing quote: one not escaped by an odd number of backslashes.
      let end = text.indexOf('"', i + 1);
      while (end !== -1) {
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) {
          slashes++;
        }
        if (slashes % 2 === 0) {
          break;
        }
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) {
        return; // An unterminated string: JSON.parse reports it.
      }
      i = end;
      continue;
    }
    switch (c) {
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        depth++;
        if (depth > limits.maxDepth) {
          throw new VigilError(
            'VIGIL_BODY_TOO_DEEP',
            `the body nests more than ${limits.maxDepth} levels deep (at character ${i}); flatten it`,
          );
        }
        keys[depth] = c === OPEN_OBJECT ? 0 : -1;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        if (depth > 0) {
          depth--;
        }
        break;
      case COLON:
        // Outside strings a colon only ever follows an object's key.
        if (depth > 0 && keys[depth]! >= 0 && ++keys[depth]! > limits.maxKeys) {
          throw new VigilError(
            'VIGIL_BODY_TOO_MANY_KEYS',
            `an object in the body has more than ${limits.maxKeys} keys (at character ${i})`,
          );
        }
        break;
      default:
        break;
    }
  }
}
