/**
 * What the control routes answer, as zod schemas of the shapes in control.schema.ts (the OpenAPI
 * document and a generated client read them), with examples.
 */
import { z } from 'zod';
import {
  CONTROL_CODE_LISTS,
  CONTROL_TYPES,
  DETECTION_METHODS,
  IRREGULARITY_TYPES,
  RESULT_KINDS,
  SEIZURE_CATEGORIES,
  SEIZURE_UNITS,
  TASK_SOURCES,
  TASK_STATUSES,
} from './control.schema.ts';

const instant = z.string().describe('ISO 8601 date-time, UTC');

export const controlTaskSchema = z
  .object({
    id: z.string(),
    authority: z.string(),
    mrn: z.string(),
    version: z.int().describe('the filing version the task was made for'),
    seq: z.int().describe('the consignment’s index in the filing'),
    office: z.string(),
    controlType: z.enum(CONTROL_TYPES),
    source: z.enum(TASK_SOURCES),
    reason: z.string(),
    ruleRefs: z
      .array(z.object({ id: z.string(), version: z.int() }))
      .describe('the rules that asked for the control'),
    status: z.enum(TASK_STATUSES),
    assignee: z.string().nullable(),
    dueAt: instant,
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'ControlTask' });

export const controlResultSchema = z
  .object({
    id: z.string(),
    taskId: z.string(),
    mrn: z.string(),
    seq: z.int(),
    result: z.enum(RESULT_KINDS),
    details: z
      .record(z.string(), z.unknown())
      .describe(
        'the result’s own fields: irregularity type and duty and tax at stake, or seizure category, quantity and unit',
      ),
    method: z.enum(DETECTION_METHODS),
    remarks: z.string().nullable(),
    recordedBy: z.string(),
    recordedAt: instant,
    supersedes: z.string().nullable(),
    supersededBy: z.string().nullable(),
    current: z.boolean().describe('only the current result (not superseded) counts'),
    reason: z.string().nullable().describe('why this result corrected the one it supersedes'),
    approvedBy: z.string().nullable().describe('the second official who approved a downgraded seizure'),
  })
  .meta({ id: 'ControlResult' });

export const pendingResultSchema = z
  .object({
    id: z.string(),
    taskId: z.string(),
    supersedes: z.string(),
    result: z.enum(RESULT_KINDS),
    details: z.record(z.string(), z.unknown()),
    method: z.enum(DETECTION_METHODS),
    remarks: z.string().nullable(),
    reason: z.string(),
    proposedBy: z.string(),
    proposedAt: instant,
    status: z.enum(['pending', 'approved', 'rejected']),
    decidedBy: z.string().nullable(),
    decidedAt: instant.nullable(),
  })
  .meta({ id: 'PendingControlResult' });

export const queuePageSchema = z.object({
  items: z.array(controlTaskSchema),
  next: z.string().optional().describe('pass as `?next=` for the following page; absent on the last page'),
});

export const taskWithResultsSchema = z.object({
  task: controlTaskSchema,
  results: z.array(controlResultSchema).describe('oldest first'),
  pending: z.array(pendingResultSchema),
});

export const recordedSchema = z.object({
  task: controlTaskSchema,
  result: controlResultSchema.describe('the current result (the seizure, while a downgrade is pending)'),
  pending: pendingResultSchema
    .optional()
    .describe('a downgrade of a seizure waiting for a second official (202)'),
});

export const decidedSchema = z.object({
  task: controlTaskSchema,
  pending: pendingResultSchema,
  result: controlResultSchema.optional().describe('the new current result, when approved'),
});

const statsRow = z.object({
  version: z.union([z.int(), z.literal('all')]),
  assessed: z.int(),
  hits: z.int(),
  finalHits: z.int(),
  dismissed: z.int(),
  tasks: z.int(),
  controls: z.int(),
  positives: z.int(),
  irregularities: z.int(),
  seizures: z.int(),
  falsePositives: z.int(),
  hitRate: z.number().nullable().describe('hits / assessed; null when nothing was assessed'),
  yield: z.number().nullable().describe('positives / controls; null before the first control'),
  dutyAtStake: z.number(),
  taxAtStake: z.number(),
});

export const ruleStatsSchema = z
  .object({
    rule: z.string(),
    from: instant,
    to: instant,
    assessed: z.int(),
    versions: z.array(
      statsRow.extend({
        status: z.string().describe('the version’s status: draft, active, retired'),
        createdAt: instant,
      }),
    ),
    total: statsRow,
  })
  .meta({ id: 'RuleStats' });

export const controlCodeListsSchema = z
  .object({
    controlTypes: z.array(z.enum(CONTROL_TYPES)).describe('what a task asks for'),
    resultKinds: z.array(z.enum(RESULT_KINDS)).describe('what a control found'),
    irregularityTypes: z.array(z.enum(IRREGULARITY_TYPES)).describe('`type` of an irregularity'),
    seizureCategories: z
      .array(z.enum(SEIZURE_CATEGORIES))
      .describe('`category` of a seizure: the EU customs seizure statistics’ categories'),
    seizureUnits: z.array(z.enum(SEIZURE_UNITS)).describe('`unit` of a seizure’s quantity'),
    detectionMethods: z.array(z.enum(DETECTION_METHODS)).describe('`method`: how it was found'),
    taskStatuses: z.array(z.enum(TASK_STATUSES)),
    taskSources: z.array(z.enum(TASK_SOURCES)).describe('why a task exists'),
  })
  .meta({ id: 'ControlCodeLists' });

