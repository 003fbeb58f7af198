/**
 * The contract of common risk criteria from the centre (issue 11 point 3): what a coordinator sends
 * to publish (`crc`, common risk criteria; `frc`, financial risk criteria) or amend one, the
 * published version as every member applies it and as a remote coordinator node sends it
 * (`PublishedCriterion`, the wire type), and the per-member figures. Checks that need the
 * directory, the clock or the rule compiler are the service's.
 */
import { z } from 'zod';
import { RECOMMENDED_ACTIONS, RISK_AREAS, RULE_SEVERITIES, TRANSPORT_MODES } from '../domain/index.ts';

export const CRITERION_KINDS = ['crc', 'frc'] as const;
export type CriterionKind = (typeof CRITERION_KINDS)[number];
export const CRITERION_STATUSES = ['published', 'withdrawn'] as const;
export type CriterionStatus = (typeof CRITERION_STATUSES)[number];

const instant = z.iso.datetime({ offset: true });
const authorityCode = z.string().regex(/^[A-Z]{2,4}$/, '2–4 capital letters (an authority of the directory)');
/** Short enough that the member's rule id (`<kind>.<id>`) stays within a rule id's 64 characters. */
export const criterionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,59}$/, 'letters, digits, _ and - (at most 60)');

export const criterionScopeSchema = z.strictObject({
  /** `all`: every customs authority of the directory but the coordinator; or the ones named. */
  members: z.union([z.literal('all'), z.array(authorityCode).min(1).max(100)]).default('all'),
  /** Offices of first entry the criterion runs at (all when absent). */
  offices: z
    .array(z.string().regex(/^[A-Z]{2}[A-Z0-9]{6}$/, 'a customs office reference number'))
    .min(1)
    .max(500)
    .optional(),
  modes: z.array(z.enum(TRANSPORT_MODES)).min(1).max(7).optional(),
});

const criterionFields = {
  title: z.string().trim().min(1).max(150),
  riskArea: z.enum(RISK_AREAS),
  /** A CEL condition over Vigil's rule environment (docs/rules-language.md), no watchlists. */
  condition: z.string().min(1).max(20_000),
  weight: z.number().min(0).max(100),
  severity: z.enum(RULE_SEVERITIES),
  recommendedAction: z.enum(RECOMMENDED_ACTIONS),
  validFrom: instant.optional(),
  validUntil: instant.optional(),
  scope: criterionScopeSchema.default({ members: 'all' }),
  /** Shown to officers with a hit, and recorded with the version: no sensitive detail. */
  reason: z.string().trim().min(1).max(800),
};

export const criterionInputSchema = z.strictObject({
  id: criterionIdSchema,
  kind: z.enum(CRITERION_KINDS),
  ...criterionFields,
});
export type CriterionInput = z.input<typeof criterionInputSchema>;

/** An amendment: the whole criterion again (its id and kind stay), a new version. */
export const amendmentInputSchema = z.strictObject({
  kind: z.enum(CRITERION_KINDS).optional(),
  ...criterionFields,
});
export type AmendmentInput = z.input<typeof amendmentInputSchema>;

export const withdrawalInputSchema = z.strictObject({ reason: z.string().trim().min(1).max(800) });

/**
 * One version of a criterion as published: what every member applies and what a coordinator's node
 * sends to another node (federation). A withdrawal is the criterion's last version, with status
 * `withdrawn`. (id, version) names it: applying it twice applies it once.
 */
export const publishedCriterionSchema = z.strictObject({
  id: criterionIdSchema,
  version: z.number().int().min(1),
  kind: z.enum(CRITERION_KINDS),
  status: z.enum(CRITERION_STATUSES),
  coordinator: authorityCode,
  title: z.string().min(1).max(150),
  riskArea: z.enum(RISK_AREAS),
  condition: z.string().min(1).max(20_000),
  weight: z.number().min(0).max(100),
  severity: z.enum(RULE_SEVERITIES),
  recommendedAction: z.enum(RECOMMENDED_ACTIONS),
  validFrom: z.string().nullable(),
  validUntil: z.string().nullable(),
  /** The members it applies at, resolved when the version was published. */
  members: z.array(authorityCode).max(100),
  /** Whether the coordinator named `all` (the members are the directory's customs authorities then). */
  allMembers: z.boolean(),
  offices: z.array(z.string()).nullable(),
  modes: z.array(z.enum(TRANSPORT_MODES)).nullable(),
  reason: z.string().min(1).max(800),
  publishedBy: z.string(),
  publishedAt: z.string(),
});
export type PublishedCriterion = z.output<typeof publishedCriterionSchema>;

/** Where a member stands with a criterion: the rule and rule version that run its latest version. */
export const memberRuleSchema = z.object({
  authority: z.string(),
  version: z.number().describe('the criterion version applied'),
  ruleId: z.string(),
  ruleVersion: z.number(),
  appliedAt: z.string(),
});
export type MemberRule = z.output<typeof memberRuleSchema>;

export const commonCriterionSchema = publishedCriterionSchema.extend({
  ruleId: z.string().describe("the members' rule: `<kind>.<id>`"),
  versions: z.array(publishedCriterionSchema).describe('every version, oldest first'),
  memberRules: z.array(memberRuleSchema).describe('per member, the latest version it applied'),
});
export type CommonCriterion = z.output<typeof commonCriterionSchema>;

export const criterionFiguresRowSchema = z.object({
  authority: z.string(),
  itemsAnalysed: z.number().describe('consignment assessments while the criterion was in force'),
  automatedHits: z.number(),
  finalHits: z.number().describe('hits an analyst confirmed on review'),
  controls: z.number(),
  controlsWithResult: z.number(),
  positives: z.number().describe('controls found an irregularity or made a seizure'),
  falsePositives: z.number().describe('controls with no irregularity'),
  yield: z.number().nullable().describe('positives ÷ controls with a result'),
});
export type CriterionFiguresRow = z.output<typeof criterionFiguresRowSchema>;

export const criterionFiguresSchema = z.object({
  criterion: z.string(),
  kind: z.enum(CRITERION_KINDS),
  from: z.string(),
  to: z.string(),
  authorities: z.array(criterionFiguresRowSchema),
  total: criterionFiguresRowSchema.omit({ authority: true }),
});
export type CriterionFigures = z.output<typeof criterionFiguresSchema>;

export const receiveResultSchema = z.object({
  applied: z.boolean().describe('false: this (id, version) was applied before; nothing changed'),
  members: z.array(z.string()),
});
export type ReceiveResult = z.output<typeof receiveResultSchema>;
