/**
 * Validates a filing body as the EU's systems do: structure and identifiers first (all problems in one
 * pass), then the business rules. Returns every error at once, each with a stable code, a JSON path
 * and a message; on success, the normalised filing and any warnings.
 */
import type { Filing } from '../domain/index.ts';
import { fromZodIssues, unstorableStrings } from '../errors/index.ts';
import type { Result } from '../errors/index.ts';
import { filingSchema } from './filing.schema.ts';
import { checkFilingRules } from './filing.rules.ts';
import type { RuleContext } from './filing.rules.ts';

export function validateFiling(body: unknown, ctx: RuleContext): Result<Filing> {
  const unstorable = unstorableStrings(body);
  if (unstorable.length > 0) {
    return { ok: false, errors: unstorable };
  }
  const parsed = filingSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) {
    return { ok: false, errors: fromZodIssues(parsed.error.issues, 'the filing') };
  }
  const filing = parsed.data as Filing;
  const { errors, warnings } = checkFilingRules(filing, ctx);
  if (errors.length > 0) {
    return { ok: false, errors };
  }
  return { ok: true, value: filing, warnings };
}
