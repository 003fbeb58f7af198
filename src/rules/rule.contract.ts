/**
 * What the rule and watchlist routes answer, as zod schemas (the OpenAPI document and a generated
 * client read them), with examples.
 */
import { z } from 'zod';
import { RECOMMENDED_ACTIONS, RISK_AREAS, RULE_SEVERITIES, TRANSPORT_MODES } from '../domain/index.ts';
import { RULE_STATUSES, WATCHLIST_ENTITY_TYPES, WATCHLIST_SUBJECTS } from '../risk/index.ts';
import { LIST_FORMATS } from './list-formats/index.ts';
import type { RuleInput } from './rule.service.ts';

const instant = z.string().describe('ISO 8601 date-time, UTC');

export const storedRuleSchema = z
  .object({
    id: z.string(),
    version: z.int().describe('increases with every change; assessments name the version they used'),
    status: z.enum(RULE_STATUSES),
    title: z.string(),
    riskArea: z.enum(RISK_AREAS),
    weight: z.number(),
    severity: z.enum(RULE_SEVERITIES),
    recommendedAction: z.enum(RECOMMENDED_ACTIONS),
    validFrom: instant.optional(),
    validUntil: instant.optional(),
    scope: z.object({
      authority: z.string(),
      offices: z.array(z.string()).optional(),
      modes: z.array(z.enum(TRANSPORT_MODES)).optional(),
    }),
    reason: z.string(),
    condition: z.string().describe('the CEL condition'),
    createdBy: z.string(),
    createdAt: instant,
  })
  .meta({ id: 'Rule' });

export const listedRuleSchema = storedRuleSchema.extend({
  notLive: z
    .object({ code: z.string(), message: z.string() })
    .optional()
    .describe('why live assessment skips this rule (it no longer compiles with the current watchlists)'),
});

export const ruleWithVersionsSchema = z.object({
  rule: storedRuleSchema,
  versions: z.array(z.int()).describe('every version of the rule'),
});

const entityTypeSchema = z.enum(WATCHLIST_ENTITY_TYPES);

/** A rule hit's watchlist match: the list, the value screened, the entity and the name that matched. */
export const watchlistHitMatchSchema = z
  .object({
    list: z.string(),
    value: z.string().describe('the value screened (from the filing)'),
    entity: z.object({ id: z.string(), name: z.string(), type: entityTypeSchema.optional() }),
    name: z.string().describe('the listed name or alias that matched'),
    score: z.number(),
  })
  .meta({ id: 'WatchlistHitMatch' });

export const ruleHitSchema = z
  .object({
    ruleId: z.string(),
    version: z.int(),
    title: z.string(),
    riskArea: z.enum(RISK_AREAS),
    weight: z.number(),
    severity: z.enum(RULE_SEVERITIES),
    recommendedAction: z.enum(RECOMMENDED_ACTIONS),
    reason: z.string(),
    triggers: z
      .array(
        z.object({
          label: z.string(),
          value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]),
          match: watchlistHitMatchSchema
            .optional()
            .describe('a watchlist lookup that hit: the entity and the name of it that matched'),
        }),
      )
      .describe('what made the rule hit'),
  })
  .meta({ id: 'RuleHit' });

export const ruleTestResultSchema = z.object({
  hit: z.boolean(),
  hits: z.array(ruleHitSchema),
  errors: z
    .array(z.object({ ruleId: z.string(), version: z.int(), message: z.string() }))
    .describe('the rule had no value on the consignment (a CEL error)'),
});

export const backtestResultSchema = z
  .object({
    rule: z.object({ id: z.string(), version: z.int() }),
    period: z.object({ from: instant, to: instant }),
    consignmentsAssessed: z.int(),
    consignmentsHit: z.int(),
    hitRate: z.number(),
    controlled: z.int().describe('hit consignments that were controlled and have a result'),
    irregular: z.int(),
    irregularShare: z.number().nullable().describe('share of the controlled hits found irregular'),
    addedControlLoad: z.int().describe('hit consignments that had no control: the load the rule would add'),
    addedControlLoadShare: z.number(),
    evaluationErrors: z.int(),
    firstEvaluationError: z.string().nullable(),
    daily: z
      .array(
        z.object({
          day: z.string().describe('YYYY-MM-DD (UTC), the day the filings were lodged'),
          assessed: z.int(),
          hits: z.int(),
          addedControlLoad: z.int().describe('hits on consignments that had no control'),
        }),
      )
      .describe('day by day, every day of the period'),
  })
  .meta({ id: 'BacktestResult' });

