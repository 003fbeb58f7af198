/**
 * Canonical JSON (RFC 8785, JSON Canonicalization Scheme): object keys sorted by UTF-16 code units,
 * numbers in ECMAScript form, no whitespace. Audit hashes are computed over this form so that the
 * same entry always hashes the same, whatever key order or engine produced it. The serialisation
 * itself is the `canonicalize` package (by an RFC 8785 author); this module only pins down what we
 * accept.
 */
import canonicalize from 'canonicalize';

/**
 * The RFC 8785 form of a JSON value. Throws for values JSON cannot carry (undefined at the top,
 * NaN, Infinity, lone surrogates, cycles): an audit entry holding one is a bug in the caller.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) {
    throw new TypeError(`canonical JSON: a ${typeof value} has no JSON form`);
  }
  return text;
}
