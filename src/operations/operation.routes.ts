/**
 * HTTP adapter of joint operations: /v1/operations (create, list), /v1/operations/{id} (read),
 * /participation (accept), /results (pooled figures per participant), /report (interim or final, as
 * JSON, CSV or printable HTML) and /messages (the operation's channel).
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import { parseInput } from '../errors/index.ts';
import { jsonBody, jsonResponse, noBody, operation } from '../contract/index.ts';
import {
  messageInputSchema,
  messageSchema,
  operationInputSchema,
  operationReportSchema,
  operationResultsSchema,
  operationSchema,
} from './operation.schema.ts';
import type { OperationInput, Operation, OperationMessage, OperationResults } from './operation.schema.ts';
import type { OperationService } from './operation.service.ts';
import { reportCsv, reportHtml } from './operation-report.ts';

export interface OperationRoutesOptions {
  readonly operations: OperationService;
}

const idParams = z.object({ id: z.string().min(1).max(64).describe('the operation') });
const listQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });
const reportQuery = z.strictObject({ format: z.enum(['json', 'csv', 'html']).default('json') });
const READ_CODES = ['VIGIL_OPERATION_NOT_FOUND'] as const;

export const OPERATION_INPUT_EXAMPLE: OperationInput = {
  kind: 'jco',
  title: 'Cigarettes by road from the east',
  objective: 'Detect cigarettes and tobacco smuggled in road consignments declared as other goods.',
  scope: { modes: ['road'], routeCountries: ['BY', 'UA'] },
  start: '2027-03-01T00:00:00Z',
  end: '2027-03-15T00:00:00Z',
  interimReview: '2027-03-08T00:00:00Z',
  participants: [
    { authority: 'NL', liaisonOfficers: [{ name: 'J. de Vries', contact: 'liaison@customs.example' }] },
    { authority: 'BE' },
    { authority: 'DE' },
  ],
  criteria: [
    {
      title: 'Furniture or textiles at a low value per kilogram',
      condition:
        'goods.exists(g, g.hsCode.startsWith("94") || g.hsCode.startsWith("63")) && valuePerKg < 2.0',
      riskArea: 'security-safety',
      weight: 70,
      severity: 'high',
      recommendedAction: 'physical-check',
      reason: 'Cover loads used to hide cigarettes in the operation area',
    },
  ],
};

export const OPERATION_EXAMPLE: Operation = {
  id: 'OP-5C1E0A7B',
  kind: 'jco',
  title: OPERATION_INPUT_EXAMPLE.title,
  objective: OPERATION_INPUT_EXAMPLE.objective,
  coordinator: 'EU',
  scope: { modes: ['road'], routeCountries: ['BY', 'UA'] },
  start: '2027-03-01T00:00:00.000Z',
  end: '2027-03-15T00:00:00.000Z',
  interimReview: '2027-03-08T00:00:00.000Z',
  phase: 'operational',
  participants: [
    {
      authority: 'NL',
      state: 'accepted',
      liaisonOfficers: [{ name: 'J. de Vries', contact: 'liaison@customs.example' }],
      ruleIds: ['OP-5C1E0A7B-c1'],
      acceptedAt: '2027-02-25T10:00:00.000Z',
    },
    { authority: 'BE', state: 'invited', liaisonOfficers: [], ruleIds: [], acceptedAt: null },
  ],
  criteria: [{ id: 'c1', ...OPERATION_INPUT_EXAMPLE.criteria[0]! }],
  createdBy: 'coordinator:eu-ops',
  createdAt: '2027-02-20T09:00:00.000Z',
};

const FIGURES = {
  screened: 1200,
  hitConsignments: 31,
  hitsByCriterion: { c1: 31 },
  controls: 31,
  controlsByType: { physical: 31 },
  results: { 'no-irregularity': 20, irregularity: 6, seizure: 5 },
  seizures: [{ category: 'cigarettes-tobacco', unit: 'sticks', count: 5, quantity: 1_800_000 }],
  dutyAtStake: 42000,
  taxAtStake: 8820,
};

export const RESULTS_EXAMPLE: OperationResults = {
  operation: OPERATION_EXAMPLE.id,
  phase: 'operational',
  asOf: '2027-03-08T09:00:00.000Z',
  participants: [{ authority: 'NL', state: 'accepted', ...FIGURES }],
  total: FIGURES,
};

export const MESSAGE_EXAMPLE: OperationMessage = {
  id: 'om_0c1f2e3d4a5b',
  operation: OPERATION_EXAMPLE.id,
  from: 'NL',
  author: 'analyst:de-vries',
  kind: 'alert',
  text: 'Trailer seen at Venlo with the cover load of criterion c1, heading for Aachen',
  mrn: '27NL1234567890ABCD',
  to: 'DE',
  at: '2027-03-04T11:20:00.000Z',
};

export const operationRoutes: FastifyPluginCallback<OperationRoutesOptions> = (app, opts, done) => {
  const { operations } = opts;

  app.post(
    '/operations',
    {
      schema: operation({
        operationId: 'createOperation',
        permission: 'operation.write',
        tags: ['joint-operations'],
        summary:
          'Create a priority control area or joint customs operation with its scope, window, participants and common criteria',
        description:
          'Each criterion is a CEL condition, type-checked and cost-limited like a rule (errors at `$.criteria[i].condition`). ' +
          'Participants accept with POST /v1/operations/{id}/participation.',
        body: jsonBody(operationInputSchema, OPERATION_INPUT_EXAMPLE),
        responses: { 201: jsonResponse('The operation', operationSchema, OPERATION_EXAMPLE) },
        errors: ['VIGIL_OPERATION_INVALID', 'VIGIL_RULE_INVALID', 'VIGIL_RULE_TOO_COSTLY'],
      }),
    },
    async (request, reply) => reply.status(201).send(await operations.create(actorOf(request), request.body)),
  );
  app.get(
    '/operations',
    {
      schema: operation({
        operationId: 'listOperations',
        permission: 'operation.read',
        tags: ['joint-operations'],
        summary: 'The operations your authority coordinates or takes part in',
        query: listQuery,
        responses: {
          200: jsonResponse('The operations', z.object({ items: z.array(operationSchema) }), {
            items: [OPERATION_EXAMPLE],
          }),
        },
      }),
    },
    async (request) => {
      const q = parseInput(listQuery, request.query ?? {}, 'VIGIL_QUERY_INVALID');
      return { items: await operations.list(actorOf(request), q.limit) };
    },
  );
  app.get<{ Params: { id: string } }>(
    '/operations/:id',
    {
      schema: operation({
        operationId: 'getOperation',
        permission: 'operation.read',
        tags: ['joint-operations'],
        summary: 'One operation, with its phase by the clock and each participation',
        params: idParams,
        responses: { 200: jsonResponse('The operation', operationSchema, OPERATION_EXAMPLE) },
        errors: READ_CODES,
      }),
    },
    async (request) => operations.get(actorOf(request), request.params.id),
  );
  app.post<{ Params: { id: string } }>(
    '/operations/:id/participation',
    {
      schema: operation({
        operationId: 'acceptOperation',
        permission: 'operation.participate',
        tags: ['joint-operations'],
        summary:
          'Accept the operation for your authority: its criteria become your active rules for exactly the operational window',
        description:
          'The rules are named `<operation>-<criterion>`, valid from the start until the end; accepting again changes nothing.',
        params: idParams,
        body: noBody,
        responses: { 200: jsonResponse('The operation', operationSchema, OPERATION_EXAMPLE) },
        errors: [...READ_CODES, 'VIGIL_OPERATION_STATE'],
      }),
    },
    async (request) => operations.accept(actorOf(request), request.params.id),
  );
  app.get<{ Params: { id: string } }>(
    '/operations/:id/results',
    {
      schema: operation({
        operationId: 'getOperationResults',
        permission: 'operation.read',
        tags: ['joint-operations'],
        summary:
          'Pooled results per participant: screened, hits, controls by type, results, seizures, duty and tax at stake (no personal data)',
        params: idParams,
        responses: { 200: jsonResponse('The pooled results', operationResultsSchema, RESULTS_EXAMPLE) },
        errors: READ_CODES,
      }),
    },
    async (request) => operations.results(actorOf(request), request.params.id),
  );
  const reportJson = jsonResponse('The report (interim until the end, final after)', operationReportSchema, {
    kind: 'interim',
    operation: OPERATION_EXAMPLE,
    results: RESULTS_EXAMPLE,
  });
  app.get<{ Params: { id: string } }>(
    '/operations/:id/report',
    {
      schema: operation({
        operationId: 'getOperationReport',
        permission: 'operation.read',
        tags: ['joint-operations'],
        summary: 'The interim or final report, as JSON, CSV or a printable HTML page with a chart',
        params: idParams,
        query: reportQuery,
        responses: {
          200: {
            ...reportJson,
            content: {
              ...reportJson.content,
              'text/csv': {
                schema: {
                  type: 'string',
                  description: 'format=csv: one line per participant and a TOTAL line',
                },
                example: reportCsv({
                  kind: 'interim',
                  operation: OPERATION_EXAMPLE,
                  results: RESULTS_EXAMPLE,
                }),
              },
              'text/html': {
                schema: {
                  type: 'string',
                  description: 'format=html: one self-contained printable page with an SVG bar chart',
                },
                example: '<!doctype html><html lang="en">…</html>',
              },
            },
          },
        },
        errors: READ_CODES,
      }),
    },
    async (request, reply) => {
      const q = parseInput(reportQuery, request.query ?? {}, 'VIGIL_QUERY_INVALID');
      const report = await operations.report(actorOf(request), request.params.id);
      if (q.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${report.operation.id}-${report.kind}.csv"`)
          .send(reportCsv(report));
      }
      if (q.format === 'html') {
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
          .send(reportHtml(report));
      }
      return report;
    },
  );
  app.post<{ Params: { id: string } }>(
    '/operations/:id/messages',
    {
      schema: operation({
        operationId: 'postOperationMessage',
        permission: 'operation.message',
        tags: ['joint-operations'],
        summary:
          "Write a note, an alert about a consignment or a request to a participant in the operation's channel",
        params: idParams,
        body: jsonBody(messageInputSchema, {
          kind: 'alert',
          text: MESSAGE_EXAMPLE.text,
          mrn: MESSAGE_EXAMPLE.mrn!,
          to: 'DE',
        }),
        responses: { 201: jsonResponse('The message', messageSchema, MESSAGE_EXAMPLE) },
        errors: [...READ_CODES, 'VIGIL_OPERATION_INVALID'],
      }),
    },
    async (request, reply) =>
      reply.status(201).send(await operations.postMessage(actorOf(request), request.params.id, request.body)),
  );
  app.get<{ Params: { id: string } }>(
    '/operations/:id/messages',
    {
      schema: operation({
        operationId: 'listOperationMessages',
        permission: 'operation.read',
        tags: ['joint-operations'],
        summary: "The operation's channel, oldest first: for its coordinator and participants only",
        params: idParams,
        query: listQuery,
        responses: {
          200: jsonResponse('The messages', z.object({ items: z.array(messageSchema) }), {
            items: [MESSAGE_EXAMPLE],
          }),
        },
        errors: READ_CODES,
      }),
    },
    async (request) => {
      const q = parseInput(listQuery, request.query ?? {}, 'VIGIL_QUERY_INVALID');
      return { items: await operations.messages(actorOf(request), request.params.id, q.limit) };
    },
  );
  done();
};
