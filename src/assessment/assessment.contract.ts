/**
 * What the assessment routes answer, as zod schemas (the OpenAPI document and a generated client
 * read them), with examples.
 */
import { z } from 'zod';
import { RECOMMENDED_ACTIONS, RISK_AREAS, RULE_SEVERITIES } from '../domain/index.ts';
import { watchlistHitMatchSchema } from '../rules/index.ts';

const mrn = z.string();
const instant = z.string().describe('ISO 8601 date-time, UTC');

export const rfiAnswerSchema = z
  .object({ text: z.string(), at: instant, by: z.string() })
  .meta({ id: 'RfiAnswer' });

/** The outcome of one consignment, as officials see it (EntryOutcome). */
export const entryOutcomeSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('assessment-complete') }),
    z.object({
      kind: z.literal('request-for-information'),
      reason: z.string(),
      questions: z.array(z.string()).optional().describe('what customs ask the filer'),
      answer: rfiAnswerSchema.optional().describe('the filer’s latest answer'),
    }),
    z.object({ kind: z.literal('high-risk-screening'), reason: z.string() }),
    z.object({ kind: z.literal('do-not-load'), reason: z.string() }),
    z.object({
      kind: z.literal('control-recommended'),
      controlType: z.enum(['documentary', 'physical', 'scan']),
      office: z.string(),
      random: z.boolean().describe('selected by the random draw, not by risk'),
      reason: z.string(),
    }),
  ])
  .meta({ id: 'EntryOutcome' });

/** What the filer is told of an outcome (a control recommendation is not disclosed). */
export const filerOutcomeSchema = z
  .object({
    kind: z.enum([
      'assessment-complete',
      'request-for-information',
      'high-risk-screening',
      'do-not-load',
      'pending',
    ]),
    message: z.string().optional(),
    questions: z.array(z.string()).optional(),
    answer: rfiAnswerSchema.optional(),
  })
  .meta({ id: 'FilerOutcome' });

export const explainedHitSchema = z
  .object({
    source: z.enum(['rule', 'signal', 'model']),
    id: z.string(),
    version: z.int().optional().describe('the rule version that hit'),
    title: z.string(),
    riskArea: z.string().describe(`a risk area: ${RISK_AREAS.join(', ')}`),
    weight: z.number(),
    effectiveWeight: z.number().describe('weight after the operator’s profile (AEO, compliance)'),
    severity: z.string().describe(RULE_SEVERITIES.join(', ')),
    recommendedAction: z.string().describe(RECOMMENDED_ACTIONS.join(', ')),
    reason: z.string(),
    values: z.record(z.string(), z.unknown()).describe('the values that made it hit'),
    watchlistMatches: z
      .array(watchlistHitMatchSchema)
      .optional()
      .describe(
        'the watchlist lookups that made a rule hit: the list, the entity (id, main name), the listed name or alias that matched and the score',
      ),
    aeo: z
      .object({
        party: z.enum(['consignee', 'consignor']),
        eori: z.string().describe('the party’s identification number'),
        kind: z
          .enum(['aeo', 'mra'])
          .describe('its own authorisation, or its programme recognised under an MRA'),
        reference: z.string().describe('the authorisation number, or the partner programme’s operator id'),
        type: z.enum(['AEOC', 'AEOS', 'AEOF']),
        agreement: z.string().optional().describe('the mutual recognition agreement (mra)'),
        programme: z.string().optional().describe('the partner’s programme (mra)'),
        factor: z.number().describe('what the weight was multiplied by'),
      })
      .optional()
      .describe(
        'the AEO status that lowered the weight, in force at the filing’s date (absent when none did)',
      ),
    noisy: z
      .boolean()
      .optional()
      .describe(
        'the rule version is capped as noisy (GET /v1/rule-caps): alone, this hit neither selects nor counts in the score',
      ),
    capped: z.string().optional().describe('why the rule version is capped, and since when'),
  })
  .meta({ id: 'ExplainedHit' });

/** An analyst's review of a hit, as stored (column names). */
export const hitReviewSchema = z
  .object({
    version: z.int(),
    seq: z.int(),
    hit_id: z.string(),
    decision: z.enum(['confirmed', 'dismissed']),
    reason: z.string().nullable(),
    reviewer: z.string(),
    reviewed_at: instant,
  })
  .meta({ id: 'HitReview' });

