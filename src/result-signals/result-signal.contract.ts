/**
 * The signals learned from control results as the API shows them and the setting an analyst sends,
 * as zod schemas (the OpenAPI document and a generated client read them), with examples.
 */
import { z } from 'zod';
import { RESULT_SIGNALS } from './result-signals.ts';

export const resultSignalSettingSchema = z
  .object({
    enabled: z.boolean().describe('false switches the signal off for this authority'),
    weight: z
      .int()
      .min(0)
      .max(100)
      .describe('weight of a hit on a seizure found today; an irregularity counts half'),
    days: z.int().min(1).max(3650).describe('results older than this many days no longer count'),
  })
  .strict()
  .meta({ id: 'ResultSignalSetting' });

const settingOutput = z.object({ enabled: z.boolean(), weight: z.int(), days: z.int() });

export const resultSignalSchema = z
  .object({
    id: z.enum(RESULT_SIGNALS),
    title: z.string(),
    description: z.string(),
    irregularities: z.boolean().describe('irregularities count too (else only seizures)'),
    enabled: z.boolean(),
    weight: z.int(),
    days: z.int(),
    defaults: settingOutput.describe("Vigil's defaults"),
    updatedBy: z.string().nullable().describe('who last changed the setting; null: the defaults'),
    updatedAt: z.string().nullable().describe('ISO 8601 date-time, UTC'),
  })
  .meta({ id: 'ResultSignal' });

/** One signal as the API shows it: what it does and how this authority runs it. */
export type ResultSignalView = z.output<typeof resultSignalSchema>;

export const resultSignalListSchema = z.object({ items: z.array(resultSignalSchema) });

export const RESULT_SIGNAL_EXAMPLE: ResultSignalView = {
  id: 'SIG-RESULT-CONTAINER',
  title: 'Container involved in a recent seizure',
  description: 'A container of the consignment carried goods that were seized.',
  irregularities: false,
  enabled: true,
  weight: 80,
  days: 120,
  defaults: { enabled: true, weight: 70, days: 180 },
  updatedBy: 'alice',
  updatedAt: '2027-03-01T09:30:00.000Z',
};
