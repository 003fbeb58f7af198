/** HTTP adapter of the notification feed (/v1/notifications): outcomes after an id, oldest first. */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import { parseInput } from '../errors/index.ts';
import type { NotificationService } from './notification.service.ts';
import { jsonResponse, operation } from '../contract/index.ts';
import { NOTIFICATION_PAGE_EXAMPLE, notificationPageSchema } from './notification.contract.ts';

export interface NotificationRoutesOptions {
  readonly notifications: NotificationService;
}

// Paged like every list: `next` is what the previous page returned (`since` is its older name).
const notificationsQuery = z.strictObject({
  next: z.coerce.number().int().min(0).optional().describe('the `next` of the previous page'),
  since: z.coerce.number().int().min(0).optional().describe('older name of `next`'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const notificationRoutes: FastifyPluginCallback<NotificationRoutesOptions> = (app, opts, done) => {
  app.get(
    '/notifications',
    {
      schema: operation({
        operationId: 'listNotifications',
        permission: 'notification.read',
        tags: ['assessment'],
        summary:
          'Notifications (outcomes, amendment results, invalidations) after `next` (the id the previous page returned), oldest first',
        query: notificationsQuery,
        responses: {
          200: jsonResponse(
            'The notifications after `next`',
            notificationPageSchema,
            NOTIFICATION_PAGE_EXAMPLE,
          ),
        },
      }),
    },
    async (request) => {
      const q = parseInput(notificationsQuery, request.query, 'VIGIL_QUERY_INVALID');
      const after = q.next ?? q.since ?? 0;
      const items = await opts.notifications.list(actorOf(request), after, q.limit);
      return {
        items: items.map((n) => ({
          id: n.id,
          mrn: n.mrn,
          kind: n.kind,
          type: n.type,
          payload: n.payload,
          createdAt: new Date(n.created_at).toISOString(),
        })),
        next: items.length > 0 ? items[items.length - 1]!.id : after,
      };
    },
  );
  done();
};
