/**
 * CEL's string semantics where JavaScript's differ: ordering by code point (not UTF-16 unit), and the
 * ASCII-only `lowerAscii`/`upperAscii` and Go-style `trim` of the CEL strings library. Used by the
 * compiled closures (cel-compiler.ts) and declared for the library's evaluator (rule-environment.ts).
 */

/** UTF-16 unit → its rank in code-point order: surrogates (code points above U+FFFF) sort last. */
function codePointRank(u: number): number {
  return u < 0xd800 ? u : u >= 0xe000 ? u - 0x800 : u + 0x2000;
}

/** Orders strings by code point, as CEL does; JavaScript's `<` compares UTF-16 units. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      return codePointRank(x) - codePointRank(y);
    }
  }
  return a.length - b.length;
}

/** CEL's `lowerAscii`: only A–Z change ('TacoCÆt' → 'tacocÆt'); `toLowerCase` would fold Æ too. */
export function lowerAscii(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** CEL's `upperAscii`: only a–z change ('straße' → 'STRAßE', where `toUpperCase` gives 'STRASSE'). */
export function upperAscii(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/**
 * White space as CEL's `trim` (Go's unicode.IsSpace) sees it: ASCII spaces, U+0085, U+00A0 and the
 * Unicode space separators; unlike JavaScript's `trim`, not U+FEFF.
 */
function isCelSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    c === 32 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** CEL's `trim` (a loop rather than a regular expression: linear whatever the text). */
export function trimCel(s: string): string {
  let i = 0;
  let j = s.length;
  while (i < j && isCelSpace(s.charCodeAt(i))) {
    i++;
  }
  while (j > i && isCelSpace(s.charCodeAt(j - 1))) {
    j--;
  }
  return s.slice(i, j);
}
