/**
 * HTTP adapter of common risk criteria from the centre: /v1/common-criteria (publish, list),
 * /v1/common-criteria/{id} (read with versions and members' rules, amend), /withdrawal and /figures
 * (per member and in total).
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import { parseInput } from '../errors/index.ts';
import { jsonBody, jsonResponse, operation } from '../contract/index.ts';
import {
  amendmentInputSchema,
  commonCriterionSchema,
  criterionFiguresSchema,
  criterionInputSchema,
  publishedCriterionSchema,
  withdrawalInputSchema,
} from './common-criterion.schema.ts';
import type {
  CommonCriterion,
  CriterionFigures,
  CriterionInput,
  PublishedCriterion,
} from './common-criterion.schema.ts';
import type { CommonCriterionService } from './common-criterion.service.ts';

export interface CommonCriterionRoutesOptions {
  readonly criteria: CommonCriterionService;
}

const idParams = z.object({ id: z.string().min(1).max(64).describe('the criterion') });
const listQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });
const figuresQuery = z.strictObject({
  from: z.iso.date().optional().describe('first day (YYYY-MM-DD, UTC); default the day of its first version'),
  to: z.iso.date().optional().describe('day after the last (YYYY-MM-DD, exclusive); default tomorrow'),
});
const READ_CODES = ['VIGIL_COMMON_CRITERION_NOT_FOUND'] as const;
const WRITE_CODES = [
  'VIGIL_NOT_COORDINATING',
  'VIGIL_COMMON_CRITERION_INVALID',
  'VIGIL_RULE_INVALID',
  'VIGIL_RULE_TOO_COSTLY',
  'VIGIL_COMMON_CRITERION_STATE',
] as const;

export const CRITERION_INPUT_EXAMPLE: CriterionInput = {
  id: 'EU-CRC-2027-004',
  kind: 'crc',
  title: 'Lithium batteries declared as toys',
  riskArea: 'product-safety',
  condition: 'goods.exists(g, g.hsCode.startsWith("9503")) && valuePerKg > 40.0',
  weight: 70,
  severity: 'high',
  recommendedAction: 'documentary-check',
  validFrom: '2027-03-01T00:00:00Z',
  scope: { members: 'all', modes: ['air', 'maritime'] },
  reason: 'Union-wide risk: batteries shipped as toys to avoid dangerous-goods rules',
};

const { id: _id, ...AMENDMENT_EXAMPLE } = CRITERION_INPUT_EXAMPLE;

const VERSION_EXAMPLE: PublishedCriterion = {
  id: CRITERION_INPUT_EXAMPLE.id,
  version: 1,
  kind: 'crc',
  status: 'published',
  coordinator: 'EU',
  title: CRITERION_INPUT_EXAMPLE.title,
  riskArea: 'product-safety',
  condition: CRITERION_INPUT_EXAMPLE.condition,
  weight: 70,
  severity: 'high',
  recommendedAction: 'documentary-check',
  validFrom: '2027-03-01T00:00:00.000Z',
  validUntil: null,
  members: ['BE', 'DE', 'NL'],
  allMembers: true,
  offices: null,
  modes: ['air', 'maritime'],
  reason: CRITERION_INPUT_EXAMPLE.reason,
  publishedBy: 'coordinator:eu-risk',
  publishedAt: '2027-02-27T09:00:00.000Z',
};

export const COMMON_CRITERION_EXAMPLE: CommonCriterion = {
  ...VERSION_EXAMPLE,
  ruleId: 'crc.EU-CRC-2027-004',
  versions: [VERSION_EXAMPLE],
  memberRules: ['BE', 'DE', 'NL'].map((authority) => ({
    authority,
    version: 1,
    ruleId: 'crc.EU-CRC-2027-004',
    ruleVersion: 1,
    appliedAt: '2027-02-27T09:00:00.000Z',
  })),
};

const ROW = {
  itemsAnalysed: 5400,
  automatedHits: 38,
  finalHits: 30,
  controls: 30,
  controlsWithResult: 28,
  positives: 9,
  falsePositives: 19,
  yield: 9 / 28,
};

const FIGURES_EXAMPLE: CriterionFigures = {
  criterion: VERSION_EXAMPLE.id,
  kind: 'crc',
  from: '2027-02-27',
  to: '2027-04-01',
  authorities: [{ authority: 'NL', ...ROW }],
  total: ROW,
};

export const commonCriterionRoutes: FastifyPluginCallback<CommonCriterionRoutesOptions> = (
  app,
  opts,
  done,
) => {
  const { criteria } = opts;

  app.post(
    '/common-criteria',
    {
      schema: operation({
        operationId: 'publishCommonCriterion',
        permission: 'criteria.publish',
        tags: ['common-criteria'],
        summary: 'Publish a common (crc) or financial (frc) risk criterion that every member applies at once',
        description:
          'For coordinators of a coordinating authority (VIGIL_COORDINATING_AUTHORITIES). The condition is type-checked and cost-limited like a rule; ' +
          "each member runs it as its own active rule `<kind>.<id>`, which the member's own people cannot change (VIGIL_RULE_MANAGED).",
        body: jsonBody(criterionInputSchema, CRITERION_INPUT_EXAMPLE),
        responses: { 201: jsonResponse('The criterion', commonCriterionSchema, COMMON_CRITERION_EXAMPLE) },
        errors: [...WRITE_CODES, 'VIGIL_CONFLICT'],
      }),
    },
    async (request, reply) => reply.status(201).send(await criteria.publish(actorOf(request), request.body)),
  );
  app.get(
    '/common-criteria',
    {
      schema: operation({
        operationId: 'listCommonCriteria',
        permission: 'criteria.read',
        tags: ['common-criteria'],
        summary: 'The criteria your authority coordinates or applies, latest version each',
        query: listQuery,
        responses: {
          200: jsonResponse('The criteria', z.object({ items: z.array(publishedCriterionSchema) }), {
            items: [VERSION_EXAMPLE],
          }),
        },
      }),
    },
    async (request) => {
      const q = parseInput(listQuery, request.query ?? {}, 'VIGIL_QUERY_INVALID');
      return { items: await criteria.list(actorOf(request), q.limit) };
    },
  );
  app.get<{ Params: { id: string } }>(
    '/common-criteria/:id',
    {
      schema: operation({
        operationId: 'getCommonCriterion',
        permission: 'criteria.read',
        tags: ['common-criteria'],
        summary: "One criterion: its latest version, every version, and the members' rules",
        params: idParams,
        responses: { 200: jsonResponse('The criterion', commonCriterionSchema, COMMON_CRITERION_EXAMPLE) },
        errors: READ_CODES,
      }),
    },
    async (request) => criteria.get(actorOf(request), request.params.id),
  );
  app.put<{ Params: { id: string } }>(
    '/common-criteria/:id',
    {
      schema: operation({
        operationId: 'amendCommonCriterion',
        permission: 'criteria.publish',
        tags: ['common-criteria'],
        summary: "Amend a criterion: a new version that replaces every member's rule version",
        params: idParams,
        body: jsonBody(amendmentInputSchema, { ...AMENDMENT_EXAMPLE, weight: 80 }),
        responses: {
          200: jsonResponse('The criterion', commonCriterionSchema, {
            ...COMMON_CRITERION_EXAMPLE,
            version: 2,
          }),
        },
        errors: [...READ_CODES, ...WRITE_CODES],
      }),
    },
    async (request) => criteria.amend(actorOf(request), request.params.id, request.body),
  );
  app.post<{ Params: { id: string } }>(
    '/common-criteria/:id/withdrawal',
    {
      schema: operation({
        operationId: 'withdrawCommonCriterion',
        permission: 'criteria.publish',
        tags: ['common-criteria'],
        summary: 'Withdraw a criterion: its rule retires at every member at once',
        params: idParams,
        body: jsonBody(withdrawalInputSchema, { reason: 'The risk is covered by the new trade measure' }),
        responses: {
          200: jsonResponse('The criterion', commonCriterionSchema, {
            ...COMMON_CRITERION_EXAMPLE,
            version: 2,
            status: 'withdrawn',
          }),
        },
        errors: [...READ_CODES, ...WRITE_CODES],
      }),
    },
    async (request) => criteria.withdraw(actorOf(request), request.params.id, request.body),
  );
  app.get<{ Params: { id: string } }>(
    '/common-criteria/:id/figures',
    {
      schema: operation({
        operationId: 'getCommonCriterionFigures',
        permission: 'criteria.read',
        tags: ['common-criteria'],
        summary:
          'Per member and in total: items analysed, automated hits, final hits, controls, positives, false positives, yield',
        description:
          'The criteria indicators (CR-01 to CR-06) of each member’s rule, from the rollups the indicator refresher keeps. ' +
          'The coordinator sees every member; a member itself.',
        params: idParams,
        query: figuresQuery,
        responses: { 200: jsonResponse('The figures', criterionFiguresSchema, FIGURES_EXAMPLE) },
        errors: READ_CODES,
      }),
    },
    async (request) => {
      const q = parseInput(figuresQuery, request.query ?? {}, 'VIGIL_QUERY_INVALID');
      return criteria.figures(actorOf(request), request.params.id, q);
    },
  );
  done();
};
