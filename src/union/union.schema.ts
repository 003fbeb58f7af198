/** Contracts of union-level analysis: the query of GET /v1/union/signals and the signals it answers. */
import { z } from 'zod';
import { SIGNAL_DEFAULTS, SIGNAL_KINDS } from './union-signals.ts';

export const signalsQuerySchema = z.strictObject({
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .describe(`start of the recent window (default: ${SIGNAL_DEFAULTS.windowDays} days before to)`),
  to: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('end of the recent window, excluded (default: now)'),
  kind: z.enum(SIGNAL_KINDS).optional().describe('only signals of this kind'),
  minAuthorities: z.coerce
    .number()
    .int()
    .min(2)
    .max(50)
    .default(SIGNAL_DEFAULTS.minAuthorities)
    .describe('authorities a signal must involve'),
  diversionDays: z.coerce
    .number()
    .int()
    .min(1)
    .max(90)
    .default(SIGNAL_DEFAULTS.diversionDays)
    .describe('days after a control within which an entry at another office is a diversion'),
  baselineDays: z.coerce
    .number()
    .int()
    .min(1)
    .max(365)
    .default(SIGNAL_DEFAULTS.baselineDays)
    .describe('days before from that make the baseline of a hit rate'),
  minScreened: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(SIGNAL_DEFAULTS.minScreened)
    .describe('consignments screened in each window for a hit rate to count'),
  minHits: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(SIGNAL_DEFAULTS.minHits)
    .describe('hits in the recent window for a rise to count'),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('signals returned, strongest first'),
});
export type SignalsQuery = z.infer<typeof signalsQuerySchema>;

const evidenceSchema = z.object({
  authority: z.string().describe('the authority that shared the record'),
  ref: z.string().describe("the shared record's ref: the consignment (MRN/item) at its source"),
  category: z.string().describe('the sharing category of the record (screening, control-results, seizures)'),
  kind: z.enum(['hit', 'irregularity', 'seizure', 'no-irregularity', 'entry']),
  at: z.string().describe('when the record was made (screened or controlled)'),
  office: z.string().nullable().describe('office of first entry, when shared at full level'),
});

const figuresSchema = z.object({ screened: z.number().int(), hits: z.number().int(), rate: z.number() });

export const unionSignalSchema = z.object({
  id: z.string().describe('stable: kind, subject type and value'),
  kind: z.enum(SIGNAL_KINDS),
  subject: z.object({
    type: z.enum(['operator', 'container', 'document', 'route', 'goods-origin', 'consignor-goods']),
    value: z.string(),
  }),
  authorities: z.array(z.string()),
  score: z.number().describe('strength: see docs/union-signals.md for each kind'),
  firstAt: z.string(),
  lastAt: z.string(),
  evidence: z.array(evidenceSchema),
  rates: z
    .array(
      z.object({
        authority: z.string(),
        baseline: figuresSchema,
        recent: figuresSchema,
        z: z.number().describe('one-sided two-proportion z of the rise'),
      }),
    )
    .optional()
    .describe('rising-hit-rate: the figures of each authority whose rate rose'),
});

export const unionSignalsSchema = z.object({
  from: z.string(),
  to: z.string(),
  parameters: z.object({
    minAuthorities: z.number().int(),
    diversionDays: z.number().int(),
    baselineDays: z.number().int(),
    minScreened: z.number().int(),
    minHits: z.number().int(),
    minZ: z.number(),
  }),
  records: z.number().int().describe('shared records read'),
  truncated: z
    .boolean()
    .describe('true when more records were shared than one request reads: narrow the window'),
  items: z.array(unionSignalSchema),
});
export type UnionSignals = z.infer<typeof unionSignalsSchema>;
