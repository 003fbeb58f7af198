/**
 * The risk information form (RIF) as its contract: what an analyst writes (`rifInputSchema`), with
 * every check that needs only the body done inside the schema so one request gets every error at once
 * (no indicator, a range whose minimum is above its maximum, TLP RED sent to all, H3 without its
 * stated restriction), and the checks that need the directory and the clock (an unknown recipient, a
 * validity already over) added by `rifInputSchemaFor`. Fields and their anchors: COOPERATION.md.
 */
import { z } from 'zod';
import type { ErrorCode } from '../errors/index.ts';
import {
  RECOMMENDED_ACTIONS,
  RISK_AREAS,
  TRANSPORT_MODES,
  checkContainerId,
  checkUnLocode,
  countrySchema,
  customsOfficeSchema,
  eoriSchema,
  instantSchema,
  refineIdentifier,
  textSchema,
} from '../domain/index.ts';

/** The WCO enforcement areas a RIF may name besides Vigil's own risk areas. */
export const WCO_ENFORCEMENT_AREAS = [
  'drugs',
  'revenue',
  'ipr-health-safety',
  'security',
  'environment',
  'cultural-heritage',
] as const;
export const RIF_RISK_AREAS = [
  ...RISK_AREAS,
  ...WCO_ENFORCEMENT_AREAS.filter((a) => a !== 'environment'),
] as const;
export type RifRiskArea = (typeof RIF_RISK_AREAS)[number];

/** Traffic Light Protocol 2.0 labels. */
export const TLP_LABELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type TlpLabel = (typeof TLP_LABELS)[number];
/** Handling codes: H0 only for fighting crime, H1 not for court without consent, H2 not passed on, H3 stated. */
export const HANDLING_CODES = ['H0', 'H1', 'H2', 'H3'] as const;
export const SOURCE_RELIABILITY = ['A', 'B', 'C', 'X'] as const;
export const INFORMATION_ACCURACY = [1, 2, 3, 4] as const;
export const RIF_URGENCIES = ['routine', 'urgent', 'immediate'] as const;
export const RIF_CONTROL_TYPES = ['documentary', 'physical', 'scan'] as const;
export const OPERATOR_ROLES = ['any', 'consignor', 'consignee', 'declarant', 'carrier', 'notify'] as const;

export const RIF_STATUSES = ['draft', 'issued', 'withdrawn', 'expired'] as const;
export type RifStatus = (typeof RIF_STATUSES)[number];

/** An authority's code in the directory (NL, BE, EU, a partner agency's own code). */
export const authorityCodeSchema = z.string().regex(/^[A-Z]{2,4}$/, '2–4 capital letters (NL, BE, EU)');

const custom = (ctx: z.RefinementCtx, path: PropertyKey[], code: ErrorCode, message: string): void => {
  ctx.addIssue({ code: 'custom', path, message, params: { code } });
};

const amount = z.number().min(0).max(1e13);
const rangeSchema = z.strictObject({ min: amount.optional(), max: amount.optional() });
export type RifRange = z.output<typeof rangeSchema>;

const goodsPrefixSchema = z
  .string()
  .regex(
    /^(0[1-9]|[1-8][0-9]|9[0-7])([0-9]{0,8})$/,
    'an HS/CN/TARIC code or its prefix: 2 to 10 digits, chapter 01–97',
  );

const list = <T extends z.ZodType>(item: T, max = 200) => z.array(item).min(1).max(max).optional();

export const rifOperatorSchema = z
  .strictObject({
    role: z.enum(OPERATOR_ROLES).default('any'),
    eori: eoriSchema.optional(),
    name: textSchema(200).optional(),
  })
  .superRefine((o, ctx) => {
    if (o.eori === undefined && o.name === undefined) {
      custom(ctx, ['eori'], 'VIGIL_SCHEMA_REQUIRED', 'an operator indicator needs an EORI or a name');
    }
  });
export type RifOperator = z.output<typeof rifOperatorSchema>;

export const rifIndicatorsSchema = z.strictObject({
  /** Goods codes, matched as prefixes of the declared HS code. */
  goodsCodes: list(goodsPrefixSchema),
  /** Words in the goods description (case-insensitive, whole text contains). */
  descriptionKeywords: list(textSchema(60), 50),
  origins: list(countrySchema),
  dispatchCountries: list(countrySchema),
  /** Countries the consignment's routing passes through. */
  routeCountries: list(countrySchema),
  /** Places of loading or unloading (UN/LOCODE). */
  places: list(z.string().superRefine(refineIdentifier(checkUnLocode, 'VIGIL_UNLOCODE_INVALID', 'place'))),
  modes: list(z.enum(TRANSPORT_MODES), 7),
  /** Means of transport: IMO number, flight, vehicle registration. */
  meansOfTransport: list(textSchema(35)),
  containers: list(z.string().superRefine(refineIdentifier(checkContainerId, 'R3021', 'container'))),
  operators: list(rifOperatorSchema, 100),
  /** Value of a goods item in EUR. */
  valueRange: rangeSchema.optional(),
  /** Value per kilogram of gross mass in EUR. */
  unitValueRange: rangeSchema.optional(),
  /** Gross mass of a goods item in kg. */
  weightRange: rangeSchema.optional(),
});
export type RifIndicators = z.output<typeof rifIndicatorsSchema>;