export const modelVerdictSchema = z
  .object({
    kind: z.string().describe('ens-gbdt: the entry-summary model trained from control results'),
    version: z.int(),
    probability: z.number().describe('probability that a control of this consignment finds something'),
    weight: z.number().describe('the model’s weight in the decision (VIGIL_ENS_MODEL_WEIGHT)'),
    points: z.number().describe('weight × probability × 100: what the model adds to the 0–100 score'),
    counted: z
      .boolean()
      .describe('the points reach VIGIL_ENS_MODEL_FLOOR and count as the hit MODEL-ENS; else shown only'),
    riskArea: z.string(),
    top: z
      .array(
        z.object({
          feature: z.string(),
          label: z.string().describe('the feature in words'),
          value: z.number().nullable(),
          logOdds: z.number().describe('what it added to the score, in log-odds'),
        }),
      )
      .describe('the features that pushed the score up most, largest first'),
    reason: z.string(),
  })
  .meta({ id: 'ModelVerdict' });

export const assessmentViewSchema = z
  .object({
    mrn,
    filingVersion: z.int(),
    status: z.enum(['assessed', 'pending', 'nothing-to-assess']),
    consignments: z.array(
      z.object({
        index: z.int(),
        version: z.int().describe('the filing version assessed'),
        score: z.number(),
        outcome: entryOutcomeSchema,
        hits: z.array(explainedHitSchema),
        errors: z
          .array(z.object({ ruleId: z.string(), version: z.int(), message: z.string() }))
          .describe('rules that failed to evaluate on this consignment'),
        random: z.object({ seedId: z.string(), draw: z.number().describe('uniform in [0, 1)') }),
        model: modelVerdictSchema
          .nullable()
          .describe(
            'the learned model’s verdict (null while the authority has no active entry-summary model)',
          ),
        conversion: z
          .object({ ratesFrom: z.string(), perEur: z.record(z.string(), z.number()) })
          .nullable()
          .describe('the reference rates declared values were converted to EUR with'),
        assessedAt: instant,
        reviews: z.array(hitReviewSchema),
      }),
    ),
  })
  .meta({ id: 'Assessment' });

export const outcomeViewSchema = z
  .object({
    mrn,
    status: z.enum(['registered', 'incomplete', 'invalidated']),
    assessment: z.enum(['assessed', 'pending', 'nothing-to-assess']),
    consignments: z
      .array(z.object({ index: z.int(), outcome: filerOutcomeSchema }))
      .nullable()
      .describe('null once the filing’s data was purged (retention)'),
  })
  .meta({ id: 'FilingOutcome' });

export const reviewResultSchema = z.object({ index: z.int(), version: z.int(), outcome: entryOutcomeSchema });
export const rfiResultSchema = z.object({ index: z.int(), outcome: filerOutcomeSchema });

export const ASSESSMENT_EXAMPLE: z.output<typeof assessmentViewSchema> = {
  mrn: '27IT0A1B2C3D4E5FZ1',
  filingVersion: 1,
  status: 'assessed',
  consignments: [
    {
      index: 0,
      version: 1,
      score: 0.62,
      outcome: {
        kind: 'control-recommended',
        controlType: 'physical',
        office: 'IT261101',
        random: false,
        reason: 'R-UNDERVALUE: declared unit value far below the statistics',
      },
      hits: [
        {
          source: 'rule',
          id: 'R-UNDERVALUE',
          version: 3,
          title: 'Steel tubes declared far below their usual value',
          riskArea: 'undervaluation',
          weight: 0.6,
          effectiveWeight: 0.6,
          severity: 'high',
          recommendedAction: 'physical-check',
          reason: 'declared unit value 1.45 EUR/kg, typical 4.10 EUR/kg',
          values: { hsCode: '730630', unitValueEurPerKg: 1.45 },
        },
        {
          source: 'rule',
          id: 'R-SANCTIONED-CONSIGNOR',
          version: 1,
          title: 'Consignor on the sanctions list',
          riskArea: 'sanctions',
          weight: 0.9,
          effectiveWeight: 0.9,
          severity: 'high',
          recommendedAction: 'physical-check',
          reason: 'The consignor matches a listed party.',
          values: { 'inWatchlist("sanctioned-operators", consignor.name)': 0.96 },
          watchlistMatches: [
            {
              list: 'sanctioned-operators',
              value: 'Blue Horizon Tradng FZE',
              entity: { id: 'eu:13', name: 'Blue Horizon Trading FZE', type: 'organisation' },
              name: 'Blue Horizon Trading FZE',
              score: 0.96,
            },
          ],
        },
      ],
      errors: [],
      random: { seedId: 'seed-2027-03-01-a1b2c3', draw: 0.4132 },
      model: {
        kind: 'ens-gbdt',
        version: 4,
        probability: 0.061,
        weight: 1,
        points: 6.1,
        counted: false,
        riskArea: 'security-safety',
        top: [
          {
            feature: 'te:consignor',
            label: 'findings on this consignor',
            value: 0.142,
            logOdds: 0.84,
          },
        ],
        reason:
          'learned model v4: probability 0.061 that a control finds something; top features: findings on this consignor 0.142 (+0.84)',
      },
      conversion: null,
      assessedAt: '2027-03-01T10:00:01.000Z',
      reviews: [],
    },
  ],
};

