/**
 * HTTP adapter of the audit trail, for auditors of the caller's authority: reading the trail a page
 * at a time (filtered by action, actor, subject and time), and verifying its chain, its signed
 * checkpoints and, embedded, its inbox, as `vigil audit verify` does while the server runs.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf, requirePermission } from '../auth/index.ts';
import { VigilError, parseInput } from '../errors/index.ts';
import type { Database } from '../store/database.ts';
import { AuditCursorError } from './audit-log.ts';
import type { AuditLog } from './audit-log.ts';
import { jsonResponse, operation } from '../contract/index.ts';
import {
  AUDIT_ENTRY_EXAMPLE,
  AUDIT_VERIFICATION_EXAMPLE,
  auditTrailSchema,
  auditVerificationSchema,
} from './audit.contract.ts';

export interface AuditRoutesOptions {
  readonly db: Database;
  readonly audit: AuditLog;
}

const trailQuerySchema = z.strictObject({
  cursor: z.string().max(64).optional().describe('the `nextCursor` of the previous page'),
  order: z.enum(['asc', 'desc']).default('asc').describe('chain order (oldest first) or newest first'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  action: z.string().min(1).max(100).optional().describe('e.g. `token.issued`, `watchlist.replaced`'),
  actor: z.string().min(1).max(200).optional().describe('who acted, e.g. `analyst:alice`'),
  subject: z.string().min(1).max(500).optional().describe('what was acted on: an MRN, a rule id, a list'),
  from: z.iso.datetime({ offset: true }).optional().describe('entries at or after this time'),
  to: z.iso.datetime({ offset: true }).optional().describe('entries before this time'),
});

export const auditRoutes: FastifyPluginCallback<AuditRoutesOptions> = (app, opts, done) => {
  app.get(
    '/audit',
    {
      schema: operation({
        operationId: 'listAuditEntries',
        permission: 'audit.read',
        tags: ['audit'],
        summary:
          "The caller's authority's audit trail, a page at a time, filtered by action, actor, subject and time",
        query: trailQuerySchema,
        responses: {
          200: jsonResponse('A page of the trail', auditTrailSchema, {
            entries: [AUDIT_ENTRY_EXAMPLE],
            nextCursor: null,
          }),
        },
      }),
    },
    async (request) => {
      const actor = actorOf(request);
      requirePermission(actor, 'audit.read');
      const q = parseInput(trailQuerySchema, request.query ?? {}, 'VIGIL_QUERY_INVALID');
      if (q.from !== undefined && q.to !== undefined && Date.parse(q.from) >= Date.parse(q.to)) {
        throw new VigilError('VIGIL_QUERY_INVALID', '`from` must be before `to`');
      }
      try {
        const page = await opts.audit.trail(opts.db.forAuthority(actor.authority), {
          authority: actor.authority,
          cursor: q.cursor,
          order: q.order,
          limit: q.limit,
          action: q.action,
          actor: q.actor,
          subject: q.subject,
          from: q.from !== undefined ? new Date(q.from) : undefined,
          to: q.to !== undefined ? new Date(q.to) : undefined,
        });
        return {
          entries: page.entries.map((e) => ({ ...e, at: e.at.toISOString() })),
          nextCursor: page.nextCursor,
        };
      } catch (err) {
        if (err instanceof AuditCursorError) {
          throw new VigilError('VIGIL_QUERY_INVALID', 'cursor is not one this list gave out');
        }
        throw err;
      }
    },
  );

  app.get(
    '/audit/verify',
    {
      schema: operation({
        operationId: 'verifyAudit',
        permission: 'audit.verify',
        tags: ['audit'],
        summary:
          "Verify the caller's authority's audit chain against its signed checkpoints: intact with its head, or its first broken entry; with the inbox's waiting and refused lines",
        responses: {
          200: jsonResponse(
            'The verification: ok with each chain’s head, or the first broken entry',
            auditVerificationSchema,
            AUDIT_VERIFICATION_EXAMPLE,
          ),
        },
      }),
    },
    async (request) => {
      const actor = actorOf(request);
      requirePermission(actor, 'audit.verify');
      return opts.audit.verify(opts.db.forAuthority(actor.authority), { authority: actor.authority });
    },
  );
  done();
};
