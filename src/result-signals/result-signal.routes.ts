/**
 * HTTP adapter of the signals learned from control results, mounted under /v1: the signals with this
 * authority's settings (officials), and an analyst's change of one (weight, window, on or off).
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import { jsonBody, jsonResponse, operation } from '../contract/index.ts';
import {
  RESULT_SIGNAL_EXAMPLE,
  resultSignalListSchema,
  resultSignalSchema,
  resultSignalSettingSchema,
} from './result-signal.contract.ts';
import type { ResultSignalService } from './result-signal.service.ts';

export interface ResultSignalRoutesOptions {
  readonly resultSignals: ResultSignalService;
}

const idParams = z.object({ id: z.string().min(1).describe('the signal (SIG-RESULT-…)') });

export const resultSignalRoutes: FastifyPluginCallback<ResultSignalRoutesOptions> = (
  app,
  { resultSignals },
  done,
) => {
  app.get(
    '/result-signals',
    {
      schema: operation({
        operationId: 'listResultSignals',
        permission: 'rule.read',
        tags: ['rules'],
        summary: 'The signals learned from control results, as this authority runs them',
        description:
          'A control result with an irregularity or a seizure marks what its consignment named (consignee, consignor, the pair, containers, means of transport, place of loading with goods heading); a later consignment naming one of them is hit, the hit naming the result. Each signal has a weight and a window, which an analyst may change.',
        responses: {
          200: jsonResponse('The signals', resultSignalListSchema, { items: [RESULT_SIGNAL_EXAMPLE] }),
        },
      }),
    },
    async (request) => ({ items: await resultSignals.list(actorOf(request)) }),
  );

  app.put<{ Params: { id: string } }>(
    '/result-signals/:id',
    {
      schema: operation({
        operationId: 'putResultSignal',
        permission: 'rule.write',
        tags: ['rules'],
        summary: 'Tune a signal learned from control results, or switch it off (audited)',
        description: 'Applies to the assessments that follow, in every process within a second.',
        params: idParams,
        body: jsonBody(resultSignalSettingSchema, { enabled: true, weight: 80, days: 120 }),
        responses: { 200: jsonResponse('The signal as now set', resultSignalSchema, RESULT_SIGNAL_EXAMPLE) },
        errors: ['VIGIL_NOT_FOUND'],
      }),
    },
    async (request) => resultSignals.put(actorOf(request), request.params.id, request.body),
  );

  done();
};
