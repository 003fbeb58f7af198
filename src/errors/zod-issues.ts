/**
 * Zod's issues as Vigil's field errors: one code, one JSON path and one plain message per problem,
 * shared by every contract (filings, import declarations, rules, request bodies).
 */
import type { z } from 'zod';
import type { ErrorCode, FieldError } from './error-catalogue.ts';

export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const part of path) {
    if (typeof part === 'number') {
      out += `[${part}]`;
    } else if (typeof part === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) {
      out += `.${part}`;
    } else {
      out += `[${JSON.stringify(String(part))}]`;
    }
  }
  return out;
}

function typeName(v: unknown): string {
  if (v === null) {
    return 'null';
  }
  if (Array.isArray(v)) {
    return 'an array';
  }
  if (typeof v === 'number' && !Number.isFinite(v)) {
    return 'a number out of range';
  }
  return /^[aeiou]/.test(typeof v) ? `an ${typeof v}` : `a ${typeof v}`;
}

function expectedName(expected: string): string {
  // zod's internal names are not words a filer should read.
  if (expected === 'nonoptional') {
    return 'a value';
  }
  const name = expected === 'int' ? 'integer' : expected;
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

/**
 * Strings PostgreSQL cannot store (NUL) or that are not Unicode (lone surrogates) are refused with
 * their path before anything else looks at them. Iterative, so a hostile nesting depth costs nothing.
 */
export function unstorableStrings(body: unknown): FieldError[] {
  const out: FieldError[] = [];
  const bad = (s: string): boolean => s.includes('\u0000') || !s.isWellFormed();
  const stack: [unknown, PropertyKey[]][] = [[body, []]];
  let budget = 200_000;
  while (stack.length > 0 && out.length < 100 && budget-- > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (bad(value)) {
        out.push({
          code: 'VIGIL_SCHEMA_FORMAT',
          path: jsonPath(path),
          message: 'text must be valid Unicode without NUL characters',
        });
      }
    } else if (Array.isArray(value)) {
      // Paths are built only for strings we report; deep arrays keep a short path.
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push([value[i], path.length < 32 ? [...path, i] : path]);
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (bad(k)) {
          out.push({
            code: 'VIGIL_SCHEMA_FORMAT',
            path: jsonPath(path),
            message: 'field names must be valid Unicode without NUL characters',
          });
        }
        stack.push([v, path.length < 32 ? [...path, k] : path]);
      }
    }
  }
  return out.reverse();
}

/**
 * How a message names the element at `path`: its field name, or for an element of a list the list's
 * name with the index (`consignments[0]`); `whole` for the document itself.
 */
function elementName(path: readonly PropertyKey[], whole: string): string {
  const last = path[path.length - 1];
  if (last === undefined) {
    return whole;
  }
  if (typeof last === 'number') {
    const list = path[path.length - 2];
    return list === undefined ? `item ${last}` : `${String(list)}[${last}]`;
  }
  return String(last);
}

/**
 * Maps zod's issues onto Vigil's codes and plain-language messages. `whole` names the document the
 * paths are in ("the filing", "the query"), for problems with the document itself.
 */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], whole = 'the request body'): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const path = jsonPath(issue.path);
    const field = elementName(issue.path, whole);
    switch (issue.code) {
      case 'invalid_type':
        if (issue.input === undefined) {
          out.push({
            code: 'VIGIL_SCHEMA_REQUIRED',
            path,
            message: `${field} is required (${expectedName(issue.expected)})`,
          });
        } else {
          out.push({
            code: 'VIGIL_SCHEMA_TYPE',
            path,
            message:
              typeof issue.input === 'number' && !Number.isFinite(issue.input)
                ? `${field} must be a finite number`
                : `${field} must be ${expectedName(issue.expected)}, not ${typeName(issue.input)}`,
          });
        }
        break;
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          out.push({
            code: 'VIGIL_SCHEMA_UNKNOWN_FIELD',
            path: jsonPath([...issue.path, key]),
            message: `'${key}' is not ${whole === 'the query' && issue.path.length === 0 ? 'a query parameter of this route' : `a field of ${field}`}`,
          });
        }
        break;
      case 'invalid_value': {
        const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
        if (issue.input === undefined) {
          out.push({
            code: 'VIGIL_SCHEMA_REQUIRED',
            path,
            message: `${field} is required: one of ${allowed}`,
          });
        } else if (issue.values.every((v) => typeof v === 'string') && typeof issue.input !== 'string') {
          out.push({
            code: 'VIGIL_SCHEMA_TYPE',
            path,
            message: `${field} must be a string, one of ${allowed}, not ${typeName(issue.input)}`,
          });
        } else {
          out.push({ code: 'VIGIL_SCHEMA_VALUE', path, message: `${field} must be one of ${allowed}` });
        }
        break;
      }
      case 'too_small':
        out.push({
          code:
            issue.input === '' || (typeof issue.input === 'string' && issue.minimum === 1)
              ? 'VIGIL_SCHEMA_REQUIRED'
              : 'VIGIL_SCHEMA_TOO_SMALL',
          path,
          message: `${field} ${issue.origin === 'array' ? `needs at least ${String(issue.minimum)} item(s)` : issue.origin === 'string' ? 'must not be empty' : `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`}`,
        });
        break;
      case 'too_big':
        out.push({
          code: 'VIGIL_SCHEMA_TOO_BIG',
          path,
          message: `${field} ${issue.origin === 'array' ? `may have at most ${String(issue.maximum)} items` : issue.origin === 'string' ? `may have at most ${String(issue.maximum)} characters` : `must be at most ${String(issue.maximum)}`}`,
        });
        break;
      case 'invalid_format':
        out.push({
          code: issue.format === 'datetime' ? 'VIGIL_DATE_INVALID' : 'VIGIL_SCHEMA_FORMAT',
          path,
          message:
            issue.format === 'datetime'
              ? `${field} must be an ISO 8601 date-time with a time zone, such as 2027-03-01T10:00:00Z`
              : `${field} must be ${issue.message}`,
        });
        break;
      case 'custom':
        out.push({
          code: (issue.params?.['code'] as ErrorCode | undefined) ?? 'VIGIL_SCHEMA_FORMAT',
          path,
          message: issue.message,
        });
        break;
      case 'invalid_union':
      case 'invalid_key':
      case 'invalid_element':
      case 'not_multiple_of':
        out.push({ code: 'VIGIL_SCHEMA_FORMAT', path, message: `${field}: ${issue.message}` });
    }
  }
  return out;
}
