/**
 * HTTP adapter of the entry-summary model, mounted under /v1: train a challenger from the database
 * (champion–challenger decision included), read a model's card, activate a version by hand, roll back
 * in one step, the history of activations, and the drift of the live scores.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import { jsonBody, jsonResponse, noBody, operation } from '../contract/index.ts';
import { parseInput } from '../errors/index.ts';
import type { EnsModelService } from './ens-model.service.ts';

export interface EnsModelRoutesOptions {
  readonly ensModels: EnsModelService;
}

const instant = z.iso.datetime({ offset: true });

const trainBody = z.strictObject({
  since: instant
    .optional()
    .describe('train on consignments lodged from then (the evaluation window is always the latest labels)'),
  until: instant.optional().describe('use labels of consignments lodged before then (default now)'),
  promote: z.boolean().default(true).describe('false: store the challenger without promoting it'),
  shuffleLabels: z
    .boolean()
    .default(false)
    .describe('train on shuffled labels: a model that knows nothing, to check the promotion guard'),
  seed: z.int().min(0).optional(),
});

const evaluationSchema = z
  .object({
    rows: z.int(),
    positives: z.int(),
    baseRate: z.number().describe('weighted share of findings: what random selection finds'),
    precisionAtCapacity: z
      .number()
      .describe('weighted precision when each office controls its capacity share, highest scores first'),
    capacity: z.record(z.string(), z.number()).describe('capacity share used per office'),
    precisionAt: z.record(z.string(), z.number()),
    auc: z.number(),
  })
  .meta({ id: 'ModelEvaluationWindow' });

const labelsSchema = z.object({
  rows: z.int(),
  positives: z.int(),
  weightedRate: z.number(),
  bySource: z.record(z.string(), z.object({ rows: z.int(), positives: z.int() })),
  inferredPropensity: z.int().describe('rows whose selection probability was not recorded'),
  effectiveRows: z.int(),
});

export const modelCardSchema = z
  .object({
    kind: z.literal('ens-gbdt'),
    trainedAt: z.string(),
    trainedBy: z.string(),
    trainingSeconds: z.number().describe('from reading the labels to the decision'),
    timings: z.object({ loadSeconds: z.number(), fitSeconds: z.number(), evaluateSeconds: z.number() }),
    dataWindow: z.object({
      since: z.string().nullable(),
      until: z.string(),
      fit: z.object({ from: z.string(), to: z.string() }),
      evaluation: z.object({ from: z.string(), to: z.string() }),
    }),
    labels: z.object({ fit: labelsSchema, evaluation: labelsSchema }),
    weighting: z.object({
      method: z.literal('inverse-propensity'),
      maxWeight: z.number(),
      inferredRandomRate: z.number(),
    }),
    shuffledLabels: z.boolean(),
    metrics: z.object({
      challenger: evaluationSchema,
      champion: evaluationSchema.extend({ version: z.int() }).nullable(),
    }),
    decision: z.object({
      promote: z.boolean(),
      activated: z.boolean(),
      reason: z.string(),
      margin: z.number(),
      challenger: z.number(),
      champion: z.number().nullable(),
      championVersion: z.int().nullable(),
      baseline: z.number(),
    }),
    features: z.array(z.object({ feature: z.string(), label: z.string(), importance: z.number() })),
    featureCount: z.int(),
    trees: z.int(),
    riskArea: z.string(),
    scoreReference: z.object({ edges: z.array(z.number()), shares: z.array(z.number()) }),
  })
  .meta({ id: 'ModelCard' });

const EVALUATION = {
  rows: 412,
  positives: 37,
  baseRate: 0.031,
  precisionAtCapacity: 0.412,
  capacity: { NL000396: 0.05 },
  precisionAt: { '1': 0.75, '2': 0.6, '5': 0.41, '10': 0.29 },
  auc: 0.87,
};
const LABELS = {
  rows: 1650,
  positives: 140,
  weightedRate: 0.029,
  bySource: { risk: { rows: 1490, positives: 131 }, random: { rows: 160, positives: 9 } },
  inferredPropensity: 0,
  effectiveRows: 310,
};
const CARD_EXAMPLE: z.input<typeof modelCardSchema> = {
  kind: 'ens-gbdt',
  trainedAt: '2027-03-01T02:00:00.000Z',
  trainedBy: 'analyst:ana',
  trainingSeconds: 4.2,
  timings: { loadSeconds: 1.1, fitSeconds: 2.9, evaluateSeconds: 0.2 },
  dataWindow: {
    since: null,
    until: '2027-03-01T02:00:00.000Z',
    fit: { from: '2026-09-01T06:12:00.000Z', to: '2027-02-10T17:40:00.000Z' },
    evaluation: { from: '2027-02-10T17:41:00.000Z', to: '2027-02-27T22:03:00.000Z' },
  },
  labels: { fit: LABELS, evaluation: { ...LABELS, rows: 412, positives: 37 } },
  weighting: { method: 'inverse-propensity', maxWeight: 1000, inferredRandomRate: 0.005 },
  shuffledLabels: false,
  metrics: { challenger: EVALUATION, champion: { ...EVALUATION, version: 3, precisionAtCapacity: 0.35 } },
  decision: {
    promote: true,
    activated: true,
    reason: 'precision at capacity 0.412 beats the champion v3 (0.350) by at least 0.02',
    margin: 0.02,
    challenger: 0.412,
    champion: 0.35,
    championVersion: 3,
    baseline: 0.031,
  },
  features: [
    {
      feature: 'te:consignor*hs4*route',
      label: 'findings on this consignor × goods heading × route',
      importance: 0.31,
    },
  ],
  featureCount: 35,
  trees: 100,
  riskArea: 'security-safety',
  scoreReference: { edges: [0.01, 0.02, 0.05], shares: [0.25, 0.25, 0.25, 0.25] },
};

const trainedSchema = z.object({ version: z.int(), activated: z.boolean(), card: modelCardSchema });

const modelWithCardSchema = z
  .object({
    authority: z.string(),
    version: z.int(),
    kind: z.enum(['kcs-gbdt', 'ens-gbdt']),
    sha256: z.string(),
    features: z.array(z.string()),
    createdBy: z.string(),
    createdAt: z.string(),
    active: z.boolean(),
    activatedAt: z.string().nullable(),
    card: modelCardSchema.nullable().describe('null for imported KCS models'),
  })
  .meta({ id: 'StoredModel' });

const SHA = '5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592';
const MODEL_EXAMPLE: z.input<typeof modelWithCardSchema> = {
  authority: 'NL',
  version: 4,
  kind: 'ens-gbdt',
  sha256: SHA,
  features: ['cat:mode', 'te:consignor*hs4*route'],
  createdBy: 'analyst:ana',
  createdAt: '2027-03-01T02:00:00.000Z',
  active: true,
  activatedAt: '2027-03-01T02:00:00.000Z',
  card: CARD_EXAMPLE,
};

const activationSchema = z.object({
  version: z.int().nullable().describe('the version made active (null: none)'),
  previous: z.int().nullable(),
  action: z.enum(['promoted', 'kept', 'activated', 'rolled-back']),
  reason: z.string(),
  actor: z.string(),
  at: z.string(),
});

const driftSchema = z
  .object({
    version: z.int(),
    from: z.string(),
    to: z.string(),
    scored: z.int().describe('consignments the model scored in the window'),
    psi: z.number().nullable().describe('population stability index; null without scores'),
    status: z.enum(['stable', 'moderate-shift', 'significant-shift', 'no-scores']),
    bins: z.array(z.object({ upTo: z.number().nullable(), expected: z.number(), actual: z.number() })),
  })
  .meta({ id: 'ModelDrift' });

const versionParams = z.object({ version: z.coerce.number().int().min(1).describe('the model version') });
const driftQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(365).default(7).describe('the window of live scores, in days'),
});

function rowView(r: Awaited<ReturnType<EnsModelService['card']>>): z.output<typeof modelWithCardSchema> {
  return {
    authority: r.authority,
    version: r.version,
    kind: r.kind,
    sha256: r.sha256,
    features: [...r.features],
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    active: r.active,
    activatedAt: r.activatedAt,
    card: (r.card ?? null) as z.output<typeof modelCardSchema> | null,
  };
}

export const ensModelRoutes: FastifyPluginCallback<EnsModelRoutesOptions> = (app, { ensModels }, done) => {
  app.post(
    '/models/training',
    {
      schema: operation({
        operationId: 'trainModel',
        permission: 'model.write',
        tags: ['models'],
        summary: 'Train an entry-summary model from the control results, and promote it if it wins',
        description:
          'Builds the training set from the controlled consignments and their current results (irregularity or seizure: positive), each weighted by the inverse of its recorded selection probability; keeps the latest labelled consignments (VIGIL_MODEL_HOLDOUT_SHARE) to judge the challenger and the champion on, and promotes the challenger only when its precision at the offices’ control capacity beats the champion’s by VIGIL_MODEL_PROMOTION_MARGIN. The answer is the model card.',
        body: jsonBody(trainBody, { since: '2026-09-01T00:00:00Z' }),
        responses: {
          201: jsonResponse('The challenger, stored with its card', trainedSchema, {
            version: 4,
            activated: true,
            card: CARD_EXAMPLE,
          }),
        },
        errors: ['VIGIL_MODEL_TRAINING_DATA'],
      }),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const body = parseInput(trainBody, request.body ?? {});
      const report = await ensModels.train(actor, actor.authority, {
        since: body.since === undefined ? undefined : new Date(body.since),
        until: body.until === undefined ? undefined : new Date(body.until),
        promote: body.promote,
        shuffleLabels: body.shuffleLabels,
        seed: body.seed,
      });
      return reply.status(201).send(report);
    },
  );

  app.post(
    '/models/rollback',
    {
      schema: operation({
        operationId: 'rollBackModel',
        permission: 'model.write',
        tags: ['models'],
        summary: 'Go back to the entry-summary model that was champion before the current one',
        description:
          'One step; with no earlier champion, no model is active afterwards. Recorded and audited.',
        body: noBody,
        responses: {
          200: jsonResponse(
            'The version rolled back from, and the one now active (null: none)',
            z.object({ from: z.int(), to: z.int().nullable() }),
            { from: 4, to: 3 },
          ),
        },
        errors: ['VIGIL_MODEL_NOT_FOUND'],
      }),
    },
    async (request) => ensModels.rollback(actorOf(request)),
  );

  app.get(
    '/models/activations',
    {
      schema: operation({
        operationId: 'listModelActivations',
        permission: 'model.read',
        tags: ['models'],
        summary: 'How the active entry-summary model changed: promotions, challengers kept out, rollbacks',
        responses: {
          200: jsonResponse('Newest first', z.object({ items: z.array(activationSchema) }), {
            items: [
              {
                version: 4,
                previous: 3,
                action: 'promoted',
                reason: 'v4: precision at capacity 0.412 beats the champion v3 (0.350) by at least 0.02',
                actor: 'analyst:ana',
                at: '2027-03-01T02:00:00.000Z',
              },
            ],
          }),
        },
      }),
    },
    async (request) => ({
      items: (await ensModels.activations(actorOf(request))).map((a) => ({
        version: a.version,
        previous: a.previous,
        action: a.action,
        reason: a.reason,
        actor: a.actor,
        at: a.at.toISOString(),
      })),
    }),
  );

  app.get(
    '/models/drift',
    {
      schema: operation({
        operationId: 'getModelDrift',
        permission: 'model.read',
        tags: ['models'],
        summary: 'Drift of the active entry-summary model’s scores (population stability index)',
        description:
          'Compares the scores the model gave consignments assessed in the last `days` days with the distribution its card expects (its scores on the evaluation window, weighted to stand for all traffic). Under 0.1 stable, 0.1–0.25 a moderate shift, above 0.25 a significant one: retrain.',
        query: driftQuery,
        responses: {
          200: jsonResponse('The drift report', driftSchema, {
            version: 4,
            from: '2027-03-01T00:00:00.000Z',
            to: '2027-03-08T00:00:00.000Z',
            scored: 15230,
            psi: 0.04,
            status: 'stable',
            bins: [
              { upTo: 0.01, expected: 0.5, actual: 0.47 },
              { upTo: null, expected: 0.5, actual: 0.53 },
            ],
          }),
        },
        errors: ['VIGIL_MODEL_NOT_FOUND'],
      }),
    },
    async (request) => {
      const actor = actorOf(request);
      const q = parseInput(driftQuery, request.query, 'VIGIL_QUERY_INVALID');
      return ensModels.drift(actor, actor.authority, q.days);
    },
  );

  app.get<{ Params: { version: string } }>(
    '/models/:version',
    {
      schema: operation({
        operationId: 'getModel',
        permission: 'model.read',
        tags: ['models'],
        summary: 'A stored model with its model card',
        params: versionParams,
        responses: { 200: jsonResponse('The model', modelWithCardSchema, MODEL_EXAMPLE) },
        errors: ['VIGIL_MODEL_NOT_FOUND'],
      }),
    },
    async (request) => {
      const { version } = parseInput(versionParams, request.params, 'VIGIL_QUERY_INVALID');
      return rowView(await ensModels.card(actorOf(request), version));
    },
  );

  app.post<{ Params: { version: string } }>(
    '/models/:version/activation',
    {
      schema: operation({
        operationId: 'activateModel',
        permission: 'model.write',
        tags: ['models'],
        summary: 'Make a stored entry-summary model the champion by hand (recorded; rollback undoes it)',
        params: versionParams,
        body: noBody,
        responses: { 200: jsonResponse('The model, now active', modelWithCardSchema, MODEL_EXAMPLE) },
        errors: ['VIGIL_MODEL_NOT_FOUND'],
      }),
    },
    async (request) => {
      const { version } = parseInput(versionParams, request.params, 'VIGIL_QUERY_INVALID');
      return rowView(await ensModels.activate(actorOf(request), version));
    },
  );

  done();
};
