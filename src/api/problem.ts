/**
 * RFC 9457 problem details: the one place where errors become HTTP responses. Vigil's own errors keep
 * their code; Fastify's transport errors (content type, body size, JSON) map to Vigil's codes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE, VigilError } from '../errors/index.ts';
import type { ErrorCode, FieldError } from '../errors/index.ts';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: ErrorCode;
  readonly detail: string;
  readonly instance: string;
  readonly errors?: readonly FieldError[];
  /** All the field errors found, when more than the answer lists. */
  readonly errorCount?: number;
}

const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'VIGIL_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'VIGIL_BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VIGIL_BODY_NOT_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VIGIL_BODY_NOT_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VIGIL_BAD_REQUEST',
  FST_ERR_CTP_INVALID_TYPE: 'VIGIL_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_BAD_URL: 'VIGIL_BAD_REQUEST',
};

/** At most this many field errors in one answer: a hostile body cannot make a huge response. */
export const MAX_FIELD_ERRORS = 100;

function capped(errors: readonly FieldError[]): { errors: readonly FieldError[]; errorCount?: number } {
  return errors.length > MAX_FIELD_ERRORS
    ? { errors: errors.slice(0, MAX_FIELD_ERRORS), errorCount: errors.length }
    : { errors };
}

export function toProblem(err: unknown, instance: string): Problem {
  if (err instanceof VigilError) {
    return {
      type: `https://vigil.dev/errors/${err.code}`,
      title: ERROR_CATALOGUE[err.code].title,
      status: err.status,
      code: err.code,
      detail: err.message,
      instance,
      ...(err.errors !== undefined ? capped(err.errors) : {}),
    };
  }
  const e = err as { code?: string; statusCode?: number; message?: string };
  let code: ErrorCode | undefined = e.code !== undefined ? FASTIFY_CODES[e.code] : undefined;
  if (code === undefined && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    code =
      e.statusCode === 413
        ? 'VIGIL_BODY_TOO_LARGE'
        : e.statusCode === 415
          ? 'VIGIL_UNSUPPORTED_MEDIA_TYPE'
          : 'VIGIL_BAD_REQUEST';
  }
  const final = code ?? 'VIGIL_INTERNAL';
  const def = ERROR_CATALOGUE[final];
  return {
    type: `https://vigil.dev/errors/${final}`,
    title: def.title,
    status: def.status,
    code: final,
    detail:
      final === 'VIGIL_INTERNAL'
        ? 'an unexpected error occurred; it has been logged'
        : (e.message ?? def.title),
    instance,
  };
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, err: unknown): FastifyReply {
  let problem = toProblem(err, request.url);
  if (problem.code === 'VIGIL_UNSUPPORTED_MEDIA_TYPE' && !(err instanceof VigilError)) {
    // Say what this route takes (its `consumes`, JSON by default) and what came.
    const accepted = request.routeOptions.schema?.consumes ?? ['application/json'];
    const sent = request.headers['content-type'];
    problem = {
      ...problem,
      detail: `send the body as ${accepted.join(' or ')} (the request ${sent === undefined ? 'named no content type' : `was ${sent}`})`,
    };
  }
  if (problem.status >= 500) {
    request.log.error({ err }, 'request failed');
  }
  if (problem.status === 401) {
    void reply.header('www-authenticate', 'Bearer realm="vigil"');
  }
  return reply.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}