/** GET /v1/queue: which consignments with hits, in which order, a page at a time. */
export const queueQuerySchema = z.strictObject({
  review: z
    .enum(['open', 'reviewed', 'all'])
    .default('open')
    .describe('open: a hit awaits review (default); reviewed: every hit was reviewed'),
  mode: z.string().max(20).optional().describe('transport mode: maritime, air, road, rail …'),
  office: z
    .string()
    .regex(/^[A-Z]{2}[A-Z0-9]{6}$/)
    .optional()
    .describe('office of first entry'),
  riskArea: z.string().max(60).optional().describe('a risk area one of the hits is in'),
  rule: z.string().max(100).optional().describe('the id of a rule (or signal) that hit'),
  sort: z
    .enum(['score', 'arrival'])
    .default('score')
    .describe('score: highest first; arrival: soonest estimated arrival first'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  next: z
    .string()
    .regex(/^\d{1,9}$/)
    .optional()
    .describe('the cursor of the page to read, from the previous page'),
});
export type QueueQuery = z.output<typeof queueQuerySchema>;

export const queueItemSchema = z
  .object({
    mrn,
    index: z.int().describe('the consignment'),
    version: z.int().describe('the filing version assessed'),
    score: z.number(),
    outcome: z.string().describe('the kind of the outcome'),
    mode: z.string(),
    office: z.string().describe('office of first entry'),
    arrival: instant.nullable().describe('estimated arrival at the office of first entry'),
    consignor: z.string().nullable(),
    consignee: z.string().nullable(),
    hits: z.int(),
    reviewed: z.int().describe('hits reviewed'),
    severity: z
      .object({ critical: z.int(), high: z.int(), medium: z.int(), low: z.int() })
      .describe('hits by severity'),
    riskAreas: z.array(z.string()),
    rules: z.array(z.string()).describe('ids of the rules and signals that hit'),
    assessedAt: instant,
  })
  .meta({ id: 'QueueItem' });

export const queuePageSchema = z
  .object({
    items: z.array(queueItemSchema),
    total: z.int().describe('consignments matching the filters'),
    next: z.string().nullable().describe('pass as `?next=` for the following page; null on the last page'),
  })
  .meta({ id: 'QueuePage' });

export const QUEUE_EXAMPLE: z.output<typeof queuePageSchema> = {
  items: [
    {
      mrn: ASSESSMENT_EXAMPLE.mrn,
      index: 0,
      version: 1,
      score: 0.62,
      outcome: 'control-recommended',
      mode: 'maritime',
      office: 'IT261101',
      arrival: '2027-03-02T06:00:00.000Z',
      consignor: 'Blue Horizon Tradng FZE',
      consignee: 'Tubi Milano SRL',
      hits: 2,
      reviewed: 0,
      severity: { critical: 0, high: 2, medium: 0, low: 0 },
      riskAreas: ['undervaluation', 'sanctions'],
      rules: ['R-UNDERVALUE', 'R-SANCTIONED-CONSIGNOR'],
      assessedAt: '2027-03-01T10:00:01.000Z',
    },
  ],
  total: 1,
  next: null,
};
