/**
 * What the cooperation routes answer (directory, RIFs, deliveries, feedback, STIX, sharing), as zod
 * schemas (the OpenAPI document and a generated client read them), with examples.
 */
import { z } from 'zod';
import { backtestResultSchema, storedRuleSchema } from '../rules/rule.contract.ts';
import {
  DELIVERY_STATES,
  FEEDBACK_RESULTS,
  FEEDBACK_USEFULNESS,
  RIF_STATUSES,
  rifInputSchema,
} from './rif.schema.ts';
import type { RifInput } from './rif.schema.ts';
import { SHARING_CATEGORIES, SHARING_LEVELS } from './sharing.service.ts';

const instant = z.string().describe('ISO 8601 date-time, UTC');

export const directoryEntrySchema = z
  .object({
    code: z.string(),
    name: z.string(),
    kind: z.enum(['customs', 'partner']),
  })
  .meta({ id: 'DirectoryEntry' });

/** A RIF as stored and read: its body (defaults applied) with its identity and lifecycle. */
export const rifSchema = z
  .object({
    ...rifInputSchema.shape,
    id: z.string(),
    version: z.int(),
    issuer: z.string(),
    author: z.string(),
    status: z.enum(RIF_STATUSES),
    createdAt: instant,
    updatedAt: instant,
    issuedAt: instant.nullable(),
    withdrawnAt: instant.nullable(),
    withdrawalReason: z.string().nullable(),
  })
  .meta({ id: 'Rif' });

export const deliverySchema = z
  .object({
    rifId: z.string(),
    authority: z.string(),
    kind: z.enum(['customs', 'partner']),
    state: z.enum(DELIVERY_STATES),
    version: z.int().describe('the version the recipient last saw'),
    reason: z.string().nullable(),
    ruleId: z.string().nullable().describe('the rule adoption generated in the recipient’s rules'),
    decidedAt: instant.nullable(),
    deliveredAt: instant,
  })
  .meta({ id: 'RifDelivery' });

export const duplicateSchema = z
  .object({
    id: z.string(),
    issuer: z.string(),
    title: z.string().optional(),
    score: z.number(),
    shared: z.array(z.object({ indicator: z.string(), values: z.array(z.string()) })),
  })
  .meta({ id: 'RifDuplicate' });

export const rifWithDuplicatesSchema = z.object({
  rif: rifSchema,
  duplicates: z.array(duplicateSchema).describe('active RIFs this one may duplicate'),
});

export const rifViewSchema = z.object({
  rif: rifSchema,
  versions: z.array(z.object({ version: z.int(), author: z.string(), at: instant })),
  deliveries: z.array(deliverySchema).optional().describe('for the issuer: every recipient’s'),
  delivery: deliverySchema.optional().describe('for a recipient: its own'),
});

export const inboxEntrySchema = z.object({
  rif: rifSchema,
  delivery: deliverySchema,
  labels: z.array(z.string()).describe('unread, adopted, noted, declined, amended, feedback-due, overdue …'),
});

/** The inbox (`box=inbox`) lists deliveries; the issued box (`box=issued`) lists RIFs. */
export const rifListSchema = z.object({ items: z.union([z.array(inboxEntrySchema), z.array(rifSchema)]) });

export const feedbackSchema = z
  .object({
    id: z.string(),
    rifId: z.string(),
    rifVersion: z.int(),
    authority: z.string(),
    kind: z.enum(['control', 'manual']),
    at: instant,
    controlType: z.string().nullable(),
    result: z.enum(FEEDBACK_RESULTS).nullable(),
    seizure: z.object({ category: z.string(), quantity: z.number(), unit: z.string() }).nullable(),
    usefulness: z.enum(FEEDBACK_USEFULNESS).nullable(),
    comment: z.string().nullable(),
    controlsDone: z.int().nullable(),
    mrn: z
      .string()
      .nullable()
      .describe('only when the RIF’s handling lets it leave the recipient (TLP CLEAR/GREEN)'),
  })
  .meta({ id: 'RifFeedback' });

export const feedbackViewSchema = z.object({
  feedback: z.array(feedbackSchema),
  recipients: z.array(
    z.object({ authority: z.string(), state: z.string(), feedbackCount: z.int(), overdue: z.boolean() }),
  ),
});

