/**
 * HTTP adapter of bulk filing: `POST /v1/filings/bulk` takes NDJSON, one filing per line (the body of
 * `POST /v1/filings`), and streams back one NDJSON result per filing, in input order, each as soon as
 * its filing is processed, then a summary line. Each line goes through the filing service exactly as a
 * single filing does (validation, idempotency on filer and LRN, the token's EORIs, rejections recorded
 * for the indicators). Up to `window` lines are in the service at once, so they share its group
 * commit; they are answered in input order. The body is read as a stream under a byte and a line
 * limit, no faster than its lines are processed: a line is read only when the window has room, which
 * it gets as answers are taken (a client that stops reading stops the run where it is). A client that
 * goes away ends the run: the lines in the window are finished whole (idempotent on the LRN, so
 * resending them finds their MRNs), no later line is read.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import type { Actor } from '../auth/index.ts';
import { VigilError } from '../errors/index.ts';
import type { FieldError } from '../errors/index.ts';
import { filingSchema } from './filing.schema.ts';
import { fieldErrorSchema, jsonResponse, jsonSchemaOf, operation } from '../contract/index.ts';
import { splitLines } from './ndjson-lines.ts';
import type { FilingService } from './filing.service.ts';

export interface BulkRoutesOptions {
  readonly filings: FilingService;
  /** The filing the document shows as a line (the demo generator's, as for POST /v1/filings). */
  readonly exampleFiling: z.input<typeof filingSchema>;
  /**
   * The most bytes and filings (non-blank lines) one request may carry (config.bulk), and the most
   * bytes of one line (the body limit of a single filing).
   */
  readonly limits: {
    readonly maxBytes: number;
    readonly maxLines: number;
    readonly maxLineBytes: number;
    /**
     * How many lines are in the filing service at once: they are committed together (its group
     * commit), and answered in input order.
     */
    readonly window: number;
  };
  /** The JSON depth and key limits of single bodies, applied to each line before it is parsed. */
  readonly checkJson: (text: string) => void;
  /** Logs a defect met on one line (the line is answered VIGIL_INTERNAL and the run goes on). */
  readonly onDefect?: (err: unknown, line: number) => void;
  /** Told when a run ends, with what it did (for the log). */
  readonly onEnd?: (end: BulkRunEnd) => void;
}

/** How a bulk run ended. */
export interface BulkRunEnd {
  /** Filings processed (each registered or rejected, never half-way). */
  readonly lines: number;
  readonly registered: number;
  readonly rejected: number;
  /** The limit that stopped the run early, if one did. */
  readonly stopped: BulkStop['code'] | undefined;
  /** False when the client went away before the summary: the lines after the last processed were not. */
  readonly answered: boolean;
}

/** The answer for one filing of a bulk request. */
export type BulkLineResult =
  | {
      readonly line: number;
      readonly status: 'registered';
      readonly mrn: string;
      readonly lrn: string;
      /** False when this filer had already lodged the LRN: the MRN is the one given then. */
      readonly created: boolean;
      /** The filing's state: `incomplete` while a house part waits for its master, or the reverse. */
      readonly filingStatus: string;
      readonly warnings: readonly unknown[];
    }
  | {
      readonly line: number;
      readonly status: 'rejected';
      readonly lrn?: string;
      /** The code a single POST /v1/filings would have answered with (VIGIL_FILING_INVALID …). */
      readonly code: string;
      readonly errors: readonly FieldError[];
    };

/** Why a run stopped before the end of the body. */
export interface BulkStop {
  readonly code: 'VIGIL_BULK_TOO_LARGE' | 'VIGIL_BULK_TOO_MANY_LINES';
  /** The first line not processed. */
  readonly line: number;
  readonly message: string;
}

export interface BulkSummary {
  readonly summary: {
    readonly lines: number;
    readonly registered: number;
    readonly rejected: number;
    readonly stopped?: BulkStop;
  };
}

const lrnOf = (body: unknown): string | undefined => {
  const lrn = (body as { lrn?: unknown } | null)?.lrn;
  return typeof lrn === 'string' && lrn.trim() !== '' ? lrn.trim().slice(0, 35) : undefined;
};

