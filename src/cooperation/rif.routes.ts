/**
 * HTTP adapter of cooperation: the directory of authorities (/v1/authorities), risk information forms
 * (/v1/rifs: draft, version, issue, withdraw, adopt, note or decline, feedback, STIX export and
 * import), sharing policies (/v1/sharing-policies) and the results others share (/v1/shared-results).
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import { parseInput } from '../errors/index.ts';
import { feedbackInputSchema, rifInputSchema } from './rif.schema.ts';
import type { RifService } from './rif.service.ts';
import { SHARING_CATEGORIES, sharingPolicySchema } from './sharing.service.ts';
import type { SharingService } from './sharing.service.ts';
import type { StixExchange } from './stix-exchange.ts';

export interface RifRoutesOptions {
  readonly rifs: RifService;
  readonly sharing: SharingService;
  readonly stix: StixExchange;
}

const rifJsonSchema = z.toJSONSchema(rifInputSchema, { io: 'input', unrepresentable: 'any' });
const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const codeParams = { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] } as const;

const listQuery = z.strictObject({
  box: z.enum(['inbox', 'issued']).default('inbox'),
  label: z
    .enum([
      'unread',
      'read',
      'adopted',
      'noted',
      'declined',
      'amended',
      'feedback-due',
      'overdue',
      'withdrawn',
      'expired',
      'draft',
      'issued',
    ])
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
const adoptionSchema = z.strictObject({
  activate: z.boolean().default(true),
  dryRun: z.boolean().default(false),
  backtestDays: z.number().int().min(1).max(366).default(90),
});
const withdrawalSchema = z.strictObject({ reason: z.string().trim().min(1).max(1000) });
const decisionSchema = z.strictObject({
  decision: z.enum(['noted', 'declined']),
  reason: z.string().trim().min(1).max(1000).optional(),
});
const authoritySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(['customs', 'partner']),
});
const sharedQuery = z.strictObject({
  category: z.enum(SHARING_CATEGORIES).optional(),
  source: z
    .string()
    .regex(/^[A-Z]{2,4}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const rifRoutes: FastifyPluginCallback<RifRoutesOptions> = (app, opts, done) => {
  const { rifs, sharing, stix } = opts;

  app.get(
    '/authorities',
    {
      schema: {
        'x-vigil-permission': 'directory.read',
        tags: ['cooperation'],
        summary: 'The directory of authorities on this deployment',
      },
    },
    async (request) => ({ items: await rifs.directory(actorOf(request)) }),
  );
  app.put<{ Params: { code: string } }>(
    '/authorities/:code',
    {
      schema: {
        'x-vigil-permission': 'directory.write',
        tags: ['cooperation'],
        summary: 'Register or rename an authority (customs or partner agency) in the directory',
        params: codeParams,
        body: z.toJSONSchema(authoritySchema),
      },
    },
    async (request) => rifs.putAuthority(actorOf(request), request.params.code, request.body),
  );

  app.post(
    '/rifs',
    {
      schema: {
        'x-vigil-permission': 'rif.write',
        tags: ['cooperation'],
        summary: 'Draft a risk information form; the answer lists active RIFs it may duplicate',
        body: rifJsonSchema,
      },
    },
    async (request, reply) => reply.status(201).send(await rifs.create(actorOf(request), request.body)),
  );
  app.get(
    '/rifs',
    {
      schema: {
        'x-vigil-permission': 'rif.read',
        tags: ['cooperation'],
        summary:
          'The inbox (RIFs addressed to you, with labels unread / adopted / noted / feedback-due / overdue …) or the RIFs you issued',
        querystring: {
          type: 'object',
          properties: {
            box: { type: 'string', enum: ['inbox', 'issued'] },
            label: { type: 'string' },
            limit: { type: 'integer' },
          },
        },
      },
    },
    async (request) => {
      const q = parseInput(listQuery, request.query, 'VIGIL_QUERY_INVALID');
      const actor = actorOf(request);
      return q.box === 'issued'
        ? {
            items: (await rifs.issued(actor, q.limit)).filter(
              (r) => q.label === undefined || r.status === q.label,
            ),
          }
        : { items: await rifs.inbox(actor, q.label, q.limit) };
    },
  );
  app.post(
    '/rifs/import',
    {
      schema: {
        'x-vigil-permission': 'rif.write',
        tags: ['cooperation'],
        summary:
          'Import a RIF from a STIX 2.1 bundle as a draft of your authority (validated against STIX 2.1)',
      },
    },
    async (request, reply) => reply.status(201).send(await stix.importBundle(actorOf(request), request.body)),
  );
  app.get<{ Params: { id: string } }>(
    '/rifs/:id',
    {
      schema: {
        'x-vigil-permission': 'rif.read',
        tags: ['cooperation'],
        summary:
          'A RIF (latest, or ?version=N) with its versions; the issuer also sees the deliveries, a recipient its own',
        params: idParams,
        querystring: { type: 'object', properties: { version: { type: 'integer' } } },
      },
    },
    async (request) => {
      const q = parseInput(
        z.strictObject({ version: z.coerce.number().int().min(1).optional() }),
        request.query,
        'VIGIL_QUERY_INVALID',
      );
      return rifs.get(actorOf(request), request.params.id, q.version);
    },
  );
  app.put<{ Params: { id: string } }>(
    '/rifs/:id',
    {
      schema: {
        'x-vigil-permission': 'rif.write',
        tags: ['cooperation'],
        summary: 'Change a RIF: a new version (an issued RIF is amended and its recipients see it changed)',
        params: idParams,
        body: rifJsonSchema,
      },
    },
    async (request) => rifs.update(actorOf(request), request.params.id, request.body),
  );
  app.post<{ Params: { id: string } }>(
    '/rifs/:id/issue',
    {
      schema: {
        'x-vigil-permission': 'rif.write',
        tags: ['cooperation'],
        summary: 'Issue a draft RIF to its recipients',
        params: idParams,
      },
    },
    async (request) => rifs.issue(actorOf(request), request.params.id),
  );
  app.post<{ Params: { id: string } }>(
    '/rifs/:id/withdrawal',
    {
      schema: {
        'x-vigil-permission': 'rif.write',
        tags: ['cooperation'],
        summary: 'Withdraw an issued RIF (with a reason); rules recipients adopted from it retire',
        params: idParams,
        body: z.toJSONSchema(withdrawalSchema),
      },
    },
    async (request) =>
      rifs.withdraw(
        actorOf(request),
        request.params.id,
        parseInput(withdrawalSchema, request.body ?? {}).reason,
      ),
  );
  app.post<{ Params: { id: string } }>(
    '/rifs/:id/adoption',
    {
      schema: {
        'x-vigil-permission': 'rif.decide',
        tags: ['cooperation'],
        summary:
          'Adopt a RIF in one step: the generated CEL rule, backtested on your history, then activated (dryRun only shows it)',
        params: idParams,
        body: z.toJSONSchema(adoptionSchema, { io: 'input' }),
      },
    },
    async (request, reply) => {
      const input = parseInput(adoptionSchema, request.body ?? {});
      const out = await rifs.adopt(actorOf(request), request.params.id, input);
      return reply.status(input.dryRun ? 200 : 201).send(out);
    },
  );
  app.post<{ Params: { id: string } }>(
    '/rifs/:id/decision',
    {
      schema: {
        'x-vigil-permission': 'rif.decide',
        tags: ['cooperation'],
        summary: 'Note a RIF, or decline it with a reason',
        params: idParams,
        body: z.toJSONSchema(decisionSchema),
      },
    },
    async (request) => rifs.decide(actorOf(request), request.params.id, request.body),
  );
  app.post<{ Params: { id: string } }>(
    '/rifs/:id/feedback',
    {
      schema: {
        'x-vigil-permission': 'rif.feedback',
        tags: ['cooperation'],
        summary: 'Give feedback on a RIF sent to you (control results become feedback by themselves)',
        params: idParams,
        body: z.toJSONSchema(feedbackInputSchema),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await rifs.giveFeedback(actorOf(request), request.params.id, request.body)),
  );
  app.get<{ Params: { id: string } }>(
    '/rifs/:id/feedback',
    {
      schema: {
        'x-vigil-permission': 'rif.read',
        tags: ['cooperation'],
        summary:
          'Feedback on a RIF: the issuer sees every recipient’s and who is overdue; a recipient its own',
        params: idParams,
      },
    },
    async (request) => rifs.feedbackOf(actorOf(request), request.params.id),
  );
  app.get<{ Params: { id: string } }>(
    '/rifs/:id/stix',
    {
      schema: {
        'x-vigil-permission': 'rif.read',
        tags: ['cooperation'],
        summary: 'The RIF as a STIX 2.1 bundle (report, indicator, TLP marking; feedback as sightings)',
        params: idParams,
      },
    },
    async (request) => stix.exportRif(actorOf(request), request.params.id),
  );

  app.get(
    '/sharing-policies',
    {
      schema: {
        'x-vigil-permission': 'sharing.read',
        tags: ['cooperation'],
        summary: 'Your authority’s sharing policy',
      },
    },
    async (request) => sharing.policy(actorOf(request)),
  );
  app.put(
    '/sharing-policies',
    {
      schema: {
        'x-vigil-permission': 'sharing.write',
        tags: ['cooperation'],
        summary: 'Replace your authority’s sharing policy: per category, with whom and at what level',
        body: z.toJSONSchema(sharingPolicySchema),
      },
    },
    async (request) => sharing.replacePolicy(actorOf(request), request.body),
  );
  app.get(
    '/shared-results',
    {
      schema: {
        'x-vigil-permission': 'shared.read',
        tags: ['cooperation'],
        summary: 'Control results and seizures other authorities shared with yours, with their source',
        querystring: {
          type: 'object',
          properties: {
            category: { type: 'string' },
            source: { type: 'string' },
            limit: { type: 'integer' },
          },
        },
      },
    },
    async (request) => ({
      items: await sharing.shared(
        actorOf(request),
        parseInput(sharedQuery, request.query, 'VIGIL_QUERY_INVALID'),
      ),
    }),
  );
  done();
};
