/**
 * HTTP adapter of the controls feature, mounted under /v1: the officers' queue of control tasks, the
 * code lists results are made of, one task with its results, assignment (by hand or by workload),
 * recording and correcting results, and the statistics of a rule fed by those results
 * (GET /rules/{id}/stats), and of every rule at once with hits day by day (GET /rule-stats, the
 * workbench's list of rules).
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import type { ControlService } from './control.service.ts';
import {
  assignInputSchema,
  assignNextInputSchema,
  assignNextQuerySchema,
  pendingDecisionSchema,
  queueQuerySchema,
  resultInputSchema,
  statsQuerySchema,
} from './control.schema.ts';
import { actorOf } from '../auth/index.ts';
import { periodEnd, periodStart } from '../domain/index.ts';
import { parseInput } from '../errors/index.ts';
import { jsonBody, jsonResponse, noContent, operation } from '../contract/index.ts';
import {
  CODE_LISTS_EXAMPLE,
  PENDING_EXAMPLE,
  RESULT_EXAMPLE,
  STATS_EXAMPLE,
  STATS_SUMMARY_EXAMPLE,
  TASK_EXAMPLE,
  controlTaskSchema,
  decidedSchema,
  queuePageSchema,
  recordedSchema,
  controlCodeListsSchema,
  ruleStatsSchema,
  ruleStatsSummarySchema,
  taskWithResultsSchema,
} from './control.contract.ts';

export interface ControlRoutesOptions {
  readonly controls: ControlService;
}

const idParams = z.object({ id: z.string().min(1).describe('the control task') });
const TASK_CODES = ['VIGIL_NOT_FOUND', 'VIGIL_CONFLICT'] as const;

export const controlRoutes: FastifyPluginCallback<ControlRoutesOptions> = (app, opts, done) => {
  const { controls } = opts;

  app.get(
    '/controls',
    {
      schema: operation({
        operationId: 'listControlTasks',
        permission: 'control.read',
        tags: ['controls'],
        summary: 'The queue of control tasks, by due time',
        description:
          '`status` takes one status or several, comma-separated (open, assigned, done, cancelled); default open,assigned.',
        query: queueQuerySchema,
        responses: { 200: jsonResponse('A page of the queue', queuePageSchema, { items: [TASK_EXAMPLE] }) },
      }),
    },
    async (request) =>
      controls.list(actorOf(request), parseInput(queueQuerySchema, request.query, 'VIGIL_QUERY_INVALID')),
  );
  app.get(
    '/controls/code-lists',
    {
      schema: operation({
        operationId: 'getControlCodeLists',
        permission: 'control.read',
        tags: ['controls'],
        summary:
          'The code lists of controls and their results (control types, result kinds, irregularity types, seizure categories and units, detection methods): exactly what POST /v1/controls/{id}/result accepts',
        responses: {
          200: jsonResponse(
            'Every code list, in its documented order',
            controlCodeListsSchema,
            CODE_LISTS_EXAMPLE,
          ),
        },
      }),
    },
    (request) => controls.codeLists(actorOf(request)),
  );
  app.post(
    '/controls/assign-next',
    {
      schema: operation({
        operationId: 'assignNextControlTask',
        permission: 'control.assign',
        tags: ['controls'],
        summary:
          'Assign the office’s earliest-due open task (the office of the caller’s token unless ?office= names one): to the calling officer, or to the least-loaded of the candidate officers; 204 when none is open',
        query: assignNextQuerySchema,
        body: jsonBody(assignNextInputSchema, { officers: ['officer:bianchi', 'officer:conti'] }),
        responses: {
          200: jsonResponse('The task, now assigned', controlTaskSchema, TASK_EXAMPLE),
          204: noContent('No open task in the office'),
        },
        errors: TASK_CODES,
      }),
    },
    async (request, reply) => {
      const q = parseInput(assignNextQuerySchema, request.query, 'VIGIL_QUERY_INVALID');
      const task = await controls.assignNext(
        actorOf(request),
        q.office,
        parseInput(assignNextInputSchema, request.body ?? {}),
      );
      return task === undefined ? reply.status(204).send() : task;
    },
  );
  app.get<{ Params: { id: string } }>(
    '/controls/:id',
    {
      schema: operation({
        operationId: 'getControlTask',
        permission: 'control.read',
        tags: ['controls'],
        summary: 'A control task with its results, oldest first',
        params: idParams,
        responses: {
          200: jsonResponse('The task with its results and pending corrections', taskWithResultsSchema, {
            task: TASK_EXAMPLE,
            results: [RESULT_EXAMPLE],
            pending: [],
          }),
        },
        errors: ['VIGIL_NOT_FOUND'],
      }),
    },
    async (request) => controls.get(actorOf(request), request.params.id),
  );
  app.post<{ Params: { id: string } }>(
    '/controls/:id/assign',
    {
      schema: operation({
        operationId: 'assignControlTask',
        permission: 'control.assign',
        tags: ['controls'],
        summary: 'Assign a task (officers take it for themselves; coordinators name the assignee)',
        params: idParams,
        body: jsonBody(assignInputSchema, { assignee: 'officer:bianchi' }),
        responses: { 200: jsonResponse('The task, assigned', controlTaskSchema, TASK_EXAMPLE) },
        errors: TASK_CODES,
      }),
    },
    async (request) =>
      controls.assign(actorOf(request), request.params.id, parseInput(assignInputSchema, request.body ?? {})),
  );
  app.post<{ Params: { id: string } }>(
    '/controls/:id/result',
    {
      schema: operation({
        operationId: 'recordControlResult',
        permission: 'control.record',
        tags: ['controls'],
        summary:
          'Record the result of a control; a correction names the result it supersedes and a reason. A correction that downgrades a seizure is answered 202: it is pending until a second official approves it',
        params: idParams,
        body: jsonBody(resultInputSchema, {
          result: 'seizure',
          category: 'counterfeit',
          quantity: 1200,
          unit: 'items',
          method: 'physical',
        }),
        responses: {
          201: jsonResponse('Recorded: the current result', recordedSchema, {
            task: { ...TASK_EXAMPLE, status: 'done' },
            result: RESULT_EXAMPLE,
          }),
          202: jsonResponse('A downgrade of a seizure, pending a second official', recordedSchema, {
            task: { ...TASK_EXAMPLE, status: 'done' },
            result: RESULT_EXAMPLE,
            pending: PENDING_EXAMPLE,
          }),
        },
        errors: [...TASK_CODES, 'VIGIL_RESULT_REASON_REQUIRED'],
      }),
    },
    async (request, reply) => {
      const input = parseInput(resultInputSchema, request.body ?? {});
      const out = await controls.recordResult(actorOf(request), request.params.id, input);
      return reply.status(out.pending !== undefined ? 202 : 201).send(out);
    },
  );
  app.post<{ Params: { id: string; pendingId: string } }>(
    '/controls/:id/pending/:pendingId/decision',
    {
      schema: operation({
        operationId: 'decidePendingControlResult',
        permission: 'control.record',
        tags: ['controls'],
        summary:
          'A second official (not the one who proposed it) approves or rejects a pending downgrade of a seizure; approved, it becomes the current result',
        params: z.object({
          id: z.string().min(1).describe('the control task'),
          pendingId: z.string().min(1).describe('the pending correction'),
        }),
        body: jsonBody(pendingDecisionSchema, { decision: 'approve', remarks: 'laboratory report checked' }),
        responses: {
          200: jsonResponse('The decision; approved, the correction is the current result', decidedSchema, {
            task: { ...TASK_EXAMPLE, status: 'done' },
            pending: {
              ...PENDING_EXAMPLE,
              status: 'approved',
              decidedBy: 'officer:conti',
              decidedAt: '2027-04-10T10:00:00.000Z',
            },
            result: {
              ...RESULT_EXAMPLE,
              id: 'cr_01J9ZC4F5G',
              result: 'irregularity',
              details: PENDING_EXAMPLE.details,
              supersedes: RESULT_EXAMPLE.id,
              reason: PENDING_EXAMPLE.reason,
              approvedBy: 'officer:conti',
            },
          }),
        },
        errors: [...TASK_CODES, 'VIGIL_FOUR_EYES'],
      }),
    },
    async (request) =>
      controls.decidePending(
        actorOf(request),
        request.params.id,
        request.params.pendingId,
        parseInput(pendingDecisionSchema, request.body ?? {}),
      ),
  );
  app.get(
    '/rule-stats',
    {
      schema: operation({
        operationId: 'getRuleStatsSummary',
        permission: 'control.read',
        tags: ['rules'],
        summary:
          'Every rule at once: hits, final hits, controls, positives, false positives, hit rate and yield, and hits day by day, over consignments assessed in [from, to) (default the last 30 days; at most 366)',
        query: statsQuerySchema,
        responses: {
          200: jsonResponse(
            'The statistics of every rule that hit or asked for a control',
            ruleStatsSummarySchema,
            STATS_SUMMARY_EXAMPLE,
          ),
        },
      }),
    },
    async (request) => {
      const q = parseInput(statsQuerySchema, request.query, 'VIGIL_QUERY_INVALID');
      return controls.ruleStatsSummary(actorOf(request), {
        from: q.from !== undefined ? periodStart(q.from) : undefined,
        to: q.to !== undefined ? periodEnd(q.to) : undefined,
      });
    },
  );
  app.get<{ Params: { id: string } }>(
    '/rules/:id/stats',
    {
      schema: operation({
        operationId: 'getRuleStats',
        permission: 'control.read',
        tags: ['rules'],
        summary:
          'Per version: hits, final hits, controls, positives, false positives, hit rate, yield and amounts found, over consignments assessed in [from, to)',
        params: z.object({ id: z.string().min(1).describe('the rule') }),
        query: statsQuerySchema,
        responses: {
          200: jsonResponse('The rule’s statistics per version and in total', ruleStatsSchema, STATS_EXAMPLE),
        },
        errors: ['VIGIL_RULE_NOT_FOUND'],
      }),
    },
    async (request) => {
      const q = parseInput(statsQuerySchema, request.query, 'VIGIL_QUERY_INVALID');
      return controls.ruleStats(actorOf(request), request.params.id, {
        from: q.from !== undefined ? periodStart(q.from) : undefined,
        to: q.to !== undefined ? periodEnd(q.to) : undefined,
      });
    },
  );
  done();
};
