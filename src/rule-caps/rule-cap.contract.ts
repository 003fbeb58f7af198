/** What the rule-cap routes accept and answer, as zod schemas (OpenAPI and the client read them). */
import { z } from 'zod';

const instant = z.string().describe('ISO 8601 date-time, UTC');

export const ruleCapSchema = z
  .object({
    id: z.string(),
    rule: z.string().describe('the rule id'),
    version: z.int().describe('the rule version capped; a new version is judged afresh'),
    reason: z
      .enum(['capacity', 'low-yield'])
      .describe(
        'capacity: its selections took more than its share of an office’s capacity; low-yield: too few of its controls found anything',
      ),
    explanation: z.string().describe('one sentence, as assessments show it on the rule’s hits'),
    figures: z
      .object({
        from: instant,
        to: instant,
        days: z.number().describe('days judged (at least 1)'),
        capacityShare: z.number(),
        yieldThreshold: z.number(),
        minControls: z.int(),
        office: z.string().optional().describe('the office whose capacity it took most of (capacity caps)'),
        selectedPerDay: z.number().optional(),
        capacityPerDay: z.number().optional().describe('the office’s red + yellow per day'),
        selected: z.int().describe('selections for control over the days judged, every office'),
        controls: z.int().describe('of them, controlled with a result'),
        positives: z.int().describe('controls that found an irregularity or made a seizure'),
        yield: z.number().nullable().describe('positives ÷ controls (null without controls)'),
      })
      .describe('the figures the cap was decided on, and the settings then'),
    since: instant,
    liftedAt: instant.optional(),
    liftedBy: z.string().optional(),
    liftReason: z.string().optional(),
  })
  .meta({ id: 'RuleCap' });

export const ruleCapQuerySchema = z.strictObject({
  rule: z.string().min(1).max(200).optional().describe('only this rule’s caps'),
  standing: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true'))
    .describe('true: only caps standing now; false: only lifted ones; absent: both'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const liftInputSchema = z
  .strictObject({ reason: z.string().trim().min(1).max(2000).describe('why the cap is lifted (audited)') })
  .meta({ id: 'RuleCapLift' });

export const RULE_CAP_EXAMPLE: z.output<typeof ruleCapSchema> = {
  id: 'cap_7c1e5d0a-3b2f-4f61-8a9e-1d2c3b4a5f60',
  rule: 'R-STEEL-UNDERVALUE',
  version: 3,
  reason: 'capacity',
  explanation:
    'capped as noisy: it selected 9 a day for control at office NL000396, 45% of its capacity of 20 a day (at most 25%); alone it no longer selects (since 2027-03-04)',
  figures: {
    from: '2027-02-18T10:15:00.000Z',
    to: '2027-03-04T10:15:00.000Z',
    days: 14,
    capacityShare: 0.25,
    yieldThreshold: 0.05,
    minControls: 30,
    office: 'NL000396',
    selectedPerDay: 9,
    capacityPerDay: 20,
    selected: 126,
    controls: 18,
    positives: 1,
    yield: 0.0556,
  },
  since: '2027-03-04T10:15:00.000Z',
};
