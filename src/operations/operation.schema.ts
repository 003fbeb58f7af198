/**
 * The contract of joint operations (issue 11): what a coordinator sends to create a priority control
 * area (`pca`) or a joint customs operation (`jco`), what the API answers for an operation, its
 * pooled results and its messages. Checks that need the directory, the clock or the rule compiler
 * (participants known, end after start, criteria that compile) are the service's.
 */
import { z } from 'zod';
import { RECOMMENDED_ACTIONS, RISK_AREAS, RULE_SEVERITIES, TRANSPORT_MODES } from '../domain/index.ts';

export const OPERATION_KINDS = ['pca', 'jco'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];
export const OPERATION_PHASES = ['planning', 'operational', 'post-operational'] as const;
export type OperationPhase = (typeof OPERATION_PHASES)[number];
export const PARTICIPANT_STATES = ['invited', 'accepted'] as const;
export const MESSAGE_KINDS = ['note', 'alert', 'request'] as const;

const instant = z.iso.datetime({ offset: true });
const authorityCode = z.string().regex(/^[A-Z]{2,4}$/, '2–4 capital letters (an authority of the directory)');

export const operationScopeSchema = z.strictObject({
  /** HS/CN codes or their prefixes: a consignment is in scope when one of its goods items matches. */
  goods: z
    .array(z.string().regex(/^(0[1-9]|[1-8][0-9]|9[0-7])([0-9]{0,8})$/, 'an HS code or prefix, 2–10 digits'))
    .min(1)
    .max(200)
    .optional(),
  /** Countries the consignment's routing passes through (any of them). */
  routeCountries: z
    .array(z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 country'))
    .min(1)
    .max(100)
    .optional(),
  modes: z.array(z.enum(TRANSPORT_MODES)).min(1).max(7).optional(),
  /** Offices of first entry (customs office reference numbers). */
  offices: z
    .array(z.string().regex(/^[A-Z]{2}[A-Z0-9]{6}$/, 'a customs office reference number'))
    .min(1)
    .max(500)
    .optional(),
});
export type OperationScope = z.output<typeof operationScopeSchema>;

export const liaisonOfficerSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  contact: z.string().trim().min(1).max(200).optional(),
});

export const criterionInputSchema = z.strictObject({
  title: z.string().trim().min(1).max(150),
  /** A CEL condition over Vigil's rule environment (docs/rules-language.md). */
  condition: z.string().min(1).max(20_000),
  riskArea: z.enum(RISK_AREAS),
  weight: z.number().min(0).max(100),
  severity: z.enum(RULE_SEVERITIES),
  recommendedAction: z.enum(RECOMMENDED_ACTIONS),
  /** Shown to officers with a hit: no sensitive detail. */
  reason: z.string().trim().min(1).max(800),
});

export const operationInputSchema = z.strictObject({
  kind: z.enum(OPERATION_KINDS),
  title: z.string().trim().min(1).max(200),
  objective: z.string().trim().min(1).max(4000),
  scope: operationScopeSchema.default({}),
  start: instant,
  end: instant,
  interimReview: instant,
  participants: z
    .array(
      z.strictObject({
        authority: authorityCode,
        liaisonOfficers: z.array(liaisonOfficerSchema).max(20).default([]),
      }),
    )
    .min(1)
    .max(50),
  criteria: z.array(criterionInputSchema).min(1).max(50),
});
export type OperationInput = z.input<typeof operationInputSchema>;
export type ParsedOperationInput = z.output<typeof operationInputSchema>;

export const criterionSchema = criterionInputSchema.extend({
  id: z.string().describe('c1, c2 … in the order given'),
});
export type Criterion = z.output<typeof criterionSchema>;

export const participantSchema = z.object({
  authority: z.string(),
  state: z.enum(PARTICIPANT_STATES),
  liaisonOfficers: z.array(liaisonOfficerSchema),
  /** The participant's rules made from the criteria when it accepted (each `<operation>-<criterion>`). */
  ruleIds: z.array(z.string()),
  acceptedAt: z.string().nullable(),
});
export type Participant = z.output<typeof participantSchema>;

export const operationSchema = z.object({
  id: z.string(),
  kind: z.enum(OPERATION_KINDS),
  title: z.string(),
  objective: z.string(),
  coordinator: z.string().describe('the coordinating authority'),
  scope: operationScopeSchema,
  start: z.string(),
  end: z.string(),
  interimReview: z.string(),
  phase: z.enum(OPERATION_PHASES).describe('by the clock: planning before start, operational until end'),
  participants: z.array(participantSchema),
  criteria: z.array(criterionSchema),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type Operation = z.output<typeof operationSchema>;

const countMap = z.record(z.string(), z.number());

export const participantFiguresSchema = z.object({
  authority: z.string(),
  state: z.enum(PARTICIPANT_STATES),
  /** Consignments assessed inside the window and inside the operation's scope. */
  screened: z.number(),
  /** Consignments one of the operation's criteria hit, and the hits per criterion. */
  hitConsignments: z.number(),
  hitsByCriterion: countMap,
  /** Control tasks the operation's criteria selected, by control type. */
  controls: z.number(),
  controlsByType: countMap,
  /** Current results of those controls, by kind (no-irregularity, irregularity, seizure). */
  results: countMap,
  seizures: z.array(
    z.object({ category: z.string(), unit: z.string(), count: z.number(), quantity: z.number() }),
  ),
  dutyAtStake: z.number(),
  taxAtStake: z.number(),
});
export type ParticipantFigures = z.output<typeof participantFiguresSchema>;

export const operationResultsSchema = z.object({
  operation: z.string(),
  phase: z.enum(OPERATION_PHASES),
  asOf: z.string(),
  participants: z.array(participantFiguresSchema),
  total: participantFiguresSchema.omit({ authority: true, state: true }),
});
export type OperationResults = z.output<typeof operationResultsSchema>;

export const operationReportSchema = z.object({
  kind: z.enum(['interim', 'final']),
  operation: operationSchema,
  results: operationResultsSchema,
});
export type OperationReport = z.output<typeof operationReportSchema>;

export const messageInputSchema = z.strictObject({
  kind: z.enum(MESSAGE_KINDS),
  text: z.string().trim().min(1).max(4000),
  /** For an alert about a consignment: its MRN (and consignment number). */
  mrn: z.string().trim().min(1).max(35).optional(),
  /** For a request: the participant asked. */
  to: authorityCode.optional(),
});
export type MessageInput = z.output<typeof messageInputSchema>;

export const messageSchema = z.object({
  id: z.string(),
  operation: z.string(),
  from: z.string(),
  author: z.string(),
  kind: z.enum(MESSAGE_KINDS),
  text: z.string(),
  mrn: z.string().nullable(),
  to: z.string().nullable(),
  at: z.string(),
});
export type OperationMessage = z.output<typeof messageSchema>;
