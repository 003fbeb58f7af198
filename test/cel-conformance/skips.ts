/**
 * What of the cel-spec conformance suite Vigil's rule language does not offer, by file, section, case
 * or feature, each with its reason; and the known deviations, cases Vigil offers but answers
 * differently, each with its reason. Everything else runs and must pass (cel-spec.test.ts), and every
 * known deviation must still fail, so this list cannot go stale.
 */
export interface ConformanceSkip {
  readonly file: string;
  /** A section of the file; all of the file when absent. */
  readonly section?: string;
  /** One case of the section; all of the section when absent. */
  readonly test?: string;
  readonly reason: string;
}

const PROTO = 'proto messages, enums and wrappers: rules see Vigil types only, no protobuf';

/** Files, sections and cases whose feature the rule language does not offer. */
export const CONFORMANCE_SKIPS: readonly ConformanceSkip[] = [
  { file: 'block_ext', reason: 'cel.block is an internal optimiser form, not offered' },
  { file: 'dynamic', reason: `${PROTO} (google.protobuf.Value, Struct, Any)` },
  { file: 'encoders_ext', reason: 'the encoders extension (base64) is not offered: rules have no bytes' },
  { file: 'enums', reason: PROTO },
  { file: 'math_ext', reason: 'the math extension (math.greatest, bit operations …) is not offered' },
  { file: 'namespace', reason: 'containers and qualified names: rules have no namespaces' },
  { file: 'network_ext', reason: 'the network extension (ip, cidr) is not offered' },
  { file: 'optionals', reason: 'optional types (`.?`, optional.of) are not enabled for rules' },
  { file: 'proto2', reason: PROTO },
  { file: 'proto2_ext', reason: PROTO },
  { file: 'proto3', reason: PROTO },
  { file: 'wrappers', reason: PROTO },
  { file: 'type_deduction', reason: 'type-deduction checks: Vigil reports whether a rule checks, not types' },
  {
    file: 'macros2',
    reason: 'two-variable comprehensions (`exists(i, v, …)`, transformList) are not offered',
  },
  { file: 'comparisons', section: 'eq_wrapper', reason: PROTO },
  { file: 'fields', section: 'qualified_identifier_resolution', reason: 'qualified names and maps' },
  { file: 'fields', section: 'quoted_map_fields', reason: 'maps with quoted field names' },
  { file: 'string_ext', section: 'char_at', reason: 'strings extension function not offered (charAt)' },
  { file: 'string_ext', section: 'format', reason: 'strings extension function not offered (format)' },
  { file: 'string_ext', section: 'quote', reason: 'strings extension function not offered (strings.quote)' },
  { file: 'string_ext', section: 'replace', reason: 'strings extension function not offered (replace)' },
  { file: 'string_ext', section: 'reverse', reason: 'strings extension function not offered (reverse)' },
  ...[
    ['comparisons', 'eq_literal', 'not_eq_list_null'],
    ['comparisons', 'eq_literal', 'not_eq_list_false_vs_types'],
    ['comparisons', 'eq_literal', 'not_eq_list_elem_null'],
    ['comparisons', 'in_list_literal', 'elem_in_mixed_type_list'],
    ['macros', 'exists', 'list_elem_type_shortcircuit'],
    ['macros', 'exists', 'list_elem_type_exhaustive'],
    ['macros', 'all', 'list_elem_type_shortcircuit'],
  ].map(([file, section, test]) => ({
    file: file!,
    section: section!,
    test: test!,
    reason: 'a list literal mixing types: rule list literals are homogeneous (refused when saved)',
  })),
  {
    file: 'parse',
    section: 'whitespace',
    reason: 'the expression builds a proto message (cel.expr.conformance.proto3.TestAllTypes)',
  },
];

/**
 * Features the rule language does not have, recognised in a case's expression: the documented types
 * are string, bool, int, double and lists of them (docs/rules-language.md). Maps, uint, bytes,
 * timestamps and durations, `dyn`, type values and `has()` are outside it.
 */
export const UNSUPPORTED_FEATURES: readonly { readonly pattern: RegExp; readonly reason: string }[] = [
  { pattern: /\b\d+[uU]\b|\buint\(/, reason: 'uint: rules have int and double only' },
  { pattern: /\b[bB][rR]?['"]|\bbytes\(/, reason: 'bytes: rules have no bytes values' },
  { pattern: /\{/, reason: 'maps: rules have objects and lists, no map values' },
  { pattern: /\btimestamp\(|\bduration\(/, reason: 'timestamps and durations are not documented rule types' },
  { pattern: /\bdyn\(/, reason: 'dyn: rules are statically typed' },
  { pattern: /\btype\(|\bnull_type\b|\bgoogle\.protobuf\./, reason: 'type values and proto types' },
  { pattern: /\bhas\(/, reason: 'has(): every rule field is present (absent ones are "" or 0)' },
];

/** Cases Vigil offers but answers differently from the specification (they must keep failing). */
export const KNOWN_DEVIATIONS: readonly ConformanceSkip[] = [
  {
    file: 'comparisons',
    section: 'gt_literal',
    test: 'not_gt_double',
    reason: 'the library parser refuses a double literal without a leading digit (`.99`); write `0.99`',
  },
  ...['double_int_max_range', 'double_int_min_range', 'double_range'].map((test) => ({
    file: 'conversions',
    section: 'int',
    test,
    reason: 'int() of a double outside int64 is not an error in the library (rules rarely convert)',
  })),
  {
    file: 'conversions',
    section: 'uint',
    test: 'double_uint_max_range',
    reason: 'int() of a double outside int64 is not an error in the library (rules rarely convert)',
  },
  {
    file: 'macros',
    section: 'all',
    test: 'list_empty',
    reason: 'the library type checker fails on a macro over an empty list literal with `>`',
  },
];

function find(
  list: readonly ConformanceSkip[],
  file: string,
  section: string,
  test: string,
): string | undefined {
  for (const s of list) {
    if (
      s.file === file &&
      (s.section === undefined || s.section === section) &&
      (s.test === undefined || s.test === test)
    ) {
      return s.reason;
    }
  }
  return undefined;
}

/** Why a case is skipped, or undefined when it must run. */
export function skipReason(file: string, section: string, test: string, expr: string): string | undefined {
  const listed = find(CONFORMANCE_SKIPS, file, section, test);
  if (listed !== undefined) {
    return listed;
  }
  // Quoted text is not a feature: `'{0}'` is a string, not a map.
  const code = expr.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, (m) => (/^[bB]/.test(m) ? m : "''"));
  return UNSUPPORTED_FEATURES.find((f) => f.pattern.test(code))?.reason;
}

export function knownDeviation(file: string, section: string, test: string): string | undefined {
  return find(KNOWN_DEVIATIONS, file, section, test);
}
