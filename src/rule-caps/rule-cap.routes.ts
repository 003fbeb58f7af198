/**
 * HTTP adapter of the noisy-rule cap, mounted under /v1: the caps (GET /rule-caps) and lifting one
 * with a reason (POST /rule-caps/{id}/lift).
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import { parseInput } from '../errors/index.ts';
import { jsonBody, jsonResponse, operation } from '../contract/index.ts';
import { RULE_CAP_EXAMPLE, liftInputSchema, ruleCapQuerySchema, ruleCapSchema } from './rule-cap.contract.ts';
import type { RuleCapService } from './rule-cap.service.ts';

export interface RuleCapRoutesOptions {
  readonly ruleCaps: RuleCapService;
}

export const ruleCapRoutes: FastifyPluginCallback<RuleCapRoutesOptions> = (app, opts, done) => {
  const { ruleCaps } = opts;
  app.get(
    '/rule-caps',
    {
      schema: operation({
        operationId: 'listRuleCaps',
        permission: 'rule.read',
        tags: ['rules'],
        summary:
          'Rules capped as noisy (their hits alone no longer select), with the figures each cap was decided on, newest first',
        query: ruleCapQuerySchema,
        responses: {
          200: jsonResponse('The caps', z.object({ items: z.array(ruleCapSchema) }), {
            items: [RULE_CAP_EXAMPLE],
          }),
        },
      }),
    },
    async (request) => {
      const q = parseInput(ruleCapQuerySchema, request.query, 'VIGIL_QUERY_INVALID');
      return { items: await ruleCaps.list(actorOf(request), q) };
    },
  );
  app.post<{ Params: { id: string } }>(
    '/rule-caps/:id/lift',
    {
      schema: operation({
        operationId: 'liftRuleCap',
        permission: 'rule.cap-lift',
        tags: ['rules'],
        summary:
          'Lifts a cap: the rule selects alone again and is judged afresh from now on (the reason is audited)',
        params: z.object({ id: z.string().min(1).describe('the cap') }),
        body: jsonBody(liftInputSchema, { reason: 'The ruling was corrected; the rule is precise again.' }),
        responses: {
          200: jsonResponse('The cap, lifted', ruleCapSchema, {
            ...RULE_CAP_EXAMPLE,
            liftedAt: '2027-03-05T08:00:00.000Z',
            liftedBy: 'analyst:ferrari',
            liftReason: 'The ruling was corrected; the rule is precise again.',
          }),
        },
        errors: ['VIGIL_NOT_FOUND', 'VIGIL_CONFLICT'],
      }),
    },
    async (request) => {
      const body = parseInput(liftInputSchema, request.body ?? {});
      return ruleCaps.lift(actorOf(request), request.params.id, body.reason);
    },
  );
  done();
};
