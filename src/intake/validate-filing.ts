/**
 * Validates a filing body as the EU's systems do: structure and identifiers first (all problems in one
 * pass), then the business rules. Returns every error at once, each with a stable code, a JSON path
 * and a message; on success, the normalised filing and any warnings. Codes are checked against the
 * reference data in force on the filing's date (the nomenclature, countries, currencies, package and
 * document types, filing types, transport modes, customs offices): the service's lists, or the shipped
 * ones when none are given.
 */
import { dayOf, withReferenceScope } from '../domain/index.ts';
import type { Filing } from '../domain/index.ts';
import { bundledReferenceLists } from '../reference/index.ts';
import { fromZodIssues, unstorableStrings } from '../errors/index.ts';
import type { Result } from '../errors/index.ts';
import { filingSchema } from './filing.schema.ts';
import { checkFilingRules } from './filing.rules.ts';
import type { RuleContext } from './filing.rules.ts';

export function validateFiling(body: unknown, ctx: RuleContext): Result<Filing> {
  const lists = ctx.reference ?? bundledReferenceLists();
  return withReferenceScope({ lists, day: dayOf(ctx.now) }, () =>
    validate(body, { ...ctx, reference: lists }),
  );
}

function validate(body: unknown, ctx: RuleContext): Result<Filing> {
  const unstorable = unstorableStrings(body);
  if (unstorable.length > 0) {
    return { ok: false, errors: unstorable };
  }
  const parsed = filingSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) {
    return { ok: false, errors: fromZodIssues(parsed.error.issues, 'the filing') };
  }
  // A consignment's goods may be absent where the type's data set has none: the filing always has a
  // list (empty then). Where the data set has goods items, the data-set check refuses the empty list;
  // it was absent in the body, so the error says "required", as a schema would.
  const absent = new Set<string>();
  const filing: Filing = {
    ...(parsed.data as Filing),
    consignments: parsed.data.consignments.map((c, i) => {
      if (c.goods === undefined) {
        absent.add(`$.consignments[${i}].goods`);
      }
      return { ...(c as Filing['consignments'][number]), goods: c.goods ?? [] };
    }),
  };
  const { errors, warnings } = checkFilingRules(filing, ctx);
  if (errors.length > 0) {
    return {
      ok: false,
      errors: errors.map((e) =>
        e.code === 'VIGIL_SCHEMA_TOO_SMALL' && absent.has(e.path)
          ? { ...e, code: 'VIGIL_SCHEMA_REQUIRED' as const }
          : e,
      ),
    };
  }
  return { ok: true, value: filing, warnings };
}