/** One line through the filing service, as POST /v1/filings would take it. */
async function processLine(
  opts: BulkRoutesOptions,
  actor: Actor,
  line: number,
  text: string,
  requestId: string,
): Promise<BulkLineResult> {
  let body: unknown;
  try {
    opts.checkJson(text);
    body = JSON.parse(text);
  } catch (err) {
    const e =
      err instanceof VigilError
        ? err
        : new VigilError('VIGIL_BODY_NOT_JSON', `line ${line} is not valid JSON: ${(err as Error).message}`);
    return {
      line,
      status: 'rejected',
      code: e.code,
      errors: e.errors ?? [{ code: e.code, path: '$', message: e.message }],
    };
  }
  const lrn = lrnOf(body);
  try {
    const { created, filing } = await opts.filings.register(actor, body, { requestId });
    return {
      line,
      status: 'registered',
      mrn: filing.mrn,
      lrn: filing.lrn,
      created,
      filingStatus: filing.status,
      warnings: filing.warnings,
    };
  } catch (err) {
    if (!(err instanceof VigilError)) {
      opts.onDefect?.(err, line);
    }
    const e =
      err instanceof VigilError ? err : new VigilError('VIGIL_INTERNAL', 'an unexpected error occurred');
    return {
      line,
      status: 'rejected',
      ...(lrn !== undefined ? { lrn } : {}),
      code: e.code,
      errors: e.errors ?? [{ code: e.code, path: '$', message: e.message }],
    };
  }
}

/** The NDJSON answer to a bulk body: one result per filing, then the summary. */
async function* bulkAnswer(
  opts: BulkRoutesOptions,
  actor: Actor,
  body: AsyncIterable<Buffer | string>,
  requestId: string,
): AsyncGenerator<string> {
  let filings = 0;
  let registered = 0;
  let rejected = 0;
  let stopped: BulkStop | undefined;
  let answered = false;
  // Lines in the filing service, oldest first: answered in input order as each head completes.
  const inFlight: Promise<BulkLineResult>[] = [];
  const start = (result: Promise<BulkLineResult>): void => {
    inFlight.push(
      result.then((r) => {
        if (r.status === 'registered') {
          registered++;
        } else {
          rejected++;
        }
        return r;
      }),
    );
  };
  try {
    for await (const item of splitLines(body, opts.limits.maxBytes, opts.limits.maxLineBytes)) {
      if ('tooLarge' in item) {
        stopped = {
          code: 'VIGIL_BULK_TOO_LARGE',
          line: item.tooLarge,
          message: `the body is larger than ${opts.limits.maxBytes} bytes; line ${item.tooLarge} and later were not processed (send them in another request)`,
        };
        break;
      }
      if ('text' in item && item.text.trim() === '') {
        continue;
      }
      if (filings === opts.limits.maxLines) {
        stopped = {
          code: 'VIGIL_BULK_TOO_MANY_LINES',
          line: item.line,
          message: `a bulk request takes at most ${opts.limits.maxLines} filings; line ${item.line} and later were not processed (send them in another request)`,
        };
        break;
      }
      filings++;
      start(
        'text' in item
          ? processLine(opts, actor, item.line, item.text, requestId)
          : Promise.resolve({
              line: item.line,
              status: 'rejected',
              code: 'VIGIL_BODY_TOO_LARGE',
              errors: [
                {
                  code: 'VIGIL_BODY_TOO_LARGE',
                  path: '$',
                  message: `line ${item.line} is longer than ${opts.limits.maxLineBytes} bytes, the most one filing may have`,
                },
              ],
            }),
      );
      // A full window: the oldest line is answered before another is read.
      if (inFlight.length >= opts.limits.window) {
        yield `${JSON.stringify(await inFlight.shift()!)}\n`;
      }
    }
    while (inFlight.length > 0) {
      yield `${JSON.stringify(await inFlight.shift()!)}\n`;
    }
    const summary: BulkSummary = {
      summary: { lines: filings, registered, rejected, ...(stopped !== undefined ? { stopped } : {}) },
    };
    yield `${JSON.stringify(summary)}\n`;
    answered = true;
  } finally {
    // Also when the client went away: the generator is then ended at its pending `yield`. The lines
    // already in the filing service finish whole (a resubmission finds them); no later one is read.
    await Promise.all(inFlight);
    opts.onEnd?.({ lines: filings, registered, rejected, stopped: stopped?.code, answered });
  }
}