/** The indicators that select consignments (all but the ranges are lists). */
export const INDICATOR_KEYS = Object.keys(rifIndicatorsSchema.shape) as (keyof RifIndicators)[];

export const rifHandlingSchema = z
  .strictObject({
    tlp: z.enum(TLP_LABELS),
    code: z.enum(HANDLING_CODES),
    /** The restriction an H3 code states. */
    restriction: textSchema(500).optional(),
    sourceReliability: z.enum(SOURCE_RELIABILITY),
    informationAccuracy: z.union(
      INFORMATION_ACCURACY.map((n) => z.literal(n)) as [z.ZodLiteral<1>, ...z.ZodLiteral<number>[]],
    ),
  })
  .superRefine((h, ctx) => {
    if (h.code === 'H3' && h.restriction === undefined) {
      custom(ctx, ['restriction'], 'VIGIL_SCHEMA_REQUIRED', 'handling code H3 must state its restriction');
    }
  });
export type RifHandling = z.output<typeof rifHandlingSchema>;

const recipientsSchema = z.union([z.literal('all'), z.array(authorityCodeSchema).min(1).max(100)]);

const rifBodyShape = {
  title: textSchema(200),
  /** The issuing office, when the RIF comes from one (an8). */
  office: customsOfficeSchema.optional(),
  riskArea: z.enum(RIF_RISK_AREAS),
  /** For officers: what to look for. No sources, no informants. */
  description: textSchema(4000),
  modusOperandi: textSchema(2000).optional(),
  concealment: textSchema(500).optional(),
  indicators: rifIndicatorsSchema,
  recommendedAction: z.enum(RECOMMENDED_ACTIONS),
  controlType: z.enum(RIF_CONTROL_TYPES).optional(),
  urgency: z.enum(RIF_URGENCIES).default('routine'),
  validFrom: instantSchema,
  validUntil: instantSchema,
  /** Named customs authorities, or `all` (every customs authority in the directory). */
  recipients: recipientsSchema,
  /** Partner agencies (police, border guard, market surveillance) that also receive it. */
  partnerAgencies: z.array(authorityCodeSchema).max(50).default([]),
  operation: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .optional(),
  handling: rifHandlingSchema,
  feedback: z
    .strictObject({ required: z.boolean(), dueAt: instantSchema.optional() })
    .default({ required: false }),
};

/** Checks on the whole body that need nothing but the body. */
function refineRif(r: z.output<z.ZodObject<typeof rifBodyShape>>, ctx: z.RefinementCtx): void {
  const ind = r.indicators;
  const present = INDICATOR_KEYS.filter((k) => ind[k] !== undefined);
  if (present.length === 0) {
    custom(ctx, ['indicators'], 'VIGIL_RIF_NO_INDICATOR', 'a RIF needs at least one risk indicator');
  }
  for (const key of ['valueRange', 'unitValueRange', 'weightRange'] as const) {
    const range = ind[key];
    if (range === undefined) {
      continue;
    }
    if (range.min === undefined && range.max === undefined) {
      custom(ctx, ['indicators', key], 'VIGIL_RIF_RANGE_INVALID', `${key} needs a min, a max or both`);
    } else if (range.min !== undefined && range.max !== undefined && range.min > range.max) {
      custom(
        ctx,
        ['indicators', key],
        'VIGIL_RIF_RANGE_INVALID',
        `${key}: min ${range.min} is above max ${range.max}`,
      );
    }
  }
  if (ind.goodsCodes !== undefined && new Set(ind.goodsCodes).size !== ind.goodsCodes.length) {
    custom(ctx, ['indicators', 'goodsCodes'], 'VIGIL_SCHEMA_FORMAT', 'goods codes are listed twice');
  }
  const from = Date.parse(r.validFrom);
  const until = Date.parse(r.validUntil);
  if (until <= from) {
    custom(
      ctx,
      ['validUntil'],
      'VIGIL_RIF_VALIDITY_INVALID',
      `validUntil ${r.validUntil} is not after validFrom ${r.validFrom}`,
    );
  }
  if (r.handling.tlp === 'RED' && r.recipients === 'all') {
    custom(
      ctx,
      ['recipients'],
      'VIGIL_RIF_RED_NEEDS_RECIPIENTS',
      'a TLP RED RIF goes only to named recipients: list the authorities instead of "all"',
    );
  }
  if (r.feedback.required && r.feedback.dueAt === undefined) {
    custom(ctx, ['feedback', 'dueAt'], 'VIGIL_SCHEMA_REQUIRED', 'required feedback needs a due time (dueAt)');
  }
  if (r.feedback.dueAt !== undefined && Date.parse(r.feedback.dueAt) <= from) {
    custom(
      ctx,
      ['feedback', 'dueAt'],
      'VIGIL_RIF_VALIDITY_INVALID',
      'feedback cannot be due before the RIF is valid',
    );
  }
}

