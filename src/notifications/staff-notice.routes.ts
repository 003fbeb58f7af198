/** HTTP adapter of staff notices (/v1/staff-notices): the caller's own, newest first. */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import { parseInput } from '../errors/index.ts';
import { jsonResponse, operation } from '../contract/index.ts';
import type { StaffNoticeService } from './staff-notice.service.ts';

export const staffNoticeSchema = z
  .object({
    id: z.string(),
    recipient: z.string().describe('the person it is addressed to'),
    kind: z.string().describe('rule-capped'),
    subject: z.string(),
    body: z.string(),
    ref: z.string().optional().describe('what it is about, as a path of the API'),
    createdAt: z.string().describe('ISO 8601 date-time, UTC'),
  })
  .meta({ id: 'StaffNotice' });

export const STAFF_NOTICE_EXAMPLE: z.output<typeof staffNoticeSchema> = {
  id: 'sn_0b6f0d4e-8a43-4f1e-9b8e-3c2d1a0f9e77',
  recipient: 'ferrari',
  kind: 'rule-capped',
  subject: 'Your rule R-STEEL-UNDERVALUE (version 3) was capped as noisy',
  body: 'capped as noisy: it selected 9 a day for control at office NL000396, 45% of its capacity of 20 a day (at most 25%); alone it no longer selects.',
  ref: '/v1/rule-caps?rule=R-STEEL-UNDERVALUE',
  createdAt: '2027-03-04T10:15:00.000Z',
};

const query = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export const staffNoticeRoutes: FastifyPluginCallback<{ readonly notices: StaffNoticeService }> = (
  app,
  opts,
  done,
) => {
  app.get(
    '/staff-notices',
    {
      schema: operation({
        operationId: 'listStaffNotices',
        permission: 'notice.read',
        tags: ['rules'],
        summary: 'Notices addressed to the caller (a rule of theirs capped as noisy), newest first',
        query,
        responses: {
          200: jsonResponse('The caller’s notices', z.object({ items: z.array(staffNoticeSchema) }), {
            items: [STAFF_NOTICE_EXAMPLE],
          }),
        },
      }),
    },
    async (request) => {
      const q = parseInput(query, request.query, 'VIGIL_QUERY_INVALID');
      return { items: await opts.notices.mine(actorOf(request), q.limit) };
    },
  );
  done();
};