/** One line of the answer: a registered filing, a rejected one, or the closing summary. */
const bulkLineSchema = z
  .union([
    z.object({
      line: z.int().min(1).describe('the line of the request (blank lines count)'),
      status: z.literal('registered'),
      mrn: z.string(),
      lrn: z.string(),
      created: z.boolean().describe('false when this filer had lodged this LRN before: the MRN it got then'),
      filingStatus: z.enum(['registered', 'incomplete']),
      warnings: z.array(fieldErrorSchema),
    }),
    z.object({
      line: z.int().min(1),
      status: z.literal('rejected'),
      lrn: z.string().optional(),
      code: z.string().describe('the code the single endpoint would have answered'),
      errors: z.array(fieldErrorSchema),
    }),
    z.object({
      summary: z.object({
        lines: z.int(),
        registered: z.int(),
        rejected: z.int(),
        stopped: z
          .object({
            code: z.enum(['VIGIL_BULK_TOO_LARGE', 'VIGIL_BULK_TOO_MANY_LINES']),
            line: z.int().describe('the first line not processed'),
            message: z.string(),
          })
          .optional(),
      }),
    }),
  ])
  .meta({ id: 'BulkFilingLine' });

const EXAMPLE_LINE: z.output<typeof bulkLineSchema> = {
  line: 1,
  status: 'registered',
  mrn: '27NL4G7WQ2ZC9X1HA6',
  lrn: 'ACME-2027-000001',
  created: true,
  filingStatus: 'registered',
  warnings: [],
};

export const bulkRoutes: FastifyPluginCallback<BulkRoutesOptions> = (app, opts, done) => {
  // The body stays a stream: lines are read as they are processed (this plugin's content type only).
  app.addContentTypeParser('application/x-ndjson', (_request, payload, parsed) => parsed(null, payload));

  app.post(
    '/filings/bulk',
    {
      schema: operation({
        operationId: 'lodgeFilingsBulk',
        permission: 'filing.lodge',
        tags: ['filings'],
        summary: 'Lodge many entry summary declarations at once (NDJSON in, NDJSON out)',
        description: `One filing per line, each the body of POST /v1/filings (the schema below is one line's). The answer streams one line per filing, in input order, as each is processed: \`registered\` with its MRN (resubmitting an LRN gives the MRN it got before) or \`rejected\` with the errors the single endpoint would give, then a \`summary\` line (the answer's schema is one line's). A malformed line, or one longer than a single filing may be (VIGIL_BODY_LIMIT_BYTES), is a rejected line. At most VIGIL_BULK_MAX_BYTES bytes and VIGIL_BULK_MAX_LINES filings: a Content-Length beyond the byte limit is refused with 413 VIGIL_BULK_TOO_LARGE; otherwise the run stops at the limit and the summary names the code and the first line not processed. Up to VIGIL_BULK_WINDOW lines are registered at once and answered in input order. A client that disconnects stops the run: the lines already being registered finish whole (resending them gives their MRNs), no later line is read.`,
        consumes: ['application/x-ndjson'],
        body: {
          description: 'NDJSON: one filing per line',
          content: {
            'application/x-ndjson': {
              schema: { ...jsonSchemaOf(filingSchema, 'input'), examples: [opts.exampleFiling] },
            },
          },
        },
        responses: {
          200: jsonResponse('NDJSON: one result per filing, then the summary', bulkLineSchema, EXAMPLE_LINE, {
            contentType: 'application/x-ndjson',
          }),
        },
        errors: ['VIGIL_BULK_TOO_LARGE'],
      }),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const body = request.body;
      if (!(body instanceof Readable)) {
        throw new VigilError(
          'VIGIL_UNSUPPORTED_MEDIA_TYPE',
          'send the filings as NDJSON, one per line, with Content-Type: application/x-ndjson',
        );
      }
      const declared = Number(request.headers['content-length'] ?? Number.NaN);
      if (Number.isFinite(declared) && declared > opts.limits.maxBytes) {
        throw new VigilError(
          'VIGIL_BULK_TOO_LARGE',
          `the body has ${declared} bytes; a bulk request takes at most ${opts.limits.maxBytes} (split it)`,
        );
      }
      // Not destroyed when the run stops early: the answer goes out on the same connection, and Node
      // discards the unread rest of the body once it has been sent.
      const chunks = body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer | string>;
      // One result ahead at most: a line is processed only when the client took the one before, and
      // a client that goes away destroys the stream, which ends the generator before its next line.
      const answer = Readable.from(bulkAnswer(opts, actor, chunks, request.id), {
        objectMode: false,
        highWaterMark: 1,
      });
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(answer);
    },
  );
  done();
};