export const rifInputSchema = z.strictObject(rifBodyShape).superRefine(refineRif);
export type RifInput = z.input<typeof rifInputSchema>;
export type ParsedRifInput = z.output<typeof rifInputSchema>;

/** One entry of the instance's directory of authorities. */
export interface DirectoryEntry {
  readonly code: string;
  readonly name: string;
  readonly kind: 'customs' | 'partner';
}

/** What the checks against the world need: the directory, the issuer and the clock. */
export interface RifContext {
  readonly issuer: string;
  readonly directory: ReadonlyMap<string, DirectoryEntry>;
  readonly now: Date;
}

/**
 * The RIF contract for one request: the body checks plus those against the directory (recipients
 * must be customs authorities other than the issuer; partner agencies must be partners) and the
 * clock (a RIF whose validity is already over is refused).
 */
export function rifInputSchemaFor(c: RifContext) {
  return z
    .strictObject(rifBodyShape)
    .superRefine(refineRif)
    .superRefine((r, ctx) => {
      if (Date.parse(r.validUntil) <= c.now.getTime()) {
        custom(
          ctx,
          ['validUntil'],
          'VIGIL_RIF_VALIDITY_INVALID',
          `the validity ended at ${r.validUntil}; a RIF must still be valid`,
        );
      }
      if (r.recipients !== 'all') {
        r.recipients.forEach((code, i) => {
          const entry = c.directory.get(code);
          if (entry === undefined || entry.kind !== 'customs') {
            custom(
              ctx,
              ['recipients', i],
              'VIGIL_RIF_RECIPIENT_UNKNOWN',
              `${code} is not a customs authority in this directory`,
            );
          } else if (code === c.issuer) {
            custom(ctx, ['recipients', i], 'VIGIL_RIF_RECIPIENT_UNKNOWN', `${code} is the issuer itself`);
          }
        });
        if (new Set(r.recipients).size !== r.recipients.length) {
          custom(ctx, ['recipients'], 'VIGIL_SCHEMA_FORMAT', 'a recipient is listed twice');
        }
      }
      r.partnerAgencies.forEach((code, i) => {
        if (c.directory.get(code)?.kind !== 'partner') {
          custom(
            ctx,
            ['partnerAgencies', i],
            'VIGIL_RIF_RECIPIENT_UNKNOWN',
            `${code} is not a partner agency in this directory`,
          );
        }
      });
    });
}

/** The RIF as stored and read: the body plus its identity and lifecycle. */
export interface Rif extends ParsedRifInput {
  readonly id: string;
  readonly version: number;
  readonly issuer: string;
  readonly author: string;
  readonly status: RifStatus;
  readonly createdAt: string;
  /** When the form last changed (a new version, issued, withdrawn, expired). */
  readonly updatedAt: string;
  readonly issuedAt: string | null;
  readonly withdrawnAt: string | null;
  readonly withdrawalReason: string | null;
}

/** Where a recipient stands with a RIF addressed to it. */
export const DELIVERY_STATES = ['unread', 'read', 'adopted', 'noted', 'declined'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface RifDelivery {
  readonly rifId: string;
  readonly authority: string;
  readonly kind: 'customs' | 'partner';
  readonly state: DeliveryState;
  /** The version the recipient last saw. */
  readonly version: number;
  readonly reason: string | null;
  /** The rule adoption generated, in the recipient's rules. */
  readonly ruleId: string | null;
  readonly decidedAt: string | null;
}

export const FEEDBACK_USEFULNESS = ['useful', 'not-useful'] as const;
export const FEEDBACK_RESULTS = ['no-irregularity', 'irregularity', 'seizure'] as const;

/** Feedback a recipient gives by hand (control feedback is written by Vigil from the result). */
export const feedbackInputSchema = z.strictObject({
  usefulness: z.enum(FEEDBACK_USEFULNESS),
  comment: textSchema(2000).optional(),
  controlsDone: z.number().int().min(0).max(1e9).optional(),
});
export type FeedbackInput = z.output<typeof feedbackInputSchema>;

/** One feedback on a RIF: a control result it led to, or a recipient's judgement. No personal data. */
export interface RifFeedback {
  readonly id: string;
  readonly rifId: string;
  readonly rifVersion: number;
  /** The authority giving the feedback (a recipient). */
  readonly authority: string;
  readonly kind: 'control' | 'manual';
  readonly at: string;
  readonly controlType: string | null;
  readonly result: (typeof FEEDBACK_RESULTS)[number] | null;
  readonly seizure: { readonly category: string; readonly quantity: number; readonly unit: string } | null;
  readonly usefulness: (typeof FEEDBACK_USEFULNESS)[number] | null;
  readonly comment: string | null;
  readonly controlsDone: number | null;
  /** The consignment (MRN), only when the RIF's handling lets it leave the recipient (TLP CLEAR/GREEN). */
  readonly mrn: string | null;
}