export const ruleCheckSchema = z
  .object({
    ok: z.boolean().describe('the condition type-checks: saving the rule would accept it'),
    errors: z
      .array(
        z.object({
          code: z.string().describe('VIGIL_RULE_SYNTAX, VIGIL_RULE_UNKNOWN_FIELD … (docs/errors.md)'),
          message: z.string(),
          line: z.int().describe('1-based'),
          column: z.int().describe('1-based'),
          offset: z.int().describe('0-based, in UTF-16 code units'),
        }),
      )
      .describe('every problem found, each with its place in the condition'),
  })
  .meta({ id: 'RuleCheck' });

const environmentFunctionSchema = z.object({
  name: z.string(),
  receiver: z.string().nullable().describe('the receiver type of a method; null for a global function'),
  signature: z.string(),
  params: z.array(z.string()),
  returns: z.string(),
  macro: z.boolean().describe('its first argument binds a variable to each element: goods.exists(g, …)'),
  description: z.string().nullable(),
});

export const ruleEnvironmentSchema = z
  .object({
    variables: z.array(z.object({ name: z.string(), type: z.string() })),
    types: z.array(
      z.object({ name: z.string(), fields: z.array(z.object({ name: z.string(), type: z.string() })) }),
    ),
    functions: z.array(environmentFunctionSchema),
    countryGroups: z.array(z.string()).describe('the groups `inGroup(country, group)` knows'),
    watchlists: z.array(z.string()).describe('the authority’s watchlists, for `watchlist("name")`'),
  })
  .meta({ id: 'RuleEnvironment' });

export const ruleCommentSchema = z
  .object({
    id: z.string(),
    rule: z.string(),
    version: z.int().describe('the rule’s latest version when the comment was made'),
    text: z.string(),
    author: z.string().describe('role:subject'),
    createdAt: instant,
  })
  .meta({ id: 'RuleComment' });

export const RULE_COMMENT_EXAMPLE: z.output<typeof ruleCommentSchema> = {
  id: 'rc_5f0c2a7e-0d7b-4f8e-9a51-2b0f3c7d9e11',
  rule: 'R-STEEL-UNDERVALUE',
  version: 3,
  text: 'Most hits are one importer with a binding valuation ruling; consider excluding it.',
  author: 'analyst:ferrari',
  createdAt: '2027-03-04T10:15:00.000Z',
};

export const watchlistSummarySchema = z
  .object({
    name: z.string(),
    subject: z.enum(WATCHLIST_SUBJECTS),
    threshold: z.number().nullable(),
    description: z.string(),
    size: z.int(),
    updatedAt: instant,
  })
  .meta({ id: 'Watchlist' });

/** How a screened name matched a listed entity, word by word (Watchlist.explain). */
export const watchlistMatchSchema = z
  .object({
    entity: z
      .object({
        id: z.string(),
        name: z.string().describe('its main name'),
        type: entityTypeSchema.optional(),
        source: z.string().optional(),
      })
      .describe('the entity matched'),
    name: z.string().describe('the name of it that matched: its main name or one of its aliases'),
    score: z.number().describe('0–1'),
    parts: z
      .array(
        z.object({
          query: z.string().describe('the word as screened (normalised)'),
          listed: z.string().describe('the listed word it met'),
          how: z
            .enum(['exact', 'edits', 'phonetic', 'romanised', 'prefix', 'joined', 'number'])
            .describe(
              'exact; edits (spelling, `edits` of them); phonetic (sounds alike); romanised (another script); prefix (cut short); joined (run together); number',
            ),
          edits: z.int().optional(),
          weight: z.number().describe('its share of the listed name, 0–1'),
        }),
      )
      .describe('word by word, how the screened name met the listed one'),
    unmatchedQuery: z.array(z.string()).describe('words of the screened name that met nothing'),
    unmatchedListed: z.array(z.string()).describe('words of the listed name that nothing met'),
    script: z.string().optional().describe('the screened name’s script when not Latin'),
  })
  .meta({ id: 'WatchlistMatch' });

