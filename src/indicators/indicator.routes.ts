/**
 * HTTP adapter of the performance indicators: `GET /v1/indicators` (every indicator, with its
 * definition, over a period, as a series and a breakdown) and `GET /v1/indicators/{id}`, as JSON or
 * CSV (`format=csv`).
 */
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import type { Clock } from '../domain/index.ts';
import { VigilError, parseInput } from '../errors/index.ts';
import { defaultRange } from './indicator.service.ts';
import { jsonResponse, operation } from '../contract/index.ts';
import type { IndicatorReport, IndicatorService } from './indicator.service.ts';

export interface IndicatorRoutesOptions {
  readonly indicators: IndicatorService;
  readonly clock: Clock;
}

const dateSchema = z.iso.date();
export const indicatorQuerySchema = z.strictObject({
  from: dateSchema.optional().describe('first day (YYYY-MM-DD, UTC); default 29 days before today'),
  to: dateSchema.optional().describe('day after the last (YYYY-MM-DD, exclusive); default tomorrow'),
  period: z.enum(['day', 'week', 'month', 'quarter', 'year']).optional().describe('series per period'),
  by: z
    .string()
    .regex(/^[a-z-]{1,40}$/)
    .optional()
    .describe(
      'breakdown: filing-type, mode, office, filer, code, control-type, method, rule, category, lane, issuer, segment …',
    ),
  authorities: z
    .string()
    .regex(/^[A-Z]{2,4}(,[A-Z]{2,4}){0,49}$/)
    .optional()
    .describe('comma-separated authorities (a coordinator: those that share their indicators with it)'),
  noisyRate: z.coerce
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('CR-08: hit rate above which a rule hits too much'),
  format: z.enum(['json', 'csv']).default('json'),
});

const indicatorValueSchema = z.object({
  id: z.string().describe('e.g. RA-01'),
  group: z.string(),
  title: z.string(),
  definition: z.string(),
  formula: z.string(),
  unit: z.string(),
  value: z.number().nullable().describe('over the whole period; null when there is nothing to measure'),
  percentiles: z
    .object({ p50: z.number(), p90: z.number(), p99: z.number(), count: z.int() })
    .nullable()
    .optional(),
  series: z.array(z.object({ period: z.string(), value: z.number().nullable() })).optional(),
  breakdown: z
    .object({ by: z.string(), items: z.array(z.object({ key: z.string(), value: z.number().nullable() })) })
    .optional(),
  rules: z
    .array(
      z.object({
        id: z.string(),
        title: z.string(),
        hits: z.int(),
        hitRate: z.number().nullable().optional(),
      }),
    )
    .optional(),
  unavailable: z.string().optional().describe('why the indicator cannot be computed here'),
});

const indicatorReportSchema = z.object({
  authorities: z.array(z.string()),
  from: z.string(),
  to: z.string(),
  period: z.enum(['day', 'week', 'month', 'quarter', 'year']).nullable(),
  by: z.string().nullable(),
  indicators: z.array(indicatorValueSchema),
});

const REPORT_EXAMPLE: z.output<typeof indicatorReportSchema> = {
  authorities: ['IT'],
  from: '2027-03-01',
  to: '2027-03-03',
  period: 'day',
  by: 'mode',
  indicators: [
    {
      id: 'RA-01',
      group: 'risk analysis',
      title: 'Consignments assessed',
      definition: 'Consignments of entry summary declarations that received an assessment in the period.',
      formula: 'count(assessment)',
      unit: 'count',
      value: 1250,
      series: [
        { period: '2027-03-01', value: 600 },
        { period: '2027-03-02', value: 650 },
      ],
      breakdown: {
        by: 'mode',
        items: [
          { key: 'maritime', value: 900 },
          { key: 'air', value: 350 },
        ],
      },
    },
  ],
};

function reportResponse(description: string) {
  const json = jsonResponse(description, indicatorReportSchema, REPORT_EXAMPLE);
  return {
    ...json,
    content: {
      ...json.content,
      'text/csv': {
        schema: {
          type: 'string',
          description: 'format=csv: one row per indicator, period or total, and breakdown key',
        },
        example: reportCsv(REPORT_EXAMPLE),
      },
    },
  };
}

function csvCell(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One row per (indicator, period or total, breakdown key): a spreadsheet reads it as it is. */
export function reportCsv(r: IndicatorReport): string {
  const lines = ['indicator,title,unit,period,by,key,value'];
  for (const i of r.indicators) {
    const row = (period: string, by: string, key: string, value: number | null | undefined): void => {
      lines.push([i.id, i.title, i.unit, period, by, key, value].map(csvCell).join(','));
    };
    row(`${r.from}..${r.to}`, '', '', i.value);
    for (const s of i.series ?? []) {
      row(s.period, '', '', s.value);
    }
    for (const b of i.breakdown?.items ?? []) {
      row(`${r.from}..${r.to}`, i.breakdown!.by, b.key, b.value);
    }
    if (i.percentiles !== undefined && i.percentiles !== null) {
      row(`${r.from}..${r.to}`, 'percentile', 'p90', i.percentiles.p90);
      row(`${r.from}..${r.to}`, 'percentile', 'p99', i.percentiles.p99);
    }
  }
  return `${lines.join('\n')}\n`;
}

export const indicatorRoutes: FastifyPluginCallback<IndicatorRoutesOptions> = (app, opts, done) => {
  const { indicators, clock } = opts;
  const run = async (request: FastifyRequest, reply: FastifyReply, only?: string[]): Promise<unknown> => {
    const q = parseInput(indicatorQuerySchema, request.query ?? {}, 'VIGIL_QUERY_INVALID');
    const range = defaultRange(clock.now());
    const from = q.from ?? range.from;
    const to = q.to ?? range.to;
    if (from >= to) {
      throw new VigilError('VIGIL_QUERY_INVALID', '`from` must be before `to`');
    }
    if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > 3700) {
      throw new VigilError('VIGIL_QUERY_INVALID', 'a period of at most ten years');
    }
    const report = await indicators.report(
      actorOf(request),
      {
        from,
        to,
        period: q.period,
        by: q.by,
        authorities: q.authorities?.split(','),
        noisyRate: q.noisyRate,
      },
      only,
    );
    if (q.format === 'csv') {
      return reply.type('text/csv; charset=utf-8').send(reportCsv(report));
    }
    return report;
  };
  app.get(
    '/indicators',
    {
      schema: operation({
        operationId: 'listIndicators',
        permission: 'indicator.read',
        tags: ['indicators'],
        summary: 'Every performance indicator with its definition and formula, over a period (JSON or CSV)',
        query: indicatorQuerySchema,
        responses: { 200: reportResponse('Every indicator over the period') },
      }),
    },
    async (request, reply) => run(request, reply),
  );
  app.get<{ Params: { id: string } }>(
    '/indicators/:id',
    {
      schema: operation({
        operationId: 'getIndicator',
        permission: 'indicator.read',
        tags: ['indicators'],
        summary: 'One performance indicator: total, series and breakdown (JSON or CSV)',
        params: z.object({
          id: z.string().min(1).describe('the indicator, e.g. RA-01 (docs/indicators.md)'),
        }),
        query: indicatorQuerySchema,
        responses: { 200: reportResponse('The indicator over the period') },
        errors: ['VIGIL_NOT_FOUND'],
      }),
    },
    async (request, reply) => run(request, reply, [request.params.id]),
  );
  done();
};
