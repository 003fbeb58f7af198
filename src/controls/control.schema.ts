/**
 * Contracts of the controls feature: the shapes of control tasks and results as the API shows them,
 * and the zod schemas of what officers send (a result: no irregularity, an irregularity with its
 * type and the duty and tax at stake, or a seizure by EU seizure-statistics category with quantity
 * and unit) and of the queue and statistics queries.
 */
import { CONTROL_TYPES, instantSchema, periodEnd, periodStart } from '../domain/index.ts';
import type { ControlType } from '../domain/index.ts';
import { z } from 'zod';

export const TASK_STATUSES = ['open', 'assigned', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_SOURCES = ['risk', 'random', 'exploration', 'manual'] as const;
export type TaskSource = (typeof TASK_SOURCES)[number];

export { CONTROL_TYPES };
export type ControlTaskType = ControlType;

export const RESULT_KINDS = ['no-irregularity', 'irregularity', 'seizure'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

export const IRREGULARITY_TYPES = [
  'undervaluation',
  'misclassification',
  'origin',
  'quantity',
  'prohibited',
  'description',
  'other',
] as const;
export type IrregularityType = (typeof IRREGULARITY_TYPES)[number];

/**
 * The categories of the EU's customs seizure statistics (DESIGN §2.4), and the prohibitions and
 * restrictions that are rule risk areas too (cash, sanctions and dual-use goods, cultural goods, drug
 * precursors), so a control a rule of that area asked for can record what it found.
 */
export const SEIZURE_CATEGORIES = [
  'drugs',
  'cigarettes-tobacco',
  'weapons-explosives-ammunition',
  'counterfeit',
  'sanitary-phytosanitary-product-safety',
  'cites',
  'cash',
  'sanctions-dual-use',
  'cultural-goods',
  'drug-precursors',
] as const;
export type SeizureCategory = (typeof SEIZURE_CATEGORIES)[number];

/** Quantities seized: mass, volume, pieces, cigarette sticks, or an amount of cash in euro. */
export const SEIZURE_UNITS = ['kg', 'g', 'l', 'items', 'sticks', 'eur'] as const;
export type SeizureUnit = (typeof SEIZURE_UNITS)[number];

export const DETECTION_METHODS = ['documentary', 'physical', 'scan', 'sampling', 'dog'] as const;
export type DetectionMethod = (typeof DETECTION_METHODS)[number];

/**
 * The code lists a control and its result are made of, as GET /v1/controls/code-lists publishes
 * them: the one source the API validates with and the workbench builds its forms from.
 */
export const CONTROL_CODE_LISTS = Object.freeze({
  controlTypes: CONTROL_TYPES,
  resultKinds: RESULT_KINDS,
  irregularityTypes: IRREGULARITY_TYPES,
  seizureCategories: SEIZURE_CATEGORIES,
  seizureUnits: SEIZURE_UNITS,
  detectionMethods: DETECTION_METHODS,
  taskStatuses: TASK_STATUSES,
  taskSources: TASK_SOURCES,
});
export type ControlCodeLists = typeof CONTROL_CODE_LISTS;

/** A rule (id and version) whose hit asked for the control. */
export interface RuleRef {
  readonly id: string;
  readonly version: number;
}

/** A party of the controlled consignment whose compliance history the result feeds. */
export interface TaskParty {
  readonly role: 'consignee' | 'consignor';
  readonly key: string;
  readonly name: string;
  readonly eori?: string | undefined;
}

export interface ControlTask {
  readonly id: string;
  readonly authority: string;
  readonly mrn: string;
  readonly version: number;
  /** The consignment's index in the filing. */
  readonly seq: number;
  readonly office: string;
  readonly controlType: ControlTaskType;
  readonly source: TaskSource;
  readonly reason: string;
  readonly ruleRefs: readonly RuleRef[];
  readonly status: TaskStatus;
  readonly assignee: string | null;
  readonly dueAt: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type ResultDetails =
  | { readonly result: 'no-irregularity' }
  | {
      readonly result: 'irregularity';
      readonly type: IrregularityType;
      readonly dutyAtStake: number;
      readonly taxAtStake: number;
    }
  | {
      readonly result: 'seizure';
      readonly category: SeizureCategory;
      readonly quantity: number;
      readonly unit: SeizureUnit;
      readonly dutyAtStake?: number | undefined;
      readonly taxAtStake?: number | undefined;
    };

export interface ControlResult {
  readonly id: string;
  readonly taskId: string;
  readonly mrn: string;
  readonly seq: number;
  readonly result: ResultKind;
  /** The result's own fields (irregularity type and amounts, seizure category, quantity, unit). */
  readonly details: Readonly<Record<string, unknown>>;
  readonly method: DetectionMethod;
  readonly remarks: string | null;
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly supersedes: string | null;
  readonly supersededBy: string | null;
  /** Only the current result (not superseded) counts. */
  readonly current: boolean;
  /** Why this result corrected the one it supersedes. */
  readonly reason: string | null;
  /** The second official who approved it (a seizure downgraded: four eyes). */
  readonly approvedBy: string | null;
}

/**
 * A correction that downgrades a seizure (to an irregularity or to nothing found): it takes effect
 * only when another official of the authority approves it; until then the seizure stays current.
 */
export interface PendingResult {
  readonly id: string;
  readonly taskId: string;
  readonly supersedes: string;
  readonly result: ResultKind;
  readonly details: Readonly<Record<string, unknown>>;
  readonly method: DetectionMethod;
  readonly remarks: string | null;
  readonly reason: string;
  readonly proposedBy: string;
  readonly proposedAt: string;
  readonly status: 'pending' | 'approved' | 'rejected';
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
}

/** How serious a result is: a correction to a lower rank of a seizure is a downgrade. */
export const RESULT_RANK: Readonly<Record<ResultKind, number>> = Object.freeze({
  'no-irregularity': 0,
  irregularity: 1,
  seizure: 2,
});

export const pendingDecisionSchema = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  remarks: z.string().trim().min(1).max(1000).optional(),
});
export type PendingDecision = z.infer<typeof pendingDecisionSchema>;

const eur = z.number().min(0).max(1e12);
const common = {
  method: z.enum(DETECTION_METHODS),
  remarks: z.string().trim().min(1).max(4000).optional(),
  /** The id of the result this one corrects. */
  supersedes: z.string().min(1).max(100).optional(),
  /** Why a correction supersedes the current result: required with `supersedes`. */
  reason: z.string().trim().min(1).max(1000).optional(),
};

export const resultInputSchema = z.discriminatedUnion('result', [
  z.strictObject({ result: z.literal('no-irregularity'), ...common }),
  z.strictObject({
    result: z.literal('irregularity'),
    type: z.enum(IRREGULARITY_TYPES),
    dutyAtStake: eur,
    taxAtStake: eur,
    ...common,
  }),
  z.strictObject({
    result: z.literal('seizure'),
    category: z.enum(SEIZURE_CATEGORIES),
    quantity: z.number().positive().max(1e12),
    unit: z.enum(SEIZURE_UNITS),
    dutyAtStake: eur.optional(),
    taxAtStake: eur.optional(),
    ...common,
  }),
]);
export type ResultInput = z.infer<typeof resultInputSchema>;

export const assignInputSchema = z.strictObject({ assignee: z.string().trim().min(1).max(200).optional() });
export type AssignInput = z.infer<typeof assignInputSchema>;

export const assignNextInputSchema = z.strictObject({
  /** Candidate officers; the one with the fewest open assigned tasks gets the task. */
  officers: z.array(z.string().trim().min(1).max(200)).min(1).max(500).optional(),
});
export type AssignNextInput = z.infer<typeof assignNextInputSchema>;

const statusList = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()))
  .pipe(z.array(z.enum(TASK_STATUSES)).min(1));

export const queueQuerySchema = z.strictObject({
  office: z.string().trim().min(1).max(20).optional(),
  /** One status or several, comma-separated; default the work still to do (open, assigned). */
  status: statusList.optional(),
  assignee: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  next: z.string().min(1).max(400).optional(),
});
export type QueueQuery = z.infer<typeof queueQuerySchema>;

/** The office whose queue to take from; an officer whose token names an office may leave it out. */
export const assignNextQuerySchema = z.strictObject({ office: z.string().trim().min(1).max(20).optional() });

export const statsQuerySchema = z
  .strictObject({
    from: instantSchema.optional(),
    to: instantSchema.optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || periodStart(q.from) < periodEnd(q.to), {
    message: '`from` must be before `to`',
    path: ['from'],
  });
