/**
 * What the import declaration routes answer, as zod schemas (the OpenAPI document and a generated
 * client read them), with examples.
 */
import { z } from 'zod';
import { explainedHitSchema } from '../assessment/assessment.contract.ts';
import { DECLARATION_TYPES, LANES } from './import.schema.ts';
import type { ImportDeclarationInput } from './import.schema.ts';

const instant = z.string().describe('ISO 8601 date-time, UTC');
const lane = z.enum(LANES);
const status = z.enum(['lodged', 'amended', 'invalidated']);

/** What an official is answered when lodging (the lane and the reasoning behind it). */
export const lodgeResultSchema = z
  .object({
    created: z.boolean().describe('false when this filer had lodged the same LRN before'),
    id: z.string(),
    lane,
    reason: z.string(),
    score: z
      .number()
      .nullable()
      .describe('0–100: the active model’s fraud probability × 100; null without a model'),
    random: z.boolean(),
    modelVersion: z.int().nullable(),
  })
  .meta({ id: 'ImportLodgeResult' });

/** What a declarant is answered when lodging: the lane and what it means, not the reasoning. */
export const lodgeFilerResultSchema = z
  .object({ id: z.string(), lane, meaning: z.string() })
  .meta({ id: 'ImportLodgeFilerResult' });

export const importViewSchema = z
  .object({
    id: z.string(),
    type: z.enum(DECLARATION_TYPES),
    office: z.string(),
    source: z.enum(['api', 'kcs']),
    lodgedBy: z.string(),
    lodgedAt: instant,
    date: z.string(),
    lane: lane.nullable(),
    reason: z.string().nullable(),
    random: z.boolean(),
    score: z
      .number()
      .nullable()
      .describe('0–100: the active model’s fraud probability × 100; null without a model'),
    riskScore: z
      .number()
      .nullable()
      .describe(
        '0–100: the hits of the rules, watchlists and signals combined; null for imported history and declarations decided before rules applied to imports',
      ),
    hits: z
      .array(explainedHitSchema)
      .describe('every hit of the authority’s rules, watchlists and signals on the declaration, explained'),
    modelVersion: z.int().nullable(),
    draw: z.object({ seedId: z.string(), draw: z.number() }).nullable(),
    assessedAt: instant.nullable(),
    declaration: z.unknown().describe('the declaration as lodged (null once purged)'),
    version: z.int(),
    status,
    invalidation: z.object({ at: instant, reason: z.string().nullable() }).optional(),
  })
  .meta({ id: 'ImportDeclarationView' });

export const importFilerViewSchema = z
  .object({
    id: z.string(),
    type: z.enum(DECLARATION_TYPES),
    lodgedAt: instant,
    lane: lane.nullable(),
    meaning: z.string().nullable(),
    declaration: z.unknown(),
    version: z.int(),
    status,
  })
  .meta({ id: 'ImportDeclarationFilerView' });

/** Officials get the whole view; the declarant the lane and its meaning. */
export const importAnswerSchema = z.union([importViewSchema, importFilerViewSchema]);

export const importPageSchema = z.object({
  items: z.array(importViewSchema),
  next: z.string().nullable().describe('pass as `?next=` for the following page; null on the last page'),
});

export const capacitySchema = z
  .object({
    office: z.string(),
    redPerDay: z
      .int()
      .nullable()
      .describe('null: no target set, the office takes every control the risk asks for'),
    yellowPerDay: z.int().nullable(),
    today: z.object({ red: z.int(), yellow: z.int() }),
  })
  .meta({ id: 'OfficeCapacity' });

export const IMPORT_EXAMPLE: ImportDeclarationInput = {
  type: 'H7',
  lrn: 'SHOP-2027-000451',
  date: '2027-03-01',
  office: 'IT261101',
  mode: 'postal',
  declarant: { eori: 'IT09876543210', name: 'Milano Express Courier S.r.l.' },
  importer: { id: 'C-88213', name: 'Giulia Rossi' },
  goods: [
    {
      hsCode: '950300',
      description: 'Wooden toy train set',
      origin: 'CN',
      netMassKg: 0.8,
      price: { amount: 34.9, currency: 'EUR' },
    },
  ],
};

export const IMPORT_VIEW_EXAMPLE: z.output<typeof importViewSchema> = {
  id: 'imp_27IT0001',
  type: 'H7',
  office: 'IT261101',
  source: 'api',
  lodgedBy: 'filer:milano-express',
  lodgedAt: '2027-03-01T10:00:00.000Z',
  date: '2027-03-01',
  lane: 'green',
  reason: 'score below the yellow threshold',
  random: false,
  score: 4.2,
  riskScore: 0,
  hits: [],
  modelVersion: 3,
  draw: { seedId: 'seed-2027-03-01-a1b2c3', draw: 0.7731 },
  assessedAt: '2027-03-01T10:00:00.000Z',
  declaration: IMPORT_EXAMPLE,
  version: 1,
  status: 'lodged',
};
