/**
 * HTTP adapter of the controls feature, mounted under /v1: the officers' queue of control tasks, one
 * task with its results, assignment (by hand or by workload), recording and correcting results, and
 * the statistics of a rule fed by those results (GET /rules/{id}/stats).
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

export interface ControlRoutesOptions {
  readonly controls: ControlService;
}

const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const queueQueryDoc = {
  type: 'object',
  properties: {
    office: { type: 'string', description: 'customs office reference' },
    status: {
      type: 'string',
      description: 'open, assigned, done, cancelled; comma-separated; default open,assigned',
    },
    assignee: { type: 'string' },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    next: { type: 'string', description: 'the `next` cursor of the previous page' },
  },
} as const;

export const controlRoutes: FastifyPluginCallback<ControlRoutesOptions> = (app, opts, done) => {
  const { controls } = opts;

  app.get(
    '/controls',
    {
      schema: {
        'x-vigil-permission': 'control.read',
        tags: ['controls'],
        summary: 'The queue of control tasks, by due time',
        querystring: queueQueryDoc,
      },
    },
    async (request) =>
      controls.list(actorOf(request), parseInput(queueQuerySchema, request.query, 'VIGIL_QUERY_INVALID')),
  );
  app.post(
    '/controls/assign-next',
    {
      schema: {
        'x-vigil-permission': 'control.assign',
        tags: ['controls'],
        summary:
          'Assign the office’s earliest-due open task (the office of the caller’s token unless ?office= names one): to the calling officer, or to the least-loaded of the candidate officers; 204 when none is open',
        querystring: { type: 'object', properties: { office: { type: 'string' } } },
        body: z.toJSONSchema(assignNextInputSchema),
      },
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
      schema: {
        'x-vigil-permission': 'control.read',
        tags: ['controls'],
        summary: 'A control task with its results, oldest first',
        params: idParams,
      },
    },
    async (request) => controls.get(actorOf(request), request.params.id),
  );
  app.post<{ Params: { id: string } }>(
    '/controls/:id/assign',
    {
      schema: {
        'x-vigil-permission': 'control.assign',
        tags: ['controls'],
        summary: 'Assign a task (officers take it for themselves; coordinators name the assignee)',
        params: idParams,
        body: z.toJSONSchema(assignInputSchema),
      },
    },
    async (request) =>
      controls.assign(actorOf(request), request.params.id, parseInput(assignInputSchema, request.body ?? {})),
  );
  app.post<{ Params: { id: string } }>(
    '/controls/:id/result',
    {
      schema: {
        'x-vigil-permission': 'control.record',
        tags: ['controls'],
        summary:
          'Record the result of a control; a correction names the result it supersedes and a reason. A correction that downgrades a seizure is answered 202: it is pending until a second official approves it',
        params: idParams,
        body: z.toJSONSchema(resultInputSchema, { io: 'input' }),
      },
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
      schema: {
        'x-vigil-permission': 'control.record',
        tags: ['controls'],
        summary:
          'A second official (not the one who proposed it) approves or rejects a pending downgrade of a seizure; approved, it becomes the current result',
        params: {
          type: 'object',
          properties: { id: { type: 'string' }, pendingId: { type: 'string' } },
          required: ['id', 'pendingId'],
        },
        body: z.toJSONSchema(pendingDecisionSchema),
      },
    },
    async (request) =>
      controls.decidePending(
        actorOf(request),
        request.params.id,
        request.params.pendingId,
        parseInput(pendingDecisionSchema, request.body ?? {}),
      ),
  );
  app.get<{ Params: { id: string } }>(
    '/rules/:id/stats',
    {
      schema: {
        'x-vigil-permission': 'control.read',
        tags: ['rules'],
        summary:
          'Per version: hits, final hits, controls, positives, false positives, hit rate, yield and amounts found, over consignments assessed in [from, to)',
        params: idParams,
        querystring: {
          type: 'object',
          properties: {
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
          },
        },
      },
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