export const adoptionSchema = z.object({
  rule: z
    .union([storedRuleSchema, z.looseObject({ id: z.string() })])
    .describe('the generated rule (a proposal on a dry run)'),
  backtest: backtestResultSchema.nullable(),
  activated: z.boolean(),
  delivery: deliverySchema.nullable(),
  notExpressed: z
    .array(z.object({ indicator: z.string(), why: z.string() }))
    .describe('indicators the generated rule could not express'),
});

export const issuedSchema = z.object({ rif: rifSchema, deliveredTo: z.array(z.string()) });

export const stixBundleSchema = z
  .object({
    type: z.literal('bundle'),
    id: z.string(),
    objects: z
      .array(z.looseObject({ type: z.string(), id: z.string() }))
      .describe('STIX 2.1 objects: report, indicator, identity, marking-definition, sighting'),
  })
  .meta({ id: 'StixBundle' });

export const stixImportSchema = z.object({
  rif: rifSchema,
  duplicates: z.array(duplicateSchema),
  source: z
    .object({ id: z.string(), issuer: z.string(), version: z.int() })
    .describe('the RIF the bundle carried'),
});

export const sharingPolicyViewSchema = z
  .object({
    authority: z.string(),
    rules: z.array(
      z.object({ category: z.enum(SHARING_CATEGORIES), receiver: z.string(), level: z.enum(SHARING_LEVELS) }),
    ),
  })
  .meta({ id: 'SharingPolicy' });

export const sharedRecordSchema = z
  .object({
    id: z.string(),
    source: z.string().describe('the authority that shared it'),
    category: z.enum(SHARING_CATEGORIES),
    level: z.enum(['summary', 'full']),
    ref: z.string(),
    at: instant,
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'SharedRecord' });

export const RIF_INPUT_EXAMPLE: RifInput = {
  title: 'Counterfeit cigarettes in furniture consignments from the Far East',
  riskArea: 'ipr',
  description:
    'Cigarettes concealed in flat-packed furniture; the declared mass is below the furniture’s usual mass.',
  concealment: 'behind panels of flat-packed wardrobes',
  indicators: { goodsCodes: ['9403'], origins: ['CN', 'VN'], modes: ['maritime'] },
  recommendedAction: 'physical-check',
  controlType: 'scan',
  urgency: 'urgent',
  validFrom: '2027-03-01T00:00:00Z',
  validUntil: '2027-06-01T00:00:00Z',
  recipients: ['BE', 'DE'],
  handling: { tlp: 'AMBER', code: 'H1', sourceReliability: 'B', informationAccuracy: 2 },
  feedback: { required: true, dueAt: '2027-04-01T00:00:00Z' },
};

export const RIF_EXAMPLE: z.output<typeof rifSchema> = {
  ...rifInputSchema.parse(RIF_INPUT_EXAMPLE),
  id: 'rif_NL_2027_0007',
  version: 1,
  issuer: 'NL',
  author: 'analyst:de-vries',
  status: 'issued',
  createdAt: '2027-03-01T08:00:00.000Z',
  updatedAt: '2027-03-01T09:00:00.000Z',
  issuedAt: '2027-03-01T09:00:00.000Z',
  withdrawnAt: null,
  withdrawalReason: null,
};

export const DELIVERY_EXAMPLE: z.output<typeof deliverySchema> = {
  rifId: RIF_EXAMPLE.id,
  authority: 'BE',
  kind: 'customs',
  state: 'unread',
  version: 1,
  reason: null,
  ruleId: null,
  decidedAt: null,
  deliveredAt: '2027-03-01T09:00:00.000Z',
};

export const FEEDBACK_EXAMPLE: z.output<typeof feedbackSchema> = {
  id: 'fb_01J9ZD',
  rifId: RIF_EXAMPLE.id,
  rifVersion: 1,
  authority: 'BE',
  kind: 'manual',
  at: '2027-03-20T14:00:00.000Z',
  controlType: null,
  result: null,
  seizure: null,
  usefulness: 'useful',
  comment: 'two consignments scanned, one seizure',
  controlsDone: 2,
  mrn: null,
};
