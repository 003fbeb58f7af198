/**
 * The HTTP server: Fastify with JSON parsing under Vigil's rules, bearer authentication on /v1,
 * problem+json errors, OpenAPI at /docs, and each feature's routes. `buildServer` has no side
 * effects until `start()`.
 */
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { VigilConfig } from '../config/index.ts';
import { VigilError } from '../errors/index.ts';
import type { Actor } from '../intake/filing.service.ts';
import type { FilingService } from '../intake/filing.service.ts';
import { filingRoutes } from '../intake/filing.routes.ts';
import type { TokenService } from '../auth/index.ts';
import type { Database } from '../store/database.ts';
import type { Clock } from '../intake/index.ts';
import { riskRoutes } from '../assessment/risk.routes.ts';
import type { AssessmentService } from '../assessment/assessment.service.ts';
import type { RuleService } from '../assessment/rule.service.ts';
import type { RiskRepository } from '../assessment/risk.repository.ts';
import { controlRoutes } from '../controls/index.ts';
import { importRoutes } from '../imports/index.ts';
import type { ImportService } from '../imports/index.ts';
import type { ControlService } from '../controls/index.ts';
import { sendProblem } from './problem.ts';
import type { Logger } from 'pino';
import type { VigilMetrics } from '../observability/metrics.ts';
import type { RunningBus } from '../app/bus-mode.ts';

export interface ServerDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly tokens: TokenService;
  readonly filings: FilingService;
  readonly rules: RuleService;
  readonly assessments: AssessmentService;
  readonly risk: RiskRepository;
  readonly controls: ControlService;
  readonly imports: ImportService;
  readonly log: Logger;
  readonly metrics: VigilMetrics;
  /** The running bus, when there is one: /ready reports it and /metrics its backlog. */
  readonly runningBus?: RunningBus | undefined;
}

export interface VigilServer {
  readonly app: FastifyInstance;
  start(): Promise<string>;
  stop(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

/** The authenticated caller; routes under /v1 always have one. */
export function actorOf(request: FastifyRequest): Actor {
  if (request.actor === null) {
    throw new VigilError('VIGIL_UNAUTHENTICATED');
  }
  return request.actor;
}

export async function buildServer(config: VigilConfig, deps: ServerDeps): Promise<VigilServer> {
  // Fastify's own logger type, so the instance keeps the default type parameters.
  const logger: FastifyBaseLogger = deps.log;
  const app = Fastify({
    // One JSON logger for the process; every line of a request carries its reqId.
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: 'x-request-id',
  });

  app.decorateRequest('actor', null);
  // Schemas document the API (OpenAPI); Vigil validates bodies itself, with its own error codes,
  // and serialises with JSON.stringify so no field is ever silently dropped.
  app.setValidatorCompiler(() => (data: unknown) => ({ value: data }));
  app.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data));

  // JSON only: Fastify's default text/plain parser would let a wrong content type through.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (err) {
      const why = err instanceof RangeError ? 'it is nested too deeply' : (err as Error).message;
      done(new VigilError('VIGIL_BODY_NOT_JSON', `the body is not valid JSON: ${why}`), undefined);
    }
  });

  app.setErrorHandler((err, request, reply) => sendProblem(reply, request, err));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      new VigilError('VIGIL_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]!}`),
    ),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil API',
        version: '1',
        description:
          'Customs risk management and cooperation. Errors are application/problem+json with a stable `code`; validation errors carry `errors: [{ code, path, message }]`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get(
    '/health',
    { schema: { hide: false, security: [], tags: ['operations'], summary: 'Liveness' } },
    () => ({
      status: 'ok',
    }),
  );

  app.get(
    '/ready',
    {
      schema: {
        security: [],
        tags: ['operations'],
        summary: 'Readiness: the database and the bus are reachable',
      },
    },
    async (_request, reply) => {
      const database = await deps.db
        .query('SELECT 1')
        .then(() => true)
        .catch(() => false);
      const bus = deps.runningBus === undefined ? 'none' : deps.runningBus.healthy() ? 'ok' : 'down';
      const ready = database && bus !== 'down';
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not-ready', database: database ? 'ok' : 'down', bus });
    },
  );

  app.get(
    '/metrics',
    { schema: { security: [], tags: ['operations'], summary: 'Prometheus metrics' } },
    async (_request, reply) => {
      const backlog = await deps.db
        .query<{ n: number; oldest: number | null }>(
          `SELECT count(*)::int AS n, extract(epoch FROM now() - min(created_at))::float8 AS oldest
           FROM outbox WHERE processed_at IS NULL AND parked_at IS NULL`,
        )
        .catch(() => undefined);
      if (backlog !== undefined) {
        deps.metrics.setBacklog(backlog.rows[0]!.n, backlog.rows[0]!.oldest ?? 0);
      }
      if (deps.runningBus?.consumerPending !== undefined) {
        deps.metrics.setConsumerLag(await deps.runningBus.consumerPending());
      }
      return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    },
  );

  await app.register(
    async (v1) => {
      v1.addHook('onRequest', async (request) => {
        const header = request.headers.authorization;
        const match = header !== undefined ? /^Bearer\s+(\S+)$/i.exec(header) : null;
        if (match === null) {
          throw new VigilError('VIGIL_UNAUTHENTICATED', 'send Authorization: Bearer <token>');
        }
        request.actor = await deps.tokens.verify(match[1]!);
      });
      await v1.register(filingRoutes, { filings: deps.filings });
      await v1.register(controlRoutes, { controls: deps.controls });
      await v1.register(importRoutes, { imports: deps.imports });
      await v1.register(riskRoutes, {
        rules: deps.rules,
        assessments: deps.assessments,
        risk: deps.risk,
        db: deps.db,
        clock: deps.clock,
      });
    },
    { prefix: '/v1' },
  );

  return {
    app,
    async start() {
      return app.listen({ port: config.port, host: config.host });
    },
    async stop() {
      await app.close();
    },
  };
}