export const CODE_LISTS_EXAMPLE: z.output<typeof controlCodeListsSchema> = {
  controlTypes: [...CONTROL_CODE_LISTS.controlTypes],
  resultKinds: [...CONTROL_CODE_LISTS.resultKinds],
  irregularityTypes: [...CONTROL_CODE_LISTS.irregularityTypes],
  seizureCategories: [...CONTROL_CODE_LISTS.seizureCategories],
  seizureUnits: [...CONTROL_CODE_LISTS.seizureUnits],
  detectionMethods: [...CONTROL_CODE_LISTS.detectionMethods],
  taskStatuses: [...CONTROL_CODE_LISTS.taskStatuses],
  taskSources: [...CONTROL_CODE_LISTS.taskSources],
};

export const ruleStatsSummarySchema = z
  .object({
    from: instant,
    to: instant,
    assessed: z.int().describe('consignments assessed in the period'),
    days: z.array(z.string()).describe('the UTC days of the period (YYYY-MM-DD), which `daily` follows'),
    items: z
      .array(
        z.object({
          rule: z.string(),
          hits: z.int(),
          finalHits: z.int().describe('hits an analyst confirmed'),
          dismissed: z.int(),
          tasks: z.int().describe('control tasks the rule asked for (not cancelled)'),
          controls: z.int().describe('of those, controls with a current result'),
          positives: z.int().describe('controls that found an irregularity or made a seizure'),
          falsePositives: z.int().describe('controls that found nothing'),
          hitRate: z.number().nullable().describe('hits / assessed; null when nothing was assessed'),
          yield: z.number().nullable().describe('positives / controls; null before the first control'),
          daily: z.array(z.int()).describe('hits on each day of `days`'),
        }),
      )
      .describe('rules with hits or control tasks in the period, by id; a rule absent had neither'),
  })
  .meta({ id: 'RuleStatsSummary' });

export const STATS_SUMMARY_EXAMPLE: z.output<typeof ruleStatsSummarySchema> = {
  from: '2027-03-01T00:00:00.000Z',
  to: '2027-03-04T00:00:00.000Z',
  assessed: 1200,
  days: ['2027-03-01', '2027-03-02', '2027-03-03'],
  items: [
    {
      rule: 'R-UNDERVALUE',
      hits: 40,
      finalHits: 31,
      dismissed: 9,
      tasks: 25,
      controls: 22,
      positives: 8,
      falsePositives: 14,
      hitRate: 0.0333,
      yield: 0.3636,
      daily: [12, 15, 13],
    },
  ],
};

export const TASK_EXAMPLE: z.output<typeof controlTaskSchema> = {
  id: 'ct_01J9Z8Q4W7',
  authority: 'IT',
  mrn: '27IT0A1B2C3D4E5FZ1',
  version: 1,
  seq: 0,
  office: 'IT261101',
  controlType: 'physical',
  source: 'risk',
  reason: 'R-UNDERVALUE: declared unit value far below the statistics',
  ruleRefs: [{ id: 'R-UNDERVALUE', version: 3 }],
  status: 'assigned',
  assignee: 'officer:bianchi',
  dueAt: '2027-04-08T19:05:00.000Z',
  createdAt: '2027-03-01T10:00:01.000Z',
  updatedAt: '2027-03-02T08:00:00.000Z',
};

export const RESULT_EXAMPLE: z.output<typeof controlResultSchema> = {
  id: 'cr_01J9ZA0B1C',
  taskId: TASK_EXAMPLE.id,
  mrn: TASK_EXAMPLE.mrn,
  seq: 0,
  result: 'seizure',
  details: { category: 'counterfeit', quantity: 1200, unit: 'items' },
  method: 'physical',
  remarks: null,
  recordedBy: 'officer:bianchi',
  recordedAt: '2027-04-09T07:30:00.000Z',
  supersedes: null,
  supersededBy: null,
  current: true,
  reason: null,
  approvedBy: null,
};

export const PENDING_EXAMPLE: z.output<typeof pendingResultSchema> = {
  id: 'cp_01J9ZB2D3E',
  taskId: TASK_EXAMPLE.id,
  supersedes: RESULT_EXAMPLE.id,
  result: 'irregularity',
  details: { type: 'description', dutyAtStake: 0, taxAtStake: 0 },
  method: 'physical',
  remarks: null,
  reason: 'laboratory found the goods genuine',
  proposedBy: 'officer:bianchi',
  proposedAt: '2027-04-10T09:00:00.000Z',
  status: 'pending',
  decidedBy: null,
  decidedAt: null,
};

const STATS_ROW = {
  assessed: 1200,
  hits: 40,
  finalHits: 31,
  dismissed: 9,
  tasks: 25,
  controls: 22,
  positives: 8,
  irregularities: 6,
  seizures: 2,
  falsePositives: 14,
  hitRate: 0.033,
  yield: 0.364,
  dutyAtStake: 18250,
  taxAtStake: 40100,
};

export const STATS_EXAMPLE: z.output<typeof ruleStatsSchema> = {
  rule: 'R-UNDERVALUE',
  from: '2027-01-01T00:00:00.000Z',
  to: '2027-04-01T00:00:00.000Z',
  assessed: 1200,
  versions: [{ version: 3, ...STATS_ROW, status: 'active', createdAt: '2027-01-10T09:00:00.000Z' }],
  total: { version: 'all', ...STATS_ROW },
};
