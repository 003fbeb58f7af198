/** HTTP adapter of union-level analysis: GET /v1/union/signals, for coordinators. */
import type { FastifyPluginCallback } from 'fastify';
import { actorOf } from '../auth/index.ts';
import { parseInput } from '../errors/index.ts';
import { jsonResponse, operation } from '../contract/index.ts';
import { signalsQuerySchema, unionSignalsSchema } from './union.schema.ts';
import type { UnionSignals } from './union.schema.ts';
import type { UnionService } from './union.service.ts';

export interface UnionRoutesOptions {
  readonly union: UnionService;
}

export const SIGNALS_EXAMPLE: UnionSignals = {
  from: '2027-03-01T00:00:00.000Z',
  to: '2027-03-15T00:00:00.000Z',
  parameters: {
    minAuthorities: 2,
    diversionDays: 14,
    baselineDays: 28,
    minScreened: 10,
    minHits: 3,
    minZ: 2.33,
  },
  records: 5120,
  truncated: false,
  items: [
    {
      id: 'same-subject:operator:CN9876543210',
      kind: 'same-subject',
      subject: { type: 'operator', value: 'CN9876543210' },
      authorities: ['BE', 'NL'],
      score: 3,
      firstAt: '2027-03-03T08:10:00.000Z',
      lastAt: '2027-03-09T14:00:00.000Z',
      evidence: [
        {
          authority: 'NL',
          ref: '27NL1234567890ABCD/0',
          category: 'screening',
          kind: 'hit',
          at: '2027-03-03T08:10:00.000Z',
          office: 'NL000396',
        },
        {
          authority: 'BE',
          ref: '27BE0000000000AB12/0',
          category: 'control-results',
          kind: 'seizure',
          at: '2027-03-09T14:00:00.000Z',
          office: 'BE101000',
        },
      ],
    },
  ],
};

export const unionRoutes: FastifyPluginCallback<UnionRoutesOptions> = (app, opts, done) => {
  app.get(
    '/union/signals',
    {
      schema: operation({
        operationId: 'listUnionSignals',
        permission: 'union.read',
        tags: ['union-analysis'],
        summary:
          'Cross-border signals from what other authorities share with yours: the same subject in several authorities, rising hit rates, diversions after a control',
        description:
          'Only records other authorities’ sharing policies gave your authority are read (categories `screening`, `control-results`, `seizures`); ' +
          'the window [from, to) is at most 92 days. Definitions and tests in docs/union-signals.md.',
        query: signalsQuerySchema,
        responses: { 200: jsonResponse('The signals, strongest first', unionSignalsSchema, SIGNALS_EXAMPLE) },
      }),
    },
    async (request) =>
      opts.union.signals(
        actorOf(request),
        parseInput(signalsQuerySchema, request.query ?? {}, 'VIGIL_QUERY_INVALID'),
      ),
  );
  done();
};