export const watchlistEntrySchema = z
  .object({
    id: z.string().describe('the entity’s id in its list (the source list’s own, such as un:6908555)'),
    value: z.string().describe('its main name or value'),
    aliases: z.array(z.string()).describe('its other names, original-script forms included'),
    type: entityTypeSchema.nullable(),
    identifiers: z.array(z.object({ kind: z.string(), value: z.string() })),
    note: z.string().nullable(),
    source: z.string().nullable(),
    addedAt: instant,
    expiresAt: instant.nullable(),
    match: watchlistMatchSchema.optional().describe('with `?q=`: how the name searched matched it'),
  })
  .meta({ id: 'WatchlistEntry' });

export const watchlistEntryPageSchema = z.object({
  items: z.array(watchlistEntrySchema),
  next: z.string().nullable().describe('pass as `?next=` for the following page; null on the last page'),
});

export const watchlistUploadResultSchema = z.object({
  name: z.string(),
  format: z.enum(LIST_FORMATS).describe('the format the upload was read in'),
  received: z.int().describe('entities read and stored'),
});

export const watchlistMatchResultSchema = z.object({
  listed: z.boolean().describe('the value matches the list at its threshold'),
  score: z.number().describe('its best score against the list, 0–1'),
  match: watchlistMatchSchema.nullable().describe('when listed: the entity, the name that matched and how'),
});

export const WATCHLIST_ENTRY_EXAMPLE: z.output<typeof watchlistEntrySchema> = {
  id: 'eu:13',
  value: 'Blue Horizon Trading FZE',
  aliases: ['Blue Horizon General Trading', 'بلو هورايزن للتجارة'],
  type: 'organisation',
  identifiers: [{ kind: 'registration', value: 'DMCC-118452' }],
  note: 'EU.27.28. programme IRN',
  source: 'EU consolidated financial sanctions list',
  addedAt: '2027-03-01T09:00:00.000Z',
  expiresAt: null,
};

export const WATCHLIST_MATCH_EXAMPLE: z.output<typeof watchlistMatchSchema> = {
  entity: {
    id: 'eu:13',
    name: 'Blue Horizon Trading FZE',
    type: 'organisation',
    source: 'EU consolidated financial sanctions list',
  },
  name: 'Blue Horizon Trading FZE',
  score: 0.96,
  parts: [
    { query: 'blue', listed: 'blue', how: 'exact', weight: 0.24 },
    { query: 'horizon', listed: 'horizon', how: 'exact', weight: 0.41 },
    { query: 'tradng', listed: 'trading', how: 'edits', edits: 1, weight: 0.35 },
  ],
  unmatchedQuery: [],
  unmatchedListed: [],
};

export const RULE_INPUT_EXAMPLE: RuleInput = {
  id: 'R-STEEL-UNDERVALUE',
  title: 'Steel tubes declared far below their usual value',
  riskArea: 'undervaluation',
  weight: 40,
  severity: 'high',
  recommendedAction: 'documentary-check',
  scope: { modes: ['maritime'] },
  status: 'draft',
  reason: 'The declared value is far below the usual value of these goods.',
  condition: 'goods.exists(g, g.hsCode.startsWith("7306") && g.valuePerKg < 0.5)',
};

export const STORED_RULE_EXAMPLE: z.output<typeof storedRuleSchema> = {
  id: 'R-STEEL-UNDERVALUE',
  version: 1,
  status: 'draft',
  title: 'Steel tubes declared far below their usual value',
  riskArea: 'undervaluation',
  weight: 40,
  severity: 'high',
  recommendedAction: 'documentary-check',
  scope: { authority: 'IT', modes: ['maritime'] },
  reason: 'The declared value is far below the usual value of these goods.',
  condition: 'goods.exists(g, g.hsCode.startsWith("7306") && g.valuePerKg < 0.5)',
  createdBy: 'analyst:ferrari',
  createdAt: '2027-03-01T09:00:00.000Z',
};
