/**
 * HTTP adapter of the audit trail's verification: the caller's authority's chain, walked as
 * `vigil audit verify` walks it, so an auditor can check it while the embedded server runs.
 */
import type { FastifyPluginCallback } from 'fastify';
import { actorOf, requirePermission } from '../auth/index.ts';
import type { Database } from '../store/database.ts';
import type { AuditLog } from './audit-log.ts';

export interface AuditRoutesOptions {
  readonly db: Database;
  readonly audit: AuditLog;
}

export const auditRoutes: FastifyPluginCallback<AuditRoutesOptions> = (app, opts, done) => {
  app.get(
    '/audit/verify',
    {
      schema: {
        'x-vigil-permission': 'audit.verify',
        tags: ['audit'],
        summary:
          "Verify the caller's authority's audit chain: intact with its head, or its first broken entry",
      },
    },
    async (request) => {
      const actor = actorOf(request);
      requirePermission(actor, 'audit.verify');
      return opts.audit.verify(opts.db.forAuthority(actor.authority), { authority: actor.authority });
    },
  );
  done();
};
