/**
 * Parses a request's body or query with a zod schema; every problem at once, as Vigil's field errors
 * (400 with `errors: [{ code, path, message }]`).
 */
import type { z } from 'zod';
import { VigilError } from './error-catalogue.ts';
import { fromZodIssues } from './zod-issues.ts';

export function parseInput<T>(
  schema: z.ZodType<T>,
  value: unknown,
  code: 'VIGIL_BAD_REQUEST' | 'VIGIL_QUERY_INVALID' = 'VIGIL_BAD_REQUEST',
): T {
  const r = schema.safeParse(value, { reportInput: true });
  if (!r.success) {
    throw new VigilError(
      code,
      code === 'VIGIL_QUERY_INVALID' ? 'a query parameter is invalid' : 'the request body is invalid',
      fromZodIssues(r.error.issues, code === 'VIGIL_QUERY_INVALID' ? 'the query' : 'the request body'),
    );
  }
  return r.data;
}
